"""In Chromium: each role sees only the buttons it may use (clients.permissions via role_can).

The owner sees Export CSV, History, Delete and Generate report; an assistant sees none of them
and can still edit the profile. The client is named `<script>alert(1)</script>`: the pages
show it as text and no dialog opens. Screenshots go to screenshots/ for a human to look at.
"""

from __future__ import annotations

import pytest

from clients.tests.factories import PASSWORD
from testing.services import login, screenshot
from tests.world import build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCRIPT = "<script>alert(1)</script>"


def test_buttons_follow_the_role_and_the_name_is_text(page):
    world = build_world(first_name=SCRIPT)
    for user in world.users.values():
        if user is not None:
            user.set_password(PASSWORD)
            user.save()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    base = page.base_url

    login(page, base, "olivia", PASSWORD)  # the owner
    page.goto(f"{base}/clients/")
    assert page.get_by_test_id("export-csv").is_visible()
    assert page.get_by_role("link", name=f"Reyes, {SCRIPT}").is_visible()
    screenshot(page, "roles-owner-client-list")
    page.goto(f"{base}/clients/{world.client.pk}/")
    assert page.get_by_test_id("client-history").is_visible()
    assert page.get_by_role("link", name="Delete").is_visible()
    assert page.get_by_test_id("generate-report").is_visible()
    assert page.locator("h1").inner_text() == f"{SCRIPT} Reyes"
    screenshot(page, "roles-owner-client-page")
    page.get_by_test_id("client-history").click()
    page.wait_for_load_state("networkidle")
    assert "/history/" in page.url
    page.goto(f"{base}/?scope=firm")
    screenshot(page, "roles-owner-dashboard")

    page.context.clear_cookies()
    login(page, base, "adam", PASSWORD)  # the assistant
    page.goto(f"{base}/clients/")
    assert page.get_by_test_id("export-csv").count() == 0
    assert page.get_by_role("link", name="+ New client").is_visible()
    screenshot(page, "roles-assistant-client-list")
    page.goto(f"{base}/clients/{world.client.pk}/")
    assert page.get_by_test_id("client-history").count() == 0
    assert page.get_by_role("link", name="Delete").count() == 0
    assert page.get_by_test_id("generate-report").count() == 0
    assert page.get_by_role("link", name="Edit profile").is_visible()
    assert page.get_by_role("link", name="Audit").count() == 0
    screenshot(page, "roles-assistant-client-page")
    page.goto(f"{base}/reports/{world.report.pk}/")
    assert SCRIPT in page.locator("body").inner_text()
    screenshot(page, "roles-assistant-report")
    assert dialogs == []  # no script ran
