"""Celery tasks of documents: thin, idempotent (the database enforces "once"), time-limited."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="documents.tasks.send_review_notice", soft_time_limit=60, time_limit=90)
def send_review_notice(document_id: int) -> str:
    """Email the client that a document was accepted or returned, right after the review (once)."""
    from documents import notices

    try:
        return notices.send_review_notice(document_id)
    except notices.NoticeNotSent:
        return "retrying"  # beat's sweep (send_pending_notices) tries again


@shared_task(name="documents.tasks.send_pending_notices", soft_time_limit=240, time_limit=300)
def send_pending_notices() -> dict:
    """Review emails a lost task, a dead worker or a mail outage left unsent (beat, every 5 minutes)."""
    from documents import notices

    return notices.send_pending_notices()


@shared_task(name="documents.tasks.purge_expired_files", soft_time_limit=600, time_limit=660)
def purge_expired_files() -> dict:
    """Delete the uploads each firm no longer keeps after an application closed (beat, hourly)."""
    from documents import services

    return services.purge_expired_documents().as_dict()
