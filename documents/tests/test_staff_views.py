"""The firm's side: the client page's panel, downloads by role, accept and return with a reason."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from clients.tests.factories import member
from documents.models import Document, DocumentDownload
from documents.tests import samples
from documents.tests.conftest import upload


@pytest.fixture(autouse=True)
def _queue_nothing(monkeypatch):
    monkeypatch.setattr("documents.tasks.send_review_notice.delay", lambda document_id: None)


def review_url(office, document) -> str:
    return reverse("documents:review", args=[office.client.pk, document.pk])


def download_url(office, document) -> str:
    return reverse("documents:download", args=[office.client.pk, document.pk])


def test_the_client_page_lists_documents_to_review_first_with_accept_and_return(client, office):
    [old] = upload(office, ("old.pdf", samples.pdf()))
    Document.objects.filter(pk=old.pk).update(status="accepted", reviewed_at=old.uploaded_at)
    [waiting] = upload(office, ("waiting.png", samples.png()))
    client.force_login(office.assistant)
    body = client.get(reverse("clients:detail", args=[office.client.pk])).content.decode()
    assert body.index("waiting.png") < body.index("old.pdf")
    assert review_url(office, waiting) in body and review_url(office, old) not in body
    assert "1 to review" in body


@pytest.mark.parametrize("role", ["owner", "consultant", "assistant"])
def test_every_role_of_the_firm_downloads_an_attachment_and_it_is_logged(client, office, role):
    [document] = upload(office, ("scan.png", samples.png()))
    user = getattr(office, role)
    client.force_login(user)
    response = client.get(download_url(office, document))
    assert response.status_code == 200 and b"".join(response.streaming_content) == samples.png()
    assert response["Content-Disposition"] == 'attachment; filename="scan.png"'
    assert (response["X-Content-Type-Options"], response["Content-Type"]) == ("nosniff", "image/png")
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"  # if opened anyway
    assert response["Cache-Control"] == "private, no-store"
    assert list(DocumentDownload.objects.values_list("by_user", "by_client")) == [(user.pk, False)]


def test_another_firm_gets_404_and_anonymous_visitors_the_login_page(client, office):
    [document] = upload(office)
    client.force_login(member(role="owner"))
    assert client.get(download_url(office, document)).status_code == 404
    assert client.post(review_url(office, document), {"decision": "accept"}).status_code == 404
    client.logout()
    assert "/login/?next=" in client.get(download_url(office, document))["Location"]
    assert DocumentDownload.objects.count() == 0
    document.refresh_from_db()
    assert document.status == "to_review"


def test_accepting_from_the_panel_goes_back_to_the_client_page(client, office):
    [document] = upload(office)
    client.force_login(office.consultant)
    response = client.post(review_url(office, document), {"decision": "accept"})
    assert response["Location"] == reverse("clients:detail", args=[office.client.pk]) + "#documents"
    document.refresh_from_db()
    assert (document.status, document.reviewed_by) == ("accepted", office.consultant)


def test_returning_without_a_reason_is_refused_on_the_field(client, office):
    [document] = upload(office)
    client.force_login(office.consultant)
    page = client.get(review_url(office, document) + "?decision=return")
    assert page.status_code == 200  # the "Return" choice comes preselected from the panel's link
    assert re.search(r'<input[^>]*value="return"[^>]*checked', page.content.decode())
    response = client.post(review_url(office, document), {"decision": "return", "reason": "  "})
    assert response.status_code == 400 and "Say why the document is returned" in response.content.decode()
    document.refresh_from_db()
    assert document.status == "to_review"
    response = client.post(review_url(office, document), {"decision": "return", "reason": "Blurred photo."})
    document.refresh_from_db()
    assert response.status_code == 302
    assert (document.status, document.review_reason) == ("returned", "Blurred photo.")


def test_a_second_decision_is_refused_with_a_message(client, office):
    [document] = upload(office)
    client.force_login(office.consultant)
    client.post(review_url(office, document), {"decision": "accept"})
    response = client.post(review_url(office, document), {"decision": "return", "reason": "No."})
    assert response.status_code == 400 and "already reviewed" in response.content.decode()
    document.refresh_from_db()
    assert document.status == "accepted"
