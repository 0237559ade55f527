"""The only writers of invitations and their reminder schedule.

Lock order, everywhere: the Invitation row first, then its reminders. Every write of a
reminder's status holds its invitation's row lock (the sending in invitations.delivery too);
the dispatch lease (Reminder.dispatched_at) is not a status and needs none. The checklist's
writers are in invitations.checklist_services, the sending of reminders in invitations.delivery,
the consultants' daily summary in invitations.digest.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clients.models import Client, Firm
from clients.permissions import MANAGE_REMINDER_SCHEDULE, RECORD_INVITATIONS, can
from invitations.checklist import build_checklist, item_types_for
from invitations.clock import firm_zone
from invitations.models import (
    ChecklistItem,
    FirmReminderSettings,
    Invitation,
    Reminder,
    default_offsets,
    validate_offsets,
)

REMINDER_LOCAL_TIME = dt.time(9, 0)  # reminders go out at 09:00 in the firm's time zone

NOTE_STALE = "already past when the invitation was recorded"
NOTE_REMOVED = "removed from the firm's schedule"
# Manual transitions; expiry is set by the scan when the deadline passes.
TRANSITIONS = {
    Invitation.Status.INVITED: {Invitation.Status.IN_PROGRESS, Invitation.Status.SUBMITTED,
                                Invitation.Status.DECLINED},
    Invitation.Status.IN_PROGRESS: {Invitation.Status.SUBMITTED, Invitation.Status.DECLINED},
}


def due_at_for(invitation: Invitation, offset_days: int, zone: ZoneInfo) -> dt.datetime:
    """09:00 firm time, `offset_days` calendar days before the deadline's date.

    If the deadline falls before 10:00 local time, the reminder goes an hour before
    the deadline's clock time instead, so "on the day" still arrives before it.
    """
    day = invitation.deadline_on(zone) - dt.timedelta(days=offset_days)
    morning = dt.datetime.combine(day, REMINDER_LOCAL_TIME, tzinfo=zone)
    return min(morning, invitation.deadline_at - dt.timedelta(days=offset_days, hours=1))


def reminder_offsets(firm: Firm) -> list[int]:
    """The firm's reminder days before the deadline, largest first."""
    row = FirmReminderSettings.objects.filter(firm=firm).first()
    return sorted(row.offsets_days if row else default_offsets(), reverse=True)


def require_owner(user, firm: Firm) -> None:
    """The reminder schedule and the checklist types: clients.permissions' MANAGE_REMINDER_SCHEDULE."""
    membership = getattr(user, "membership", None)
    if membership is None or membership.firm_id != firm.pk or not can(user, MANAGE_REMINDER_SCHEDULE):
        raise PermissionDenied(_("Only the firm's owner can change this."))


def require_member(user, client: Client, action: str = RECORD_INVITATIONS) -> None:
    """`user` belongs to the client's firm and their role allows `action` (clients.permissions)."""
    membership = getattr(user, "membership", None)
    if membership is None or membership.firm_id != client.firm_id:
        raise PermissionDenied(_("This client belongs to another firm."))
    if not can(user, action):
        raise PermissionDenied(_("Your role does not allow this."))


def set_reminder_offsets(*, firm: Firm, offsets: list[int], by, now: dt.datetime | None = None) -> list[int]:
    """Save the firm's schedule and apply it to its open invitations (only to what is still ahead).

    `by`: the firm's owner (the settings page), or a superuser (the admin, which only they reach).
    """
    if not by.is_superuser:
        require_owner(by, firm)
    validate_offsets(offsets)
    now = now or timezone.now()
    offsets = sorted(offsets, reverse=True)
    with transaction.atomic():
        FirmReminderSettings.objects.update_or_create(
            firm=firm, defaults={"offsets_days": offsets, "updated_by": by}
        )
        open_ids = Invitation.objects.filter(client__firm=firm, status__in=Invitation.OPEN).values("pk")
        for invitation in Invitation.objects.select_for_update().filter(pk__in=open_ids).order_by("pk"):
            _schedule_reminders(invitation, offsets, zone=firm_zone(firm), now=now)
    return offsets


def _schedule_reminders(
    invitation: Invitation, offsets: list[int], *, zone: ZoneInfo, now: dt.datetime
) -> None:
    """Create the missing reminder rows; offsets already past are stored as skipped, never sent late.

    The caller holds the invitation's row lock.
    """
    existing = {r.offset_days: r for r in invitation.reminders.select_for_update()}
    for offset in offsets:
        due_at = due_at_for(invitation, offset, zone)
        reminder = existing.get(offset)
        if reminder is None:
            ahead = due_at > now
            Reminder.objects.create(
                invitation=invitation, offset_days=offset, due_at=due_at,
                status=Reminder.Status.PENDING if ahead else Reminder.Status.SKIPPED,
                status_note="" if ahead else NOTE_STALE,
            )
        elif reminder.status == Reminder.Status.CANCELLED and reminder.status_note == NOTE_REMOVED \
                and due_at > now:
            reminder.status, reminder.status_note = Reminder.Status.PENDING, ""
            reminder.save(update_fields=["status", "status_note"])
    for offset, reminder in existing.items():
        if offset not in offsets and reminder.status == Reminder.Status.PENDING:
            reminder.status, reminder.status_note = Reminder.Status.CANCELLED, NOTE_REMOVED
            reminder.save(update_fields=["status", "status_note"])


