"""The client session: its own kind, confined to /portal/.

A client who signs in (portal.services.sign_in) is never logged in with Django's auth: the
session holds a marker (SESSION_KEY: the client's id, the access's session_version, when it
started and when it was last used) and ``request.user`` stays anonymous. So every staff page,
the admin included, treats a client session exactly as an anonymous visitor (the login page),
whatever its own checks are; and only views wrapped in ``client_required`` read the marker.

The session ends when the browser closes, after SESSION_IDLE without a request, SESSION_MAX
after signing in, when the client signs out, and at once everywhere when access is revoked
(the stored session_version no longer matches).
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from functools import wraps

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.cache import add_never_cache_headers

from portal.models import PortalAccess

SESSION_KEY = "portal_client"
SESSION_IDLE = dt.timedelta(minutes=30)
SESSION_MAX = dt.timedelta(hours=4)
# A request refreshes "last used" only when the stored time is older than this: one session write
# a minute at most, not one per page.
SEEN_REFRESH = dt.timedelta(minutes=1)


def start_client_session(request: HttpRequest, access: PortalAccess) -> None:
    """Replace whatever session the browser had (a staff login included) with a client session."""
    request.session.flush()  # a new key, nothing of the previous session (and logs out any staff user)
    now = int(time.time())
    request.session[SESSION_KEY] = {
        "client": access.client_id, "version": access.session_version, "started": now, "seen": now,
    }
    request.session.set_expiry(0)  # ends when the browser closes


def end_client_session(request: HttpRequest) -> None:
    request.session.flush()


def session_client_id(request: HttpRequest) -> int | None:
    """The client id of a live client session, or None (no session, expired, or a staff user)."""
    marker = request.session.get(SESSION_KEY)
    if not isinstance(marker, dict) or request.user.is_authenticated:
        return None
    now = time.time()
    try:
        idle, age = now - marker["seen"], now - marker["started"]
        if idle > SESSION_IDLE.total_seconds() or age > SESSION_MAX.total_seconds():
            return None
        return int(marker["client"])
    except (KeyError, TypeError, ValueError):
        return None


def _live_access(request: HttpRequest) -> PortalAccess | None:
    client_id = session_client_id(request)
    if client_id is None:
        return None
    marker = request.session[SESSION_KEY]
    return (
        PortalAccess.objects.select_related("client__firm", "client__consultant")
        .filter(client_id=client_id, is_enabled=True, session_version=marker.get("version"))
        .first()
    )


def client_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Portal views: a live client session, else the "ask for a link" page; staff users get a 404.

    Sets ``request.portal_client`` (clients.models.Client, with its firm and consultant) and
    ``request.portal_access``. Views read every object through ``request.portal_client``, so
    another client's anything is a 404.
    """

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.user.is_authenticated:
            raise Http404  # staff never see the portal's pages, nor learn which exist
        access = _live_access(request)
        if access is None:
            if SESSION_KEY in request.session:
                request.session.flush()  # expired or revoked: nothing of it is kept
            return redirect("portal:ask_link")
        marker = request.session[SESSION_KEY]
        now = int(time.time())
        if now - marker["seen"] >= SEEN_REFRESH.total_seconds():
            request.session[SESSION_KEY] = {**marker, "seen": now}
        request.portal_access = access
        request.portal_client = access.client
        response = view(request, *args, **kwargs)
        add_never_cache_headers(response)  # a client's own data: never kept by a browser or a proxy
        return response

    wrapped.client_required = True  # lets a test find every portal view
    return wrapped


@receiver(user_logged_in, dispatch_uid="portal.drop_client_session_on_staff_login")
def _drop_client_session(sender, request, user, **kwargs) -> None:
    """A staff login in a browser that had a client session keeps no client marker."""
    if request is not None and hasattr(request, "session"):
        request.session.pop(SESSION_KEY, None)
