"""Cannot judge is never shown, counted, printed or emailed as "not eligible".

A carpenter (NOC 72310) while the 2026 trade list is not known (the category's list is
empty), and skilled military recruits (a condition no recorded fact covers): the stored
columns, the client page and list, the report page, PDF, JSON and comparison, the assess
command and the nightly alerts all say "Check", with what is missing.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import subprocess
import sys

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from clients.tests.factories import (
    ClientFactory,
    EducationFactory,
    FirmFactory,
    JobFactory,
    LanguageTestFactory,
    member,
)
from draws.models import Category
from eligibility import services
from eligibility.models import Alert, ClientAssessment, Report
from eligibility.rules import verdict
from eligibility.tests.report_fixtures import ensure_reference_data

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 24)
NOW = dt.datetime(2026, 11, 24, 15, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _reference_data(db):
    ensure_reference_data()


@pytest.fixture
def unknown_trades(db) -> Category:
    """The 2026 trade list not known yet: the category is in force with no occupation."""
    trades = Category.objects.get(slug="trades", effective_from__year=2026)
    trades.nocs.clear()
    return trades


@pytest.fixture
def firm():
    return FirmFactory(name="Maple Route Immigration")


@pytest.fixture
def consultant(firm):
    return member(firm, "consultant", first_name="Priya", last_name="Shah", username="priya")


def carpenter(firm, consultant, **kw):
    """Four years as a carpenter in Canada, CELPIP 9, a Canadian two-year diploma: CEC is met."""
    client = ClientFactory(firm=firm, consultant=consultant, first_name="Tom", last_name="Wood",
                           date_of_birth=dt.date(1992, 3, 3), settlement_funds_cad=30000, **kw)
    EducationFactory(client=client, level="two_year", is_canadian=True, eca_on=None,
                     completed_on=dt.date(2021, 6, 1))
    LanguageTestFactory(client=client, test="celpip_general", taken_on=dt.date(2026, 1, 10),
                        listening=9, reading=9, writing=9, speaking=9)
    JobFactory(client=client, noc_id="72310", country="CA", start_on=dt.date(2022, 1, 1), end_on=None,
               hours_per_week=40)
    return client


def category_row(html: str, slug: str) -> str:
    match = re.search(rf'<tr data-testid="category-{slug}".*?</tr>', html, re.S)
    assert match, slug
    return match.group(0)


# ---------------------------------------------------------------------------- stored columns


@time_machine.travel(NOW, tick=False)
def test_the_refresh_stores_three_way_statuses(firm, consultant, unknown_trades):
    client = carpenter(firm, consultant)
    services.refresh_assessments([client.pk])
    stored = ClientAssessment.objects.get(client=client)
    assert (stored.cec_status, stored.cec) == (verdict.ELIGIBLE, True)
    assert (stored.fstp_status, stored.fstp) == (verdict.NOT_ELIGIBLE, False)
    assert "trades" not in stored.categories
    assert set(stored.categories_check) == {"trades", "skilled_military"}
    # The stored columns agree with a fresh computation.
    fresh = services.assess_client(services.clients_with_facts(type(client).objects.filter(pk=client.pk))
                                   .get(), as_of=TODAY)
    assert set(fresh.check_categories) == set(stored.categories_check)
    assert stored.result["categories"][0]["status"] in verdict.STATUSES


@time_machine.travel(NOW, tick=False)
def test_once_the_list_is_loaded_the_carpenter_is_judged_against_it(firm, consultant, unknown_trades):
    client = carpenter(firm, consultant)
    unknown_trades.nocs.add("72310")
    services.refresh_assessments([client.pk])
    stored = ClientAssessment.objects.get(client=client)
    assert "trades" in stored.categories and "trades" not in stored.categories_check


def test_the_migration_reads_old_rows_the_way_the_old_engine_meant_them():
    old_unknown = {"eligible": False, "reasons": [verdict.LEGACY_CANNOT_JUDGE[0]]}
    old_no_program = {"eligible": False, "reasons": [
        verdict.LEGACY_CANNOT_JUDGE[1],
        "not eligible for FSW, CEC or FSTP (category draws also require a program)"]}
    assert verdict.of(old_unknown) == verdict.CANNOT_JUDGE
    assert verdict.of(old_no_program) == verdict.NOT_ELIGIBLE
    assert verdict.of({"eligible": True, "reasons": []}) == verdict.ELIGIBLE
    assert verdict.of({"status": "cannot_judge", "eligible": False}) == verdict.CANNOT_JUDGE


# ---------------------------------------------------------------------------- pages


@time_machine.travel(NOW, tick=False)
def test_client_page_shows_check_not_not_eligible(client, firm, consultant, unknown_trades,
                                                   django_assert_max_num_queries):
    row = carpenter(firm, consultant)
    services.refresh_assessments([row.pk])
    client.force_login(consultant)
    url = reverse("clients:detail", args=[row.pk])
    # The same queries as when every verdict is judged (clients/tests: at most 16).
    with django_assert_max_num_queries(16) as checked:
        response = client.get(url)
    unknown_trades.nocs.add("72310")
    with django_assert_max_num_queries(16) as judged:
        assert 'data-status="cannot_judge"' not in category_row(client.get(url).content.decode(), "trades")
    assert len(checked.captured_queries) == len(judged.captured_queries)
    html = response.content.decode()
    trades = category_row(html, "trades")
    assert 'data-status="cannot_judge"' in trades and ">Check<" in trades
    assert "Not eligible" not in trades and "text-bg-warning" in trades
    assert "the occupation list for this category is unconfirmed" in trades  # what is missing
    military = category_row(html, "skilled_military")
    assert ">Check<" in military and "Not eligible" not in military
    assert "Canadian Armed Forces" in military
    assert "2 to check" in html


@time_machine.travel(NOW, tick=False)
def test_client_page_in_french_says_a_verifier(client, firm, consultant, unknown_trades):
    row = carpenter(firm, consultant)
    client.force_login(consultant)
    html = client.get(reverse("clients:detail", args=[row.pk]), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    trades = category_row(html, "trades")
    assert "À vérifier" in trades and "Non admissible" not in trades


@time_machine.travel(NOW, tick=False)
def test_client_list_shows_an_amber_check_badge(client, firm, consultant, unknown_trades,
                                                django_assert_max_num_queries):
    row = carpenter(firm, consultant)
    plain = ClientFactory(firm=firm, consultant=consultant)
    services.refresh_assessments([plain.pk])
    client.force_login(consultant)
    client.get(reverse("clients:list"))  # the firm's cached counts, warm
    with django_assert_max_num_queries(10) as before:  # clients/tests: the list's bound
        client.get(reverse("clients:list"))
    services.refresh_assessments([row.pk])
    client.get(reverse("clients:list"))
    with django_assert_max_num_queries(10) as after:
        html = client.get(reverse("clients:list")).content.decode()
    assert len(before.captured_queries) == len(after.captured_queries)
    badge = re.search(r'<span class="badge verdict verdict-cannot_judge[^"]*"[^>]*>([^<]*)</span>', html)
    assert badge and badge.group(1) == "Check 2 categories"
    assert "text-bg-warning" in badge.group(0)


# ---------------------------------------------------------------------------- reports


@pytest.fixture
def carpenter_report(firm, consultant, unknown_trades) -> Report:
    with time_machine.travel(NOW, tick=False):
        row = carpenter(firm, consultant)
        return services.generate_report(client=row, by=consultant, as_of=TODAY)


def test_report_page_pdf_and_json_say_check(client, consultant, carpenter_report, tmp_path,
                                            django_assert_max_num_queries):
    client.force_login(consultant)
    with django_assert_max_num_queries(8):  # the report page's bound (test_report_views)
        html = client.get(reverse("eligibility:report", args=[carpenter_report.pk])).content.decode()
    categories = html[html.index('id="categories"'):html.index('id="backtest"')]
    trades = re.search(r"<tr>\s*<td><strong>Trade[^<]*</strong>.*?</tr>", categories, re.S).group(0)
    assert 'data-status="cannot_judge"' in trades and "Not eligible" not in trades
    summary = html[html.index('id="summary"'):html.index('id="crs"')]
    assert summary.count('data-status="cannot_judge"') == 2  # trades and skilled military, as "Check"

    pdf = client.get(reverse("eligibility:report_pdf", args=[carpenter_report.pk])).content
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True,
                          text=True).stdout
    lines = [line for line in text.splitlines() if line.strip().startswith(("Trade", "Skilled military"))]
    assert lines and all("Not eligible" not in line for line in lines)
    assert any("Check" in line for line in lines)

    data = client.get(reverse("eligibility:report_json", args=[carpenter_report.pk])).json()
    statuses = {c["slug"]: (c["status"], c["eligible"]) for c in data["results"]["categories"]}
    assert statuses["trades"] == statuses["skilled_military"] == ("cannot_judge", False)
    assert data["results"]["assessment"]["programs"]["cec"]["status"] == "eligible"


def test_an_old_report_without_status_still_says_check(client, consultant, carpenter_report):
    """Snapshots written before statuses existed are read with the old engine's meaning."""
    results = carpenter_report.results
    for entry in (*results["categories"], *results["assessment"]["categories"],
                  *results["programs"], *results["assessment"]["programs"].values()):
        entry.pop("status", None)
    Report.objects.filter(pk=carpenter_report.pk).update(results=results)
    client.force_login(consultant)
    html = client.get(reverse("eligibility:report", args=[carpenter_report.pk])).content.decode()
    categories = html[html.index('id="categories"'):html.index('id="backtest"')]
    assert categories.count('data-status="cannot_judge"') == 2
    data = client.get(reverse("eligibility:report_json", args=[carpenter_report.pk])).json()
    assert {c["slug"]: c["status"] for c in data["results"]["categories"]}["trades"] == "cannot_judge"


