"""documents.services: all-or-nothing uploads, one review per document, the item follows its files."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from clients.tests.factories import ClientFactory, member
from documents import services
from documents.models import Document
from documents.storage import documents_storage
from documents.tests import samples
from documents.tests.conftest import files, stored_keys, upload
from documents.validation import UploadRefused
from invitations.models import ChecklistItem


@pytest.fixture(autouse=True)
def _queue_nothing(monkeypatch):
    """Reviews queue the client's email after the commit; these tests look at the rows only."""
    monkeypatch.setattr("documents.tasks.send_review_notice.delay", lambda document_id: None)


def test_an_upload_stores_each_file_under_a_random_key_and_moves_the_item_to_review(office):
    before = stored_keys()
    documents = upload(office, ("Passeport p1.PDF", samples.pdf()), ("p2.png", samples.png()))
    assert [(d.original_name, d.content_type, d.status) for d in documents] == [
        ("Passeport p1.pdf", "application/pdf", "to_review"), ("p2.png", "image/png", "to_review")]
    keys = {d.file_key for d in documents}
    assert stored_keys() - before == keys
    assert all("Passeport" not in k and "p2" not in k and len(k) == 35 for k in keys)
    assert documents_storage().open(documents[1].file_key).read() == samples.png()
    office.item.refresh_from_db()
    assert office.item.status == ChecklistItem.Status.TO_REVIEW


def test_a_refused_request_stores_nothing_not_even_its_good_files(office):
    before_keys, before_rows = stored_keys(), Document.objects.count()
    with pytest.raises(UploadRefused) as caught:
        upload(office, ("good.pdf", samples.pdf()), ("bad.pdf", b"<html>"))
    assert [p.name for p in caught.value.problems] == ["bad.pdf"]
    assert (stored_keys(), Document.objects.count()) == (before_keys, before_rows)
    office.item.refresh_from_db()
    assert office.item.status == ChecklistItem.Status.NOT_STARTED


def test_a_failure_after_the_files_were_written_deletes_them_again(office, monkeypatch):
    before = stored_keys()

    def broken(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(services, "_follow_documents", broken)
    with pytest.raises(RuntimeError):
        upload(office, ("a.pdf", samples.pdf()), ("b.png", samples.png()))
    assert stored_keys() == before and Document.objects.count() == 0


def test_the_clients_total_counts_what_is_already_stored(office, settings):
    settings.DOCUMENTS_MAX_CLIENT_BYTES = len(samples.pdf()) * 2 + 10
    upload(office, ("1.pdf", samples.pdf()))
    upload(office, ("2.pdf", samples.pdf()))
    with pytest.raises(UploadRefused) as caught:
        upload(office, ("3.pdf", samples.pdf()))
    assert caught.value.problems[0].name == "3.pdf"
    assert Document.objects.filter(client=office.client).count() == 2


def test_only_the_open_invitations_items_receive_files(office):
    office.other_item.status = ChecklistItem.Status.NOT_NEEDED
    office.other_item.save()
    with pytest.raises(ValidationError):
        upload(office, item=office.other_item)
    stranger = ClientFactory(firm=office.client.firm)
    with pytest.raises(ValidationError):
        services.upload_documents(client=stranger, item=office.item, files=files(("a.pdf", samples.pdf())))
    office.invitation.status = "declined"
    office.invitation.save()
    with pytest.raises(ValidationError):
        upload(office)
    assert Document.objects.count() == 0


def test_accepting_the_last_file_to_review_makes_the_item_received(office):
    first, second = upload(office, ("p1.pdf", samples.pdf()), ("p2.pdf", samples.pdf()))
    services.review_document(document=first, by=office.consultant, accept=True)
    office.item.refresh_from_db()
    assert office.item.status == ChecklistItem.Status.TO_REVIEW  # p2 still waits
    services.review_document(document=second, by=office.assistant, accept=True)
    office.item.refresh_from_db()
    assert office.item.status == ChecklistItem.Status.RECEIVED
    assert office.item.received_on == timezone.localdate()
    first.refresh_from_db()
    assert (first.status, first.reviewed_by, first.review_reason) == ("accepted", office.consultant, "")


def test_a_return_needs_a_reason_and_asks_the_item_again_until_a_new_file_comes(office):
    [document] = upload(office)
    with pytest.raises(ValidationError) as caught:
        services.review_document(document=document, by=office.consultant, accept=False, reason="   ")
    assert "reason" in caught.value.message_dict
    services.review_document(document=document, by=office.consultant, accept=False,
                             reason="The photo page is cut off.")
    office.item.refresh_from_db()
    assert office.item.status == ChecklistItem.Status.REQUESTED
    later = timezone.now() + dt.timedelta(minutes=5)
    [again] = upload(office, ("passport-full.pdf", samples.pdf()), now=later)
    office.item.refresh_from_db()
    assert office.item.status == ChecklistItem.Status.TO_REVIEW
    services.review_document(document=again, by=office.consultant, accept=True, now=later)
    office.item.refresh_from_db()
    assert office.item.status == ChecklistItem.Status.RECEIVED


def test_a_document_is_reviewed_once(office):
    [document] = upload(office)
    services.review_document(document=document, by=office.consultant, accept=True)
    with pytest.raises(ValidationError, match="already reviewed"):
        services.review_document(document=document, by=office.owner, accept=False, reason="changed my mind")
    document.refresh_from_db()
    assert document.status == "accepted"


def test_only_members_of_the_clients_firm_review(office):
    [document] = upload(office)
    with pytest.raises(PermissionDenied):
        services.review_document(document=document, by=member(role="owner"), accept=True)
    document.refresh_from_db()
    assert document.status == "to_review"


def test_a_review_queues_the_clients_email_after_the_commit(
        office, monkeypatch, django_capture_on_commit_callbacks):
    queued = []
    monkeypatch.setattr("documents.tasks.send_review_notice.delay", queued.append)
    [document] = upload(office)
    with django_capture_on_commit_callbacks(execute=True):
        services.review_document(document=document, by=office.consultant, accept=True)
    assert queued == [document.pk]


def test_uploads_reviews_and_downloads_are_in_the_audit_history(office):
    [document] = upload(office)
    services.review_document(document=document, by=office.consultant, accept=False, reason="Blurred.")
    services.record_download(document=document, by_user=office.owner)
    services.record_download(document=document, by_client=True)
    history = list(document.history.order_by("history_id").values_list(
        "history_type", "status", "history_user_id", "history_change_reason"))
    assert history == [("+", "to_review", None, "uploaded by the client"),
                       ("~", "returned", office.consultant.pk, None)]
    downloads = list(document.downloads.order_by("id").values_list("by_user_id", "by_client"))
    assert downloads == [(office.owner.pk, False), (None, True)]
    from documents.models import DocumentDownload

    assert DocumentDownload.history.count() == 2
