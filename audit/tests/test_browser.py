"""The security pages in Chromium: lockout message, audit history, 404; no CSP violation."""

from __future__ import annotations

import pytest

from clients.tests.factories import PASSWORD, ClientFactory, FirmFactory, LanguageTestFactory, member
from testing.services import login, screenshot

pytestmark = pytest.mark.browser


def csp_violations(page) -> list[str]:
    messages: list[str] = []
    page.on("console", lambda msg: "Content Security Policy" in msg.text and messages.append(msg.text))
    return messages


def test_lockout_message_on_the_login_page(page, db):
    member(role="consultant", username="priya")
    violations = csp_violations(page)
    for _ in range(5):
        login(page, page.base_url, "priya", "not-the-password")
    alert = page.locator("#lockout-message")
    assert alert.is_visible()
    assert "Too many failed login attempts." in alert.inner_text()
    assert "try again in 15 minutes" in alert.inner_text()
    screenshot(page, "security-login-lockout")
    login(page, page.base_url, "priya", PASSWORD)  # the right password is refused too
    assert page.locator("#lockout-message").is_visible()
    assert violations == []


def test_owner_reads_the_audit_history(page, db):
    firm = FirmFactory(name="Maple Route Immigration")
    owner = member(firm, "owner", username="olivia", first_name="Olivia", last_name="Tremblay")
    priya = member(firm, "consultant", first_name="Priya", last_name="Shah")
    ana = ClientFactory(firm=firm, first_name="Ana", last_name="Reyes", consultant=priya, status="prospect")
    ana.status, ana.phone, ana._history_user = "in_pool", "+1 416 555 0199", priya
    ana.save()
    test = LanguageTestFactory(client=ana, speaking=6.5)
    test.speaking, test._history_user = 7.5, priya
    test.save()
    bob = ClientFactory(firm=firm, first_name="<script>alert(1)</script>", last_name="Brown",
                        consultant=priya)
    bob._history_user = owner
    bob.delete()
    violations = csp_violations(page)

    login(page, page.base_url, "olivia", PASSWORD)
    page.click("text=Audit")
    page.wait_for_load_state("networkidle")

    assert page.url.endswith("/audit/")
    table = page.locator("table.audit-table").inner_text()
    assert "Prospect → In pool" in table.replace("\t", " ")
    assert "<script>alert(1)</script> Brown (deleted)" in table  # shown as text
    page.locator("details summary").first.click()
    screenshot(page, "security-audit-history")
    assert violations == []


def test_404_page(page, db):
    member(role="consultant", username="priya")
    login(page, page.base_url, "priya", PASSWORD)
    response = page.goto(f"{page.base_url}/clients/999999/history/")
    assert response.status == 403  # a consultant: the audit is the owner's
    response = page.goto(f"{page.base_url}/no-such-page/")
    assert response.status == 404
    assert page.locator("h1").inner_text() == "Page not found"
    screenshot(page, "security-404")