def test_report_comparison_shows_a_change_to_cannot_judge_as_check(client, consultant, carpenter_report,
                                                                   unknown_trades):
    """Judged eligible with the list loaded, then the list is unknown: the comparison says Check."""
    unknown_trades.nocs.add("72310")
    with time_machine.travel(NOW, tick=False):
        judged = services.generate_report(client=carpenter_report.client, by=consultant, as_of=TODAY)
    client.force_login(consultant)
    html = client.get(reverse("eligibility:compare", args=[judged.pk, carpenter_report.pk])).content.decode()
    row = re.search(r"<tr><td><strong>Trade[^<]*</strong></td>.*?</tr>", html, re.S).group(0)
    assert 'data-status="eligible"' in row and 'data-status="cannot_judge"' in row
    assert "Not eligible" not in row


# ---------------------------------------------------------------------------- assess command


def test_assess_command_outputs_status_as_the_spec_says(unknown_trades):
    doc = {"as_of": "2026-11-24", "date_of_birth": "1992-03-03",
           "education": [{"level": "two_year", "canadian": True}],
           "language_tests": [{"test": "celpip_general", "date": "2026-01-10", "listening": 9, "reading": 9,
                               "writing": 9, "speaking": 9}],
           "work_history": [{"noc": "72310", "country": "CA", "start": "2022-01-01", "end": None,
                             "hours_per_week": 40}]}
    out = io.StringIO()
    stdin, sys.stdin = sys.stdin, io.StringIO(json.dumps(doc))
    try:
        call_command("assess", "-", stdout=out)
    finally:
        sys.stdin = stdin
    data = json.loads(out.getvalue())
    for program in data["programs"].values():
        assert program["status"] in verdict.STATUSES
        assert program["eligible"] == (program["status"] == "eligible")
    by_slug = {c["slug"]: c for c in data["categories"]}
    assert by_slug["trades"]["status"] == "cannot_judge" and by_slug["trades"]["eligible"] is False
    assert by_slug["skilled_military"]["status"] == "cannot_judge"
    assert list(by_slug["trades"]) == ["slug", "status", "eligible", "occupation", "months", "reasons"]


