"""Housekeeping tasks of the whole site (scheduled in ops/periodic.py)."""

from __future__ import annotations

from importlib import import_module

from celery import shared_task
from django.conf import settings


@shared_task(name="ops.tasks.clear_expired_sessions", time_limit=600, soft_time_limit=540)
def clear_expired_sessions() -> None:
    """Delete the sessions past their expiry (Django's `clearsessions`, as the session engine does it).

    Sessions live in the database (settings.SESSION_ENGINE): without this the table only grows,
    one row per sign-in, consultants' and clients' alike (found sizing the 1,000,000-client run).
    """
    import_module(settings.SESSION_ENGINE).SessionStore.clear_expired()
