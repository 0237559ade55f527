"""Security review: a page whose address carries a sign-in token never leaks it in a Referer."""

from __future__ import annotations

import re
from importlib import import_module

import pytest

from clients.tests.factories import ClientFactory, FirmFactory
from portal.testing import grant_access, sign_in_path

pytestmark = pytest.mark.django_db


def _meta_referrer(html: str) -> list[str]:
    return re.findall(r'<meta name="referrer" content="([^"]*)"', html)


@pytest.mark.parametrize("valid", [True, False])
def test_the_sign_in_page_sends_no_referrer(client, valid):
    """The page loads a stylesheet, a favicon and has forms: with `same-origin`, each of those requests
    would carry the full address, token included, to the server's logs; so: `strict-origin` (the origin
    only), in the header and in the page's own <meta> (which would otherwise override the header).
    Not `no-referrer`: Chromium then posts the page's form with `Origin: null` and Django's CSRF check
    refuses the sign-in (tests/test_portal_journey.py signs in through that form in Chromium)."""
    access = grant_access(ClientFactory(firm=FirmFactory(), email="ana@mail.example"))
    path = sign_in_path(access) if valid else sign_in_path(access, token="x" * 40)
    response = client.get(path)
    assert response.status_code == (200 if valid else 410)
    assert response["Referrer-Policy"] == "strict-origin"
    assert _meta_referrer(response.content.decode()) == ["strict-origin"]
    assert "no-store" in response["Cache-Control"]
    posted = client.post(path)
    assert posted["Referrer-Policy"] == "strict-origin"


def test_other_portal_pages_keep_same_origin(client):
    response = client.get("/portal/sign-in/")
    assert _meta_referrer(response.content.decode()) == ["same-origin"]


def test_signing_in_gives_the_browser_a_new_session_key(client):
    """Session fixation: a key planted in the browser before the link is used is not the client's session."""
    from django.conf import settings

    from portal.access import SESSION_KEY

    access = grant_access(ClientFactory(firm=FirmFactory(), email="ana@mail.example"))
    session = client.session
    session["planted"] = "by someone else"
    session.save()
    planted = session.session_key
    path = sign_in_path(access)
    client.get(path)
    assert client.post(path).status_code == 302
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert key != planted
    assert "planted" not in client.session and client.session[SESSION_KEY]["client"] == access.client_id
    store = import_module(settings.SESSION_ENGINE).SessionStore
    assert not store().exists(planted)  # the old key is gone, not merely unused
