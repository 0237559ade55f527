"""Login throttling (django-axes): after 5 failures the login page says the account is locked."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from clients.tests.factories import PASSWORD, member

pytestmark = pytest.mark.django_db


def attempt(client, username, password, ip="203.0.113.7"):
    return client.post("/login/", {"username": username, "password": password}, REMOTE_ADDR=ip)


@pytest.fixture
def user():
    return member(role="consultant", username="priya")


def test_a_few_typos_are_forgiven(client, user):
    for _ in range(4):
        assert attempt(client, "priya", "wrong").status_code == 200
    response = attempt(client, "priya", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_fifth_failure_locks_out_with_a_clear_message(client, user):
    for _ in range(4):
        assert attempt(client, "priya", "wrong").status_code == 200
    locked = attempt(client, "priya", "wrong")
    assert locked.status_code == 429
    body = locked.content.decode()
    assert "Too many failed login attempts." in body
    assert "After 5 failed attempts, logging in is blocked" in body
    assert "Please try again in 15 minutes" in body
    # Even the right password is refused while locked out.
    again = attempt(client, "priya", PASSWORD)
    assert again.status_code == 429
    assert "_auth_user_id" not in client.session


def test_lockout_ends_after_the_cool_off(client, user):
    with time_machine.travel(dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC), tick=False) as traveller:
        for _ in range(5):
            attempt(client, "priya", "wrong")
        assert attempt(client, "priya", PASSWORD).status_code == 429
        traveller.shift(dt.timedelta(minutes=16))
        assert attempt(client, "priya", PASSWORD).status_code == 302


def test_lockout_is_per_username_and_address(client, user):
    """A colleague at the same office, or the same user elsewhere, can still log in."""
    member(role="assistant", username="sam")
    for _ in range(5):
        attempt(client, "priya", "wrong", ip="203.0.113.7")
    assert attempt(client, "sam", PASSWORD, ip="203.0.113.7").status_code == 302
    client.logout()
    assert attempt(client, "priya", PASSWORD, ip="198.51.100.2").status_code == 302


def test_success_resets_the_count(client, user):
    for _ in range(4):
        attempt(client, "priya", "wrong")
    assert attempt(client, "priya", PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):
        assert attempt(client, "priya", "wrong").status_code == 200


def test_test_client_login_still_works_without_a_request(client, user):
    """LoginThrottleBackend lets request-less authenticate() through (nothing to throttle)."""
    assert client.login(username="priya", password=PASSWORD)
    assert not client.login(username="priya", password="wrong")


def test_password_validators_reject_weak_passwords():
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    user = member(username="priya2026")
    for weak in ("password", "12345678", "priya2026", "short"):
        with pytest.raises(ValidationError):
            validate_password(weak, user=user)
    validate_password("correct-horse-battery-9", user=user)


def test_a_very_long_username_is_a_form_error_not_a_server_error(client, user):
    """Found by the fuzz test: axes stored the raw username in a 255-character column."""
    for _ in range(6):
        response = attempt(client, "A" * 10_000, "wrong")
        assert response.status_code in (200, 429)
    assert response.status_code == 429  # and it still counts as failures
