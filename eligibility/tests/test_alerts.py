"""Alerts raised by the nightly job for the consultant: birthdays, new eligibility, expiring documents."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from clients.models import Client, LanguageTest
from clients.tests.factories import (
    ClientFactory,
    EducationFactory,
    FirmFactory,
    JobFactory,
    LanguageTestFactory,
    member,
)
from eligibility import services
from eligibility.models import Alert, ClientAssessment
from eligibility.selectors import alerts_for
from eligibility.tests.report_fixtures import ensure_reference_data, spec_example_client

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _reference_data(db):
    """NOC codes, categories and the beat schedule are present even after another module's flush."""
    ensure_reference_data()


def night(day: dt.date) -> services.NightlyResult:
    """Run the nightly job at 03:30 Toronto time on `day`, with today's date taken from the clock."""
    moment = dt.datetime.combine(day, dt.time(8, 30), tzinfo=dt.UTC)
    with time_machine.travel(moment, tick=False):
        return services.refresh_and_raise_alerts()


def cec_candidate(**client_kwargs) -> Client:
    """Single, IELTS CLB 9, bachelor's with ECA, a Canadian TEER 1 job since 2025-11-03 (40 h/week)."""
    client = ClientFactory(date_of_birth=dt.date(1996, 6, 15), settlement_funds_cad=16000, **client_kwargs)
    EducationFactory(client=client, level="bachelors", eca_on=dt.date(2024, 2, 1))
    LanguageTestFactory(client=client, taken_on=dt.date(2026, 1, 20), listening=8.0, reading=7.0,
                        writing=7.0, speaking=7.0)
    JobFactory(client=client, noc_id="21231", country="CA", start_on=dt.date(2025, 11, 3), hours_per_week=40)
    return client


def first_cec_day(client: Client, start: dt.date) -> dt.date:
    """The first day on which the engine says CEC is met (one year of Canadian work)."""
    loaded = services.clients_with_facts(Client.objects.filter(pk=client.pk)).get()
    day = start
    while not services.assess_client(loaded, as_of=day).programs.cec.eligible:
        day += dt.timedelta(days=1)
    return day


# ---------------------------------------------------------------------------- score change


def test_a_birthday_raises_one_score_change_alert_with_the_reason():
    client = spec_example_client()
    night(dt.date(2027, 4, 1))
    assert not Alert.objects.exists()  # the first assessment has nothing to compare with
    night(dt.date(2027, 4, 2))  # turns 32: age points 90 -> 85
    alert = Alert.objects.get()
    assert (alert.client, alert.consultant, alert.firm) == (client, client.consultant, client.firm)
    assert alert.kind == Alert.Kind.SCORE_CHANGE
    assert alert.raised_on == dt.date(2027, 4, 2)
    assert (alert.data["old"], alert.data["new"], alert.data["delta"]) == (582, 577, -5)
    assert alert.data["reasons"] == [{"factor": "age", "delta": -5, "age": 32}]
    assert str(alert.message) == "CRS score changed from 582 to 577 (birthday: now 32, age points -5)"


def test_the_nightly_rerun_does_not_duplicate_alerts():
    spec_example_client()
    night(dt.date(2027, 4, 1))
    night(dt.date(2027, 4, 2))
    assert night(dt.date(2027, 4, 2)).alerts == 0
    # Even if yesterday's stored score were put back (a crashed run retried), the event is the same.
    ClientAssessment.objects.update(crs_total=582, result={"crs": {"details": {"age": 90}}, "derived": {}})
    assert night(dt.date(2027, 4, 2)).alerts == 0
    assert Alert.objects.filter(kind=Alert.Kind.SCORE_CHANGE).count() == 1


def test_an_unchanged_score_raises_nothing():
    spec_example_client()
    night(dt.date(2026, 11, 24))
    assert night(dt.date(2026, 11, 25)).alerts == 0
    assert not Alert.objects.exists()


# ---------------------------------------------------------------------------- new eligibility


def test_reaching_a_year_of_canadian_work_raises_newly_eligible_for_cec():
    client = cec_candidate()
    day = first_cec_day(client, dt.date(2026, 10, 1))
    night(day - dt.timedelta(days=1))
    assert not ClientAssessment.objects.get(client=client).cec
    night(day)
    assert ClientAssessment.objects.get(client=client).cec
    newly = {a.key: a for a in Alert.objects.filter(client=client, kind=Alert.Kind.NEWLY_ELIGIBLE)}
    # A first year of skilled work also meets FSW's one-year rule on the same day.
    assert set(newly) == {f"program:cec:{day.isoformat()}", f"program:fsw:{day.isoformat()}"}
    alert = newly[f"program:cec:{day.isoformat()}"]
    assert alert.data == {"program": "cec"}
    assert str(alert.message) == "Newly eligible: Canadian Experience Class"
    # The same night the score moved too (a first year of Canadian work scores).
    change = Alert.objects.get(client=client, kind=Alert.Kind.SCORE_CHANGE)
    assert any(r["factor"] == "canadian_work" and r["delta"] > 0 for r in change.data["reasons"])


def test_a_new_category_eligibility_is_named():
    client = spec_example_client()
    LanguageTest.objects.filter(client=client, test="tef_canada").update(taken_on=dt.date(2026, 12, 1))
    night(dt.date(2026, 11, 30))
    assert "french" not in ClientAssessment.objects.get(client=client).categories
    night(dt.date(2026, 12, 1))  # the TEF result (NCLC 7+) is dated today
    alert = Alert.objects.get(client=client, kind=Alert.Kind.NEWLY_ELIGIBLE)
    assert alert.data == {"category": "french", "name": "French-language proficiency"}
    assert str(alert.message) == "Newly eligible: French-language proficiency"


