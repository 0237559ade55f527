"""Sign-in tokens: django-sesame's signed tokens, read by a backend of the portal's own.

django-sesame (SESAME_* settings: 30 minutes, single use) signs a token for the client's
PortalAccess.user, scoped to that client (``portal:<client id>``): a token carries the user's
primary key, its creation time and a keyed BLAKE2 signature over them, the user's password
hash, its last login and the scope. So a token is refused when it is older than
SESAME_MAX_AGE, once it has been used (signing in sets last_login), once access is revoked
(revoking sets a new random unusable password), when altered in any byte, and when it is
presented for another client (another scope).

The backend is not in AUTHENTICATION_BACKENDS: a sesame token can never log anyone in to the
staff side; portal.services calls it directly and keeps the client in a session of its own kind.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from sesame import settings as sesame_settings
from sesame.backends import ModelBackend
from sesame.utils import get_token

from portal.models import PortalAccess


def scope_for(client_id: int) -> str:
    """The sesame scope binding a token to one client."""
    return f"portal:{client_id}"


class PortalTokenBackend(ModelBackend):
    """Resolves a token to the auth user of an enabled PortalAccess, nobody else."""

    def get_user(self, user_id):
        user = super().get_user(user_id)
        if user is None or not PortalAccess.objects.filter(user_id=user.pk, is_enabled=True).exists():
            return None
        return user


def make_token(access: PortalAccess) -> str:
    """A fresh sign-in token for this access's client.

    The user is read again: a token signs its last login and password as stored now, and an
    in-memory copy from before a sign-in or a revocation would sign a stale one (a dead link).
    """
    user = get_user_model()._default_manager.get(pk=access.user_id)
    return get_token(user, scope=scope_for(access.client_id))


def user_for_token(token: str, *, client_id: int):
    """The auth user the token was made for, if it is valid for `client_id` now; else None."""
    if not token or len(token) > 200:
        return None
    return PortalTokenBackend().authenticate(None, sesame=token, scope=scope_for(client_id))


def link_minutes() -> int:
    """How long a sign-in link lasts, in minutes (SESAME_MAX_AGE), as emails and pages say it."""
    return int(sesame_settings.MAX_AGE // 60)
