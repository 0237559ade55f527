"""Hostile input against the login form and the security pages: a 4xx or a form message, never
a 500, and nothing half-saved (testing/fuzz.py, reusable for every form)."""

from __future__ import annotations

import pytest

from audit.models import ExportLog
from clients.tests.factories import ClientFactory, FirmFactory, member
from testing.fuzz import fuzz_form_post, fuzz_get

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # Fuzzing posts hundreds of logins; the hash strength is not what is under test here.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_login_form_survives_hostile_input(client):
    member(role="consultant", username="priya")
    statuses = fuzz_form_post(client, "/login/", ["username", "password", "next"], max_examples=80)
    assert set(statuses) <= {200, 429}  # the form again with a message, or the lockout page
    assert "_auth_user_id" not in client.session


def test_audit_pages_survive_hostile_query_parameters(client):
    firm = FirmFactory()
    ana = ClientFactory(firm=firm)
    client.force_login(member(firm, "owner"))
    assert set(fuzz_get(client, "/audit/", ["before", "page"])) <= {200, 400}
    assert set(fuzz_get(client, f"/clients/{ana.pk}/history/", ["before"])) <= {200, 400}


def test_export_survives_hostile_query_parameters(client):
    firm = FirmFactory()
    ClientFactory(firm=firm, first_name="<script>alert(1)</script>")
    client.force_login(member(firm, "consultant"))
    assert fuzz_get(client, "/clients/export.csv", ["status", "format", "mine"], max_examples=20) == {200: 20}


def test_posts_to_the_export_and_audit_urls_are_refused_and_save_nothing(client):
    firm = FirmFactory()
    ClientFactory(firm=firm)
    client.force_login(member(firm, "owner"))
    for url in ("/audit/", "/clients/export.csv"):
        assert fuzz_form_post(client, url, ["first_name", "firm", "row_count"], max_examples=10) == {405: 10}
    assert not ExportLog.objects.exists()


def test_the_helper_reports_a_half_saved_post(client, settings):
    settings.ROOT_URLCONF = "audit.tests.urls"
    with pytest.raises(AssertionError, match="rows changed by a refused POST"):
        fuzz_form_post(client, "/test/half-save/", ["name"], max_examples=5)


def test_the_helper_reports_a_server_error(client, settings):
    settings.ROOT_URLCONF = "audit.tests.urls"
    client.raise_request_exception = False
    with pytest.raises(AssertionError, match="500 for"):
        fuzz_form_post(client, "/test/broken/", ["name"], max_examples=5)
