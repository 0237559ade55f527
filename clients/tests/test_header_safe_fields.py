"""Names and addresses that reach email headers or file names are single lines; notes are bounded.

Refused with a message on the field wherever they are typed: the profile page, the admin
(the model's validators reach its forms) and full_clean().
"""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.test import RequestFactory
from django.urls import reverse

from clients.models import Client, Firm
from clients.tests.conftest import profile_post
from clients.tests.factories import ClientFactory, FirmFactory
from clients.validators import NOTES_MAX_LENGTH, SingleLineValidator, has_control_characters

MESSAGE = str(SingleLineValidator.message)
HOSTILE = ["Ana\r\nBcc: someone@example.com", "Ana\nReyes", "Ana\rReyes", "Ana\tReyes", "Ana\x00",
           "Ana\x1b[31m", "Ana\x85Reyes", "Ana\u2028Reyes", "Ana\x7f"]


@pytest.mark.parametrize("value", HOSTILE)
def test_control_characters_are_detected(value):
    assert has_control_characters(value)


@pytest.mark.parametrize("value", ["Ana", "José-María O'Brien", "Nguyễn Thị", "李 小龙", ""])
def test_ordinary_names_pass(value):
    assert not has_control_characters(value)


@pytest.mark.parametrize(("field", "value"), [
    ("first_name", "Ana\r\nBcc: someone@example.com"), ("last_name", "Reyes\x0bX"),
    ("email", "ana\x01@mail.example"),
])
def test_the_profile_page_refuses_a_line_break_in_a_header_field(logged_in, consultant, field, value):
    response = logged_in.post(reverse("clients:create"), profile_post(consultant, client={field: value}))
    assert response.status_code == 200
    errors = response.context["profile"].client_form.errors
    assert field in errors
    assert not Client.objects.exists()
    if field != "email":  # an email address also gets the address message first
        assert errors[field] == [MESSAGE]


def test_the_profile_page_refuses_a_spouse_name_with_a_line_break(logged_in, consultant):
    data = profile_post(consultant, client={"marital_status": "married", "family_size": "2"},
                        spouse={"first_name": "Luis\r\nX", "is_accompanying": "on"})
    response = logged_in.post(reverse("clients:create"), data)
    assert response.status_code == 200
    assert response.context["profile"].spouse_form.errors["first_name"] == [MESSAGE]


def test_notes_are_bounded_with_a_message(logged_in, consultant):
    too_long = "x" * (NOTES_MAX_LENGTH + 1)
    response = logged_in.post(reverse("clients:create"), profile_post(consultant, client={"notes": too_long}))
    assert response.status_code == 200
    assert "at most 10000 characters" in response.context["profile"].client_form.errors["notes"][0]
    assert not Client.objects.exists()
    ok = logged_in.post(reverse("clients:create"),
                        profile_post(consultant, client={"notes": "x" * NOTES_MAX_LENGTH}))
    assert ok.status_code == 302


def test_full_clean_refuses_them_too(firm):
    client = ClientFactory.build(firm=firm, consultant=ClientFactory(firm=firm).consultant,
                                 first_name="Ana\r\nBcc: x@example.com", notes="n" * (NOTES_MAX_LENGTH + 1))
    with pytest.raises(ValidationError) as raised:
        client.full_clean()
    assert raised.value.message_dict["first_name"] == [MESSAGE]
    assert "notes" in raised.value.message_dict
    with pytest.raises(ValidationError) as raised:
        Firm(name="Maple\r\nBcc: x@example.com", email="office@maple.example").full_clean()
    assert raised.value.message_dict["name"] == [MESSAGE]


def test_the_admin_refuses_a_firm_name_with_a_line_break(admin_client):
    firm = FirmFactory(name="Maple Immigration")
    url = reverse("admin:clients_firm_change", args=[firm.pk])
    response = admin_client.post(url, {"name": "Maple\r\nBcc: someone@example.com",
                                       "email": "office@maple.example", "time_zone": "America/Toronto"})
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["name"] == [MESSAGE]
    firm.refresh_from_db()
    assert firm.name == "Maple Immigration"


def test_the_admins_client_form_refuses_a_first_name_with_a_line_break(admin_user, firm):
    existing = ClientFactory(firm=firm)
    request = RequestFactory().get("/")
    request.user = admin_user
    form_class = admin.site._registry[Client].get_form(request, existing)
    data = {f: getattr(existing, f) for f in ("last_name", "email", "date_of_birth", "marital_status",
                                              "status", "preferred_language", "family_size",
                                              "job_offer_years")}
    data |= {"firm": firm.pk, "consultant": existing.consultant_id, "first_name": "Ana\r\nBcc: x@example.com",
             "notes": "n" * (NOTES_MAX_LENGTH + 1)}
    form = form_class(data, instance=existing)
    assert not form.is_valid()
    assert form.errors["first_name"] == [MESSAGE]
    assert "notes" in form.errors


def test_an_overlong_search_is_refused_not_a_500(logged_in):
    response = logged_in.get(reverse("clients:list"), {"q": "a" * 100_000})
    assert response.status_code == 200


@pytest.mark.parametrize("field", ["first_name", "last_name", "email"])
def test_the_user_admin_refuses_a_line_break_in_a_consultants_name_or_address(admin_client, field):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user("olivia", email="olivia@firm.example", password="x")
    data = {"username": "olivia", "first_name": "Olivia", "last_name": "Ng", "email": "olivia@firm.example",
            "is_active": "on", "date_joined_0": "2026-01-01", "date_joined_1": "00:00:00"}
    data[field] = "Olivia\r\nBcc: someone@example.com" if field != "email" else "o\r\n@firm.example"
    response = admin_client.post(reverse("admin:auth_user_change", args=[user.pk]), data)
    assert response.status_code == 200
    assert set(response.context["adminform"].form.errors) == {field}  # the rest of the form is valid
    user.refresh_from_db()
    assert "\n" not in f"{user.first_name}{user.last_name}{user.email}"
