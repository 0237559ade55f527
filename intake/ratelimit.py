"""Counting intake submissions in the cache (Redis), per network address and per link.

Fixed windows of WINDOW, counted with cache.add + incr (atomic in Redis). The address is
audit.backends.client_address, the project's one reading of X-Forwarded-For. A cache that
does not answer refuses: nothing is stored while submissions cannot be counted.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging

from django.core.cache import cache
from django.http import HttpRequest

from intake.models import IntakeLink
from portal.ratelimit import counted_network

log = logging.getLogger(__name__)

WINDOW = dt.timedelta(hours=1)
PER_IP = 5  # a family filling in one questionnaire each, from one home
PER_LINK = 200  # a firm's whole link, whatever the addresses: bounds a distributed flood
NAMESPACE = "intake:submissions"


def _hit(key: str, limit: int) -> bool:
    seconds = int(WINDOW.total_seconds())
    if cache.add(key, 1, timeout=seconds):
        return True
    try:
        return cache.incr(key) <= limit
    except ValueError:  # the window ended between add() and incr()
        cache.add(key, 1, timeout=seconds)
        return True


def allow_submission(request: HttpRequest, link: IntakeLink) -> bool:
    """Count one submission from this request's address to `link`; False past either limit."""
    address = hashlib.sha256(counted_network(request).encode()).hexdigest()[:32]  # an IPv6 /64 as one
    try:
        by_ip = _hit(f"{NAMESPACE}:ip:{address}", PER_IP)
        by_link = _hit(f"{NAMESPACE}:link:{link.pk}", PER_LINK)
    except Exception as exc:  # noqa: BLE001 - any cache failure: refuse rather than store uncounted
        log.warning("intake rate limit: cache unavailable (%s)", type(exc).__name__)
        return False
    return by_ip and by_link
