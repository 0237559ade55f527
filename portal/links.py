"""Addresses of the portal in emails: an email has no request, so they start with settings.SITE_URL."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse
from sesame import settings as sesame_settings

from portal.models import PortalAccess


def portal_url() -> str:
    """The portal's home page; a visitor without a session is asked for their email, then gets a link."""
    return settings.SITE_URL + reverse("portal:home")


def sign_in_url(access: PortalAccess, *, token: str) -> str:
    """The link of a sign-in email (portal.tokens.make_token(access) makes the token)."""
    path = reverse("portal:sign_in", args=[access.client_id])
    return f"{settings.SITE_URL}{path}?{urlencode({sesame_settings.TOKEN_NAME: token})}"
