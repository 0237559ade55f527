"""In Chromium: a consultant switches the interface to French with the navbar switcher.

Screenshots (screenshots/fr-*.png) of the dashboard and a client page in French are for a
human to look at; the test checks the texts, that no script was needed and that the choice
survives logging in and moving between pages.
"""

from __future__ import annotations

import pytest

from config.tests.french_office import french_office
from demo.firms import DEMO_PASSWORD
from testing.services import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def switch_to(page, code: str) -> None:
    with page.expect_navigation():
        page.click(f"#language-switcher button[value={code}]")
    page.wait_for_load_state("networkidle")


def test_a_consultant_switches_to_french_and_back(page):
    office = french_office(clients=60)
    problems: list[str] = []
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error"
            and not msg.location.get("url", "").endswith("/favicon.ico") else None)
    page.on("pageerror", lambda exc: problems.append(str(exc)))

    page.goto(f"{page.base_url}/login/")
    assert page.locator("h1").inner_text() == "Log in to ITA Desk"
    switch_to(page, "fr")
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.locator("h1").inner_text() == "Connexion à ITA Desk"
    assert page.locator("#language-switcher button[value=fr]").get_attribute("aria-pressed") == "true"

    page.fill("input[name=username]", office.consultant.username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    with page.expect_navigation():
        page.click("form:has(input[name=password]) button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert page.url.rstrip("/") == page.base_url.rstrip("/")
    page.wait_for_function("() => window.Chart && Chart.getChart('dash-crs-chart') !== undefined")
    nav = page.locator("nav.navbar").inner_text()
    assert "Tableau de bord" in nav and "Rondes" in nav and "Déconnexion" in nav
    body = page.locator("main").inner_text()
    assert "Échéances" in body and "Nouvelles correspondances" in body and "Deadlines" not in body
    assert screenshot(page, "fr-dashboard").stat().st_size > 50_000

    page.goto(f"{page.base_url}/clients/{office.client.pk}/")
    page.wait_for_load_state("networkidle")
    body = page.locator("main").inner_text()
    assert "Programmes" in body and "dans les quatre compétences" in body
    assert "in all four abilities" not in body and "Recorded facts" not in body
    assert screenshot(page, "fr-client-page").stat().st_size > 50_000

    switch_to(page, "en")  # back on the same page, in English
    assert page.url.endswith(f"/clients/{office.client.pk}/")
    body = page.locator("main").inner_text()
    assert "in all four abilities" in body and "dans les quatre compétences" not in body
    assert page.locator("nav.navbar").inner_text().count("Log out") == 1
    assert problems == []
