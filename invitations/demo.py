"""Demo data for seed_demo: invited clients at different points of their 60 days, and the
applications of clients who applied, each tied to the round that invited them when one is recorded.

Called as `seed_invitations(clients, now=timezone.now(), rounds=[...])`. Some invitations have a
reminder due at that moment (it fell due since yesterday morning), so the first scan
sends it: `make demo` prints one line for each of those emails.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import transaction

from clients.models import Client
from draws.models import Draw, DrawMatch
from draws.services import invited_clients
from invitations import checklist_services, clock, delivery, services
from invitations.models import ITA_WINDOW, ChecklistItem, Invitation, Reminder, ReminderAttempt

# (days before `now` the ITA was issued, offset due now or None, status, checklist progress)
SCENARIOS = [
    (dt.timedelta(days=1), None, "invited", 0),  # the day of a round held yesterday (the demo's)
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


def _round_near(rounds: Sequence[Draw], issued_at: dt.datetime, client: Client) -> Draw | None:
    """A round of `rounds` held within a day of the ITA's date (what record_invitation accepts)."""
    day = issued_at.astimezone(clock.firm_zone(client.firm)).date()
    return next((d for d in rounds if abs((d.drawn_on - day).days) <= 1), None)


def seed_invitations(
    clients: Sequence[Client], *, now: dt.datetime, send_due: bool = True, rounds: Sequence[Draw] = ()
) -> list[Invitation]:
    """Record an ITA for each of the first len(SCENARIOS) clients, as if recorded the day it was issued.

    An ITA issued within a day of one of `rounds` is tied to it and goes to a client that round
    matched, if any is left. With send_due, the reminders due now are sent at once (one scan),
    like the next beat tick.
    """
    invitations = []
    with transaction.atomic():
        # Candidates in the pool (a prospect has no profile to invite; an applicant is past it).
        candidates = list(Client.objects.filter(pk__in=[c.pk for c in clients]).active()
                          .exclude(status__in=[Client.Status.PROSPECT, Client.Status.APPLIED])
                          .exclude(invitations__status__in=Invitation.OPEN)
                          .select_related("consultant", "firm").order_by("pk"))
        for age, due_now, status, progress in SCENARIOS:
            if not candidates:
                break
            issued_at = now - age
            draw = _round_near(rounds, issued_at, candidates[0])
            matches = DrawMatch.objects.filter(draw=draw) if draw else DrawMatch.objects.none()
            matched = set(matches.values_list("client_id", flat=True))
            client = next((c for c in candidates if c.pk in matched), candidates[0])
            candidates.remove(client)
            invitation = services.record_invitation(client=client, issued_at=issued_at, by=client.consultant,
                                                    draw=draw, now=issued_at)
            cutoff = invitation.reminders.get(offset_days=due_now).due_at if due_now is not None else now
            for reminder in invitation.reminders.filter(due_at__lt=cutoff):
                _pretend_sent(reminder, client)
            for n, item in enumerate(list(invitation.checklist.all())[:progress]):
                item_status = ChecklistItem.Status.REQUESTED if n % 2 else ChecklistItem.Status.RECEIVED
                checklist_services.update_checklist_item(item=item, status=item_status, by=client.consultant,
                                                         now=issued_at + dt.timedelta(days=2))
            if status != "invited":
                services.change_status(invitation=invitation, status="in_progress", by=client.consultant,
                                       now=issued_at + dt.timedelta(days=1))
            if status == "submitted":
                services.change_status(invitation=invitation, status="submitted", by=client.consultant,
                                       submitted_on=(now - dt.timedelta(days=5)).date(), now=now)
            invitations.append(invitation)
    if send_due:
        delivery.send_due_reminders(now=now, worker="seed_demo")
    return invitations


def seed_applications(
    clients: Sequence[Client], *, rounds: Sequence[Draw], now: dt.datetime, count: int = 3
) -> list[Invitation]:
    """Up to `count` clients who applied on an ITA from one of `rounds`, recorded as it happened.

    Each is invited by the newest of `rounds` held 70 to 365 days before `now` whose rule
    (draws.services.invited_clients, on today's stored assessment) selects them; the ITA is
    recorded on the round's date and submitted 30 days later, as if entered at the time, so
    the client is 'applied'. Clients already marked applied come first; those no round selects
    keep their status without an ITA (they applied before the firm kept records).
    """
    newest_first = sorted((d for d in rounds if 70 <= (now.date() - d.drawn_on).days <= 365),
                          key=lambda d: d.drawn_on, reverse=True)
    candidates = sorted(
        Client.objects.filter(pk__in=[c.pk for c in clients],
                              status__in=[Client.Status.APPLIED, Client.Status.IN_POOL])
        .exclude(invitations__isnull=False).select_related("consultant"),
        key=lambda c: (c.status != Client.Status.APPLIED, c.pk))
    invited: dict[int, set[int]] = {}  # round id: the clients it selects (read once per round)

    def selects(draw: Draw, client: Client) -> bool:
        if draw.pk not in invited:
            invited[draw.pk] = {client_id for client_id, _firm, _crs in invited_clients(draw)}
        return client.pk in invited[draw.pk]

    invitations: list[Invitation] = []
    for client in candidates:
        if len(invitations) == count:
            break
        draw = next((d for d in newest_first if selects(d, client)), None)
        if draw is None:
            continue
        issued_at = draw.drawn_at or dt.datetime.combine(draw.drawn_on, dt.time(15), tzinfo=dt.UTC)
        with transaction.atomic():
            invitation = services.record_invitation(client=client, issued_at=issued_at, by=client.consultant,
                                                    draw=draw, now=issued_at)
            services.change_status(invitation=invitation, status="in_progress", by=client.consultant,
                                   now=issued_at + dt.timedelta(days=1))
            services.change_status(invitation=invitation, status="submitted", by=client.consultant,
                                   submitted_on=(issued_at + dt.timedelta(days=30)).date(),
                                   now=issued_at + dt.timedelta(days=30))
        invitations.append(invitation)
    return invitations
