"""Hostile input on every form of the project (issue 6): a 200 with messages or a 4xx, never a
500, and nothing half-saved (testing/fuzz.py checks both on every example).

Each test lays hostile values (very long strings, scripts, wrong types, negative hours, dates
in the years 1 and 9999, unknown NOC codes, several values for one field...) over a valid
submission, a few fields at a time, so the deepest validation paths are reached too. Runs are
derandomized (the same examples every run). The login form is fuzzed in audit/tests/test_fuzz.py.

Example counts are kept modest (15-30 per form, about 100 s of CPU for the module): the
client profile form is fuzzed in six groups of fields, so it still gets over 80 examples.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import strategies as st

from clients.models import Client
from clients.tests.conftest import profile_post
from clients.validators import SingleLineValidator
from draws.models import Draw
from eligibility.models import Report
from invitations.checklist import item_types_for
from invitations.models import ChecklistItemType, FirmReminderSettings, Invitation
from testing.fuzz import fuzz_form_post, fuzz_get, fuzz_single_line_fields, hostile_uploads, hostile_values
from tests.world import World

pytestmark = pytest.mark.django_db

SAMPLE_ROUNDS = Path(__file__).resolve().parents[1] / "draws" / "data" / "ircc-rounds-sample.json"


def _login(client, world: World, role: str = "consultant"):
    client.force_login(world.users[role])
    return world.users[role]


# --- client profile: create and edit with the six inline formsets ---------------------------------

CLIENT_FIELDS = ["first_name", "last_name", "email", "date_of_birth", "marital_status", "family_size",
                 "settlement_funds_cad", "consultant", "status"]
CLIENT_MORE_FIELDS = ["certificate_noc", "job_offer_noc", "job_offer_years", "has_job_offer",
                      "citizenship_countries", "residence_countries", "ee_profile_number",
                      "ee_submitted_at", "preferred_language", "notes", "phone"]
ROW_FIELDS = ["jobs-0-noc", "jobs-0-hours_per_week", "jobs-0-start_on", "jobs-0-end_on", "jobs-0-country",
              "educations-0-level", "educations-0-completed_on", "educations-0-eca_on",
              "languagetests-0-test", "languagetests-0-listening", "languagetests-0-taken_on"]
SPOUSE_FIELDS = ["spouse-first_name", "spouse-is_accompanying", "spouse_jobs-0-noc",
                 "spouse_jobs-0-hours_per_week", "spouse_languagetests-0-speaking",
                 "spouse_educations-0-level"]
MANAGEMENT_FIELDS = ["jobs-TOTAL_FORMS", "jobs-INITIAL_FORMS", "jobs-0-id", "educations-TOTAL_FORMS",
                     "educations-0-id", "jobs-0-DELETE", "languagetests-0-id"]


def _rows() -> dict:
    return {
        "educations": [{"level": "bachelors", "completed_on": "2017-06-30", "eca_on": "2024-01-10"}],
        "languagetests": [{"test": "ielts_general", "taken_on": "2026-03-05", "listening": "8.5",
                           "reading": "7.5", "writing": "7.0", "speaking": "7.5"}],
        "jobs": [{"noc": "31301", "country": "CA", "start_on": "2023-06-01", "end_on": "",
                  "hours_per_week": "37.5", "is_paid": "on"}],
    }


def _married_rows() -> dict:
    return {
        "client": {"marital_status": "married", "family_size": "2"},
        "spouse": {"first_name": "Luis", "last_name": "Reyes", "is_accompanying": "on"},
        "spouse_educations": [{"level": "bachelors", "completed_on": "2016-05-31"}],
        "spouse_languagetests": [{"test": "celpip_general", "taken_on": "2026-01-10", "listening": "7",
                                  "reading": "7", "writing": "6", "speaking": "7"}],
        "spouse_jobs": [{"noc": "21231", "country": "PH", "start_on": "2019-01-01", "end_on": "2022-01-01",
                         "hours_per_week": "40", "is_paid": "on"}],
    }


def test_a_valid_profile_post_is_saved(client, world):
    """The base the fuzzing builds on is itself valid (otherwise every example would fail early)."""
    consultant = _login(client, world)
    response = client.post(reverse("clients:create"), profile_post(consultant, **_rows(), **_married_rows()))
    assert response.status_code == 302
    created = Client.objects.get(pk=int(response["Location"].strip("/").split("/")[-1]))
    assert (created.jobs.count(), created.educations.count(), created.languagetests.count()) == (2, 2, 2)


@pytest.mark.parametrize("fields", [CLIENT_FIELDS, CLIENT_MORE_FIELDS, ROW_FIELDS, SPOUSE_FIELDS],
                         ids=["client", "client-more", "rows", "spouse"])
def test_client_create_survives_hostile_input(client, world, fields):
    consultant = _login(client, world)
    base = profile_post(consultant, **_rows(), **_married_rows())
    statuses = fuzz_form_post(client, reverse("clients:create"), fields, fixed=base, max_examples=15)
    assert set(statuses) <= {200, 302}  # the form again with its messages, or saved


# Names and addresses reach email headers (To, Cc, From) and file names: a line break or another
# control character inside is refused with the field's message (clients/validators.py), or with
# Django's own where its field check comes first (an email address, a NUL).
SINGLE_LINE = [str(SingleLineValidator.message), "Enter a valid email address.",
               "Null characters are not allowed."]


def test_client_names_and_address_refuse_line_breaks_and_control_characters(client, world):
    consultant = _login(client, world, "assistant")
    base = profile_post(consultant, **_rows(), **_married_rows())
    fields = ["first_name", "last_name", "email", "spouse-first_name", "spouse-last_name"]
    statuses = fuzz_single_line_fields(client, reverse("clients:create"), fields, fixed=base,
                                       messages=SINGLE_LINE, max_examples=15)
    assert set(statuses) == {200}


def _edit_post(world: World) -> dict:
    c = world.client
    edu, test, job = c.educations.get(), c.languagetests.get(), c.jobs.get()
    return profile_post(
        world.users["consultant"],
        client={"first_name": c.first_name, "last_name": c.last_name, "date_of_birth": "1995-04-02"},
        educations=[{"id": edu.pk, "level": edu.level, "completed_on": "2017-06-30", "eca_on": "2024-01-10"}],
        languagetests=[{"id": test.pk, "test": test.test, "taken_on": "2026-03-05", "listening": "8.5",
                        "reading": "7.5", "writing": "7", "speaking": "7.5"}],
        jobs=[{"id": job.pk, "noc": "31301", "country": "CA", "start_on": "2023-06-01", "end_on": "",
               "hours_per_week": "37.5", "is_paid": "on"}],
    )


@pytest.mark.parametrize(("fields", "examples"), [(ROW_FIELDS, 15), (MANAGEMENT_FIELDS, 12)],
                         ids=["rows", "management"])
def test_client_edit_survives_hostile_input(client, world, fields, examples):
    _login(client, world, "assistant")  # assistants edit profiles too
    base = _edit_post(world)
    url = reverse("clients:edit", args=[world.client.pk])
    assert client.post(url, base).status_code == 302  # the base is valid
    statuses = fuzz_form_post(client, url, fields, fixed=base, max_examples=examples)
    assert set(statuses) <= {200, 302}


def test_client_delete_ignores_any_posted_field(client, world):
    _login(client, world, "assistant")
    url = reverse("clients:delete", args=[world.client.pk])
    assert fuzz_form_post(client, url, ["pk", "id", "confirm"], max_examples=10) == {403: 10}
    assert Client.objects.filter(pk=world.client.pk).exists()


# --- invitations: record, status, checklist item, the owner's settings ----------------------------

def test_record_invitation_survives_hostile_input(client, world):
    _login(client, world)
    Invitation.objects.filter(pk=world.invitation.pk).delete()  # rolled back after the test
    url = reverse("invitations:record", args=[world.client.pk])
    issued = timezone.localtime().replace(microsecond=0) - dt.timedelta(days=2)
    base = {"issued_at": issued.strftime("%Y-%m-%dT%H:%M"), "draw": "", "next": "/"}
    draws = st.one_of(hostile_values(), st.just(str(world.draw.pk)), st.integers(-5, 10**12).map(str))
    statuses = fuzz_form_post(client, url, ["issued_at", "draw", "next"], fixed=base, max_examples=25,
                              strategies={"draw": draws})
    assert set(statuses) <= {302, 400}
    assert statuses.get(400)  # hostile dates and rounds are refused with a message


def test_invitation_status_survives_hostile_input(client, world):
    _login(client, world)
    url = reverse("invitations:status", args=[world.invitation.pk])
    statuses_ = st.one_of(hostile_values(), st.sampled_from([s.value for s in Invitation.Status]))
    statuses = fuzz_form_post(client, url, ["status", "submitted_on", "next"],
                              fixed={"status": "submitted", "submitted_on": timezone.localdate().isoformat()},
                              max_examples=25, strategies={"status": statuses_})
    assert set(statuses) <= {302, 400}


def test_checklist_item_survives_hostile_input(client, world):
    _login(client, world, "assistant")
    url = reverse("invitations:item", args=[world.item.pk])
    statuses = fuzz_form_post(client, url, ["status", "received_on", "next"],
                              fixed={"status": "received"}, max_examples=20)
    assert set(statuses) <= {302, 400}


def test_checklist_document_added_by_hand_survives_hostile_input(client, world):
    _login(client, world, "assistant")
    url = reverse("invitations:add_item", args=[world.invitation.pk])
    statuses = fuzz_form_post(client, url, ["label", "start_by", "next"],
                              fixed={"label": "Police certificate — US (spouse)",
                                     "start_by": timezone.localdate().isoformat()}, max_examples=20)
    assert set(statuses) <= {302, 400}


def test_a_document_added_by_hand_refuses_line_breaks_and_control_characters(client, world):
    _login(client, world, "assistant")
    url = reverse("invitations:add_item", args=[world.invitation.pk])
    statuses = fuzz_single_line_fields(client, url, ["label"], fixed={
        "start_by": timezone.localdate().isoformat()}, messages=SINGLE_LINE, max_examples=12)
    assert set(statuses) == {400}


def test_reminder_schedule_survives_hostile_input(client, world):
    _login(client, world, "owner")
    url = reverse("invitations:settings")
    numbers = st.lists(st.integers(-100, 100).map(str), max_size=20).map(", ".join)
    offsets = st.one_of(hostile_values(), numbers)
    statuses = fuzz_form_post(client, url, ["offsets"], fixed={"save_offsets": "1"}, max_examples=25,
                              strategies={"offsets": offsets})
    assert set(statuses) <= {302, 400}
    assert statuses.get(400)  # most hostile schedules are refused with a message
    assert not FirmReminderSettings.objects.exists()  # and every example was rolled back


def _types_post(world: World) -> dict:
    firm = world.users["owner"].membership.firm
    types = item_types_for(firm)
    data = {"save_types": "1", "types-TOTAL_FORMS": str(len(types) + 1),
            "types-INITIAL_FORMS": str(len(types)), "types-MIN_NUM_FORMS": "0", "types-MAX_NUM_FORMS": "1000"}
    for n, t in enumerate(types):
        data |= {f"types-{n}-key": t.key, f"types-{n}-name": t.name, f"types-{n}-rule": t.rule,
                 f"types-{n}-lead_time_days": str(t.lead_time_days), f"types-{n}-is_active": "on"}
    return data


def test_checklist_document_types_survive_hostile_input(client, world):
    _login(client, world, "owner")
    url = reverse("invitations:settings")
    base = _types_post(world)
    n = int(base["types-TOTAL_FORMS"]) - 1  # the empty extra row
    fields = ["types-0-name", "types-0-key", "types-0-lead_time_days", "types-0-rule", f"types-{n}-name",
              f"types-{n}-lead_time_days", f"types-{n}-key", "types-TOTAL_FORMS", "types-INITIAL_FORMS"]
    before = ChecklistItemType.objects.count()
    statuses = fuzz_form_post(client, url, fields, fixed=base, max_examples=25)
    assert set(statuses) <= {200, 302, 400}
    assert ChecklistItemType.objects.count() == before  # every example was rolled back


def test_checklist_document_type_names_refuse_line_breaks_and_control_characters(client, world):
    _login(client, world, "owner")
    base = _types_post(world)
    n = int(base["types-TOTAL_FORMS"]) - 1  # the empty extra row
    fields = ["types-0-name", f"types-{n}-name"]
    statuses = fuzz_single_line_fields(client, reverse("invitations:settings"), fields, messages=SINGLE_LINE,
                                       fixed={**base, f"types-{n}-lead_time_days": "10"}, max_examples=12)
    assert set(statuses) == {400}


# --- reports, alerts ----------------------------------------------------------------------------

def test_generate_report_ignores_hostile_fields(client, world):
    _login(client, world)
    url = reverse("eligibility:generate", args=[world.client.pk])
    before = Report.objects.count()
    statuses = fuzz_form_post(client, url, ["as_of", "client", "firm", "crs_total"], max_examples=5)
    assert statuses == {302: 5}  # nothing posted is read: a report of today, for this client
    assert Report.objects.count() == before


def test_dismiss_alert_survives_a_hostile_next(client, world):
    _login(client, world)
    url = reverse("eligibility:dismiss_alert", args=[world.alert.pk])
    statuses = fuzz_form_post(client, url, ["next"], max_examples=12)
    assert statuses == {302: 12}


# --- draws: the admin's add form and the IRCC import --------------------------------------------

def _draw_post(world: World) -> dict:
    from draws.tests.factories import category

    today = timezone.localdate()
    return {"category": f"cat-{category('healthcare_social', today).pk}", "invitations_issued": "3,000",
            "lowest_crs": "434", "drawn_on": today.isoformat(), "round_number": "9500",
            "tie_break_at_0": "", "tie_break_at_1": "", "drawn_at_0": "", "drawn_at_1": "",
            "ircc_name": "", "programs_text": "", "distribution_on": "", "distribution": ""}


def test_draw_admin_add_survives_hostile_input(client, world):
    _login(client, world, "staff")
    url = reverse("admin:draws_draw_add")
    base = _draw_post(world)
    fields = ["category", "invitations_issued", "lowest_crs", "drawn_on", "round_number", "tie_break_at_0",
              "tie_break_at_1", "drawn_at_0", "distribution_on", "distribution", "programs_text"]
    statuses = fuzz_form_post(client, url, fields, fixed=base, max_examples=25)
    assert set(statuses) <= {200, 302}
    assert not Draw.objects.filter(round_number="9500").exists()


def test_ircc_import_survives_hostile_files(client, world):
    _login(client, world, "staff")
    url = reverse("admin:draws_draw_import")
    sample = SAMPLE_ROUNDS.read_bytes()
    broken = []
    for key, value in (("drawCRS", "-1"), ("drawDate", "9999-12-31"), ("drawDate", "0001-01-01"),
                       ("drawSize", "1e309"), ("drawNumber", "<script>alert(1)</script>"), ("dd1", None),
                       ("drawDateTime", "February 30, 2026 at 25:61:00 UTC"), ("drawName", "A" * 10_000)):
        bad = json.loads(sample)
        bad["rounds"][0][key] = value
        broken.append(json.dumps(bad).encode())
    deep, huge = "[" * 100_000 + "]" * 100_000, "9" * 5000  # raw JSON: a RecursionError, the int() limit
    broken += [sample.replace(b'"drawCRS": "470"', f'"drawCRS": {raw}'.encode()) for raw in (deep, huge)]
    broken += [sample.replace(b'"drawSize": "300"', b'"drawSize": 2147483648'),
               sample.replace(b'"drawName": "', b'"drawName": "\\u0000')]
    files = hostile_uploads("ee_rounds_123_en.json", valid=[sample, *broken])
    before = Draw.objects.count()
    statuses = fuzz_form_post(client, url, ["file"], max_examples=30, strategies={"file": files})
    assert set(statuses) <= {302, 400}
    assert statuses.get(400)  # each problem named, "Nothing was imported."
    assert Draw.objects.count() == before


def test_category_lists_import_survives_hostile_files(client, world):
    from draws.models import Category
    from draws.seed import DATA

    _login(client, world, "staff")
    url = reverse("admin:draws_category_import")
    shipped = DATA.read_bytes()
    broken = []
    for key, value in (("id", "<script>"), ("name", "A" * 10_000), ("name", "Nul\u0000"),
                       ("experience_rule", 7), ("effective_from", "0001-01-01"),
                       ("effective_from", "9999-12-31"),
                       ("occupations", [{"noc": "99999"}]), ("occupations", "31301"),
                       ("draw_names_in_ircc_data", ["\u0000"]), ("type", ["occupation"])):
        bad = json.loads(shipped)
        bad["years"]["2026"]["categories"][3][key] = value
        broken.append(json.dumps(bad).encode())
    announced = b'"announced": "2026-02-18"'
    broken += [shipped.replace(announced, b'"announced": ' + b"[" * 100_000 + b"]" * 100_000),
               shipped.replace(announced, b'"announced": ' + b"9" * 5000)]
    files = hostile_uploads("categories.json", valid=[shipped, *broken])
    before = {(c.slug, c.effective_from): (c.name_en, c.effective_to) for c in Category.objects.all()}
    statuses = fuzz_form_post(client, url, ["file"], max_examples=30, strategies={"file": files})
    assert set(statuses) <= {302, 400}
    assert statuses.get(400)  # the entry and field named, "Nothing was imported."
    assert {(c.slug, c.effective_from): (c.name_en, c.effective_to) for c in Category.objects.all()} == before


# --- GET filters: the client list, the round history, the dashboard, alerts --------------------

def test_client_list_filters_survive_hostile_parameters(client, world):
    _login(client, world, "assistant")
    assert set(fuzz_get(client, reverse("clients:list"), ["q", "consultant", "status", "page", "eligible_for",
                                                         "verdict", "crs_min", "crs_max", "sort"],
                        max_examples=40)) == {200}


def test_round_history_filters_survive_hostile_parameters(client, world):
    _login(client, world)
    statuses = fuzz_get(client, reverse("draws:history"), ["kind", "year", "page", "format"], max_examples=25)
    assert set(statuses) <= {200, 400}


def test_dashboard_and_alerts_survive_hostile_parameters(client, world):
    _login(client, world)
    assert set(fuzz_get(client, reverse("dashboard"), ["scope"], max_examples=8)) == {200}
    assert set(fuzz_get(client, reverse("eligibility:alerts"), ["mine"], max_examples=8)) == {200}


# --- regressions found by the fuzzing -------------------------------------------------------------

def test_a_huge_total_forms_is_refused_quickly(client, world, django_assert_max_num_queries):
    """A POST claiming 10,000 jobs used to build and render 2,000 forms (over a minute)."""
    _login(client, world)
    url = reverse("clients:edit", args=[world.client.pk])
    with django_assert_max_num_queries(200):
        response = client.post(url, {**_edit_post(world), "jobs-TOTAL_FORMS": "10000"})
    assert response.status_code == 200
    assert "Please submit at most 50 forms." in response.content.decode()
    huge_types = {**_types_post(world), "types-TOTAL_FORMS": "10000"}
    _login(client, world, "owner")
    response = client.post(reverse("invitations:settings"), huge_types)
    assert response.status_code == 400
    assert "Please submit at most 60 forms." in response.content.decode()


@pytest.mark.parametrize("next_url", ["null", "None", "javascript:alert(1)", '"><img src=x>',
                                      "//evil.example/"])
def test_a_bare_word_or_foreign_next_does_not_break_the_redirect(client, world, next_url):
    """redirect("null") looked "null" up as a view name: a 500 (dismiss alert, invitation forms)."""
    _login(client, world)
    response = client.post(reverse("eligibility:dismiss_alert", args=[world.alert.pk]), {"next": next_url})
    assert response.status_code == 302
    assert not response["Location"].startswith(("javascript:", "//"))
    response = client.post(reverse("invitations:item", args=[world.item.pk]),
                           {"status": "requested", "next": next_url})
    assert response.status_code == 302
    assert not response["Location"].startswith(("javascript:", "//"))
