"""Test helpers: a client signed in to the portal, the real way (a token used once by POST).

    from portal.testing import grant_access, sign_in, sign_in_url_for
    access = sign_in(django_test_client, client)   # the test client now holds a client session
    response = django_test_client.get(reverse("portal:home"))

For Chromium: ``session_cookie(client)`` returns the session cookie's value of a fresh client
session, to add to a browser context (settings.SESSION_COOKIE_NAME).
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.test import Client as DjangoClient
from django.urls import reverse
from django.utils import timezone
from sesame import settings as sesame_settings

from clients.models import Client
from portal.models import PortalAccess
from portal.services import new_portal_user
from portal.tokens import make_token


def grant_access(client: Client, *, by=None) -> PortalAccess:
    """Portal access for `client` without sending an email (enabled again if it was revoked)."""
    access = PortalAccess.objects.filter(client=client).select_related("client", "user").first()
    if access is None:
        return PortalAccess.objects.create(client=client, user=new_portal_user(), invited_at=timezone.now(),
                                           invited_by=by or client.consultant)
    if not access.is_enabled:
        access.is_enabled = True
        access.save(update_fields=["is_enabled"])
    return access


def sign_in_path(access: PortalAccess, token: str | None = None) -> str:
    """The path (with its query) of a sign-in link for `access`; a fresh token unless one is given."""
    token = make_token(access) if token is None else token
    query = urlencode({sesame_settings.TOKEN_NAME: token})
    return f"{reverse('portal:sign_in', args=[access.client_id])}?{query}"


def sign_in(django_client: DjangoClient, client: Client) -> PortalAccess:
    """Grant `client` access and sign the Django test client in as them (a POST of a fresh link)."""
    access = grant_access(client)
    response = django_client.post(sign_in_path(access))
    assert response.status_code == 302 and response["Location"] == reverse("portal:home"), response
    return access


def session_cookie(client: Client) -> str:
    """The session cookie of a new client session of `client` (for a browser context)."""
    django_client = DjangoClient()
    sign_in(django_client, client)
    return django_client.cookies[settings.SESSION_COOKIE_NAME].value
