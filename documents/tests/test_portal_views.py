"""The client's pages: their own items only, uploads all or nothing with a message per file, downloads."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import MemoryFileUploadHandler
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clients.tests.factories import ClientFactory
from documents import services
from documents.models import Document, DocumentDownload
from documents.tests import samples
from documents.tests.conftest import files, sign_in_portal, stored_keys, upload
from invitations.models import ChecklistItem


@pytest.fixture
def portal(client, office):
    sign_in_portal(client, office.client)
    return client


def item_url(item) -> str:
    return reverse("portal:documents:item", args=[item.pk])


def test_the_list_shows_the_checklist_with_what_was_sent_and_why_it_came_back(portal, office):
    [document] = upload(office, ("passport.pdf", samples.pdf()))
    services.review_document(document=document, by=office.consultant, accept=False,
                             reason="Page 2 is missing.")
    page = portal.get(reverse("portal:documents:list"))
    body = page.content.decode()
    assert page.status_code == 200
    assert "passport.pdf" in body and "Page 2 is missing." in body and item_url(office.other_item) in body


def test_several_files_are_sent_at_once_and_the_item_waits_for_review(portal, office):
    response = portal.post(item_url(office.item), {"files": [
        SimpleUploadedFile("page 1.pdf", samples.pdf(), "application/pdf"),
        SimpleUploadedFile("page 2.jpg", samples.jpeg(), "image/jpeg")]})
    assert response.status_code == 302 and response["Location"] == item_url(office.item)
    assert sorted(Document.objects.values_list("original_name", "content_type")) == [
        ("page 1.pdf", "application/pdf"), ("page 2.jpg", "image/jpeg")]
    office.item.refresh_from_db()
    assert office.item.status == ChecklistItem.Status.TO_REVIEW
    page = portal.get(item_url(office.item))
    body = page.content.decode()
    assert "page 2.jpg" in body and "Received: page 1.pdf, page 2.jpg" in body


@pytest.mark.parametrize(("name", "data", "says"), [
    ("passport.pdf", b"<html><script>alert(1)</script></html>", "Only PDF, JPEG and PNG"),
    ("empty.pdf", b"", "The file is empty."),
    ("bomb.png", samples.png_declaring(60_000, 60_000), "pixels"),
    ("photo.png", samples.png() + b"<html><script>x</script>", "markup"),
])
def test_a_refused_file_is_named_with_its_problem_and_nothing_is_stored(portal, office, name, data, says):
    before = stored_keys()
    response = portal.post(item_url(office.item), {"files": [
        SimpleUploadedFile("fine.pdf", samples.pdf(), "application/pdf"),
        SimpleUploadedFile(name, data, "application/pdf")]})
    body = response.content.decode()
    assert response.status_code == 400
    assert says in body and "Nothing was sent" in body
    assert Document.objects.count() == 0 and stored_keys() == before


@pytest.mark.parametrize("name", ["../../etc/passwd.pdf", "..\\..\\passwd.pdf", "C:\\Users\\me\\passwd.pdf"])
def test_a_folder_in_the_name_never_reaches_the_storage_or_the_row(portal, office, name):
    """Django's upload parser keeps only the last part of a name (documents.validation refuses any
    folder part that would still reach it); the file itself is kept under a random key."""
    response = portal.post(item_url(office.item), {"files": [SimpleUploadedFile(name, samples.pdf())]})
    assert response.status_code == 302
    document = Document.objects.get()
    assert document.original_name == "passwd.pdf" and "passwd" not in document.file_key


def test_an_oversize_file_and_too_many_files_are_refused(portal, office, settings):
    settings.DOCUMENTS_MAX_FILE_BYTES = 100
    response = portal.post(item_url(office.item), {"files": [SimpleUploadedFile("big.pdf", samples.pdf())]})
    assert response.status_code == 400 and "big.pdf: The file is larger than" in response.content.decode()
    settings.DOCUMENTS_MAX_FILE_BYTES = 10 * 1024 * 1024
    settings.DOCUMENTS_MAX_FILES_PER_UPLOAD = 3
    files = [SimpleUploadedFile(f"p{i}.pdf", samples.pdf()) for i in range(4)]
    response = portal.post(item_url(office.item), {"files": files})
    assert response.status_code == 400 and "4 files at once: send at most 3" in response.content.decode()
    assert Document.objects.count() == 0


def test_a_post_without_files_asks_for_one(portal, office):
    response = portal.post(item_url(office.item), {})
    assert response.status_code == 400 and "Choose at least one file" in response.content.decode()


def test_another_clients_item_and_document_are_404(portal, office):
    other = ClientFactory(firm=office.client.firm, consultant=office.consultant)
    from invitations import services as invitation_services

    invitation = invitation_services.record_invitation(client=other, issued_at=office.invitation.issued_at,
                                                       by=office.consultant)
    their_item = invitation.checklist.first()
    [theirs] = services.upload_documents(client=other, item=their_item,
                                         files=files(("theirs.pdf", samples.pdf())))
    assert portal.get(item_url(their_item)).status_code == 404
    refused = portal.post(item_url(their_item), {"files": [SimpleUploadedFile("x.pdf", samples.pdf())]})
    assert refused.status_code == 404
    assert portal.get(reverse("portal:documents:download", args=[theirs.pk])).status_code == 404
    assert Document.objects.filter(client=other).count() == 1


def test_staff_users_get_404_and_anonymous_visitors_are_asked_to_sign_in(client, office):
    url = item_url(office.item)
    assert client.get(url).status_code == 302 and reverse("portal:ask_link") in client.get(url)["Location"]
    client.force_login(office.consultant)
    assert client.get(url).status_code == 404
    assert client.get(reverse("portal:documents:list")).status_code == 404


def test_the_client_downloads_their_own_file_as_an_attachment_and_it_is_logged(portal, office):
    [document] = upload(office, ("Passeport « 2026 ».pdf", samples.pdf()))
    response = portal.get(reverse("portal:documents:download", args=[document.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == samples.pdf()
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment; filename*=utf-8''Passeport%20%C2%AB%202026")
    assert list(DocumentDownload.objects.values_list("by_client", "by_user")) == [(True, None)]


def test_the_portal_pages_read_a_fixed_number_of_queries(portal, office, django_assert_num_queries):
    """However many files the client sent: the list and an item's page cost the same."""
    upload(office, ("one.pdf", samples.pdf()))
    counts = {}
    for url in (reverse("portal:documents:list"), item_url(office.item)):
        portal.get(url)
        with CaptureQueriesContext(connection) as queries:
            portal.get(url)
        counts[url] = len(queries.captured_queries)
    # The session, the client's access (with client, firm, consultant), the item(s), their files.
    assert list(counts.values()) == [4, 4], counts
    upload(office, *[(f"p{n}.pdf", samples.pdf()) for n in range(6)])
    upload(office, ("other.png", samples.png()), item=office.other_item)
    for url, expected in counts.items():
        with django_assert_num_queries(expected):
            portal.get(url)


def test_a_request_larger_than_a_full_upload_keeps_nothing_and_says_so(portal, office, settings, monkeypatch):
    """Past max files x max size the file data is dropped while Django parses it (documents.uploads):
    nothing reaches a temporary file, and the page says why."""
    settings.DOCUMENTS_MAX_FILE_BYTES, settings.DOCUMENTS_MAX_FILES_PER_UPLOAD = 2000, 2
    written = []
    monkeypatch.setattr(MemoryFileUploadHandler, "receive_data_chunk",
                        lambda self, raw, start: written.append(len(raw)))
    big = samples.pdf() + b" " * 300_000
    response = portal.post(item_url(office.item), {"files": [SimpleUploadedFile("big.pdf", big)]})
    assert response.status_code == 400
    assert "The files sent together are larger than" in response.content.decode()
    assert written == [] and Document.objects.count() == 0


def test_the_upload_form_still_needs_its_csrf_token(client, office):
    from django.test import Client as DjangoClient

    strict = DjangoClient(enforce_csrf_checks=True)
    sign_in_portal(strict, office.client)
    response = strict.post(item_url(office.item), {"files": [SimpleUploadedFile("a.pdf", samples.pdf())]})
    assert response.status_code == 403 and Document.objects.count() == 0
