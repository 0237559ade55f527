"""In Chromium: a consultant enters the assessment spec's example client through the forms.

Creates the client (married, accompanying spouse with a bachelor's and CELPIP, two
credentials, IELTS and TEF, two jobs), first with a mistake to see the field message,
then sees CRS 582, FSW met with 87 points, CEC met, FSTP not met and the healthcare and
French categories on the client page. Screenshots go to screenshots/ for a human to look at.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction

from clients.models import Client
from clients.signals import facts_saved
from clients.tests.factories import (
    PASSWORD,
    ClientFactory,
    EducationFactory,
    FirmFactory,
    JobFactory,
    LanguageTestFactory,
    member,
)
from testing.services import screenshot

# The spec example is "as of 2026-11-24"; one day later nothing in it changes.
TODAY = dt.datetime(2026, 11, 25, 15, 0, tzinfo=dt.UTC)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.time_machine(TODAY, tick=True),
]


def _fill_row(page, prefix: str, index: int, values: dict) -> None:
    for field, value in values.items():
        selector = f"[name={prefix}-{index}-{field}]"
        if value is True:
            page.check(selector)
        elif page.locator(selector).evaluate("e => e.tagName") == "SELECT":
            page.select_option(selector, value)
        else:
            page.fill(selector, value)


def _add_row(page, prefix: str, values: dict) -> None:
    index = int(page.input_value(f"#id_{prefix}-TOTAL_FORMS"))
    page.click(f"[data-add-row={prefix}]")
    _fill_row(page, prefix, index, values)


def _colleagues_clients(firm, consultant) -> None:
    """A few other clients, so the list looks like a practice's list."""
    people = [("Chen", "Wei", "invited", "21231"), ("Okafor", "Ben", "prospect", "41200"),
              ("Dubois", "Camille", "applied", "31102")]
    for last, first, status, noc in people:
        client = ClientFactory(firm=firm, consultant=consultant, first_name=first, last_name=last,
                               status=status, email=f"{first.lower()}.{last.lower()}@mail.example")
        EducationFactory(client=client, level="masters")
        LanguageTestFactory(client=client, listening=8.0, reading=7.0, writing=7.0, speaking=7.0)
        JobFactory(client=client, noc_id=noc, start_on=dt.date(2022, 3, 1))
        with transaction.atomic():  # as the services send it: its stored score follows (eligibility)
            facts_saved.send(sender=Client, client=client, by=None)


