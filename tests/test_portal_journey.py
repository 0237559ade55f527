"""Issue 13's walkthrough, end to end in Chromium, in French.

A consultant signs in on a desktop (1366 px) and invites a French-speaking client to the portal
from the client page; the invitation arrives on a real SMTP server on loopback, in French; the
client opens its link on a phone (390x844), sees the ITA deadline and checklist, sends a passport
PDF to the passport item, corrects a language test score in the questionnaire; the consultant
sees both on the dashboard and the client page, accepts the document and the change (the diff
shows the CRS before and after); the client is emailed once for each and, back on the phone,
sees the document accepted and the new score in their details.

SHOTS_DIR (default /tmp/shots-e2e) receives a full-page PNG of every step to look at.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

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
from documents.models import Document, DocumentDownload
from intake.models import FactChange
from invitations import services as invitation_services
from invitations.models import ChecklistItem
from portal.models import PortalAccess
from testing.services import CHROMIUM, CHROMIUM_ARGS, ensure_reference_data, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(os.environ.get("SHOTS_DIR", "/tmp/shots-e2e"))  # noqa: S108 (screenshots to look at)
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True,
         "device_scale_factor": 2, "locale": "fr-CA"}
DESKTOP = {"viewport": {"width": 1366, "height": 900}, "locale": "fr-CA"}
SIGN_IN_LINK = re.compile(r"(http://\S+/portal/sign-in/\d+/\?sesame=\S+)")


@pytest.fixture
def eager_tasks():
    """The review emails' Celery tasks run in the request, so the test reads them on the SMTP server."""
    from config.celery import app

    saved, app.conf.task_always_eager = app.conf.task_always_eager, True
    yield
    app.conf.task_always_eager = saved


@pytest.fixture
def chromium(live_server):
    from playwright.sync_api import sync_playwright

    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


