"""The only writers of uploaded documents: upload, review, download log, retention, firm setting.

Files first, rows second: an upload writes its files to the storage, then its rows in one
transaction; if anything fails after the first file was written, every file of the request is
deleted again, so a refused or failed upload leaves neither a row nor a file. A deleted row
takes its file with it (documents.signals, after the commit).

A checklist item follows its documents (item_status_after): a file waiting for review makes it
"received, to review"; once none waits, a return the client has not answered with a new file
makes it "requested" again, otherwise an accepted file makes it "received".
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from clients.models import Client, Firm
from clients.permissions import EDIT_CLIENTS, MANAGE_REMINDER_SCHEDULE, can
from clients.selectors import membership_for
from documents.models import (
    DEFAULT_KEEP_DAYS,
    MAX_KEEP_DAYS,
    REVIEW_REASON_MAX_LENGTH,
    Document,
    DocumentDownload,
    FirmDocumentSettings,
)
from documents.storage import documents_storage, new_key
from documents.validation import Incoming, Limits, Problem, UploadRefused, check_uploads, megabytes
from invitations.clock import firm_zone
from invitations.models import ChecklistItem, Invitation

log = logging.getLogger(__name__)

PURGE_BATCH = 500  # documents deleted per run of the retention task at most; the next run goes on


def limits() -> Limits:
    """The upload bounds of settings (config/settings.py, "Client documents")."""
    return Limits(
        max_file_bytes=settings.DOCUMENTS_MAX_FILE_BYTES,
        max_client_bytes=settings.DOCUMENTS_MAX_CLIENT_BYTES,
        max_files=settings.DOCUMENTS_MAX_FILES_PER_UPLOAD,
        max_pixels=settings.DOCUMENTS_MAX_IMAGE_PIXELS,
    )


def stored_bytes(client_id: int) -> int:
    """What one client has stored, all documents together."""
    return Document.objects.filter(client_id=client_id).aggregate(n=Sum("size_bytes"))["n"] or 0


def uploadable_items(client: Client):
    """The checklist items a client may send files to: their open invitation's, except 'not needed'."""
    return (ChecklistItem.objects.filter(invitation__client=client, invitation__status__in=Invitation.OPEN)
            .exclude(status=ChecklistItem.Status.NOT_NEEDED))


def item_status_after(item: ChecklistItem) -> str:
    """The status an item takes from its documents (see the module docstring)."""
    rows = list(item.documents.values_list("status", "uploaded_at", "reviewed_at"))
    if not rows:
        return item.status
    if any(status == Document.Status.TO_REVIEW for status, _up, _rev in rows):
        return ChecklistItem.Status.TO_REVIEW
    newest_upload = max(uploaded for _status, uploaded, _rev in rows)
    if any(status == Document.Status.RETURNED and reviewed >= newest_upload
           for status, _up, reviewed in rows):
        return ChecklistItem.Status.REQUESTED
    if any(status == Document.Status.ACCEPTED for status, _up, _rev in rows):
        return ChecklistItem.Status.RECEIVED
    return ChecklistItem.Status.REQUESTED


def _follow_documents(item: ChecklistItem, *, now: dt.datetime) -> None:
    """Move the item to the status its documents give it (a row save: the firm's counts follow)."""
    status = item_status_after(item)
    if status == item.status:
        return
    today = now.astimezone(firm_zone(item.invitation.client.firm)).date()
    item.status = status
    if status == ChecklistItem.Status.REQUESTED and item.requested_on is None:
        item.requested_on = today
    item.received_on = today if status == ChecklistItem.Status.RECEIVED else None
    item.save(update_fields=["status", "requested_on", "received_on"])


def upload_documents(
    *, client: Client, item: ChecklistItem, files: Sequence[Incoming], now: dt.datetime | None = None
) -> list[Document]:
    """Check and store the files a client sends for one of their checklist items, all or nothing.

    Raises validation.UploadRefused (every problem, each naming its file) and stores nothing when
    any file fails; ValidationError when the item is not the client's to upload to.
    """
    now = now or timezone.now()
    if not uploadable_items(client).filter(pk=item.pk).exists():
        raise ValidationError(_("This document cannot receive files now."))
    checked = check_uploads(files, limits=limits(), stored_bytes=stored_bytes(client.pk))
    storage = documents_storage()
    written: list[str] = []
    try:
        for file in checked:
            written.append(storage.save(new_key(), ContentFile(file.data)))
        with transaction.atomic():
            # The client's row serialises their uploads: the storage total is checked again under it.
            Client.objects.select_for_update().filter(pk=client.pk).first()
            if stored_bytes(client.pk) + sum(f.size for f in checked) > settings.DOCUMENTS_MAX_CLIENT_BYTES:
                raise UploadRefused([Problem("", _("Storing these files would pass your limit of %(max)s for "
                                                   "all your documents.")
                                             % {"max": megabytes(settings.DOCUMENTS_MAX_CLIENT_BYTES)})])
            item = ChecklistItem.objects.select_for_update().select_related("invitation__client__firm").get(
                pk=item.pk)
            documents = []
            for file, key in zip(checked, written, strict=True):
                document = Document(
                    firm_id=client.firm_id, client=client, item=item, file_key=key, original_name=file.name,
                    content_type=file.content_type, size_bytes=file.size, uploaded_at=now,
                )
                document._change_reason = "uploaded by the client"
                document.save()
                documents.append(document)
            _follow_documents(item, now=now)
    except BaseException:
        for key in written:
            _delete_file_quietly(key)
        raise
    log.info("documents uploaded: client_id=%s item_id=%s files=%s", client.pk, item.pk, len(documents))
    return documents