def _login(page, username: str) -> None:
    """Log in through the real login form (its own submit button, not the language switcher's)."""
    page.goto(f"{page.base_url}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("form:has(input[name=password]) button[type=submit]")
    assert "/login/" not in page.url, screenshot(page, "client_login_failed")


def _save(page) -> None:
    # Leave the field being typed in first: its change event can shift the page under the pointer.
    page.evaluate("document.activeElement && document.activeElement.blur()")
    with page.expect_navigation():
        page.click("#save-client")


def test_consultant_creates_the_spec_example_and_sees_its_assessment(page):
    firm = FirmFactory(name="Maple Route Immigration")
    consultant = member(firm, "consultant", username="priya", first_name="Priya", last_name="Shah")
    colleague = member(firm, "consultant", username="marc", first_name="Marc", last_name="Tremblay")
    _colleagues_clients(firm, colleague)
    _login(page, consultant.username)

    page.goto(f"{page.base_url}/clients/new/")
    assert page.locator("#spouse-section").is_hidden()
    page.fill("[name=first_name]", "Ana")
    page.fill("[name=last_name]", "Reyes")
    page.fill("[name=email]", "ana.reyes@mail.example")
    page.fill("[name=date_of_birth]", "1995-04-02")
    page.select_option("[name=marital_status]", "married")
    assert page.locator("#spouse-section").is_visible()
    # Countries by name: the list's filter box (profile_form.js) leaves one box to tick.
    page.fill("#id_citizenship_countries-filter", "philip")
    assert page.locator("#id_citizenship_countries .form-check:visible").count() == 1
    page.locator("#id_citizenship_countries").get_by_label("Philippines").check()
    page.fill("[name=ee_profile_number]", "E001234567")
    page.select_option("[name=status]", "in_pool")
    page.fill("[name=family_size]", "2")
    page.fill("[name=settlement_funds_cad]", "21000")

    _fill_row(page, "educations", 0, {"level": "bachelors", "completed_on": "2017-06-30",
                                      "eca_reference": "WES 4471-2201", "eca_on": "2024-01-10"})
    _add_row(page, "educations", {"level": "two_year", "is_canadian": True, "completed_on": "2023-04-30"})
    _fill_row(page, "languagetests", 0, {"test": "ielts_general", "taken_on": "2026-03-05",
                                         "listening": "8.5", "reading": "7.5", "writing": "7.0",
                                         "speaking": "7.5"})
    _add_row(page, "languagetests", {"test": "tef_canada", "taken_on": "2026-05-20", "listening": "470",
                                     "reading": "440", "writing": "430", "speaking": "460"})
    # The NOC picker: a code typed, or an occupation picked from the list by its title.
    _fill_row(page, "jobs", 0, {"noc": "31301 — Registered nurses and registered psychiatric nurses",
                                "employer": "Toronto General Hospital", "country": "CA",
                                "start_on": "2023-06-01", "hours_per_week": "37.5"})
    # A typo: the end date before the start date.
    _add_row(page, "jobs", {"noc": "31301", "employer": "St. Luke's Medical Center", "country": "PH",
                            "start_on": "2017-01-15", "end_on": "2012-04-30", "hours_per_week": "40"})

    page.fill("[name=spouse-first_name]", "Luis")
    page.fill("[name=spouse-last_name]", "Reyes")
    assert page.is_checked("[name=spouse-is_accompanying]")
    _add_row(page, "spouse_educations", {"level": "bachelors", "completed_on": "2016-05-31",
                                         "eca_on": "2024-02-01"})
    _add_row(page, "spouse_languagetests", {"test": "celpip_general", "taken_on": "2026-01-10",
                                            "listening": "7", "reading": "7", "writing": "6",
                                            "speaking": "7"})
    screenshot(page, "client_create_form")

    _save(page)
    assert page.url.endswith("/clients/new/")
    error = page.locator("#formset-jobs tr.row-has-errors .invalid-feedback")
    assert error.inner_text().strip() == "The end date is before the start date."
    assert page.locator("#error-summary").is_visible()
    screenshot(page, "client_create_form_errors")
    assert not Client.objects.filter(last_name="Reyes").exists()

    page.fill("[name=jobs-1-end_on]", "2021-04-30")
    _save(page)
    client = Client.objects.get(last_name="Reyes")
    assert page.url.endswith(f"/clients/{client.pk}/")

    assert page.inner_text("[data-testid=crs-total]") == "582"
    fsw = page.locator("[data-testid=program-fsw]")
    assert "Met" in fsw.inner_text() and "87" in fsw.inner_text()
    assert "Met" in page.inner_text("[data-testid=program-cec]")
    assert "Not met" in page.inner_text("[data-testid=program-fstp]")
    assert "Eligible" in page.inner_text("[data-testid=category-healthcare_social]")
    assert "Eligible" in page.inner_text("[data-testid=category-french]")
    assert page.inner_text("[data-testid=factor-french]") == "50"
    screenshot(page, "client_page")

    page.goto(f"{page.base_url}/clients/")
    row = page.locator("tr", has_text="Reyes, Ana")
    assert "582" in row.inner_text() and "Priya Shah" in row.inner_text()
    screenshot(page, "client_list")
    page.fill("[name=q]", "reyes")
    page.select_option("[name=consultant]", str(consultant.pk))
    with page.expect_navigation():
        page.click("form[role=search] button[type=submit]")
    assert page.locator("table.client-table tbody tr").count() == 1

    page.goto(f"{page.base_url}/clients/{client.pk}/edit/")
    assert page.input_value("[name=jobs-0-noc]").startswith("31301 — Registered nurses")
    assert page.locator("#spouse-section").is_visible()
    screenshot(page, "client_edit_form")
