"""A fact change as data: only what the client changed, validated by the staff profile forms."""

from __future__ import annotations

import datetime as dt

import pytest

from clients.models import Client
from intake import changes
from intake.diff import diff
from intake.forms import QuestionnaireForms
from intake.testing import current_post, questionnaire

pytestmark = pytest.mark.django_db


def _bound(client, post):
    profile = questionnaire(client, post)
    assert profile.is_valid(), profile.client_form.errors
    return profile


def test_the_profile_sent_back_unchanged_is_an_empty_change(client_with_facts):
    profile = _bound(client_with_facts, current_post(client_with_facts))
    assert changes.change_data(profile) == {}


def test_only_the_changed_fields_and_rows_are_carried(client_with_facts):
    post = current_post(client_with_facts)
    test = client_with_facts.languagetests.get()
    post.update({"phone": "+1 555 0199", "languagetests-0-reading": "8"})
    data = changes.change_data(_bound(client_with_facts, post))
    assert data == {
        "client": {"phone": "+1 555 0199"},
        "rows": {"languagetests": {"changed": {str(test.pk): {"reading": "8"}}}},
    }


def test_added_and_removed_rows(client_with_facts):
    post = current_post(client_with_facts)
    job = client_with_facts.jobs.get()
    post.update(
        {
            "jobs-0-DELETE": "on",
            "jobs-TOTAL_FORMS": "2",
            "jobs-1-noc": "21231",
            "jobs-1-country": "PH",
            "jobs-1-start_on": "2019-01-01",
            "jobs-1-end_on": "2022-12-31",
            "jobs-1-hours_per_week": "40",
            "jobs-1-is_paid": "on",
        }
    )
    data = changes.change_data(_bound(client_with_facts, post))
    assert data["rows"]["jobs"]["removed"] == [job.pk]
    added = data["rows"]["jobs"]["added"][0]
    assert added["noc"] == "21231" and added["hours_per_week"] == "40" and added["end_on"] == "2022-12-31"


def test_the_staff_forms_rules_refuse_a_bad_questionnaire(client_with_facts):
    post = current_post(client_with_facts)
    post.update({"languagetests-0-reading": "9.7", "jobs-0-noc": "99999", "date_of_birth": "2024-01-01"})
    profile = questionnaire(client_with_facts, post)
    assert not profile.is_valid()
    assert "date_of_birth" in profile.client_form.errors
    assert "reading" in profile.formsets["languagetests"].forms[0].errors
    assert "Unknown NOC 2021 code 99999" in str(profile.formsets["jobs"].forms[0].errors)


def test_staff_only_fields_are_not_questions_and_a_posted_value_is_ignored(client_with_facts):
    post = current_post(client_with_facts)
    post.update({"status": "landed", "notes": "hacked", "consultant": "999", "email": "x@evil.example"})
    profile = _bound(client_with_facts, post)
    for name in ("status", "notes", "consultant", "ee_profile_number", "ee_submitted_at", "email"):
        assert name not in profile.client_form.fields
    assert changes.change_data(profile) == {}


def test_apply_then_form_data_round_trips_through_the_forms(client_with_facts):
    post = current_post(client_with_facts)
    post.update(
        {
            "marital_status": "married",
            "spouse-first_name": "Luis",
            "spouse-is_accompanying": "on",
            "spouse_languagetests-TOTAL_FORMS": "1",
            "spouse_languagetests-0-test": "celpip_general",
            "spouse_languagetests-0-taken_on": "2025-05-01",
            "spouse_languagetests-0-listening": "7",
            "spouse_languagetests-0-reading": "7",
            "spouse_languagetests-0-writing": "7",
            "spouse_languagetests-0-speaking": "7",
        }
    )
    data = changes.change_data(_bound(client_with_facts, post))
    fresh = Client.objects.select_related("spouse").get(pk=client_with_facts.pk)
    before, after, bound = changes.bind(fresh, data)
    assert bound.is_valid()
    assert after["spouse"]["first_name"] == "Luis" and after["spouse"]["is_accompanying"] is True
    assert len(after["rows"]["spouse_languagetests"]) == 1
    # Binding the forms to the result and reading them back gives the same change.
    assert changes.change_data(bound) == data


