"""Celery tasks: thin, idempotent, safe to run twice (the database enforces "once").

Each task bears the name of the service it runs, registered explicitly as invitations.tasks.<name>:
beat's schedule (ops/periodic.py) and messages already queued refer to these names. Tasks import the
services inside their bodies, so the services may queue tasks without an import circle.
"""

from __future__ import annotations

from celery import shared_task


# The scan is one lease UPDATE and a few enqueues (0.1 s at 100,000 clients): well inside its 5 minutes.
@shared_task(bind=True, name="invitations.tasks.scan_due_reminders", soft_time_limit=120, time_limit=180)
def scan_due_reminders(self, now_iso: str | None = None) -> dict:
    """Expire lapsed invitations and queue every due reminder for delivery (beat, every 5 minutes).

    `now_iso` pins the clock of the scan and of the deliver_reminders tasks it queues (tests,
    replays); empty means the current time, and each delivery task then reads its own.
    """
    from invitations import delivery
    from invitations.clock import parse_now

    return delivery.scan_due_reminders(now=parse_now(now_iso), clock_pinned=bool(now_iso)).as_dict()


# A chunk is ~1 s of SMTP; the limits stay inside delivery.DISPATCH_LEASE (10 minutes), after which a
# chunk may be dispatched again.
@shared_task(bind=True, name="invitations.tasks.deliver_reminders", soft_time_limit=8 * 60,
             time_limit=9 * 60)
def deliver_reminders(self, invitation_ids: list[int], now_iso: str | None = None) -> dict:
    """Send the due reminders of these invitations once each (a chunk the scan queued); safe to run twice."""
    from invitations import delivery
    from invitations.clock import parse_now

    return delivery.deliver_reminders(invitation_ids=invitation_ids, now=parse_now(now_iso),
                                      worker=self.request.hostname or "").as_dict()


# One email per consultant; inside the hour before beat tries again.
@shared_task(name="invitations.tasks.send_daily_digests", soft_time_limit=20 * 60, time_limit=25 * 60)
def send_daily_digests(now_iso: str | None = None) -> int:
    """Each consultant's daily summary of overdue checklist items and close deadlines (once a day)."""
    from invitations import digest
    from invitations.clock import parse_now

    return digest.send_daily_digests(now=parse_now(now_iso))