def record_invitation(
    *, client: Client, issued_at: dt.datetime, by, draw=None, now: dt.datetime | None = None
) -> Invitation:
    """Record an ITA: the client becomes 'invited', the checklist and the reminders are created.

    Reminders whose date has already passed (an invitation recorded late) are stored as
    skipped, so the client gets only what is still ahead and never a burst of stale ones.
    """
    require_member(by, client)
    now = now or timezone.now()
    if timezone.is_naive(issued_at):
        raise ValidationError({"issued_at": _("Give the time zone of the invitation's date and time.")})
    if issued_at > now + dt.timedelta(minutes=5):
        raise ValidationError({"issued_at": _("The invitation date is in the future.")})
    zone = firm_zone(client.firm)
    deadline_at = Invitation.deadline_for(issued_at)
    if deadline_at <= now:
        raise ValidationError({"issued_at": _(
            "This invitation's 60 days ended on %(date)s; an expired invitation cannot be recorded."
        ) % {"date": deadline_at.astimezone(zone).date().isoformat()}})
    if draw is not None and abs((issued_at.astimezone(zone).date() - draw.drawn_on).days) > 1:
        raise ValidationError({"draw": _(
            "Round %(round)s was held on %(drawn)s, not around the invitation's date %(issued)s."
        ) % {"round": draw.round_number, "drawn": draw.drawn_on.isoformat(),
             "issued": issued_at.astimezone(zone).date().isoformat()}})
    with transaction.atomic():
        client = (Client.objects.select_for_update(of=("self",)).select_related("firm", "spouse")
                  .prefetch_related("jobs").get(pk=client.pk))
        if client.invitations.filter(status__in=Invitation.OPEN).exists():
            raise ValidationError({"issued_at": _(
                "This client already has an open invitation; mark it submitted or declined, "
                "or let it expire, first."
            )})
        invitation = Invitation(client=client, draw=draw, issued_at=issued_at, recorded_by=by,
                                status_changed_at=now)
        invitation.save()
        ChecklistItem.objects.bulk_create(build_checklist(
            invitation, client, item_types_for(client.firm),
            deadline_on=invitation.deadline_on(zone),
        ))
        _schedule_reminders(invitation, reminder_offsets(client.firm), zone=zone, now=now)
        if client.status != Client.Status.INVITED:
            client.status = Client.Status.INVITED
            client.save(update_fields=["status", "updated_at"])
    return invitation


def cancel_pending(invitation: Invitation, note: str) -> int:
    return invitation.reminders.filter(status=Reminder.Status.PENDING).update(
        status=Reminder.Status.CANCELLED, status_note=note, next_attempt_at=None
    )


def client_status_after(invitation: Invitation, status: str) -> None:
    """The client's status follows the invitation: submitted -> applied; declined/expired -> back in pool."""
    client = invitation.client
    if status == Invitation.Status.SUBMITTED:
        new = Client.Status.APPLIED
    elif status in (Invitation.Status.DECLINED, Invitation.Status.EXPIRED) \
            and client.status == Client.Status.INVITED:
        new = Client.Status.IN_POOL
    else:
        return
    if client.status != new:
        client.status = new
        client.save(update_fields=["status", "updated_at"])


def change_status(
    *, invitation: Invitation, status: str, by, submitted_on: dt.date | None = None,
    now: dt.datetime | None = None,
) -> Invitation:
    """Move an invitation along (in progress, submitted, declined); pending reminders stop at once.

    Waits for the invitation's row lock, so a reminder being sent right now finishes first
    and no reminder is sent after this returns.
    """
    now = now or timezone.now()
    with transaction.atomic():
        invitation = (Invitation.objects.select_for_update(of=("self",)).select_related("client__firm")
                      .get(pk=invitation.pk))
        require_member(by, invitation.client)
        allowed = TRANSITIONS.get(invitation.status, set())
        if status not in allowed:
            raise ValidationError({"status": _("An invitation that is %(current)s cannot become %(new)s.") % {
                "current": invitation.get_status_display(), "new": Invitation.Status(status).label
                if status in Invitation.Status.values else status}})
        if status == Invitation.Status.SUBMITTED:
            zone = firm_zone(invitation.client.firm)
            if submitted_on is None:
                raise ValidationError({"submitted_on": _("Give the date the application was submitted.")})
            if submitted_on < invitation.issued_at.astimezone(zone).date():
                raise ValidationError({"submitted_on": _("The submission date is before the invitation.")})
            if submitted_on > now.astimezone(zone).date():
                raise ValidationError({"submitted_on": _("The submission date is in the future.")})
        invitation.status = status
        invitation.submitted_on = submitted_on if status == Invitation.Status.SUBMITTED else None
        invitation.status_changed_at = now
        invitation.save(update_fields=["status", "submitted_on", "status_changed_at"])
        if status not in Invitation.OPEN:
            cancel_pending(invitation, f"application {invitation.status}")
        client_status_after(invitation, status)
    return invitation


def expire_invitations(*, now: dt.datetime) -> int:
    """Open invitations whose deadline has passed become expired; their pending reminders are cancelled."""
    count = 0
    with transaction.atomic():
        lapsed = (Invitation.objects.select_for_update(skip_locked=True, of=("self",))
                  .select_related("client").filter(status__in=Invitation.OPEN, deadline_at__lte=now))
        for invitation in lapsed:
            invitation.status, invitation.status_changed_at = Invitation.Status.EXPIRED, now
            invitation.save(update_fields=["status", "status_changed_at"])
            cancel_pending(invitation, "deadline passed")
            client_status_after(invitation, Invitation.Status.EXPIRED)
            count += 1
    return count
