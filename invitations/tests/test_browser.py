"""Screenshots of the client page section, the overview and the owner's settings page (Chromium)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from clients.tests.factories import PASSWORD, ClientFactory, member
from invitations.demo import seed_invitations
from invitations.tests.helpers import toronto_firm
from testing.services import login, screenshot

pytestmark = pytest.mark.browser


@pytest.fixture
def seeded(db, smtp_server):
    firm = toronto_firm()
    consultant = member(firm, username="claire", first_name="Claire", last_name="Tremblay",
                        email="claire@maple-law.example")
    member(firm, role="owner", username="olivia", first_name="Olivia", last_name="Owner")
    clients = [ClientFactory(firm=firm, consultant=consultant, residence_countries="IN, AE, PH",
                             marital_status="married", family_size=3, first_name=f"Priya{n}",
                             last_name="Sharma") for n in range(7)]
    invitations = seed_invitations(clients, now=timezone.now())  # sends the reminders due now
    return clients, invitations


def test_client_page_section_shows_the_timeline(page, seeded):
    clients, _ = seeded
    login(page, page.base_url, "claire", PASSWORD)
    page.goto(f"{page.base_url}/clients/{clients[3].pk}/")
    section = page.locator("#ita")
    section.scroll_into_view_if_needed()
    assert "days left" in section.inner_text()
    assert section.locator("#ita-reminders tbody tr").count() == 7
    assert section.locator("#ita-reminders .text-bg-success").count() == 3  # 45, 30 earlier; 14 just now
    assert section.locator("#ita-checklist tr.table-danger").count() >= 1
    assert screenshot(page, "invitations-client-section").stat().st_size > 10_000
    section.screenshot(path=str(screenshot(page, "invitations-client-section").with_name(
        "invitations-client-section-only.png")))


def test_overview_and_owner_settings_pages(page, seeded):
    login(page, page.base_url, "olivia", PASSWORD)
    page.goto(f"{page.base_url}/invitations/")
    assert page.locator("#ita-open tbody tr").count() == 6  # the submitted one is closed
    screenshot(page, "invitations-overview")
    page.goto(f"{page.base_url}/invitations/settings/")
    assert page.locator("#id_offsets").input_value() == "45, 30, 14, 7, 3, 1, 0"
    page.fill("#id_offsets", "45, 30, 14, 7, 3, 1, 0, 90")
    page.click("button[name=save_offsets]")
    assert "90 is not a number of days between 0 and 59." in page.content()
    assert screenshot(page, "invitations-settings").stat().st_size > 10_000
