"""Security review: the per-IP limits cannot be dodged by changing address inside one IPv6 /64."""

from __future__ import annotations

import uuid

import pytest
from django.test import RequestFactory

from intake import ratelimit as intake_ratelimit
from intake.models import IntakeLink
from portal import ratelimit

pytestmark = pytest.mark.django_db


def _from(address: str):
    return RequestFactory().post("/", REMOTE_ADDR=address)


def test_sign_in_links_count_an_ipv6_64_as_one_address():
    for n in range(ratelimit.PER_IP):
        assert ratelimit.allow_link_request(_from(f"2001:db8:1:2::{n + 1:x}"), f"a{n}@mail.example")
    # The next address of the same /64 (what one home or one cloud machine owns) is refused...
    assert not ratelimit.allow_link_request(_from("2001:db8:1:2:ffff::9"), "late@mail.example")
    # ... another /64 is not.
    assert ratelimit.allow_link_request(_from("2001:db8:1:3::1"), "late2@mail.example")


def test_an_ipv4_mapped_address_is_its_ipv4_address():
    assert ratelimit.counted_network(_from("::ffff:10.1.2.3")) == "10.1.2.3"
    assert ratelimit.counted_network(_from("10.1.2.3")) == "10.1.2.3"


def test_intake_submissions_count_an_ipv6_64_as_one_address(monkeypatch):
    from clients.tests.factories import FirmFactory

    monkeypatch.setattr(intake_ratelimit, "NAMESPACE", f"intake:test-{uuid.uuid4().hex[:8]}")
    link = IntakeLink(pk=10**9, firm=FirmFactory())
    for n in range(intake_ratelimit.PER_IP):
        assert intake_ratelimit.allow_submission(_from(f"2001:db8:5:6::{n + 1:x}"), link)
    assert not intake_ratelimit.allow_submission(_from("2001:db8:5:6:abcd::1"), link)


def test_an_address_is_counted_as_the_lookup_compares_it(client):
    """Variants such as "kım@" (a dotless ı) pass the email field and find kim@'s clients (iexact:
    UPPER()), so they may not open a fresh count each: the inbox of kim@ gets PER_ADDRESS links an hour."""
    from unittest import mock

    from clients.tests.factories import ClientFactory
    from portal.models import PortalAccess
    from portal.testing import grant_access

    grant_access(ClientFactory(email="kim@mail.example"))
    variant = "k\u0131m@mail.example"
    assert PortalAccess.objects.filter(client__email__iexact=variant).exists()  # the same inbox
    with mock.patch("portal.views.send_sign_in_links.delay") as delay:
        for _ in range(ratelimit.PER_ADDRESS):
            assert client.post("/portal/sign-in/", {"email": "kim@mail.example"}).status_code == 200
        assert client.post("/portal/sign-in/", {"email": variant}).status_code == 429
        assert client.post("/portal/sign-in/", {"email": "KIM@MAIL.EXAMPLE"}).status_code == 429
    assert delay.call_count == ratelimit.PER_ADDRESS
