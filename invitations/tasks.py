"""Celery tasks: thin, idempotent, safe to run twice (the database enforces "once")."""

from __future__ import annotations

from celery import shared_task

from invitations import services


@shared_task(bind=True, name="invitations.tasks.scan_due_reminders")
def scan_due_reminders(self, now_iso: str | None = None) -> dict:
    """Expire lapsed invitations and queue every due reminder for delivery (beat, every 5 minutes).

    The sending is fanned out to deliver_reminders tasks (services.dispatch_due_reminders).
    `now_iso` pins the clock of the scan and of the tasks it queues (tests, replays); empty means
    the current time, and each delivery task then reads its own.
    """
    result = services.dispatch_due_reminders(now=services.parse_now(now_iso), clock_pinned=bool(now_iso))
    return result.as_dict()


@shared_task(bind=True, name="invitations.tasks.deliver_reminders")
def deliver_reminders(self, invitation_ids: list[int], now_iso: str | None = None) -> dict:
    """Send the due reminders of these invitations once each (a chunk the scan queued); safe to run twice."""
    result = services.deliver_due_reminders(invitation_ids=invitation_ids, now=services.parse_now(now_iso),
                                            worker=self.request.hostname or "")
    return result.as_dict()


@shared_task(name="invitations.tasks.send_daily_digests")
def send_daily_digests(now_iso: str | None = None) -> int:
    """Each consultant's daily summary of overdue checklist items and close deadlines (once a day)."""
    return services.send_daily_digests(now=services.parse_now(now_iso))
