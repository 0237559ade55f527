"""Celery tasks of documents: thin, idempotent (the database enforces "once"), time-limited."""

from __future__ import annotations

from celery import shared_task

from documents import notices, services


@shared_task(name="documents.tasks.send_review_notice", soft_time_limit=60, time_limit=90,
             autoretry_for=(notices.NoticeNotSent,), retry_backoff=60, retry_backoff_max=3600, max_retries=8)
def send_review_notice(document_id: int) -> str:
    """Email the client that a document was accepted or returned (once, however often this runs)."""
    return notices.send_review_notice(document_id)


@shared_task(name="documents.tasks.purge_expired_files", soft_time_limit=600, time_limit=660)
def purge_expired_files() -> dict:
    """Delete the uploads each firm no longer keeps after an application closed (beat, hourly)."""
    return services.purge_expired_documents().as_dict()
