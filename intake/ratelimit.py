"""Counting intake submissions, per network address and per link.

Fixed windows of WINDOW, counted by portal.ratelimit's helper (the project's one rate-limit
counter: cache.add + incr, atomic in Redis; a cache that does not answer refuses, so nothing
is stored while submissions cannot be counted). The address is portal.ratelimit.counted_network
(audit.backends.client_address, an IPv6 /64 as one address).
"""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest

from intake.models import IntakeLink
from portal.ratelimit import allow, counted_network, hashed

WINDOW = dt.timedelta(hours=1)
PER_IP = 5  # a family filling in one questionnaire each, from one home
PER_LINK = 200  # a firm's whole link, whatever the addresses: bounds a distributed flood
NAMESPACE = "intake:submissions"


def allow_submission(request: HttpRequest, link: IntakeLink) -> bool:
    """Count one submission from this request's address to `link`; False past either limit."""
    return allow([
        (f"{NAMESPACE}:ip:{hashed(counted_network(request))}", PER_IP),
        (f"{NAMESPACE}:link:{link.pk}", PER_LINK),
    ], WINDOW, "intake")
