"""The history page and the admin entry in Chromium: charts drawn, screenshots to look at."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
from django.core.management import call_command

from clients.tests.factories import PASSWORD, member
from draws import selectors
from draws.tests.factories import category
from testing.services import login, screenshot

DATA = Path(__file__).resolve().parent.parent / "data"

pytestmark = pytest.mark.browser


def _charts_drawn(page) -> list[int]:
    """How many datasets each Chart.js chart on the page holds (0 if it was not created)."""
    return page.evaluate(
        "() => ['crs-chart', 'invitations-chart'].map(id => {"
        "  const c = Chart.getChart(document.getElementById(id)); return c ? c.data.datasets.length : 0; })"
    )


def test_history_page_draws_both_charts(page, reference_data):
    call_command("import_ircc_rounds", str(DATA / "ircc-rounds-full.json"), stdout=io.StringIO(),
                 stderr=io.StringIO())
    member(username="ana")
    login(page, page.base_url, "ana", PASSWORD)
    page.click("text=Draws")
    page.wait_for_selector("#crs-chart")
    # Five program types and every category that has had a round, each its own series.
    types, categories = selectors.kinds(selectors.rounds_for())
    assert _charts_drawn(page) == [len(types) + len(categories)] * 2 and len(categories) >= 8
    assert page.locator("#draw-table tbody tr").count() == 50
    assert "Transport occupations" in page.locator("#latest-rounds").inner_text()
    assert screenshot(page, "draws-history").stat().st_size > 20_000

    page.select_option("#id_kind", "cat:healthcare_social")
    page.click("text=Filter")
    page.wait_for_load_state("networkidle")
    assert page.locator("#draw-table tbody tr").count() == 9
    assert _charts_drawn(page) == [1, 1]
    screenshot(page, "draws-history-healthcare")

    with page.expect_download() as download:
        page.click("text=Download CSV")
    assert download.value.suggested_filename == "ircc-rounds-healthcare_social.csv"


def test_admin_round_entry_and_import_pages(page, reference_data, django_user_model):
    call_command("import_ircc_rounds", str(DATA / "ircc-rounds-sample.json"), stdout=io.StringIO(),
                 stderr=io.StringIO())
    django_user_model.objects.create_superuser("root", "root@itadesk.example", PASSWORD)
    login(page, page.base_url, "root", PASSWORD)
    page.goto(f"{page.base_url}/admin/draws/draw/")
    page.click("text=Import IRCC rounds")
    page.wait_for_selector("input[type=file]")
    screenshot(page, "draws-admin-import")
    page.goto(f"{page.base_url}/admin/draws/draw/add/")
    screenshot(page, "draws-admin-add")
    page.select_option("#id_category", f"cat-{category('healthcare_social', date(2026, 11, 25)).pk}")
    page.fill("#id_invitations_issued", "3,000")
    page.fill("#id_lowest_crs", "1434")
    page.click("input[name=_save]")
    page.wait_for_load_state("networkidle")
    assert "A CRS score is between 0 and 1,200." in page.content()
    screenshot(page, "draws-admin-add-error")
