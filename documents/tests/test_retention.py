"""Files leave with their client, and after the firm's retention once an application has closed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from clients.services import delete_client
from documents import services
from documents.models import DEFAULT_KEEP_DAYS, Document
from documents.storage import documents_storage
from documents.tests import samples
from documents.tests.conftest import stored_keys, upload


def close_application(office, *, days_ago: int) -> None:
    office.invitation.status = "submitted"
    office.invitation.submitted_on = timezone.localdate()
    office.invitation.status_changed_at = timezone.now() - dt.timedelta(days=days_ago)
    office.invitation.save()


def test_deleting_a_client_deletes_their_files_after_the_commit(office, django_capture_on_commit_callbacks):
    documents = upload(office, ("a.pdf", samples.pdf()), ("b.png", samples.png()))
    keys = {d.file_key for d in documents}
    assert keys <= stored_keys()
    with django_capture_on_commit_callbacks(execute=True):
        delete_client(by=office.consultant, client=office.client)
    assert Document.objects.count() == 0
    assert not keys & stored_keys()
    assert not any(documents_storage().exists(k) for k in keys)


def test_a_rolled_back_deletion_keeps_the_files(office):
    from django.db import transaction

    [document] = upload(office)
    with pytest.raises(RuntimeError), transaction.atomic():
        Document.objects.get(pk=document.pk).delete()
        raise RuntimeError("rolled back")
    assert documents_storage().exists(document.file_key) and Document.objects.filter(pk=document.pk).exists()


def test_the_purge_deletes_files_past_the_firms_retention_only(office):
    [kept] = upload(office, ("kept.pdf", samples.pdf()))
    close_application(office, days_ago=DEFAULT_KEEP_DAYS - 1)
    assert services.purge_expired_documents().deleted == 0
    close_application(office, days_ago=DEFAULT_KEEP_DAYS + 1)
    result = services.purge_expired_documents()
    assert (result.deleted, result.failed) == (1, 0)
    assert not Document.objects.exists() and not documents_storage().exists(kept.file_key)
    assert kept.history.latest().history_type == "-"  # the deletion is in the audit history


def test_an_open_application_keeps_its_files_whatever_the_setting(office):
    [document] = upload(office)
    services.set_keep_days(firm=office.client.firm, days=0, by=office.owner)
    assert services.purge_expired_documents(now=timezone.now() + dt.timedelta(days=5000)).deleted == 0
    assert documents_storage().exists(document.file_key)


def test_the_firms_setting_decides(office):
    [document] = upload(office)
    close_application(office, days_ago=10)
    services.set_keep_days(firm=office.client.firm, days=30, by=office.owner)
    assert services.purge_expired_documents().deleted == 0
    services.set_keep_days(firm=office.client.firm, days=7, by=office.owner)
    assert services.purge_expired_documents().deleted == 1


def test_one_file_the_storage_will_not_delete_never_stops_the_others(office, monkeypatch):
    first, second, third = upload(office, ("1.pdf", samples.pdf()), ("2.pdf", samples.pdf()),
                                  ("3.pdf", samples.pdf()))
    close_application(office, days_ago=DEFAULT_KEEP_DAYS + 1)
    storage = documents_storage()
    real_delete = type(storage).delete

    def flaky(self, name):
        if name == second.file_key:
            raise PermissionError("read-only file")
        return real_delete(self, name)

    monkeypatch.setattr(type(storage), "delete", flaky)
    result = services.purge_expired_documents()
    assert (result.deleted, result.failed) == (2, 1)
    assert result.failures == [f"document {second.pk}: PermissionError"]
    assert list(Document.objects.values_list("pk", flat=True)) == [second.pk]  # kept, tried again next run
    monkeypatch.undo()
    assert services.purge_expired_documents().deleted == 1


def test_only_the_owner_sets_the_retention_on_the_settings_page(client, office):
    client.force_login(office.owner)
    page = client.get(reverse("invitations:settings"))
    assert page.status_code == 200 and 'id="documents-retention"' in page.content.decode()
    response = client.post(reverse("documents:retention"), {"keep_days_after_close": "90"})
    assert response.status_code == 302 and services.keep_days(office.client.firm) == 90
    refused = client.post(reverse("documents:retention"), {"keep_days_after_close": "-1"})
    assert refused.status_code == 400 and services.keep_days(office.client.firm) == 90
    assert "greater than or equal to 0" in refused.content.decode()
    client.force_login(office.consultant)
    assert client.post(reverse("documents:retention"), {"keep_days_after_close": "1"}).status_code == 403
    assert services.keep_days(office.client.firm) == 90


def test_the_task_runs_the_purge(office):
    from documents.tasks import purge_expired_files

    upload(office)
    close_application(office, days_ago=DEFAULT_KEEP_DAYS + 1)
    assert purge_expired_files.apply().get() == {"deleted": 1, "failed": 0, "failures": []}