def test_losing_a_program_is_an_alert_too():
    client = cec_candidate()
    LanguageTest.objects.filter(client=client).update(taken_on=dt.date(2024, 12, 20))
    night(dt.date(2026, 12, 19))
    assert ClientAssessment.objects.get(client=client).fsw
    night(dt.date(2026, 12, 20))  # the only language result turns two years old
    kinds = set(Alert.objects.filter(client=client).values_list("kind", flat=True))
    assert Alert.Kind.NO_LONGER_ELIGIBLE in kinds
    lost = Alert.objects.get(client=client, kind=Alert.Kind.NO_LONGER_ELIGIBLE, key__startswith="program:fsw")
    assert str(lost.message) == "No longer eligible: Federal Skilled Worker Program"


# ---------------------------------------------------------------------------- documents


def test_documents_expiring_within_30_days_are_raised_once_each():
    client = cec_candidate(ee_submitted_at=dt.datetime(2025, 12, 5, 15, 0, tzinfo=dt.UTC))
    LanguageTest.objects.filter(client=client).update(taken_on=dt.date(2024, 12, 10))
    EducationFactory(client=client, level="masters", eca_on=dt.date(2021, 12, 20))
    night(dt.date(2026, 11, 24))
    expiring = {a.data["document"]: a.data["expires_on"]
                for a in Alert.objects.filter(kind=Alert.Kind.DOCUMENT_EXPIRING)}
    assert expiring == {"language_test": "2026-12-10", "ee_profile": "2026-12-05", "eca": "2026-12-20"}
    night(dt.date(2026, 11, 25))
    night(dt.date(2026, 11, 26))
    assert Alert.objects.filter(kind=Alert.Kind.DOCUMENT_EXPIRING).count() == 3
    language = Alert.objects.get(data__document="language_test")
    assert str(language.message) == "Language test expires on 2026-12-10"


def test_an_expiring_test_replaced_by_a_newer_one_is_not_raised():
    client = cec_candidate()
    LanguageTestFactory(client=client, taken_on=dt.date(2024, 12, 10))  # older, same language
    night(dt.date(2026, 11, 24))
    assert not Alert.objects.filter(kind=Alert.Kind.DOCUMENT_EXPIRING).exists()


def test_documents_expiring_later_are_not_raised_yet():
    client = cec_candidate()
    LanguageTest.objects.filter(client=client).update(taken_on=dt.date(2025, 1, 10))
    night(dt.date(2026, 11, 24))  # expires 2027-01-10: 47 days away
    assert not Alert.objects.filter(kind=Alert.Kind.DOCUMENT_EXPIRING).exists()


# ---------------------------------------------------------------------------- reading alerts


def test_alerts_for_is_firm_scoped_and_can_be_narrowed_to_the_users_clients():
    firm = FirmFactory()
    priya, omar = member(firm, "consultant"), member(firm, "consultant")
    owner = member(firm, "owner")
    mine = spec_example_client(firm=firm, consultant=priya)
    theirs = spec_example_client(firm=firm, consultant=omar)
    outsider = spec_example_client()
    night(dt.date(2027, 4, 1))
    night(dt.date(2027, 4, 2))
    assert {a.client for a in alerts_for(owner)} == {mine, theirs}
    assert {a.client for a in alerts_for(priya, only_mine=True)} == {mine}
    assert {a.client for a in alerts_for(outsider.consultant)} == {outsider}
    assert not alerts_for(member(FirmFactory(), "owner")).exists()


def test_dismissing_an_alert_hides_it_and_another_firm_cannot(client):
    firm = FirmFactory()
    priya = member(firm, "consultant")
    spec_example_client(firm=firm, consultant=priya)
    night(dt.date(2027, 4, 1))
    night(dt.date(2027, 4, 2))
    alert = Alert.objects.get()
    client.force_login(member(FirmFactory(), "owner"))
    assert client.post(reverse("eligibility:dismiss_alert", args=[alert.pk])).status_code == 404
    client.force_login(priya)
    response = client.post(reverse("eligibility:dismiss_alert", args=[alert.pk]),
                           {"next": "https://evil.example/"})
    assert response.status_code == 302 and response["Location"] == reverse("dashboard")
    assert not alerts_for(priya).exists()
    assert alerts_for(priya, include_dismissed=True).get() == alert


def test_alerts_page_lists_the_users_alerts_in_constant_queries(client, django_assert_max_num_queries):
    firm = FirmFactory()
    priya, omar = member(firm, "consultant"), member(firm, "consultant")
    for _ in range(3):
        spec_example_client(firm=firm, consultant=priya)
    theirs = spec_example_client(firm=firm, consultant=omar, first_name="Omar's")
    night(dt.date(2027, 4, 1))
    night(dt.date(2027, 4, 2))
    client.force_login(priya)
    client.get(reverse("eligibility:alerts"))
    with django_assert_max_num_queries(6):
        response = client.get(reverse("eligibility:alerts"))
    html = response.content.decode()
    assert html.count("CRS score changed from 582 to 577") == 3
    assert theirs.full_name not in html
    whole_firm = client.get(reverse("eligibility:alerts") + "?mine=0").content.decode()
    assert whole_firm.count("CRS score changed from 582 to 577") == 4
