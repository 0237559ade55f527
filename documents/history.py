"""Uploads, reviews and deletions of documents, and every download, in the audit history."""

from audit.history import audited
from documents.models import Document, DocumentDownload

# The storage key and the email bookkeeping say nothing to a reader of the history.
audited(Document, excluded_fields=["file_key", "notice_claimed_at", "notice_error"])
audited(DocumentDownload)
