"""Asking for a new link: one answer for every address, counted per address and per IP, sent by a worker."""

from __future__ import annotations

import re
from unittest import mock

import pytest
from django.urls import reverse

from clients.tests.factories import ClientFactory, FirmFactory, member
from portal import ratelimit, services
from portal.access import SESSION_KEY
from portal.testing import grant_access, sign_in

pytestmark = pytest.mark.django_db

ASK = "/portal/sign-in/"


@pytest.fixture
def queued():
    with mock.patch("portal.views.send_sign_in_links.delay") as delay:
        yield delay


def _answer(response) -> str:
    body = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())
    return body.replace("known@mail.example", "ADDRESS").replace("nobody@mail.example", "ADDRESS")


def test_the_answer_is_the_same_for_a_known_and_an_unknown_address(client, queued):
    grant_access(ClientFactory(email="known@mail.example"))
    known = client.post(ASK, {"email": "Known@Mail.example "})
    unknown = client.post(ASK, {"email": "nobody@mail.example"})
    assert known.status_code == unknown.status_code == 200
    assert _answer(known) == _answer(unknown)
    assert "Check your email" in known.content.decode()
    # Looked up by the worker only, never in the request.
    assert [c.args for c in queued.call_args_list] == [("known@mail.example",), ("nobody@mail.example",)]


def test_a_bad_address_is_a_field_message(client, queued):
    for bad in ("", "not an address", "a@b", "x" * 300 + "@mail.example", "a\r\nb@mail.example"):
        response = client.post(ASK, {"email": bad})
        assert response.status_code == 400, bad
        assert 'class="invalid-feedback"' in response.content.decode()
    assert not queued.called


def test_requests_are_limited_per_address(client, queued):
    for _ in range(ratelimit.PER_ADDRESS):
        assert client.post(ASK, {"email": "ana@mail.example"}).status_code == 200
    refused = client.post(ASK, {"email": "ANA@mail.example"})
    assert refused.status_code == 429
    assert "Too many links were asked" in refused.content.decode()
    assert queued.call_count == ratelimit.PER_ADDRESS
    # Another address from the same network is still served.
    assert client.post(ASK, {"email": "ben@mail.example"}).status_code == 200


def test_requests_are_limited_per_ip(client, queued):
    for n in range(ratelimit.PER_IP):
        assert client.post(ASK, {"email": f"a{n}@mail.example"}).status_code == 200
    assert client.post(ASK, {"email": "late@mail.example"}, REMOTE_ADDR="127.0.0.1").status_code == 429
    assert client.post(ASK, {"email": "late@mail.example"}, REMOTE_ADDR="10.1.2.3").status_code == 200
    assert queued.call_count == ratelimit.PER_IP + 1


def test_a_cache_that_does_not_answer_refuses_rather_than_sends_uncounted(client, queued):
    with mock.patch("portal.ratelimit.cache.add", side_effect=ConnectionError("down")):
        response = client.post(ASK, {"email": "ana@mail.example"})
    assert response.status_code == 429 and not queued.called


def test_a_signed_in_client_goes_home(client):
    sign_in(client, ClientFactory())
    assert client.get(ASK)["Location"] == reverse("portal:home")


def test_staff_get_404(client):
    client.force_login(member(FirmFactory(), "owner"))
    assert client.get(ASK).status_code == 404
    assert client.post(ASK, {"email": "ana@mail.example"}).status_code == 404


def test_one_link_per_portal_client_with_the_address(smtp_server):
    """A family sharing one address, or one person who is a client of two firms: each client record
    with portal access gets its own link (each signs in as that client only); no access, no link."""
    firm, other = FirmFactory(name="Maple Route"), FirmFactory(name="North Star")
    mother = ClientFactory(firm=firm, first_name="Maria", email="family@mail.example")
    son = ClientFactory(firm=firm, first_name="Tomas", email="Family@Mail.example", preferred_language="fr")
    elsewhere = ClientFactory(firm=other, first_name="Maria", email="family@mail.example")
    ClientFactory(firm=firm, first_name="Uninvited", email="family@mail.example")
    revoked = ClientFactory(firm=firm, first_name="Revoked", email="family@mail.example")
    for c in (mother, son, elsewhere, revoked):
        grant_access(c)
    services.revoke(client=revoked, by=revoked.consultant)

    assert services.send_links_to_address("FAMILY@mail.example") == 3
    messages = smtp_server.wait_for(3)
    assert len(messages) == 3
    by_client = {}
    for msg in messages:
        text = msg.get_body(("plain",)).get_content()
        link = next(line.strip() for line in text.splitlines() if "/portal/sign-in/" in line)
        by_client[int(link.split("/portal/sign-in/")[1].split("/")[0])] = (msg, link)
    assert set(by_client) == {mother.pk, son.pk, elsewhere.pk}
    assert by_client[son.pk][0]["Content-Language"] == "fr"
    assert "Votre lien de connexion" in by_client[son.pk][0]["Subject"]
    assert "North Star" in by_client[elsewhere.pk][0]["From"]
    from django.test import Client as Browser

    for client_obj in (mother, son, elsewhere):
        browser = Browser()
        path = by_client[client_obj.pk][1].split("://", 1)[1].split("/", 1)[1]
        assert browser.post("/" + path).status_code == 302
        assert browser.session[SESSION_KEY]["client"] == client_obj.pk


@pytest.mark.django_db(transaction=True)
def test_a_worker_sends_the_link_asked_for_and_it_signs_in(client, celery_workers, smtp_server):
    """The whole way: the form, the task on Redis, a real worker, the email on SMTP, the link used."""
    lea = ClientFactory(first_name="Lea", email="lea@mail.example", preferred_language="fr")
    grant_access(lea)
    celery_workers.start("w1")
    response = client.post(ASK, {"email": "LEA@mail.example"})
    assert response.status_code == 200
    [message] = smtp_server.wait_for(1, timeout=60)
    assert message["To"].addresses[0].addr_spec == "lea@mail.example" and message["Content-Language"] == "fr"
    text = message.get_body(("plain",)).get_content()
    link = next(line.strip() for line in text.splitlines() if "/portal/sign-in/" in line)
    assert client.post("/" + link.split("://", 1)[1].split("/", 1)[1]).status_code == 302
    assert client.session[SESSION_KEY]["client"] == lea.pk