def passport_pdf() -> bytes:
    """A real one-page PDF (WeasyPrint), as a scanner's export of a passport's photo page."""
    from weasyprint import HTML

    return HTML(string="<h1>PASSEPORT / PASSPORT</h1><p>TREMBLAY, Amélie — P1234567</p>").write_pdf()


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def fits(page) -> None:
    width = page.viewport_size["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width, "wider than the screen"


def test_the_issue_13_walkthrough_in_french(chromium, live_server, smtp_server, eager_tasks, settings):
    settings.SITE_URL = live_server.url  # the emails' links lead to this server
    ensure_reference_data()
    firm = FirmFactory(name="Cabinet Érable Immigration", email="bureau@erable.example")
    consultant = member(firm, "consultant", username="priya", first_name="Priya", last_name="Shah",
                        email="priya@erable.example")
    client = ClientFactory(firm=firm, consultant=consultant, first_name="Amélie", last_name="Tremblay",
                           email="amelie@mail.example", preferred_language="fr")
    EducationFactory(client=client)
    LanguageTestFactory(client=client)  # IELTS, reading 7.5
    JobFactory(client=client)
    with transaction.atomic():  # the stored assessment, as the services make it
        facts_saved.send(sender=Client, client=client, by=None)
    invitation = invitation_services.record_invitation(
        client=client, issued_at=timezone.now() - dt.timedelta(days=3), by=consultant)
    passport = invitation.checklist.filter(key="passport").order_by("id").first()
    crs_before = Client.objects.select_related("assessment").get(pk=client.pk).assessment.crs_total
    base = live_server.url

    # 1. The consultant, on a desktop, invites the client from the client page.
    desk = chromium.new_context(**DESKTOP)
    staff = desk.new_page()
    login(staff, base, "priya", PASSWORD)
    staff.goto(f"{base}{reverse('clients:detail', args=[client.pk])}")
    panel = staff.locator("#portal-access")
    assert "Pas d'accès" in panel.inner_text()
    shot(staff, "01-desktop-client-page-before-invite")
    staff.click("#portal-invite")
    staff.wait_for_load_state("load")
    assert "Un lien de connexion a été envoyé à amelie@mail.example." in staff.inner_text("main")
    assert "Accès activé" in staff.locator("#portal-access").inner_text()
    assert staff.locator("#portal-last-sign-in").inner_text() == "Jamais"
    shot(staff, "02-desktop-client-invited")

    # 2. The invitation is on the SMTP server, in French, with the client's single-use link.
    [invite] = smtp_server.wait_for(1)
    assert invite["To"].addresses[0].addr_spec == "amelie@mail.example"
    subject = "Votre lien de connexion au portail client de Cabinet Érable Immigration"
    assert invite["Subject"].strip() == subject
    text = invite.get_body(("plain",)).get_content()
    assert text.startswith("Bonjour Amélie,")
    link = SIGN_IN_LINK.search(text).group(1)
    assert link.startswith(f"{base}/portal/sign-in/{client.pk}/")

    # 3. The client opens it on a phone and signs in.
    phone = chromium.new_context(**PHONE)
    page = phone.new_page()
    page.goto(link)
    assert page.locator("h1").inner_text() == "Bienvenue"
    shot(page, "03-phone-sign-in")
    page.click("#portal-continue")
    page.wait_for_url(f"{base}/portal/")
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.locator("h1").inner_text() == "Bonjour Amélie"
    card = page.locator(f"#ita-{invitation.pk}")
    assert "Votre invitation à présenter une demande de résidence permanente" in card.inner_text()
    assert page.locator(f"#ita-{invitation.pk}-days").inner_text() == "57 jours restants"
    deadline = page.locator(f"#ita-{invitation.pk}-deadline").inner_text()
    months = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
              "octobre", "novembre", "décembre")
    assert any(f" {month} " in deadline for month in months), deadline
    checklist = page.locator(f"#ita-{invitation.pk}-checklist")
    assert "Copies du passeport" in page.locator(f"#item-{passport.pk}").inner_text()
    assert checklist.locator("li.portal-item").count() == invitation.checklist.exclude(
        status=ChecklistItem.Status.NOT_NEEDED).count()
    assert PortalAccess.objects.get(client=client).last_signed_in_at is not None
    assert "Session ouverte\u00a0: Amélie Tremblay." in page.inner_text("footer")
    fits(page)
    shot(page, "04-phone-home")

    # 4. The passport PDF, sent to the passport item from the home page.
    page.locator(f"#item-{passport.pk}").get_by_role("link").first.click()  # the document's name
    page.wait_for_url(f"{base}{reverse('portal:documents:item', args=[passport.pk])}")
    page.set_input_files("input[name=files]", [
        {"name": "passeport.pdf", "mimeType": "application/pdf", "buffer": passport_pdf()},
    ])
    shot(page, "05-phone-upload-chosen")
    page.get_by_role("button", name="Envoyer").click()
    page.wait_for_load_state("load")
    assert "Reçu\u00a0: passeport.pdf" in page.inner_text("main")
    assert page.inner_text("#item-status") == "Reçu, à vérifier"
    fits(page)
    shot(page, "06-phone-uploaded")
    document = Document.objects.get(client=client)
    assert (document.item_id, document.status, document.content_type) == (
        passport.pk, Document.Status.TO_REVIEW, "application/pdf")

    # 5. The questionnaire: the reading score goes from 7.5 to 9.
    page.goto(f"{base}{reverse('portal:home')}")
    page.click("[data-testid=portal-facts-link]")
    page.wait_for_url(f"{base}{reverse('portal:facts')}")
    assert page.input_value("#id_languagetests-0-reading") == "7.5"  # a number field's value
    page.fill("#id_languagetests-0-reading", "9")
    shot(page, "07-phone-facts-edited")
    page.click("#send-facts")
    page.wait_for_load_state("load")
    pending = page.locator("[data-testid=change-pending]")
    assert "attendent l'examen de votre consultant" in pending.inner_text()
    fits(page)
    shot(page, "08-phone-facts-sent")
    change = FactChange.objects.get(client=client)
    assert change.status == FactChange.Status.PENDING
    # Nothing changed in the profile yet: a submission waits for the consultant.
    assert client.languagetests.get().reading == Decimal("7.5")

    # 6. The consultant sees both on the dashboard and on the client page.
    staff.goto(f"{base}{reverse('dashboard')}")
    assert staff.locator("#dash-documents-to-review").inner_text().split()[0] == "1"
    assert staff.locator("#dash-changes-to-review").inner_text().split()[0] == "1"
    shot(staff, "09-desktop-dashboard-to-review")
    staff.goto(f"{base}{reverse('clients:detail', args=[client.pk])}")
    assert staff.locator("#documents-to-review").inner_text() == "1 à vérifier"
    assert staff.locator("[data-testid=fact-changes-pending]").is_visible()
    assert staff.locator("#portal-last-sign-in").inner_text() != "Jamais"
    shot(staff, "10-desktop-client-page-to-review")

    # 7. The consultant opens the file (a download, audited), then accepts the document...
    row = staff.locator(f"#documents tr[data-document='{document.pk}']")
    with staff.expect_download() as download:
        row.get_by_role("link", name="passeport.pdf").click()
    assert download.value.suggested_filename == "passeport.pdf"
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF-")
    assert DocumentDownload.objects.filter(document=document, by_user=consultant).count() == 1
    row.get_by_role("button", name="Accepter").click()
    staff.wait_for_load_state("load")
    assert "passeport.pdf" in staff.inner_text("main")
    document.refresh_from_db()
    assert document.status == Document.Status.ACCEPTED and document.reviewed_by == consultant
    shot(staff, "11-desktop-document-accepted")

    # 8. ... and the change, on its diff page with the CRS before and after.
    staff.click("[data-testid=review-change]")
    staff.wait_for_url(re.compile(r"/changes/\d+/"))
    diff = staff.locator("#diff-languagetests [data-field=reading]")
    assert diff.locator(".change-old").inner_text().strip() == "7,5"
    assert diff.locator(".change-new").inner_text().strip() == "9"
    before = int(staff.locator("[data-testid=crs-before]").inner_text())
    after = int(staff.locator("[data-testid=crs-after]").inner_text())
    assert before == crs_before and after > before
    shot(staff, "12-desktop-change-diff")
    staff.click("[data-testid=accept-change]")
    staff.wait_for_load_state("load")
    assert staff.url.endswith(reverse("clients:detail", args=[client.pk]))
    shot(staff, "13-desktop-change-accepted")

    # The profile changed through the service, the stored assessment refreshed, all audited.
    client = Client.objects.select_related("assessment").get(pk=client.pk)
    assert client.languagetests.get().reading == Decimal("9")
    assert client.assessment.crs_total == after
    change.refresh_from_db()
    assert change.status == FactChange.Status.ACCEPTED and change.reviewed_by == consultant
    assert client.languagetests.get().history.filter(history_user=consultant).exists()
    assert document.history.filter(history_type="+").exists()  # the upload
    assert document.history.filter(status=Document.Status.ACCEPTED, history_user=consultant).exists()
    passport.refresh_from_db()
    assert passport.status == ChecklistItem.Status.RECEIVED
    assert change.history.filter(status=FactChange.Status.ACCEPTED, history_user=consultant).exists()
    assert PortalAccess.history.filter(client_id=client.pk, history_user=consultant).exists()

    # 9. One email for the document, one for the change: the invitation plus two.
    messages = smtp_server.wait_for(3)
    assert len(messages) == 3
    document_email, change_email = messages[1:]
    for message in (document_email, change_email):
        assert message["To"].addresses[0].addr_spec == "amelie@mail.example"
        body = message.get_body(("plain",)).get_content()
        assert body.startswith("Bonjour Amélie,") and f"{base}/portal/" in body
        assert "Hello" not in body
    assert document_email["Subject"].strip().startswith("Document accepté\u00a0: Copies du passeport")
    assert "passeport.pdf" in document_email.get_body(("plain",)).get_content()
    assert change_email["Subject"].strip().startswith("Cabinet Érable Immigration\u00a0: ")
    shot(staff, "14-desktop-after-reviews")

    # 10. Back on the phone: the document accepted and the new score, in French.
    page.goto(f"{base}{reverse('portal:home')}")
    on_home = page.locator(f"#item-{passport.pk}").inner_text()
    assert "vérifier" not in on_home and ("Accepté" in on_home or "Reçu" in on_home), on_home
    shot(page, "15-phone-home-after")
    page.goto(f"{base}{reverse('portal:documents:item', args=[passport.pk])}")
    assert "Accepté" in page.locator(f"[data-document='{document.pk}']").inner_text()
    fits(page)
    shot(page, "16-phone-document-accepted")
    page.goto(f"{base}{reverse('portal:facts')}")
    accepted = page.locator("[data-testid=change-accepted]")
    assert "Votre consultant a accepté vos modifications" in accepted.inner_text()
    assert page.input_value("#id_languagetests-0-reading") == "9"
    fits(page)
    shot(page, "17-phone-facts-accepted")

    # 11. Signed out, the used link is refused with a way to a new one, and that form works too.
    page.get_by_role("button", name="Se déconnecter").click()
    page.wait_for_url(f"{base}{reverse('portal:ask_link')}")
    replayed = page.goto(link)
    assert replayed.status == 410 and page.locator("h1").inner_text() == "Ce lien ne fonctionne plus"
    shot(page, "18-phone-link-used")
    page.fill("input[name=email]", "amelie@mail.example")
    page.get_by_role("button", name="Recevoir un lien de connexion").click()
    page.wait_for_load_state("load")
    assert page.locator("h1").inner_text() == "Consultez vos courriels"  # not a 403: its POST passes CSRF
    shot(page, "19-phone-link-asked")
    fresh = SIGN_IN_LINK.search(smtp_server.wait_for(4)[3].get_body(("plain",)).get_content()).group(1)
    assert fresh != link and fresh.startswith(f"{base}/portal/sign-in/{client.pk}/")
    phone.close()
    desk.close()
