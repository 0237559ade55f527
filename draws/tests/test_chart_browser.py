"""In Chromium: the history chart has a line per category, its legend hides a series, the colours
hold on the dashboard; the round entry offers the categories of the date typed. Screenshots in
English and French at 1366 and 1024 px to look at."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.core.management import call_command

from clients.tests.factories import PASSWORD, member
from draws import palette
from testing.services import login, screenshot

DATA = Path(__file__).resolve().parent.parent / "data"

pytestmark = pytest.mark.browser


def _language(page, code: str) -> None:
    host = page.base_url.split("//", 1)[1].split(":")[0]
    page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": code, "domain": host,
                               "path": "/"}])


def _crs_series(page) -> list[dict]:
    return page.evaluate(
        "() => { const c = Chart.getChart(document.getElementById('crs-chart'));"
        " return c.data.datasets.map((d, i) => ({label: d.label, colour: d.borderColor,"
        " visible: c.isDatasetVisible(i)})); }")


def test_history_chart_has_a_line_per_category_and_the_legend_hides_one(page, reference_data):
    call_command("import_ircc_rounds", str(DATA / "ircc-rounds-full.json"), stdout=io.StringIO(),
                 stderr=io.StringIO())
    member(username="ana")
    login(page, page.base_url, "ana", PASSWORD)
    page.goto(f"{page.base_url}/draws/")
    page.wait_for_selector("#crs-chart")
    series = _crs_series(page)
    labels = [s["label"] for s in series]
    assert "Category" not in labels
    assert {"Transport occupations", "Healthcare occupations", "French-language proficiency"} <= set(labels)
    transport = next(s for s in series if s["label"] == "Transport occupations")
    assert transport["colour"] == palette.category_colour("transport")
    # Click the legend entry: Chart.js hides the series. The legend's boxes are read just before
    # each click (a layout change while the page settles can move them) and the click is retried.
    hidden = False
    for _attempt in range(3):
        page.wait_for_timeout(300)
        box = page.evaluate(
            "() => { const c = Chart.getChart(document.getElementById('crs-chart'));"
            " const i = c.legend.legendItems.findIndex(it => it.text === 'Transport occupations');"
            " const b = c.legend.legendHitBoxes[i];"
            " return {x: b.left + b.width / 2, y: b.top + b.height / 2}; }")
        page.locator("#crs-chart").click(position=box)  # relative to the canvas, scrolled into view
        page.wait_for_timeout(300)
        hidden = not next(s for s in _crs_series(page) if s["label"] == "Transport occupations")["visible"]
        if hidden:
            break
    assert hidden
    for code in ("en", "fr"):
        _language(page, code)
        for width in (1366, 1024):
            page.set_viewport_size({"width": width, "height": 900})
            page.goto(f"{page.base_url}/draws/")
            page.wait_for_selector("#crs-chart")
            screenshot(page, f"draws-history-chart-{code}-{width}")


@time_machine.travel("2026-11-25 15:00:00-05:00", tick=True)
def test_round_entry_offers_the_categories_of_the_date_typed(page, reference_data, django_user_model):
    django_user_model.objects.create_superuser("root", "root@itadesk.example", PASSWORD)
    login(page, page.base_url, "root", PASSWORD)
    for code in ("en", "fr"):
        _language(page, code)
        for width in (1366, 1024):
            page.set_viewport_size({"width": width, "height": 900})
            page.goto(f"{page.base_url}/admin/draws/draw/add/")
            page.wait_for_selector("#id_category")
            screenshot(page, f"draws-record-round-{code}-{width}")
    _language(page, "en")
    page.goto(f"{page.base_url}/admin/draws/draw/add/")
    assert "Record a round" in page.content()

    def offered() -> list[str]:
        return page.eval_on_selector_all("#id_category option", "os => os.map(o => o.textContent)")

    assert "Healthcare and social services occupations" in offered()
    assert "Healthcare occupations" not in offered()
    page.fill("#id_drawn_on", date(2023, 10, 26).isoformat())
    page.dispatch_event("#id_drawn_on", "change")
    assert "Healthcare occupations" in offered()
    assert "Healthcare and social services occupations" not in offered()
    assert "Canadian Experience Class" in offered()
