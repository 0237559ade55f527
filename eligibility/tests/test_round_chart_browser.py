"""In Chromium: the report's chart of rounds with one round open to the profile and with many,
in English and French at 1366 and 1024 px (screenshots to look at)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.conf import settings

from clients.tests.factories import PASSWORD, FirmFactory, member
from draws.models import Draw
from eligibility.services import generate_report
from eligibility.tests.report_fixtures import (
    FULL_ROUNDS,
    ensure_reference_data,
    load_rounds,
    spec_example_client,
)
from testing.services import login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _reference_data(db):
    ensure_reference_data()


@time_machine.travel(dt.datetime(2026, 11, 25, 15, 0, tzinfo=dt.UTC), tick=True)
def test_the_rounds_chart_reads_with_one_round_and_with_many(page):
    firm = FirmFactory(name="Maple Route Immigration")
    consultant = member(firm, "consultant", username="priya", first_name="Priya", last_name="Sharma")
    client = spec_example_client(firm=firm, consultant=consultant,
                                 ee_submitted_at=dt.datetime(2026, 2, 10, 14, 0, tzinfo=dt.UTC))
    load_rounds(FULL_ROUNDS)
    many = generate_report(client=client, by=consultant)
    # Only one round in the report's window: every other round of the last year is gone.
    recent = Draw.objects.filter(drawn_on__gte=dt.date(2025, 11, 25)).order_by("-drawn_on")
    keep = recent.filter(type="cec").first()
    recent.exclude(pk=keep.pk).delete()
    one = generate_report(client=client, by=consultant)
    login(page, page.base_url, "priya", PASSWORD)
    host = page.base_url.split("//", 1)[1].split(":")[0]
    rows = {}
    for name, report in (("many", many), ("one", one)):
        for code in ("en", "fr"):
            page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": code, "domain": host,
                                       "path": "/"}])
            for width in (1366, 1024):
                page.set_viewport_size({"width": width, "height": 900})
                page.goto(f"{page.base_url}/reports/{report.pk}/")
                chart = page.locator("#rounds-chart")
                chart.scroll_into_view_if_needed()
                rows[name] = chart.locator("g.round-row").count()
                box = chart.bounding_box()
                assert box["width"] <= width  # never wider than the page
                chart.screenshot(path=str(screenshot(page, f"report-rounds-chart-{name}-{code}-{width}")))
    assert rows["one"] == 1 and rows["many"] >= 10