# ---------------------------------------------------------------------------- alerts


def night(day: dt.date) -> services.NightlyResult:
    with time_machine.travel(dt.datetime.combine(day, dt.time(8, 30), tzinfo=dt.UTC), tick=False):
        return services.refresh_and_raise_alerts()


def test_a_list_becoming_unknown_is_not_a_loss_of_eligibility(firm, consultant, unknown_trades):
    unknown_trades.nocs.add("72310")
    client = carpenter(firm, consultant)
    night(TODAY)
    assert "trades" in ClientAssessment.objects.get(client=client).categories
    unknown_trades.nocs.clear()
    night(TODAY + dt.timedelta(days=1))
    assert not Alert.objects.filter(kind=Alert.Kind.NO_LONGER_ELIGIBLE).exists()
    alert = Alert.objects.get(kind=Alert.Kind.CANNOT_JUDGE)
    assert alert.data["category"] == "trades"
    with translation.override("en"):
        assert str(alert.message) == ("Can no longer be judged: Trade occupations "
                                      "(check the missing facts or list)")


def test_a_list_becoming_known_says_now_judged_not_newly_eligible(firm, consultant, unknown_trades):
    client = carpenter(firm, consultant)
    night(TODAY)
    assert "trades" in ClientAssessment.objects.get(client=client).categories_check
    unknown_trades.nocs.add("72310")
    night(TODAY + dt.timedelta(days=1))
    assert not Alert.objects.filter(kind=Alert.Kind.NEWLY_ELIGIBLE).exists()
    alert = Alert.objects.get(kind=Alert.Kind.NOW_JUDGED)
    assert alert.data == {"category": "trades", "name": "Trade occupations", "status": "eligible"}
    with translation.override("en"):
        assert str(alert.message) == "Now judged: eligible for Trade occupations"
