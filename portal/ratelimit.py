"""Counting requests for sign-in links in the cache (Redis in production and tests).

Fixed windows: the first request of a key starts a window of WINDOW; each request adds one;
past the limit the request is refused until the window ends. Counted per address (whatever
its case, known or not: the answer must not tell them apart) and per IP address
(audit.backends.client_address, the one reading of X-Forwarded-For; an IPv6 /64 counts as one
address: counted_network). A cache that does not answer refuses: no link is sent while
requests cannot be counted.

The counting itself (`hit`, `allow`, `hashed`) is the project's one rate-limit helper: intake's
questionnaire limits (intake/ratelimit.py) use it too.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import ipaddress
import logging
from collections.abc import Iterable

from django.core.cache import cache
from django.http import HttpRequest

from audit.backends import client_address

log = logging.getLogger(__name__)

NAMESPACE = "portal:links"
WINDOW = dt.timedelta(hours=1)
PER_ADDRESS = 3
PER_IP = 20


def hashed(value: str) -> str:
    """A key part for `value` that does not write it to Redis in clear (an email, an address)."""
    return hashlib.sha256(value.encode()).hexdigest()[:32]


def hit(key: str, limit: int, window: dt.timedelta) -> bool:
    """Count one request on `key` (cache.add + incr, atomic in Redis); True while within `limit`
    for the current fixed window (the first request of a key starts a window of `window`)."""
    seconds = int(window.total_seconds())
    if cache.add(key, 1, timeout=seconds):
        return True
    try:
        count = cache.incr(key)
    except ValueError:  # the window ended between add() and incr()
        cache.add(key, 1, timeout=seconds)
        return True
    return count <= limit


def allow(limits: Iterable[tuple[str, int]], window: dt.timedelta, what: str) -> bool:
    """Count one request on every (key, limit) of `limits`; True only if each is within its limit.

    Every key is counted, even past a refusal (a refused request still counts). A cache that
    does not answer refuses: `what` names the limit in the warning logged then.
    """
    try:
        verdicts = [hit(key, limit, window) for key, limit in limits]
    except Exception as exc:  # noqa: BLE001 - any cache failure: refuse rather than act uncounted
        log.warning("%s rate limit: cache unavailable (%s)", what, type(exc).__name__)
        return False
    return all(verdicts)


def _key(kind: str, value: str) -> str:
    return f"{NAMESPACE}:{kind}:{hashed(value)}"


def counted_network(request: HttpRequest) -> str:
    """The address a request is counted under: its IPv4 address, or its IPv6 /64 network.

    One IPv6 connection routinely owns a whole /64 (2^64 addresses): counted per address, an
    attacker would change address at every request and never reach a limit.
    """
    address = client_address(request) or "unknown"
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if ip.version == 6 and ip.ipv4_mapped is not None:
        return str(ip.ipv4_mapped)
    return str(ipaddress.ip_network(f"{ip}/64", strict=False)) if ip.version == 6 else str(ip)


def allow_link_request(request: HttpRequest, email: str) -> bool:
    """Whether a link may be sent for `email` from this request's address; counts the request."""
    return allow([
        (_key("ip", counted_network(request)), PER_IP),
        # Upper case, as the lookup compares (iexact: UPPER() in PostgreSQL): "kım@" (a dotless ı)
        # finds kim@'s clients, so it must be counted as kim@ too, not as a new address.
        (_key("email", email.strip().upper()), PER_ADDRESS),
    ], WINDOW, "sign-in link")


def window_minutes() -> int:
    return int(WINDOW.total_seconds() // 60)
