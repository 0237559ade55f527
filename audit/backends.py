"""Login throttling backend (django-axes), first in AUTHENTICATION_BACKENDS."""

from __future__ import annotations

from axes.backends import AxesStandaloneBackend


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
