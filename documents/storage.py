"""Where uploaded files live: the "documents" storage of settings.STORAGES.

Local by default (a FileSystemStorage under PRIVATE_FILES_ROOT, outside STATIC_ROOT and anything
a web server serves); S3-compatible object storage through django-storages when DOCUMENTS_S3_BUCKET
is set (config/settings.py). Either way the files are read back only by documents.views, after the
user is checked. Looked up at each use (not bound to a model field), so a settings change, a test's
included, takes effect at once.
"""

from __future__ import annotations

import secrets

from django.core.files.storage import Storage, storages

STORAGE_NAME = "documents"


def documents_storage() -> Storage:
    """The configured storage for uploaded documents."""
    return storages[STORAGE_NAME]


def new_key() -> str:
    """A random object name (128 bits), two-level so no folder holds every file; never the client's name."""
    token = secrets.token_hex(16)
    return f"{token[:2]}/{token}"
