"""A document as a download: always an attachment, never rendered by the browser."""

from __future__ import annotations

import logging

from django.http import FileResponse, Http404

from documents.models import Document
from documents.storage import documents_storage

log = logging.getLogger(__name__)


def attachment(document: Document) -> FileResponse:
    """The file with `Content-Disposition: attachment` (its shown name, RFC 6266 encoded by Django),
    its detected type, `nosniff`, no caching, and a policy that runs nothing if it is opened anyway."""
    try:
        handle = documents_storage().open(document.file_key, "rb")
    except FileNotFoundError as exc:
        log.error("document %s: its file is missing from the storage", document.pk)
        raise Http404 from exc
    response = FileResponse(handle, as_attachment=True, filename=document.original_name,
                            content_type=document.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
