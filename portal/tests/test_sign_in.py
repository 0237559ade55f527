"""Signing in with an emailed link: one use, 30 minutes, one client; every refusal offers a new link."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from clients.tests.factories import ClientFactory, FirmFactory, member
from portal import services
from portal.access import SESSION_IDLE, SESSION_KEY
from portal.testing import grant_access, sign_in, sign_in_path
from portal.tokens import make_token

pytestmark = pytest.mark.django_db

HOME = "/portal/"


@pytest.fixture
def firm():
    return FirmFactory(name="Maple Route", time_zone="America/Toronto")


@pytest.fixture
def ana(firm):
    return ClientFactory(firm=firm, first_name="Ana", email="ana@mail.example")


@pytest.fixture
def ben(firm):
    return ClientFactory(firm=firm, consultant=member(firm, "consultant"), first_name="Ben",
                         email="ben@mail.example")


def _refused_with_new_link_form(response) -> None:
    assert response.status_code == 410
    body = response.content.decode()
    assert "This link no longer works" in body
    assert f'action="{reverse("portal:ask_link")}"' in body and 'name="email"' in body


def test_a_link_shows_a_button_then_signs_in_once_by_post(client, ana):
    access = grant_access(ana)
    path = sign_in_path(access)
    page = client.get(path)
    assert page.status_code == 200 and "Continue to my portal" in page.content.decode()
    assert client.get(HOME).status_code == 302  # the GET used nothing and started nothing
    response = client.post(path)
    assert response.status_code == 302 and response["Location"] == HOME
    assert client.session[SESSION_KEY]["client"] == ana.pk
    assert "_auth_user_id" not in client.session  # never a Django login
    home = client.get(HOME)
    assert home.status_code == 200 and "Hello Ana" in home.content.decode()
    access.refresh_from_db()
    assert access.last_signed_in_at is not None


def test_a_replayed_link_is_refused_with_a_new_link_form(client, ana):
    path = sign_in_path(grant_access(ana))
    assert client.post(path).status_code == 302
    other_browser = client.__class__()
    _refused_with_new_link_form(other_browser.post(path))
    _refused_with_new_link_form(other_browser.get(path))
    assert SESSION_KEY not in other_browser.session


def test_an_expired_link_is_refused(client, ana):
    access = grant_access(ana)
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        path = sign_in_path(access)
        traveller.shift(dt.timedelta(minutes=29))
        assert client.get(path).status_code == 200
        traveller.shift(dt.timedelta(minutes=2))
        _refused_with_new_link_form(client.get(path))
        _refused_with_new_link_form(client.post(path))
    assert SESSION_KEY not in client.session


@pytest.mark.parametrize("change", ["last_char", "first_char", "truncated", "empty", "garbage", "huge"])
def test_a_tampered_link_is_refused(client, ana, change):
    token = make_token(grant_access(ana))
    flip = {"A": "B"}.get
    tampered = {
        "last_char": token[:-1] + (flip(token[-1]) or "A"),
        "first_char": (flip(token[0]) or "A") + token[1:],
        "truncated": token[:-4],
        "empty": "",
        "garbage": "not-a-token-%00'\"<script>",
        "huge": "A" * 5000,
    }[change]
    path = sign_in_path(grant_access(ana), tampered)
    _refused_with_new_link_form(client.get(path))
    _refused_with_new_link_form(client.post(path))
    assert SESSION_KEY not in client.session


def test_a_link_used_for_another_client_is_refused(client, ana, ben):
    token_for_ana = make_token(grant_access(ana))
    grant_access(ben)
    path = reverse("portal:sign_in", args=[ben.pk]) + f"?sesame={token_for_ana}"
    _refused_with_new_link_form(client.post(path))
    assert SESSION_KEY not in client.session
    # Nor does Ben's link sign in as Ana, and Ana's link still works for Ana.
    assert client.post(sign_in_path(grant_access(ana), token_for_ana)).status_code == 302
    assert client.session[SESSION_KEY]["client"] == ana.pk


def test_a_link_for_a_client_without_access_or_unknown_is_refused(client, ana):
    access = grant_access(ana)
    token = make_token(access)
    _refused_with_new_link_form(client.post(reverse("portal:sign_in", args=[999999]) + f"?sesame={token}"))


def test_revoking_ends_open_sessions_and_unused_links(client, ana):
    sign_in(client, ana)
    unused = sign_in_path(grant_access(ana))
    services.revoke(client=ana, by=ana.consultant)
    assert client.get(HOME).status_code == 302
    assert SESSION_KEY not in client.session
    _refused_with_new_link_form(client.__class__().post(unused))
    # Invited again: a new link works, the old one still does not.
    fresh = sign_in_path(grant_access(ana))
    _refused_with_new_link_form(client.post(unused))
    assert client.post(fresh).status_code == 302


def test_a_session_ends_after_30_idle_minutes(client, ana):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        sign_in(client, ana)
        traveller.shift(SESSION_IDLE - dt.timedelta(minutes=1))
        assert client.get(HOME).status_code == 200  # activity keeps it alive
        traveller.shift(SESSION_IDLE - dt.timedelta(minutes=1))
        assert client.get(HOME).status_code == 200
        traveller.shift(SESSION_IDLE + dt.timedelta(seconds=1))
        response = client.get(HOME)
    assert response.status_code == 302 and response["Location"] == reverse("portal:ask_link")


def test_the_client_session_ends_with_the_browser(client, ana):
    sign_in(client, ana)
    assert client.session.get_expire_at_browser_close()


def test_signing_out_ends_the_session(client, ana):
    sign_in(client, ana)
    assert client.post(reverse("portal:sign_out")).status_code == 302
    assert client.get(HOME).status_code == 302


def test_a_staff_session_gets_404_on_a_link_and_uses_nothing(client, ana):
    client.force_login(ana.consultant)
    path = sign_in_path(grant_access(ana))
    assert client.get(path).status_code == 404
    assert client.post(path).status_code == 404
    assert client.session["_auth_user_id"] == str(ana.consultant.pk)
    client.logout()
    assert client.post(path).status_code == 302  # the link was not used up
    assert "_auth_user_id" not in client.session


def test_a_staff_login_drops_the_client_marker(client, ana):
    sign_in(client, ana)
    client.force_login(ana.consultant)
    assert SESSION_KEY not in client.session
    assert client.get(HOME).status_code == 404


def test_a_session_ends_4_hours_after_signing_in_however_active(client, ana):
    from portal.access import SESSION_MAX

    with time_machine.travel(timezone.now(), tick=False) as traveller:
        sign_in(client, ana)
        for step in range(int(SESSION_MAX / dt.timedelta(minutes=20)) - 1):  # active every 20 minutes
            traveller.shift(dt.timedelta(minutes=20))
            assert client.get(HOME).status_code == 200, f"after {(step + 1) * 20} minutes"
        traveller.shift(dt.timedelta(minutes=21))  # 4 hours and 1 minute after signing in
        assert client.get(HOME).status_code == 302
