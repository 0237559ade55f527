"""In Chromium: a consultant opens a client, clicks Generate report, reads it, downloads the PDF."""

from __future__ import annotations

import datetime as dt
import subprocess

import pytest
import time_machine

from clients.models import Membership
from clients.tests.factories import PASSWORD, FirmFactory, member
from eligibility.models import Report
from eligibility.tests.report_fixtures import (
    FULL_ROUNDS,
    ensure_reference_data,
    load_rounds,
    spec_example_client,
)
from testing.services import SCREENSHOTS, login, screenshot

pytestmark = [pytest.mark.browser,
              pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _reference_data(db):
    """NOC codes, categories and the beat schedule are present even after another module's flush."""
    ensure_reference_data()


@time_machine.travel(dt.datetime(2026, 11, 25, 15, 0, tzinfo=dt.UTC), tick=True)
def test_consultant_generates_reads_and_downloads_a_report(page, tmp_path):
    firm = FirmFactory(name="Maple Route Immigration")
    consultant = member(firm, "consultant", username="priya", first_name="Priya", last_name="Sharma")
    Membership.objects.filter(user=consultant).update(rcic_number="R712345")
    client = spec_example_client(firm=firm, consultant=consultant,
                                 ee_submitted_at=dt.datetime(2026, 2, 10, 14, 0, tzinfo=dt.UTC))
    load_rounds(FULL_ROUNDS)

    login(page, page.base_url, "priya", PASSWORD)
    page.goto(f"{page.base_url}/clients/{client.pk}/")
    panel = page.locator("#eligibility-reports")
    assert "No report yet" in panel.inner_text()
    screenshot(page, "report-01-client-page")

    page.click("[data-testid=generate-report]")
    page.wait_for_load_state("networkidle")
    report = Report.objects.get(client=client)
    assert page.url.endswith(f"/reports/{report.pk}/")
    body = page.locator("article.report-sheet").inner_text()
    assert "Maria Santos" in body and "582" in body
    assert "Would have been invited in 12 of 14 rounds open to this profile since Nov 25, 2025." in body
    assert "An estimated 4,047 of 229,100 candidates in the pool score above 582." in body
    assert page.locator("svg.chart").count() == 2
    screenshot(page, "report-02-report-page")

    with page.expect_download() as info:
        page.click("[data-testid=download-pdf]")
    download = info.value
    assert download.suggested_filename == "eligibility-report-maria-santos-2026-11-25.pdf"
    pdf = tmp_path / download.suggested_filename
    download.save_as(pdf)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True,
                          text=True).stdout
    assert "Maria Santos" in text and "Maple Route Immigration" in text and "RCIC R712345" in text
    # Every page of the PDF as a PNG next to the screenshots, to look at.
    SCREENSHOTS.mkdir(exist_ok=True)
    for old in SCREENSHOTS.glob("report-pdf-page-*.png"):
        old.unlink()
    subprocess.run(["pdftoppm", "-r", "80", "-png", str(pdf), str(SCREENSHOTS / "report-pdf-page")],
                   check=True)
    pages = sorted(SCREENSHOTS.glob("report-pdf-page-*.png"))
    assert len(pages) >= 3

    # Back on the client page, the report is listed with its PDF link.
    page.goto(f"{page.base_url}/clients/{client.pk}/")
    assert page.locator(f"#eligibility-reports a[href='/reports/{report.pk}/']").count() >= 1
    screenshot(page, "report-03-client-page-with-report")