def _delete_file_quietly(key: str) -> bool:
    try:
        documents_storage().delete(key)
    except Exception:  # noqa: BLE001 - a storage error must not hide the caller's own outcome
        log.exception("document file %s could not be deleted", key)
        return False
    return True


def _require_firm_member(user, document: Document, action: str) -> None:
    membership = membership_for(user)
    if membership is None or membership.firm_id != document.firm_id or not can(user, action):
        raise PermissionDenied(action)


def review_document(
    *, document: Document, by, accept: bool, reason: str = "", now: dt.datetime | None = None
) -> Document:
    """Accept or return (with a reason, required) a document waiting for review; the client is emailed once.

    A document is reviewed once: deciding again on one already accepted or returned is refused
    (the client sends a new file instead), so two consultants clicking at once cannot both decide.
    """
    now = now or timezone.now()
    reason = (reason or "").strip()
    if not accept and not reason:
        raise ValidationError({"reason": _("Say why the document is returned: the client reads it.")})
    if len(reason) > REVIEW_REASON_MAX_LENGTH:
        raise ValidationError({"reason": _("At most %(max)s characters.")
                               % {"max": REVIEW_REASON_MAX_LENGTH}})
    _require_firm_member(by, document, EDIT_CLIENTS)
    with transaction.atomic():
        document = Document.objects.select_for_update().get(pk=document.pk)
        if document.status != Document.Status.TO_REVIEW:
            raise ValidationError(_("This document was already reviewed."))
        document.status = Document.Status.ACCEPTED if accept else Document.Status.RETURNED
        document.review_reason = reason
        document.reviewed_by, document.reviewed_at = by, now
        document._history_user = by
        document.save(update_fields=["status", "review_reason", "reviewed_by", "reviewed_at"])
        item = ChecklistItem.objects.select_for_update().select_related("invitation__client__firm").get(
            pk=document.item_id)
        _follow_documents(item, now=now)
        document_id = document.pk

        def queue_notice() -> None:
            from documents import tasks

            tasks.send_review_notice.delay(document_id)

        transaction.on_commit(queue_notice)
    return document


def record_download(
    *, document: Document, by_user=None, by_client: bool = False, now: dt.datetime | None = None
) -> DocumentDownload:
    """Keep who downloaded a document (an audited row); the caller has checked they may."""
    entry = DocumentDownload(
        firm_id=document.firm_id, client_id=document.client_id, document=document,
        original_name=document.original_name, by_user=by_user, by_client=by_client,
        downloaded_at=now or timezone.now(),
    )
    entry._history_user = by_user
    entry._change_reason = "downloaded by the client" if by_client else "downloaded"
    entry.save()
    return entry


def keep_days(firm: Firm) -> int:
    """Days a firm keeps files after an application closes (its setting, or the default)."""
    settings_row = FirmDocumentSettings.objects.filter(firm=firm).first()
    return settings_row.keep_days_after_close if settings_row else DEFAULT_KEEP_DAYS


def set_keep_days(*, firm: Firm, days: int, by) -> FirmDocumentSettings:
    """The owner sets how long the firm keeps files once an application has closed."""
    membership = membership_for(by)
    if membership is None or membership.firm_id != firm.pk or not can(by, MANAGE_REMINDER_SCHEDULE):
        raise PermissionDenied(MANAGE_REMINDER_SCHEDULE)
    if not isinstance(days, int) or isinstance(days, bool) or not 0 <= days <= MAX_KEEP_DAYS:
        raise ValidationError({"keep_days_after_close": _("A number of days between 0 and %(max)s.")
                               % {"max": MAX_KEEP_DAYS}})
    row, _created = FirmDocumentSettings.objects.update_or_create(
        firm=firm, defaults={"keep_days_after_close": days, "updated_by": by})
    return row


@dataclass
class PurgeResult:
    deleted: int = 0
    failed: int = 0
    failures: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"deleted": self.deleted, "failed": self.failed, "failures": self.failures[:20]}


def expired_documents(*, now: dt.datetime):
    """Documents of applications closed longer ago than their firm keeps files, oldest first: one query."""
    kept = dict(FirmDocumentSettings.objects.values_list("firm_id", "keep_days_after_close"))
    closed_at = "item__invitation__status_changed_at__lte"
    expired = ~Q(firm_id__in=list(kept)) & Q(**{closed_at: now - dt.timedelta(days=DEFAULT_KEEP_DAYS)})
    for firm_id, days in kept.items():
        expired |= Q(firm_id=firm_id, **{closed_at: now - dt.timedelta(days=days)})
    return (Document.objects.exclude(item__invitation__status__in=Invitation.OPEN).filter(expired)
            .order_by("pk"))


def purge_expired_documents(*, now: dt.datetime | None = None, batch: int = PURGE_BATCH) -> PurgeResult:
    """Delete the files and rows the firms' retention settings no longer keep (beat, daily).

    Each document on its own: its file first, then its row; a file the storage will not delete
    keeps its row (so the next run tries again), is counted as failed and never stops the others.
    """
    now = now or timezone.now()
    result = PurgeResult()
    for document in expired_documents(now=now)[:batch]:
        try:
            documents_storage().delete(document.file_key)
            document._file_deleted = True  # the post_delete handler need not delete it again
            document._change_reason = "deleted: kept the firm's time after the application closed"
            document.delete()
            result.deleted += 1
        except Exception as exc:  # noqa: BLE001 - one bad file never stops the others
            result.failed += 1
            result.failures.append(f"document {document.pk}: {type(exc).__name__}")
            log.warning("document %s not purged: %s: %s", document.pk, type(exc).__name__, exc)
    return result
