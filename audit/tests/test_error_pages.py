"""Error pages are plain: no request data, no personal data, no traceback."""

from __future__ import annotations

import io
import logging

import pytest

from clients.tests.factories import ClientFactory, FirmFactory, member

pytestmark = pytest.mark.django_db


def test_404_page_does_not_echo_the_request(client):
    response = client.get("/no-such-page/ana@mail.example/<b>")
    assert response.status_code == 404
    body = response.content.decode()
    assert "Page not found" in body
    assert "ana@mail.example" not in body and "no-such-page" not in body


def test_another_firms_client_history_is_a_plain_404(client):
    stranger = ClientFactory(firm=FirmFactory(), first_name="Secret", last_name="Person")
    client.force_login(member(role="owner"))
    response = client.get(f"/clients/{stranger.pk}/history/")
    assert response.status_code == 404
    assert "Secret" not in response.content.decode()


def test_403_page_explains_roles_without_detail(client):
    client.force_login(member(role="assistant"))
    response = client.get("/clients/export.csv")
    assert response.status_code == 403
    body = response.content.decode()
    assert "Your role in the firm does not allow this" in body
    assert "export_clients" not in body


def test_500_page_shows_no_exception_and_the_log_is_scrubbed(client, settings):
    settings.ROOT_URLCONF = "audit.tests.urls"
    client.raise_request_exception = False
    [console] = [h for h in logging.getLogger("django").handlers if type(h) is logging.StreamHandler]
    stream = io.StringIO()
    saved = console.setStream(stream)
    try:
        response = client.get("/test/broken/")
    finally:
        console.setStream(saved)
    assert response.status_code == 500
    body = response.content.decode()
    assert "Something went wrong" in body
    assert "ana.reyes" not in body and "RuntimeError" not in body and "555" not in body
    logged = stream.getvalue()
    assert "Internal Server Error: /test/broken/" in logged
    assert "lookup failed for [email], phone [phone]" in logged
    assert "ana.reyes@mail.example" not in logged


def test_csrf_failure_page_is_plain(client):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = strict.post("/login/", {"username": "u", "password": "p"})
    assert response.status_code == 403
    body = response.content.decode()
    assert "This form has expired" in body
    assert "CSRF" not in body and "Reason" not in body


def test_client_named_script_shows_as_text_on_the_client_list(client):
    firm = FirmFactory()
    ClientFactory(firm=firm, first_name="<script>alert(1)</script>", last_name="Reyes")
    client.force_login(member(firm, "consultant"))
    body = client.get("/clients/").content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "<script>alert(1)</script>" not in body
