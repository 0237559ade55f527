"""Security review: a page whose address carries a sign-in token never leaks it in a Referer."""

from __future__ import annotations

import re

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
