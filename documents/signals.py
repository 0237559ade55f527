"""A deleted document row takes its file with it, once the deletion is committed.

Whatever deletes the row: the retention task, or a cascade (a client deleted, a checklist item
or an invitation removed). After the commit, so a rolled-back deletion keeps its file; a file the
storage cannot delete then is logged (it is already unreachable: no row names it).
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from documents.models import Document
from documents.storage import documents_storage

log = logging.getLogger(__name__)


@receiver(post_delete, sender=Document, dispatch_uid="documents.delete_file_with_row")
def _delete_file_with_row(sender, instance: Document, **kwargs) -> None:
    if getattr(instance, "_file_deleted", False):
        return
    key = instance.file_key

    def delete_file() -> None:
        try:
            documents_storage().delete(key)
        except Exception:  # noqa: BLE001 - the other callbacks of the commit must still run
            log.exception("file of deleted document %s could not be deleted", instance.pk)

    transaction.on_commit(delete_file)
