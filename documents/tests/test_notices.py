"""The client's email about a reviewed document: once, in their language, linking to the portal."""

from __future__ import annotations

import datetime as dt
import smtplib
import threading

import pytest
from django.conf import settings
from django.utils import timezone

from documents import notices, services
from documents.models import Document
from documents.tests import samples
from documents.tests.conftest import upload


@pytest.fixture(autouse=True)
def _queue_nothing(monkeypatch):
    """The review's own task is replaced: each test sends through notices itself."""
    monkeypatch.setattr("documents.tasks.send_review_notice.delay", lambda document_id: None)


def reviewed(office, *, accept: bool, reason: str = "") -> Document:
    [document] = upload(office, ("passeport.pdf", samples.pdf()))
    return services.review_document(document=document, by=office.consultant, accept=accept, reason=reason)


def test_a_returned_document_is_told_once_on_a_real_smtp_server(office, smtp_server):
    document = reviewed(office, accept=False, reason="The photo page is cut off.")
    assert notices.send_review_notice(document.pk) == "sent"
    assert notices.send_review_notice(document.pk) == "taken"
    assert notices.send_pending_notices() == {"sent": 0, "taken": 0, "failed": 0, "retrying": 0}
    [message] = smtp_server.messages
    body = message.get_body().get_content()
    assert message["To"] == "Ana Reyes <ana@mail.example>"
    assert message["From"] == "Maple Route Immigration <office@maple.example>"
    assert message["Subject"].strip().startswith("Document to send again: ")
    assert "The photo page is cut off." in body and "passeport.pdf" in body
    assert f"{settings.SITE_URL}/portal/" in body
    document.refresh_from_db()
    assert document.notice_sent_at is not None and document.notice_error == ""


def test_the_email_is_in_the_clients_language(office, smtp_server):
    office.client.preferred_language = "fr"
    office.client.save()
    document = reviewed(office, accept=True)
    notices.send_review_notice(document.pk)
    [message] = smtp_server.messages
    assert message["Subject"].strip().startswith("Document accepté\u00a0: ")
    assert message["Content-Language"] == "fr"
    assert "Bonjour Ana" in message.get_body().get_content()


def test_two_workers_sending_at_once_send_one_email(office, smtp_server, transactional_db):
    document = reviewed(office, accept=True)
    outcomes, barrier = [], threading.Barrier(2)

    def worker():
        from django.db import connection

        barrier.wait()
        outcomes.append(notices.send_review_notice(document.pk))
        connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["sent", "taken"] and len(smtp_server.messages) == 1


def test_a_mail_server_away_is_retried_by_the_sweep(office, smtp_server, monkeypatch):
    document = reviewed(office, accept=True)

    def refused(self, *args, **kwargs):
        raise smtplib.SMTPServerDisconnected("connection lost")

    with monkeypatch.context() as patch:
        patch.setattr("django.core.mail.backends.smtp.EmailBackend.send_messages", refused)
        with pytest.raises(notices.NoticeNotSent):
            notices.send_review_notice(document.pk)
    document.refresh_from_db()
    assert document.notice_claimed_at is None and "connection lost" in document.notice_error
    assert notices.send_pending_notices()["sent"] == 1 and len(smtp_server.messages) == 1


def test_a_claim_left_by_a_dead_worker_lapses_after_the_lease(office, smtp_server):
    document = reviewed(office, accept=True)
    now = timezone.now()
    Document.objects.filter(pk=document.pk).update(notice_claimed_at=now)  # claimed, then the worker died
    assert notices.send_pending_notices(now=now + dt.timedelta(minutes=1))["sent"] == 0
    assert notices.send_pending_notices(now=now + notices.CLAIM_LEASE)["sent"] == 1
    assert len(smtp_server.messages) == 1


def test_a_client_without_an_address_is_recorded_and_never_retried(office, smtp_server):
    office.client.email = ""
    office.client.save()
    document = reviewed(office, accept=True)
    assert notices.send_review_notice(document.pk) == "failed"
    later = timezone.now() + notices.CLAIM_LEASE * 3
    assert notices.send_pending_notices(now=later) == {"sent": 0, "taken": 0, "failed": 0, "retrying": 0}
    document.refresh_from_db()
    assert document.notice_error == "the client has no email address" and smtp_server.messages == []


def test_a_document_waiting_for_review_is_never_told(office, smtp_server):
    [document] = upload(office)
    assert notices.send_review_notice(document.pk) == "taken"
    assert smtp_server.messages == []
