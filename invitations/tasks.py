"""Celery tasks: thin, idempotent, safe to run twice (the database enforces "once")."""

from __future__ import annotations

from celery import shared_task

from invitations import services


@shared_task(bind=True, name="invitations.tasks.scan_due_reminders")
def scan_due_reminders(self, now_iso: str | None = None) -> dict:
    """Expire lapsed invitations and send every due reminder once (beat runs this every 5 minutes).

    `now_iso` pins the scan's clock (tests, replays); empty means the current time.
    """
    result = services.send_due_reminders(now=services.parse_now(now_iso), worker=self.request.hostname or "")
    return result.as_dict()


@shared_task(name="invitations.tasks.send_daily_digests")
def send_daily_digests(now_iso: str | None = None) -> int:
    """Each consultant's daily summary of overdue checklist items and close deadlines (once a day)."""
    return services.send_daily_digests(now=services.parse_now(now_iso))
