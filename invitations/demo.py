"""Demo data for seed_demo: invited clients at different points of their 60 days.

Called as `seed_invitations(clients, now=timezone.now())`. Some invitations have a
reminder due at that moment (it fell due since yesterday morning), so the first scan
sends it: with the console email backend, `make demo` prints those emails.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import transaction

from clients.models import Client
from invitations import services
from invitations.models import ITA_WINDOW, ChecklistItem, Invitation, Reminder, ReminderAttempt

# (days before `now` the ITA was issued, offset due now or None, status, checklist progress)
SCENARIOS = [
    (dt.timedelta(days=2, hours=3), None, "invited", 0),
    (ITA_WINDOW - dt.timedelta(days=45) + dt.timedelta(days=1), 45, "invited", 0),
    (dt.timedelta(days=25, hours=5), None, "in_progress", 3),
    (ITA_WINDOW - dt.timedelta(days=14) + dt.timedelta(days=1), 14, "in_progress", 5),
    (dt.timedelta(days=52, hours=2), None, "in_progress", 1),
    (ITA_WINDOW - dt.timedelta(days=3) + dt.timedelta(days=1), 3, "in_progress", 8),
    (dt.timedelta(days=40), None, "submitted", 99),
]


def _pretend_sent(reminder: Reminder, client: Client) -> None:
    """History before the demo starts: the reminder went out two minutes after it was due."""
    reminder.status, reminder.sent_at, reminder.attempts = Reminder.Status.SENT, reminder.due_at, 1
    reminder.sent_at += dt.timedelta(minutes=2)
    cc = f", cc {client.consultant.email}" if client.consultant.email else ""
    reminder.recipients = client.email + cc
    reminder.save()
    ReminderAttempt.objects.create(reminder=reminder, attempted_at=reminder.sent_at, succeeded=True,
                                   worker="demo")


def seed_invitations(
    clients: Sequence[Client], *, now: dt.datetime, send_due: bool = True
) -> list[Invitation]:
    """Record an ITA for each of the first len(SCENARIOS) clients, as if recorded the day it was issued.

    With send_due, the reminders due now are sent at once (one scan), like the next beat tick.
    """
    invitations = []
    with transaction.atomic():
        candidates = (Client.objects.filter(pk__in=[c.pk for c in clients]).active()
                      .exclude(invitations__status__in=Invitation.OPEN).select_related("consultant")
                      .order_by("pk"))
        for client, (age, due_now, status, progress) in zip(candidates, SCENARIOS, strict=False):
            issued_at = now - age
            invitation = services.record_invitation(client=client, issued_at=issued_at, by=client.consultant,
                                                    now=issued_at)
            cutoff = invitation.reminders.get(offset_days=due_now).due_at if due_now is not None else now
            for reminder in invitation.reminders.filter(due_at__lt=cutoff):
                _pretend_sent(reminder, client)
            for n, item in enumerate(list(invitation.checklist.all())[:progress]):
                item_status = ChecklistItem.Status.REQUESTED if n % 2 else ChecklistItem.Status.RECEIVED
                services.update_checklist_item(item=item, status=item_status, by=client.consultant,
                                               now=issued_at + dt.timedelta(days=2))
            if status != "invited":
                services.change_status(invitation=invitation, status="in_progress", by=client.consultant,
                                       now=issued_at + dt.timedelta(days=1))
            if status == "submitted":
                services.change_status(invitation=invitation, status="submitted", by=client.consultant,
                                       submitted_on=(now - dt.timedelta(days=5)).date(), now=now)
            invitations.append(invitation)
    if send_due:
        services.send_due_reminders(now=now, worker="seed_demo")
    return invitations
