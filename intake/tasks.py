"""Celery tasks of the intake app: thin, and safe to run twice (the service claims before sending)."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="intake.tasks.email_review", soft_time_limit=60, time_limit=90)
def email_review(change_id: int) -> bool:
    """Email the client about their reviewed fact change (once: intake.services.send_review_email)."""
    from intake import services

    return services.send_review_email(change_id)


@shared_task(name="intake.tasks.send_unsent_review_emails", soft_time_limit=240, time_limit=300)
def send_unsent_review_emails() -> int:
    """Beat's sweep: review emails whose task was lost or whose send failed for a while."""
    from intake import services

    return services.send_unsent_review_emails()
