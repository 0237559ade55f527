"""Create, edit and delete a client through the profile page (client form + inline formsets)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from clients.models import Client, Education, Job, LanguageTest, Spouse
from clients.tests.conftest import profile_post, spec_example_post
from clients.tests.factories import (
    PASSWORD,
    ClientFactory,
    EducationFactory,
    JobFactory,
    LanguageTestFactory,
    SpouseFactory,
    member,
)

TODAY = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)
pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(TODAY, tick=False)]


def _nothing_saved() -> None:
    assert Client.objects.count() == 0
    assert Spouse.objects.count() == Education.objects.count() == 0
    assert LanguageTest.objects.count() == Job.objects.count() == 0


def test_create_page_shows_the_forms_and_the_noc_picker(logged_in):
    response = logged_in.get(reverse("clients:create"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="educations-TOTAL_FORMS"' in html and 'name="spouse_jobs-TOTAL_FORMS"' in html
    assert '<datalist id="noc-options">' in html
    assert "31301 — Registered nurses and registered psychiatric nurses" in html
    assert html.count("<option value=\"") >= 516


def test_create_the_spec_example_saves_client_spouse_and_facts_in_one_post(
    logged_in, consultant, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = logged_in.post(reverse("clients:create"), spec_example_post(consultant))
    client = Client.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("clients:detail", args=[client.pk])
    assert client.firm_id == consultant.membership.firm_id
    assert client.consultant == consultant
    assert client.spouse.is_accompanying and not client.spouse.is_canadian_citizen_or_pr
    assert sorted(client.educations.filter(of_spouse=False).values_list("level", flat=True)) == [
        "bachelors", "two_year"]
    assert list(client.educations.filter(of_spouse=True).values_list("level", flat=True)) == ["bachelors"]
    assert client.languagetests.filter(of_spouse=False).count() == 2
    spouse_test = client.languagetests.get(of_spouse=True)
    assert (spouse_test.test, spouse_test.writing) == ("celpip_general", 6)
    assert sorted(client.jobs.values_list("country", "noc_id")) == [("CA", "31301"), ("PH", "31301")]
    # The stored assessment (the list's cache) is refreshed once the transaction commits.
    stored = Client.objects.get(pk=client.pk).assessment  # eligibility's, through the relation
    assert stored.crs_total == 582
    assert (stored.fsw, stored.cec, stored.fstp) == (True, True, False)


def test_a_failing_assessment_refresh_does_not_undo_the_save(
    logged_in, consultant, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    def broken(client_ids):
        raise RuntimeError("engine down")

    monkeypatch.setattr("eligibility.services.refresh_assessments", broken)
    with django_capture_on_commit_callbacks(execute=True):
        response = logged_in.post(reverse("clients:create"), spec_example_post(consultant))
    assert response.status_code == 302
    assert Client.objects.count() == 1 and not Client.objects.filter(assessment__isnull=False).exists()
    assert "could not refresh the stored assessment" in caplog.text


def test_firm_comes_from_the_membership_never_from_post(logged_in, consultant):
    other_firm = member().membership.firm
    data = spec_example_post(consultant) | {"firm": str(other_firm.pk), "firm_id": str(other_firm.pk)}
    logged_in.post(reverse("clients:create"), data)
    assert Client.objects.get().firm_id == consultant.membership.firm_id


def test_consultant_of_another_firm_cannot_be_assigned(logged_in, consultant):
    outsider = member(username="outsider")
    response = logged_in.post(reverse("clients:create"), profile_post(outsider))
    assert response.status_code == 200
    assert "consultant" in response.context["form"].errors
    _nothing_saved()


def test_new_client_defaults_to_the_user_as_consultant(logged_in, consultant):
    member(consultant.membership.firm, "consultant", first_name="Aaron")  # sorts before the user
    form = logged_in.get(reverse("clients:create")).context["form"]
    assert form["consultant"].value() == consultant.pk


def test_assistant_is_not_offered_as_consultant(logged_in, consultant):
    assistant = member(consultant.membership.firm, "assistant", username="assist")
    form = logged_in.get(reverse("clients:create")).context["form"]
    choices = list(form.fields["consultant"].queryset)
    assert consultant in choices and assistant not in choices


def test_a_bad_job_row_saves_nothing_and_names_the_field(logged_in, consultant):
    data = spec_example_post(consultant)
    data["jobs-1-end_on"] = "2016-01-01"  # before its start, 2017-01-15
    response = logged_in.post(reverse("clients:create"), data)
    assert response.status_code == 200
    job_form = response.context["profile"].formsets["jobs"].forms[1]
    assert job_form.errors["end_on"] == ["The end date is before the start date."]
    assert "The end date is before the start date." in response.content.decode()
    _nothing_saved()


def test_unknown_noc_code_is_named(logged_in, consultant):
    data = spec_example_post(consultant)
    data["jobs-0-noc"] = "99999"
    response = logged_in.post(reverse("clients:create"), data)
    assert response.status_code == 200
    assert response.context["profile"].formsets["jobs"].forms[0].errors["noc"] == [
        "Unknown NOC 2021 code 99999"]
    _nothing_saved()


@pytest.mark.parametrize(
    ("prefix", "field", "value", "message"),
    [
        ("languagetests", "listening", "9.5",
         "IELTS General Training scores run from 0 to 9 in steps of 0.5."),
        ("languagetests", "reading", "7.25", "Ensure that there are no more than 1 decimal place."),
        ("languagetests", "taken_on", "2026-12-01", "The test date cannot be in the future."),
        ("educations", "completed_on", "1899-12-31", "Enter a date between 1900 and 2100."),
        ("jobs", "hours_per_week", "169", "Ensure this value is less than or equal to 168."),
        ("jobs", "hours_per_week", "0", "Ensure this value is greater than or equal to 1."),
        ("jobs", "country", "Canada",
         "Country: Canada is not a country of the list; choose the country by name."),
        ("jobs", "start_on", "not a date", "Enter a valid date."),
        ("jobs", "noc", "nurse", "Enter a NOC 2021 code of five digits (e.g. 31301) or pick an occupation "
                                  "from the list."),
        ("spouse_languagetests", "speaking", "13",
         "CELPIP-General speaking scores are whole numbers from 0 to 12."),
    ],
)
def test_bad_fact_values_get_a_field_message_and_nothing_is_saved(
    logged_in, consultant, prefix, field, value, message
):
    data = spec_example_post(consultant)
    data[f"{prefix}-0-{field}"] = value
    response = logged_in.post(reverse("clients:create"), data)
    assert response.status_code == 200
    assert message in response.context["profile"].formsets[prefix].forms[0].errors[field]
    _nothing_saved()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("date_of_birth", "2015-01-01", "This date of birth gives an age of 11 today; expected 14 to 100."),
        ("date_of_birth", "1901-01-01", "This date of birth gives an age of 125 today; expected 14 to 100."),
        ("date_of_birth", "0995-04-02", "Enter a date between 1900 and 2100."),
        ("date_of_birth", "", "This field is required."),
        ("family_size", "0", "Ensure this value is greater than or equal to 1."),
        ("settlement_funds_cad", "-5", "Ensure this value is greater than or equal to 0."),
        ("email", "ana@", "Enter a valid email address."),
        ("ee_submitted_at", "2027-01-01T10:00", "The profile submission cannot be in the future."),
        ("marital_status", "engaged", "Select a valid choice. engaged is not one of the available choices."),
    ],
)
def test_bad_client_values_get_a_field_message(logged_in, consultant, field, value, message):
    data = spec_example_post(consultant)
    data[field] = value
    response = logged_in.post(reverse("clients:create"), data)
    assert response.status_code == 200
    assert message in response.context["form"].errors[field]
    _nothing_saved()


def test_certificate_needs_its_noc_and_province(logged_in, consultant):
    data = profile_post(consultant, client={"has_certificate": "on"})
    response = logged_in.post(reverse("clients:create"), data)
    errors = response.context["form"].errors
    assert errors["certificate_noc"] == ["Enter the NOC code of the certificate of qualification."]
    assert errors["certificate_province"] == ["Enter the province that issued the certificate."]
    _nothing_saved()


@pytest.mark.parametrize(
    ("test", "scores", "taken_on", "field", "message"),
    [
        ("pte_core", ("9", "60", "70", "70"), "2026-01-10", "listening",
         "PTE Core listening scores are whole numbers from 10 to 90."),
        ("tef_canada", ("470", "440", "700", "460"), "2026-05-20", "writing",
         "TEF Canada writing scores are whole numbers from 0 to 699."),
        ("tef_canada", ("470", "250", "400", "400"), "2023-06-01", "listening",
         "TEF Canada listening scores on the old scale (tests before 11 December 2023) are whole numbers "
         "from 0 to 360."),
        ("tcf_canada", ("500", "500", "21", "12"), "2026-05-20", "writing",
         "TCF Canada writing scores are whole numbers from 0 to 20."),
        ("celpip_general", ("7.5", "7", "7", "7"), "2026-05-20", "listening",
         "CELPIP-General listening scores are whole numbers from 0 to 12."),
    ],
)
def test_scores_must_be_on_the_chosen_tests_scale(
    logged_in, consultant, test, scores, taken_on, field, message
):
    row = dict(zip(("listening", "reading", "writing", "speaking"), scores, strict=True))
    data = profile_post(consultant, languagetests=[{"test": test, "taken_on": taken_on, **row}])
    response = logged_in.post(reverse("clients:create"), data)
    assert response.status_code == 200
    assert response.context["profile"].formsets["languagetests"].forms[0].errors[field] == [message]
    _nothing_saved()


def test_tcf_writing_on_its_20_point_scale_is_accepted(logged_in, consultant):
    data = profile_post(consultant, languagetests=[{"test": "tcf_canada", "taken_on": "2026-05-20",
                                                    "listening": "500", "reading": "520", "writing": "12",
                                                    "speaking": "14"}])
    assert logged_in.post(reverse("clients:create"), data).status_code == 302
    assert LanguageTest.objects.get().writing == 12


def test_noc_picked_from_the_list_is_stored_as_its_code(logged_in, consultant):
    row = {"noc": "21231 — Software engineers and designers", "country": "ca",
           "start_on": "2022-01-01", "hours_per_week": "40", "is_paid": "on"}
    data = profile_post(consultant, jobs=[row])
    assert logged_in.post(reverse("clients:create"), data).status_code == 302
    job = Job.objects.get()
    assert (job.noc_id, job.country) == ("21231", "CA")


def test_blank_extra_rows_are_ignored(logged_in, consultant):
    data = profile_post(consultant, jobs=[{"noc": "", "country": "CA", "start_on": "", "hours_per_week": "",
                                           "is_paid": "on"}])
    assert logged_in.post(reverse("clients:create"), data).status_code == 302
    assert Job.objects.count() == 0


def test_spouse_forms_are_ignored_unless_married_or_common_law(logged_in, consultant):
    bad_row = {"test": "celpip_general", "taken_on": "bad", "listening": "99"}
    data = profile_post(consultant, spouse={"first_name": "Luis"}, spouse_languagetests=[bad_row])
    assert logged_in.post(reverse("clients:create"), data).status_code == 302
    client = Client.objects.get()
    assert not Spouse.objects.filter(client=client).exists()
    assert not client.languagetests.exists()


def test_edit_page_shows_existing_rows_with_noc_titles(logged_in, consultant):
    client = ClientFactory(firm=consultant.membership.firm, consultant=consultant)
    JobFactory(client=client, noc_id="31301")
    response = logged_in.get(reverse("clients:edit", args=[client.pk]))
    assert response.status_code == 200
    assert 'value="31301 — Registered nurses and registered psychiatric nurses"' in response.content.decode()


def test_edit_page_shows_whole_scores_without_decimals(logged_in, consultant):
    client = ClientFactory(firm=consultant.membership.firm, consultant=consultant)
    LanguageTestFactory(client=client, test="tef_canada", taken_on=dt.date(2026, 5, 20),
                        listening=470, reading=440, writing=430, speaking=460)
    LanguageTestFactory(client=client, taken_on=dt.date(2026, 6, 1), listening=7.5, reading=7.0)
    profile = logged_in.get(reverse("clients:edit", args=[client.pk])).context["profile"]
    tef, ielts = profile.formsets["languagetests"].forms
    shown = [str(tef["listening"].value()), str(ielts["listening"].value()), str(ielts["reading"].value())]
    assert shown == ["470", "7.5", "7"]


def test_edit_changes_adds_and_removes_rows(logged_in, consultant, django_capture_on_commit_callbacks):
    client = ClientFactory(firm=consultant.membership.firm, consultant=consultant, first_name="Ana")
    old_test = LanguageTestFactory(client=client)
    job = JobFactory(client=client, hours_per_week=20)
    data = profile_post(
        consultant, client={"first_name": "Anabel"},
        languagetests=[{"id": old_test.pk, "test": "ielts_general", "taken_on": "2026-03-05",
                        "listening": "8.5", "reading": "7.5", "writing": "7.0", "speaking": "7.5",
                        "DELETE": "on"}],
        jobs=[{"id": job.pk, "noc": "31301", "country": "CA", "start_on": "2023-06-01",
               "hours_per_week": "37.5", "is_paid": "on"},
              {"noc": "31102", "country": "CA", "start_on": "2020-01-01", "end_on": "2023-05-31",
               "hours_per_week": "40", "is_paid": "on"}],
    )
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = logged_in.post(reverse("clients:edit", args=[client.pk]), data)
    assert response.status_code == 302
    client.refresh_from_db()
    assert client.first_name == "Anabel"
    assert not LanguageTest.objects.filter(pk=old_test.pk).exists()
    assert sorted(client.jobs.values_list("noc_id", "hours_per_week")) == [("31102", 40), ("31301", 37.5)]
    refreshes = [c for c in callbacks if "schedule_assessment_refresh" in c.__qualname__]
    assert len(refreshes) == 1  # one assessment refresh for the whole edit, however many rows changed
    assert Client.objects.filter(pk=client.pk, assessment__isnull=False).exists()


def test_edit_with_a_bad_row_changes_nothing(logged_in, consultant):
    client = ClientFactory(firm=consultant.membership.firm, consultant=consultant, first_name="Ana")
    job = JobFactory(client=client)
    data = profile_post(consultant, client={"first_name": "Changed"},
                        jobs=[{"id": job.pk, "noc": "31301", "country": "CA", "start_on": "2023-06-01",
                               "hours_per_week": "37.5", "is_paid": "on"},
                              {"noc": "00000", "country": "CA", "start_on": "2020-01-01",
                               "hours_per_week": "40"}])
    response = logged_in.post(reverse("clients:edit", args=[client.pk]), data)
    assert response.status_code == 200
    assert "Unknown NOC 2021 code 00000" in response.content.decode()
    client.refresh_from_db()
    assert client.first_name == "Ana"
    assert list(client.jobs.all()) == [job]


def test_a_row_id_of_another_clients_job_cannot_be_edited(logged_in, consultant):
    mine = ClientFactory(firm=consultant.membership.firm, consultant=consultant)
    foreign_job = JobFactory(hours_per_week=40)  # another firm's client
    row = {"id": foreign_job.pk, "noc": "31301", "country": "CA", "start_on": "2023-06-01",
           "hours_per_week": "10", "is_paid": "on"}
    # Django drops a row whose id is outside the formset's queryset (this client's jobs).
    logged_in.post(reverse("clients:edit", args=[mine.pk]), profile_post(consultant, jobs=[row]))
    foreign_job.refresh_from_db()
    assert foreign_job.hours_per_week == 40
    assert foreign_job.client_id != mine.pk
    assert not mine.jobs.exists()


def test_a_post_without_the_formset_management_data_is_refused_with_a_message(logged_in, consultant):
    data = {k: v for k, v in spec_example_post(consultant).items() if "_FORMS" not in k}
    response = logged_in.post(reverse("clients:create"), data)
    assert response.status_code == 200
    assert response.context["profile"].formsets["jobs"].non_form_errors()
    _nothing_saved()


def test_changing_to_single_removes_the_spouse_and_spouse_facts(logged_in, consultant):
    spouse = SpouseFactory(client__firm=consultant.membership.firm, client__consultant=consultant)
    client = spouse.client
    EducationFactory(client=client, of_spouse=True)
    own = EducationFactory(client=client)
    response = logged_in.post(reverse("clients:edit", args=[client.pk]),
                              profile_post(consultant, client={"marital_status": "divorced"},
                                           educations=[{"id": own.pk, "level": "bachelors",
                                                        "completed_on": "2017-06-30"}]))
    assert response.status_code == 302
    assert not Spouse.objects.filter(client=client).exists()
    assert list(client.educations.all()) == [own]


def test_edit_keeps_spouse_rows_apart_from_own_rows(logged_in, consultant):
    spouse = SpouseFactory(client__firm=consultant.membership.firm, client__consultant=consultant)
    client = spouse.client
    EducationFactory(client=client, of_spouse=True, level="masters")
    profile = logged_in.get(reverse("clients:edit", args=[client.pk])).context["profile"]
    assert len(profile.formsets["educations"].forms) == 0
    assert [f.instance.level for f in profile.formsets["spouse_educations"].forms] == ["masters"]


@pytest.mark.parametrize(("role", "allowed"), [("owner", True), ("consultant", True), ("assistant", False)])
def test_delete_is_for_owners_and_consultants_only(client, firm, role, allowed):
    user = member(firm, role)
    target = ClientFactory(firm=firm)
    client.force_login(user)
    confirm = client.get(reverse("clients:delete", args=[target.pk]))
    response = client.post(reverse("clients:delete", args=[target.pk]))
    if allowed:
        assert confirm.status_code == 200 and "Delete permanently" in confirm.content.decode()
        assert response.status_code == 302 and response["Location"] == reverse("clients:list")
        assert not Client.objects.filter(pk=target.pk).exists()
    else:
        assert confirm.status_code == response.status_code == 403
        assert Client.objects.filter(pk=target.pk).exists()


def test_client_page_hides_delete_from_assistants(client, firm):
    assistant = member(firm, "assistant")
    target = ClientFactory(firm=firm)
    client.force_login(assistant)
    html = client.get(reverse("clients:detail", args=[target.pk])).content.decode()
    assert reverse("clients:edit", args=[target.pk]) in html
    assert reverse("clients:delete", args=[target.pk]) not in html


def test_user_without_a_firm_cannot_create_clients(client, django_user_model):
    django_user_model.objects.create_user("loner", password=PASSWORD)
    client.login(username="loner", password=PASSWORD)
    assert client.get(reverse("clients:create")).status_code == 403
