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
    statuses = fuzz_get(client, "/clients/export.csv", ["status", "format", "mine"], max_examples=20)
    assert set(statuses) == {200}


@pytest.mark.parametrize("cursor", [
    "9999-12-31T23:59:59",  # in the firm's time zone (west of UTC): past year 9999 in UTC
    "9999-12-31T23:59:59.999999-12:00",
    "0001-01-01T00:00:00+14:00",  # before year 1 in UTC
    "10000-01-01T00:00:00",
])
def test_an_audit_cursor_outside_utc_is_a_400_on_every_database(client, cursor):
    """SQLite converts the cursor to UTC before the query (an OverflowError, a 500) while PostgreSQL
    took it: a cursor no database can hold is refused the same way everywhere."""
    firm = FirmFactory()
    ana = ClientFactory(firm=firm)
    client.force_login(member(firm, "owner"))
    for url in ("/audit/", f"/clients/{ana.pk}/history/"):
        response = client.get(url, {"before": cursor})
        assert response.status_code == 400, url
        assert "before" in response.content.decode()
    assert client.get("/audit/", {"before": "9999-12-30T00:00:00"}).status_code == 200


def test_every_list_and_history_page_survives_out_of_range_parameters(client):
    """Each page with the query parameters it reads (`page` for the others), each out-of-range value
    alone (testing.fuzz.OUT_OF_RANGE) and drawn combinations: an answer below 500 every time."""
    from tests.world import build_world

    world = build_world()
    pk = world.client.pk
    pages = {
        "/": ["scope"],
        "/clients/": ["q", "consultant", "status", "page"],
        "/draws/": ["kind", "year", "page", "format"],
        "/alerts/": ["mine"],
        "/audit/": ["before"],
        f"/clients/{pk}/history/": ["before"],
        f"/clients/{pk}/reports/": ["page"],
        "/invitations/": ["page"],
        "/clients/export.csv": ["status"],
    }
    client.force_login(world.users["owner"])
    for url, params in pages.items():
        statuses = fuzz_get(client, url, params, max_examples=5)
        assert set(statuses) <= {200, 400}, url


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