def test_a_row_the_firm_added_after_the_submission_stays(client_with_facts):
    from clients.tests.factories import EducationFactory

    post = current_post(client_with_facts)
    post["phone"] = "+1 555 0111"
    data = changes.change_data(_bound(client_with_facts, post))
    EducationFactory(client=client_with_facts, level="masters", completed_on=dt.date(2020, 6, 1))
    fresh = Client.objects.select_related("spouse").get(pk=client_with_facts.pk)
    before, after, _ = changes.bind(fresh, data)
    assert len(after["rows"]["educations"]) == 2 == len(before["rows"]["educations"])


def test_diff_lists_changed_fields_with_form_labels_and_rows_as_added_removed_changed(client_with_facts):
    post = current_post(client_with_facts)
    test = client_with_facts.languagetests.get()
    post.update(
        {
            "phone": "+1 555 0199",
            "marital_status": "single",
            "languagetests-0-reading": "8",
            "educations-0-DELETE": "on",
            "jobs-TOTAL_FORMS": "2",
            "jobs-1-noc": "21231",
            "jobs-1-country": "PH",
            "jobs-1-start_on": "2019-01-01",
            "jobs-1-hours_per_week": "40",
            "jobs-1-is_paid": "on",
        }
    )
    data = changes.change_data(_bound(client_with_facts, post))
    fresh = Client.objects.select_related("spouse").get(pk=client_with_facts.pk)
    before, after, profile = changes.bind(fresh, data)
    sections = {s.key: s for s in diff(before, after, profile)}
    assert [(f.label, f.old.text, f.new.text) for f in sections["client"].fields] == [
        ("Phone", "+1 555 0100", "+1 555 0199")
    ]
    assert [r.kind for r in sections["educations"].rows] == ["removed"]
    (changed,) = sections["languagetests"].rows
    assert changed.kind == "changed" and test.get_test_display() in changed.summary
    assert [(f.label, f.old.text, f.new.text) for f in changed.fields] == [("Reading", "7.5", "8")]
    (added,) = sections["jobs"].rows
    assert added.kind == "added" and added.summary.startswith("21231 — ")
    assert "spouse" not in sections  # nothing changed there


def test_diff_shows_choices_and_booleans_in_words(client_with_facts):
    post = current_post(client_with_facts)
    post.update({"marital_status": "married", "has_sibling_in_canada": "on", "spouse-is_accompanying": "on"})
    data = changes.change_data(_bound(client_with_facts, post))
    fresh = Client.objects.select_related("spouse").get(pk=client_with_facts.pk)
    before, after, profile = changes.bind(fresh, data)
    fields = {f.name: f for s in diff(before, after, profile) for f in s.fields}
    assert (fields["marital_status"].old.text, fields["marital_status"].new.text) == ("Single", "Married")
    assert (fields["has_sibling_in_canada"].old.text, fields["has_sibling_in_canada"].new.text) == (
        "No",
        "Yes",
    )


def test_questionnaire_for_a_new_prospect_has_a_required_email():
    profile = QuestionnaireForms(with_email=True, data={"first_name": "Ana"})
    assert not profile.is_valid()
    assert "email" in profile.client_form.errors


def test_diff_writes_numbers_money_and_countries_the_pages_way(client_with_facts):
    from django.utils import translation

    post = current_post(client_with_facts)
    post.update(
        {"settlement_funds_cad": "25000", "citizenship_countries": "PH, CA", "languagetests-0-reading": "8.5"}
    )
    profile = _bound(client_with_facts, post)
    data = changes.change_data(profile)
    fresh = Client.objects.select_related("spouse").get(pk=client_with_facts.pk)
    before, after, bound = changes.bind(fresh, data)
    with translation.override("fr"):
        fields = {
            f.name: f
            for s in diff(before, after, bound)
            for f in [*s.fields, *(x for r in s.rows for x in r.fields)]
        }
        assert fields["settlement_funds_cad"].new.text == "25\u00a0000\u00a0$"
        assert fields["citizenship_countries"].new.text == "Philippines, Canada"
        assert (fields["reading"].old.text, fields["reading"].new.text) == ("7,5", "8,5")
