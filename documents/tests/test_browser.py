"""In Chromium: a client on a phone sends a passport's pages, the consultant returns one with a
reason, the client is emailed (a real SMTP server) and sees why, in French."""

from __future__ import annotations

import os
import re

import pytest
from django.conf import settings
from django.test import Client as DjangoClient
from django.urls import reverse

from documents.tests import samples

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def eager_tasks():
    """The review's email task runs in the request (as without REDIS_URL), so the test sees it."""
    from config.celery import app

    saved, app.conf.task_always_eager = app.conf.task_always_eager, True
    yield
    app.conf.task_always_eager = saved


@pytest.fixture
def chromium(live_server):
    from playwright.sync_api import sync_playwright

    from testing.services import CHROMIUM, CHROMIUM_ARGS

    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


def context_for(browser, base_url: str, *, session: str, language: str, width: int, height: int):
    context = browser.new_context(viewport={"width": width, "height": height}, locale="fr-CA")
    context.add_cookies([
        {"name": settings.SESSION_COOKIE_NAME, "value": session, "url": base_url},
        {"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": base_url},
    ])
    return context


@pytest.fixture
def sessions(office) -> dict[str, str]:
    """The client's portal session and the consultant's login, made before the browser starts: an
    ORM call while Playwright's event loop runs opens a connection of its own that outlives the test."""
    from portal.testing import session_cookie

    office.client.preferred_language = "fr"
    office.client.save()
    staff = DjangoClient()
    staff.force_login(office.consultant)
    return {"client": session_cookie(office.client),
            "staff": staff.cookies[settings.SESSION_COOKIE_NAME].value}


def test_a_client_uploads_on_a_phone_and_sees_the_return_in_french(
        office, sessions, smtp_server, eager_tasks, live_server, chromium):
    client_session, staff_session = sessions["client"], sessions["staff"]
    item_url = live_server.url + reverse("portal:documents:item", args=[office.item.pk])

    phone = context_for(chromium, live_server.url, session=client_session, language="fr",
                        width=390, height=844)
    page = phone.new_page()
    page.goto(live_server.url + reverse("portal:documents:list"))
    page.get_by_role("link", name=office.item.label.split(" — ")[0].replace("Immigration medical exam",
                                                                           "Examen médical")).first.click()
    assert page.url == item_url
    page.set_input_files("input[name=files]", [
        {"name": "passeport-p1.pdf", "mimeType": "application/pdf", "buffer": samples.pdf()},
        {"name": "passeport-p2.jpg", "mimeType": "image/jpeg", "buffer": samples.jpeg()},
    ])
    page.get_by_role("button", name="Envoyer").click()
    page.wait_for_url(item_url)
    assert "Reçu\u00a0: passeport-p1.pdf, passeport-p2.jpg" in page.inner_text("main")
    assert page.inner_text("#item-status") == "Reçu, à vérifier"

    desk = context_for(chromium, live_server.url, session=staff_session, language="en",
                       width=1366, height=900)
    staff_page = desk.new_page()
    staff_page.goto(live_server.url + reverse("clients:detail", args=[office.client.pk]))
    # The rows are found by their text: no ORM call while the browser runs (see `sessions`).
    row = staff_page.locator("tr[data-document]", has_text="passeport-p2.jpg")
    row.get_by_role("link", name="Return…").click()
    reason = "The photo is blurred: take it again in daylight."
    staff_page.get_by_label("Reason (the client reads it)").fill(reason)
    staff_page.get_by_role("button", name="Save the decision").click()
    staff_page.wait_for_url(re.compile(r"/clients/\d+/#documents$"))
    assert "passeport-p2.jpg returned; the client is told by email." in staff_page.inner_text("main")

    [email] = smtp_server.messages
    assert email["To"].addresses[0].addr_spec == office.client.email
    assert "The photo is blurred" in email.get_body().get_content()
    assert email["Subject"].strip().startswith("Document à renvoyer\u00a0: ")

    page.reload()
    sent = page.locator("li[data-document]", has_text="passeport-p2.jpg")
    assert "Renvoyé" in sent.inner_text() and "The photo is blurred" in sent.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing wider than the phone
    for context in (phone, desk):  # leave the live server idle: its last request's connection is closed
        context.pages[0].goto("about:blank")
        context.close()
