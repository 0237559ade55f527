"""Login throttling backend (django-axes), first in AUTHENTICATION_BACKENDS."""

from __future__ import annotations

import ipaddress

from axes.backends import AxesStandaloneBackend
from django.conf import settings


class LoginThrottleBackend(AxesStandaloneBackend):
    """Refuse credentials from a locked-out client; authenticates nobody itself.

    django-axes throttles HTTP clients, so it needs the request. Calls without one
    (Django's test client ``client.login()``, a shell, a management command) come from no
    remote client: there is nothing to throttle, and axes would raise instead of checking.
    Every web login (LoginView, the admin) passes the request and is throttled.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def throttle_username(request, credentials: dict | None) -> str | None:
    """The username django-axes counts failures for (AXES_USERNAME_CALLABLE).

    Cut to the 150 characters a username can have: Django's login form passes longer input on
    to authenticate(), and axes would write it to a 255-character column (a database error,
    found by the fuzz test). No real account has a longer name, so nothing is lost.
    """
    data = credentials if credentials else getattr(request, "POST", {})
    username = data.get("username") if data else None
    return username[:150] if isinstance(username, str) else username


def client_address(request) -> str | None:
    """The address django-axes counts failures for (AXES_CLIENT_IP_CALLABLE).

    With TRUSTED_PROXY_COUNT = N reverse proxies in front, each appends to X-Forwarded-For the
    address the request came to it from, and the last one is the socket peer (REMOTE_ADDR): the
    client is the N-th entry from the right. Entries further left are whatever the client sent
    and are never read, so nobody can choose the address they are counted under. With N = 0 the
    header is ignored. Without django-ipware, axes itself reads only REMOTE_ADDR: behind a proxy,
    one address for everyone, and five wrong passwords from anywhere locked the real user out.
    A header with fewer than N entries (a request that did not pass every proxy) or an entry that
    is not an address falls back to REMOTE_ADDR.
    """
    peer = request.META.get("REMOTE_ADDR")
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return peer
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    if len(forwarded) < count:
        return peer
    return _ip_address(forwarded[-count]) or peer


def _ip_address(text: str) -> str | None:
    """`text` as a normalised IP address, with a port some proxies add removed (1.2.3.4:5678, [::1]:80)."""
    candidates = [text]
    if text.startswith("[") and "]" in text:
        candidates.append(text[1:text.index("]")])
    elif text.count(":") == 1:
        candidates.append(text.split(":")[0])
    for candidate in candidates:
        try:
            return str(ipaddress.ip_address(candidate))
        except ValueError:
            continue
    return None
