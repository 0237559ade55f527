"""The fact-change pages in Chromium: the questionnaire on a phone, the review diff, the intake page.

Each page at 390 px (a phone), 1024 and 1366 px, in English and French: nothing clipped or wider
than its box (testing/layout.py) and no axe-core WCAG 2.1 A/AA violation. Staff pages are checked
at the consultant's widths (1024, 1366), portal pages at all three. LAYOUT_SHOTS_DIR=/some/dir
saves every page at every width to look at. Then the whole loop in French: a client changes a
language test on a phone, the consultant accepts, the client sees it accepted.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client as DjangoClient
from django.urls import reverse

from clients.models import Client
from clients.tests.factories import (
    ClientFactory,
    EducationFactory,
    FirmFactory,
    JobFactory,
    LanguageTestFactory,
    SpouseFactory,
    member,
)
from intake import services
from intake.models import FactChange
from intake.testing import submit
from portal.testing import session_cookie
from testing.layout import axe_violations, format_overflows, format_violations, install_axe, overflows
from testing.services import CHROMIUM, CHROMIUM_ARGS, ensure_reference_data

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE, TABLET, LAPTOP = 390, 1024, 1366
HEIGHT = 800


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


def _office():
    """A firm, its owner and consultant, a married client with long values and a pending change."""
    ensure_reference_data()
    firm = FirmFactory(name="Maple Route Immigration Consultants", email="office@maple.example")
    owner = member(firm, "owner", username="olivia", first_name="Olivia", last_name="Owner")
    consultant = member(firm, "consultant", username="priya", first_name="Priya", last_name="Shah")
    client = ClientFactory(
        firm=firm,
        consultant=consultant,
        first_name="Adaeze",
        last_name="Okonkwo-Venkataraman",
        email="a.okonkwo-venkataraman@example.com",
        marital_status="married",
        citizenship_countries="NG, IN",
        residence_countries="NG, AE, CA",
    )
    SpouseFactory(client=client, first_name="Ravi", last_name="Venkataraman")
    EducationFactory(client=client)
    LanguageTestFactory(client=client)
    JobFactory(client=client, employer="St. Luke's Medical Centre of Greater Vancouver")
    change = submit(
        client,
        phone="+1 604 555 0199",
        has_sibling_in_canada="on",
        **{
            "languagetests-0-reading": "8",
            "educations-0-DELETE": "on",
            "jobs-TOTAL_FORMS": "2",
            "jobs-1-noc": "21232",
            "jobs-1-country": "PH",
            "jobs-1-employer": "Accenture Inc. (Philippines)",
            "jobs-1-start_on": "2019-01-07",
            "jobs-1-end_on": "2023-05-31",
            "jobs-1-hours_per_week": "40",
            "jobs-1-is_paid": "on",
            "spouse-first_name": "Ravindranath",
        },
    )
    link = services.set_intake_link(firm=firm, by=owner, publish=True, consultant=consultant)
    return {"owner": owner, "consultant": consultant, "client": client, "change": change, "link": link}


def _context(browser, base_url: str, *, language: str, width: int, user=None, portal_client=None):
    context = browser.new_context(viewport={"width": width, "height": HEIGHT}, locale="en-CA")
    install_axe(context)
    cookies = [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": base_url}]
    if user is not None:
        django_client = DjangoClient()
        django_client.force_login(user)
        cookies.append(
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": django_client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": base_url,
            }
        )
    if portal_client is not None:
        cookies.append(
            {"name": settings.SESSION_COOKIE_NAME, "value": session_cookie(portal_client), "url": base_url}
        )
    context.add_cookies(cookies)
    return context


def _shot(page, name: str) -> None:
    folder = os.environ.get("LAYOUT_SHOTS_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(
            path=str(Path(folder) / f"{re.sub(r'[^A-Za-z0-9_.-]+', '_', name)}.png"), full_page=True
        )


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_pages_fit_a_phone_and_the_consultants_screens_and_pass_axe(browser, live_server, language):
    office = _office()
    change, link = office["change"], office["link"]
    pages = [
        # (who, name, url, widths)
        (
            "consultant",
            "review",
            reverse("intake:review", args=[change.client_id, change.pk]),
            (TABLET, LAPTOP),
        ),
        ("owner", "intake-link", reverse("intake:link"), (TABLET, LAPTOP)),
        ("client", "questionnaire", reverse("portal:facts"), (PHONE, TABLET, LAPTOP)),
        (None, "intake", reverse("portal:intake", args=[link.token]), (PHONE, TABLET, LAPTOP)),
        (None, "intake-thanks", reverse("portal:intake_thanks", args=[link.token]), (PHONE, LAPTOP)),
    ]
    failures = []
    for who, name, url, widths in pages:
        context = _context(
            browser,
            live_server.url,
            language=language,
            width=widths[-1],
            user=office[who] if who in ("consultant", "owner") else None,
            portal_client=office["client"] if who == "client" else None,
        )
        page = context.new_page()
        try:
            response = page.goto(live_server.url + url, wait_until="load")
            assert response.status == 200, f"{name}: {response.status}"
            assert page.locator("html").get_attribute("lang") == language
            for width in widths:
                page.set_viewport_size({"width": width, "height": HEIGHT})
                page.wait_for_timeout(50)
                if found := overflows(page):
                    failures.append(f"{name} {language} {width}px:\n{format_overflows(found)}")
                if violations := axe_violations(page):
                    failures.append(f"{name} {language} {width}px axe:\n{format_violations(violations)}")
                _shot(page, f"intake-{name}-{language}-{width}")
        finally:
            context.close()
    assert not failures, "\n".join(failures)


def test_a_client_changes_a_test_on_a_phone_and_the_consultant_accepts_in_french(browser, live_server):
    ensure_reference_data()
    firm = FirmFactory(name="Cabinet Érable")
    consultant = member(firm, "consultant", username="priya", first_name="Priya", last_name="Shah")
    client = ClientFactory(
        firm=firm,
        consultant=consultant,
        first_name="Amélie",
        preferred_language="fr",
        email="amelie@mail.example",
    )
    LanguageTestFactory(client=client, taken_on=dt.date(2026, 3, 5))

    phone = _context(browser, live_server.url, language="fr", width=PHONE, portal_client=client)
    page = phone.new_page()
    page.goto(live_server.url + reverse("portal:facts"))
    page.fill("#id_languagetests-0-reading", "8")
    page.click("#send-facts")
    page.wait_for_load_state("load")
    assert page.locator("[data-testid=change-pending]").is_visible()
    assert (
        "attendent l'examen de votre consultant" in page.locator("[data-testid=change-pending]").inner_text()
    )
    change = FactChange.objects.get(client=client)

    office = _context(browser, live_server.url, language="fr", width=LAPTOP, user=consultant)
    staff = office.new_page()
    staff.goto(live_server.url + reverse("intake:review", args=[client.pk, change.pk]))
    row = staff.locator("#diff-languagetests [data-field=reading]")
    assert row.locator(".change-old").inner_text().strip() == "7,5"  # a French page writes 7,5
    assert row.locator(".change-new").inner_text().strip() == "8"
    staff.click("[data-testid=accept-change]")
    staff.wait_for_load_state("load")
    assert staff.url.endswith(reverse("clients:detail", args=[client.pk]))
    assert str(Client.objects.get(pk=client.pk).languagetests.get().reading) == "8.0"

    page.goto(live_server.url + reverse("portal:facts"))
    accepted = page.locator("[data-testid=change-accepted]")
    assert accepted.is_visible() and "accepté" in accepted.inner_text()
    _shot(page, "intake-accepted-fr-390")
    phone.close()
    office.close()
