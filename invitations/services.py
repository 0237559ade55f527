"""The only writers of invitations, checklists and reminders.

Lock order, everywhere: the Invitation row first, then its reminders. Every write of a
reminder's status holds its invitation's row lock (see send_due_reminders); the dispatch
lease (Reminder.dispatched_at, see dispatch_due_reminders) is not a status and needs none.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
import uuid
from dataclasses import asdict, dataclass, field
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, IntegrityError, transaction
from django.db import connection as db_connection
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from clients.models import Client, Firm
from clients.permissions import EDIT_CLIENTS, MANAGE_REMINDER_SCHEDULE, RECORD_INVITATIONS, can
from invitations import emails
from invitations.checklist import FACT_RULES, build_checklist, item_types_for, type_name
from invitations.models import (
    ChecklistItem,
    ChecklistItemType,
    ConsultantDigest,
    FirmReminderSettings,
    Invitation,
    Reminder,
    ReminderAttempt,
    default_offsets,
    validate_offsets,
)

log = logging.getLogger(__name__)

REMINDER_LOCAL_TIME = dt.time(9, 0)  # reminders go out at 09:00 in the firm's time zone
SMTP_TIMEOUT_SECONDS = 30  # bounds how long a scan may hold an invitation's lock
RETRY_BASE = dt.timedelta(minutes=5)
RETRY_MAX = dt.timedelta(hours=1)
MAX_INVITATIONS_PER_SCAN = 1000
DISPATCH_LEASE = dt.timedelta(minutes=10)  # a dispatched reminder is queued again only after this
DELIVERY_CHUNK = 50  # invitations per deliver_reminders task (~1 s of SMTP)

NOTE_STALE = "already past when the invitation was recorded"
NOTE_REMOVED = "removed from the firm's schedule"
# Manual transitions; expiry is set by the scan when the deadline passes.
TRANSITIONS = {
    Invitation.Status.INVITED: {Invitation.Status.IN_PROGRESS, Invitation.Status.SUBMITTED,
                                Invitation.Status.DECLINED},
    Invitation.Status.IN_PROGRESS: {Invitation.Status.SUBMITTED, Invitation.Status.DECLINED},
}


# --- time -------------------------------------------------------------------------------------

def firm_zone(firm: Firm) -> ZoneInfo:
    """The firm's time zone (settings.TIME_ZONE if the stored name is unknown)."""
    try:
        return ZoneInfo(firm.time_zone)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(settings.TIME_ZONE)


def parse_now(value: str | None) -> dt.datetime:
    """An ISO 8601 date-time (naive = settings.TIME_ZONE), or the current time when empty."""
    if not value:
        return timezone.now()
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError as exc:
        raise ValueError(f"not an ISO 8601 date-time: {value!r} (e.g. 2027-01-30T09:00:00+00:00)") from exc
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=ZoneInfo(settings.TIME_ZONE))
    return moment


def due_at_for(invitation: Invitation, offset_days: int, zone: ZoneInfo) -> dt.datetime:
    """09:00 firm time, `offset_days` calendar days before the deadline's date.

    If the deadline falls before 10:00 local time, the reminder goes an hour before
    the deadline's clock time instead, so "on the day" still arrives before it.
    """
    day = invitation.deadline_on(zone) - dt.timedelta(days=offset_days)
    morning = dt.datetime.combine(day, REMINDER_LOCAL_TIME, tzinfo=zone)
    return min(morning, invitation.deadline_at - dt.timedelta(days=offset_days, hours=1))


def days_left(invitation: Invitation, zone: ZoneInfo, now: dt.datetime) -> int:
    """Invitation.days_left_at, kept only while the portal's first commit still imports it."""
    return invitation.days_left_at(now, zone)


# --- settings ---------------------------------------------------------------------------------

def reminder_offsets(firm: Firm) -> list[int]:
    """The firm's reminder days before the deadline, largest first."""
    row = FirmReminderSettings.objects.filter(firm=firm).first()
    return sorted(row.offsets_days if row else default_offsets(), reverse=True)


def _require_owner(user, firm: Firm) -> None:
    """The reminder schedule and the checklist types: clients.permissions' MANAGE_REMINDER_SCHEDULE."""
    membership = getattr(user, "membership", None)
    if membership is None or membership.firm_id != firm.pk or not can(user, MANAGE_REMINDER_SCHEDULE):
        raise PermissionDenied(_("Only the firm's owner can change this."))


def _require_member(user, client: Client, action: str = RECORD_INVITATIONS) -> None:
    """`user` belongs to the client's firm and their role allows `action` (clients.permissions)."""
    membership = getattr(user, "membership", None)
    if membership is None or membership.firm_id != client.firm_id:
        raise PermissionDenied(_("This client belongs to another firm."))
    if not can(user, action):
        raise PermissionDenied(_("Your role does not allow this."))


def set_reminder_offsets(*, firm: Firm, offsets: list[int], by, now: dt.datetime | None = None) -> list[int]:
    """Save the firm's schedule and apply it to its open invitations (only to what is still ahead)."""
    _require_owner(by, firm)
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


def save_item_types(*, firm: Firm, rows: list[dict], by) -> list[ChecklistItemType]:
    """Apply the owner's edits: a changed default becomes the firm's own copy; new keys are added.

    Each row: key, name, rule, lead_time_days, is_active (and optionally position).
    Already generated checklists keep their dates; new invitations use the new types.
    """
    _require_owner(by, firm)
    current = {t.key: t for t in item_types_for(firm)}
    fields = ("name", "rule", "lead_time_days", "is_active", "position")
    with transaction.atomic():
        for row in rows:
            existing = current.get(row["key"])
            if existing is None:
                ChecklistItemType.objects.create(
                    firm=firm, key=row["key"], position=row.get("position", 900),
                    **{f: row[f] for f in fields if f in row and f != "position"},
                )
                continue
            if "name" in row and row["name"] == type_name(existing):  # a default shown in French, unchanged
                row = {**row, "name": existing.name}
            if all(getattr(existing, f) == row[f] for f in fields if f in row):
                continue
            if existing.firm_id is None:  # copy-on-write: the default stays for other firms
                existing.pk, existing.firm = None, firm
            for f in fields:
                if f in row:
                    setattr(existing, f, row[f])
            existing.full_clean()
            existing.save()
    return item_types_for(firm)


# --- invitations ------------------------------------------------------------------------------

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
    _require_member(by, client)
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


def _cancel_pending(invitation: Invitation, note: str) -> int:
    return invitation.reminders.filter(status=Reminder.Status.PENDING).update(
        status=Reminder.Status.CANCELLED, status_note=note, next_attempt_at=None
    )


def _client_status_after(invitation: Invitation, status: str) -> None:
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
        _require_member(by, invitation.client)
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
            _cancel_pending(invitation, f"application {invitation.status}")
        _client_status_after(invitation, status)
    return invitation


def update_checklist_item(
    *, item: ChecklistItem, status: str, by, received_on: dt.date | None = None,
    now: dt.datetime | None = None,
) -> ChecklistItem:
    """Set an item's status; requested/received dates default to today (firm time)."""
    now = now or timezone.now()
    item = ChecklistItem.objects.select_related("invitation__client__firm").get(pk=item.pk)
    _require_member(by, item.invitation.client, EDIT_CLIENTS)
    today = now.astimezone(firm_zone(item.invitation.client.firm)).date()
    if status not in ChecklistItem.Status.values:
        raise ValidationError({"status": _("Unknown status %(status)s.") % {"status": status}})
    if received_on and received_on > today:
        raise ValidationError({"received_on": _("The date received is in the future.")})
    item.status = status
    if status == ChecklistItem.Status.REQUESTED and item.requested_on is None:
        item.requested_on = today
    item.received_on = (received_on or today) if status == ChecklistItem.Status.RECEIVED else None
    item.save(update_fields=["status", "requested_on", "received_on"])
    return item


CUSTOM_ITEM_KEY = "custom"  # items added by hand: never generated, never removed by sync_checklist


def add_checklist_item(
    *, invitation: Invitation, label: str, start_by: dt.date, by, now: dt.datetime | None = None
) -> ChecklistItem:
    """A document the consultant adds by hand to an open invitation's checklist.

    For what the recorded facts cannot generate: a spouse's country of residence, a letter
    IRCC asked for. It is flagged like the others once `start_by` passes without a request.
    """
    now = now or timezone.now()
    label = " ".join((label or "").split())
    with transaction.atomic():
        invitation = (Invitation.objects.select_for_update(of=("self",)).select_related("client__firm")
                      .get(pk=invitation.pk))
        _require_member(by, invitation.client, EDIT_CLIENTS)
        if not invitation.is_open:
            raise ValidationError({"label": _("This invitation is closed: its checklist no longer changes.")})
        if not label:
            raise ValidationError({"label": _("Name the document.")})
        deadline_on = invitation.deadline_on(firm_zone(invitation.client.firm))
        if start_by > deadline_on:
            raise ValidationError({"start_by": _("The start-by date is after the deadline, %(date)s.")
                                   % {"date": deadline_on.isoformat()}})
        return ChecklistItem.objects.create(
            invitation=invitation, item_type=None, key=CUSTOM_ITEM_KEY, subject=uuid.uuid4().hex[:12],
            label=label[:250], lead_time_days=min(max((deadline_on - start_by).days, 0), 365),
            start_by=start_by,
        )


@dataclass
class ChecklistSync:
    added: list[str]
    removed: list[str]


def sync_checklist(*, client: Client) -> ChecklistSync:
    """After the client's facts change, the open invitation's checklist follows them.

    Only the items that come from facts (clients' countries, family members, jobs, spouse, job
    offer: checklist.FACT_RULES) are re-evaluated, with the item types in use today:
    - an item the facts now call for is added, with its 'start by' counted from the deadline;
    - a generated item the facts no longer call for is removed only if it is still 'not
      started': a document requested, received or marked not needed is the consultant's record
      and stays;
    - everything else (dates, statuses, items of other rules) is left as it is.
    Runs inside the profile edit's transaction (clients.signals.facts_saved): both or neither.
    """
    invitation = (Invitation.objects.select_for_update(of=("self",)).select_related("draw")
                  .filter(client_id=client.pk, status__in=Invitation.OPEN).first())
    if invitation is None:
        return ChecklistSync([], [])
    client = (Client.objects.select_related("firm", "spouse").prefetch_related("jobs").get(pk=client.pk))
    zone = firm_zone(client.firm)
    types = [t for t in item_types_for(client.firm) if t.rule in FACT_RULES]
    wanted = build_checklist(invitation, client, types, deadline_on=invitation.deadline_on(zone))
    existing = {(i.key, i.subject): i for i in invitation.checklist.select_related("item_type")}
    wanted_keys = {(i.key, i.subject) for i in wanted}
    new = [i for i in wanted if (i.key, i.subject) not in existing]
    stale = [i for key, i in existing.items()
             if key not in wanted_keys and i.status == ChecklistItem.Status.NOT_STARTED
             and i.item_type is not None and i.item_type.is_active and i.item_type.rule in FACT_RULES]
    ChecklistItem.objects.bulk_create(new)
    ChecklistItem.objects.filter(pk__in=[i.pk for i in stale]).delete()
    return ChecklistSync(added=[i.label for i in new], removed=[i.label for i in stale])


def _sync_checklist_on_facts_saved(sender, *, client: Client, **kwargs) -> None:
    """clients.signals.facts_saved receiver (connected in InvitationsConfig.ready)."""
    sync_checklist(client=client)


def expire_invitations(*, now: dt.datetime) -> int:
    """Open invitations whose deadline has passed become expired; their pending reminders are cancelled."""
    count = 0
    with transaction.atomic():
        lapsed = (Invitation.objects.select_for_update(skip_locked=True, of=("self",))
                  .select_related("client").filter(status__in=Invitation.OPEN, deadline_at__lte=now))
        for invitation in lapsed:
            invitation.status, invitation.status_changed_at = Invitation.Status.EXPIRED, now
            invitation.save(update_fields=["status", "status_changed_at"])
            _cancel_pending(invitation, "deadline passed")
            _client_status_after(invitation, Invitation.Status.EXPIRED)
            count += 1
    return count


# --- delivery ---------------------------------------------------------------------------------

@dataclass
class ScanResult:
    sent: int = 0
    skipped: int = 0
    retrying: int = 0
    failed: int = 0
    expired: int = 0
    failures: list[str] = field(default_factory=list)  # "reminder 17: BadHeaderError", for the report

    def as_dict(self) -> dict:
        return asdict(self)


def _due(now: dt.datetime) -> Q:
    return Q(status=Reminder.Status.PENDING, due_at__lte=now) & (
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    )


def send_due_reminders(*, now: dt.datetime | None = None, worker: str = "") -> ScanResult:
    """One serial scan: expire lapsed invitations, then send each due reminder exactly once.

    The management command and the demo run this; beat's scan fans out instead
    (dispatch_due_reminders), through the same per-invitation path (_claim_and_deliver).

    Design (exactly once, as far as SMTP allows):
    - At most once: a reminder is one row, unique per (invitation, offset). A scan claims an
      invitation with SELECT ... FOR UPDATE SKIP LOCKED (a concurrent scan passes it by) and,
      in that same transaction, marks the reminder sent, hands the message to SMTP, and commits.
      A crash before SMTP's "250 OK" rolls the mark back (the row stays pending, the lock is
      released by PostgreSQL); the only duplicate window is between "250" and COMMIT, which is
      why the SMTP session is closed only after the commit, and why the Message-ID is stable.
    - At least once: nothing depends on a queued message or a beat tick. Every scan looks at all
      pending reminders that are due, whose invitation is open and whose deadline is ahead, so
      what was missed while workers, Redis or SMTP were down goes out at the next scan.
    - No burst: if several are due for one invitation, only the latest is sent; the others are
      marked skipped. Reminders already past when an invitation is recorded are created skipped.
    - SMTP failure: the attempt is recorded (ReminderAttempt), the reminder stays pending with
      next_attempt_at = now + 5, 10, 20, 40, 60, 60... minutes; refused recipients -> failed.
    - A status change (change_status) takes the same row lock and cancels pending reminders.
    """
    now = now or timezone.now()
    result = ScanResult(expired=expire_invitations(now=now))
    handled: list[int] = []
    while len(handled) < MAX_INVITATIONS_PER_SCAN:
        connection = mail.get_connection(timeout=SMTP_TIMEOUT_SECONDS)
        try:
            pk = _claim_and_deliver(Invitation.objects.exclude(pk__in=handled), now=now, worker=worker,
                                    connection=connection, result=result)
        finally:
            connection.close()  # QUIT after the commit, never inside the duplicate window
        if pk is None:
            break
        handled.append(pk)
    return result


@dataclass
class DispatchResult:
    invitations_dispatched: int = 0
    tasks_queued: int = 0
    expired: int = 0

    def as_dict(self) -> dict:
        return asdict(self)


def dispatch_due_reminders(*, now: dt.datetime, clock_pinned: bool = True) -> DispatchResult:
    """Beat's scan: expire lapsed invitations, then queue the due reminders for delivery in chunks.

    One UPDATE ... RETURNING takes a dispatch lease (Reminder.dispatched_at) on every due pending
    reminder of an open invitation whose deadline is ahead, unless another scan took it less than
    DISPATCH_LEASE ago; after the commit, the invitations go out as deliver_reminders tasks of
    DELIVERY_CHUNK each. The query count does not depend on how many are due.

    Why it stays exactly once: the lease only spares the queue duplicate work; "once" is still
    enforced where it was, by the per-invitation transaction of send_due_reminders' design
    (SKIP LOCKED row lock, reminder marked sent and handed to SMTP before COMMIT).
    - A lost task (Redis restarted, worker SIGKILLed mid-chunk, a publish refused) leaves its
      reminders pending: the first scan after the lease has lapsed dispatches them again. What a
      killed worker had not committed was rolled back by PostgreSQL, so nothing is marked sent
      that SMTP did not accept.
    - A duplicated task (redelivered after the visibility timeout, or a second dispatch) finds
      the reminder already sent, or the invitation locked by the worker sending it (skipped),
      and does nothing.
    - A transient SMTP failure clears the lease, so the retry is dispatched as soon as its
      backoff ends; two scans at once cannot both take a lease (the UPDATE re-checks the
      reminder's own row after waiting for the other's lock).

    `clock_pinned`: the tasks carry `now` (tests, replays). Beat passes False: each task then
    uses its own clock, so one that waited in the queue neither sends after a deadline nor
    records a stale sent_at.
    """
    from invitations.tasks import deliver_reminders  # tasks import this module

    result = DispatchResult(expired=expire_invitations(now=now))
    with transaction.atomic(), db_connection.cursor() as cursor:
        # Rows a worker is sending right now are locked: skip them (it is handling them).
        unleased = Q(dispatched_at__isnull=True) | Q(dispatched_at__lte=now - DISPATCH_LEASE)
        claim = (Reminder.objects.select_for_update(skip_locked=True, of=("self",))
                 .filter(_due(now), unleased, invitation__status__in=Invitation.OPEN,
                         invitation__deadline_at__gt=now)
                 .order_by().values("pk"))
        claim_sql, claim_params = claim.query.sql_with_params()
        sql = (f"UPDATE {Reminder._meta.db_table} SET dispatched_at = %s "  # noqa: S608 - values are parameters
               f"WHERE id IN ({claim_sql}) RETURNING invitation_id")
        cursor.execute(sql, [now, *claim_params])
        invitation_ids = sorted({row[0] for row in cursor.fetchall()})
        now_iso = now.isoformat() if clock_pinned else None
        for start in range(0, len(invitation_ids), DELIVERY_CHUNK):
            chunk = invitation_ids[start:start + DELIVERY_CHUNK]
            # robust: a refused publish loses only its chunk, which the lease brings back later. A
            # function, not a functools.partial: Django names the callback (__qualname__) when it
            # logs a robust hook's error, and a partial has no name, so its AttributeError would
            # replace the real error and stop the later chunks' publishing.
            transaction.on_commit(lambda chunk=chunk: deliver_reminders.delay(invitation_ids=chunk,
                                                                              now_iso=now_iso), robust=True)
            result.tasks_queued += 1
    result.invitations_dispatched = len(invitation_ids)
    return result


def deliver_due_reminders(*, invitation_ids: list[int], now: dt.datetime, worker: str = "") -> ScanResult:
    """Send the due reminders of these invitations (a dispatched chunk), each exactly once.

    Each invitation goes through the serial scan's path (its own transaction, SKIP LOCKED), on
    one SMTP session for the whole chunk: every message still gets its "250" before its
    transaction commits, and the session is closed (QUIT) only after the last commit. After a
    failed attempt the session is dropped and the next invitation starts a fresh one.
    """
    result = ScanResult()
    smtp = mail.get_connection(timeout=SMTP_TIMEOUT_SECONDS)
    try:
        for pk in sorted(set(invitation_ids)):
            failures = result.retrying + result.failed
            _claim_and_deliver(Invitation.objects.filter(pk=pk), now=now, worker=worker, connection=smtp,
                               result=result)
            if result.retrying + result.failed > failures:
                _close_quietly(smtp)
    finally:
        _close_quietly(smtp)
    return result


def _close_quietly(smtp) -> None:
    """QUIT, outside any transaction; a session that is already broken needs nothing more."""
    try:
        smtp.close()
    except (smtplib.SMTPException, OSError) as exc:
        log.info("SMTP session not closed cleanly: %s", exc)


def _claim_and_deliver(
    candidates, *, now: dt.datetime, worker: str, connection, result: ScanResult
) -> int | None:
    """In one transaction: lock the first of `candidates` (an Invitation queryset) that is open, ahead
    of its deadline, has a due reminder and is not locked by another worker; deliver it.

    Returns the invitation's pk, or None when there was none to take.
    """
    due_invitations = Reminder.objects.filter(_due(now)).values("invitation_id")
    with transaction.atomic():
        invitation = (
            candidates.select_for_update(skip_locked=True)
            .filter(pk__in=due_invitations, status__in=Invitation.OPEN, deadline_at__gt=now)
            .order_by("deadline_at", "pk").first()
        )
        if invitation is None:
            return None
        _deliver_latest(invitation, now=now, worker=worker, connection=connection, result=result)
    return invitation.pk


def _backoff(attempts: int) -> dt.timedelta:
    return min(RETRY_BASE * (2 ** max(attempts - 1, 0)), RETRY_MAX)


def _deliver_latest(
    invitation: Invitation, *, now: dt.datetime, worker: str, connection, result: ScanResult
) -> None:
    """Under the invitation's lock: skip all but the latest due reminder, send that one."""
    due = list(invitation.reminders.select_for_update()
               .filter(status=Reminder.Status.PENDING, due_at__lte=now).order_by("due_at", "-offset_days"))
    if not due:
        return
    *older, latest = due
    for reminder in older:
        reminder.status = Reminder.Status.SKIPPED
        reminder.status_note = f"superseded by the {latest.offset_days}-day reminder"
        reminder.next_attempt_at = None
        reminder.save(update_fields=["status", "status_note", "next_attempt_at"])
        result.skipped += 1
    if latest.next_attempt_at and latest.next_attempt_at > now:
        return  # still backing off after an SMTP failure
    client = (Client.objects.select_related("firm", "consultant").get(pk=invitation.client_id))
    latest.attempts += 1
    if not client.email:
        _record_failure(latest, now, worker, "the client has no email address", permanent=True)
        result.failed += 1
        return
    zone = firm_zone(client.firm)
    open_items = list(invitation.checklist.exclude(
        status__in=[ChecklistItem.Status.RECEIVED, ChecklistItem.Status.NOT_NEEDED]))
    try:
        with transaction.atomic():  # a savepoint: undone if the message is not accepted
            message = emails.reminder_message(latest, invitation, client, open_items=open_items, zone=zone,
                                              now=now, connection=connection)
            latest.status, latest.sent_at, latest.next_attempt_at = Reminder.Status.SENT, now, None
            cc = [f"cc {client.consultant.email}"] if message.cc else []
            latest.recipients = ", ".join([client.email, *cc])[:500]
            latest.save(update_fields=["status", "sent_at", "next_attempt_at", "recipients", "attempts"])
            ReminderAttempt.objects.create(reminder=latest, attempted_at=now, succeeded=True, worker=worker)
            connection.open()
            connection.send_messages([message])
        result.sent += 1
    except DatabaseError:
        raise  # the database itself: nothing about this reminder to record; the scan stops
    except Exception as exc:  # noqa: BLE001 - one invitation's failure must not stop the others
        permanent = is_permanent_failure(exc)
        latest.refresh_from_db(fields=["status", "sent_at", "recipients", "next_attempt_at"])
        _record_failure(latest, now, worker, f"{type(exc).__name__}: {exc}", permanent=permanent)
        if permanent:
            result.failed += 1
            result.failures.append(f"reminder {latest.pk}: {type(exc).__name__}")
            log.warning("reminder %s not sent, marked failed: %s: %s", latest.pk, type(exc).__name__, exc)
        else:
            result.retrying += 1
            log.warning("reminder %s: attempt %s failed, retried after a backoff: %s: %s", latest.pk,
                        latest.attempts, type(exc).__name__, exc)


def is_permanent_failure(exc: Exception) -> bool:
    """Whether this message itself cannot be sent, so a retry would fail the same way.

    Permanent: a recipient the server refuses, a 5xx answer to the message, and the message's
    own data, refused before SMTP is reached (a header Django refuses: BadHeaderError; an address
    it cannot parse or encode: ValueError, UnicodeError). Anything else is retried with backoff:
    the server or the connection (refused, dropped, timed out, a 4xx, a greeting, login or sender
    refusal), and an error of our own code or templates, which a fix then delivers.
    """
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return True
    if isinstance(exc, smtplib.SMTPDataError):
        return exc.smtp_code >= 500
    if isinstance(exc, (smtplib.SMTPException, OSError)):
        return False
    return isinstance(exc, ValueError)  # BadHeaderError and UnicodeError are ValueErrors


def _record_failure(
    reminder: Reminder, now: dt.datetime, worker: str, error: str, *, permanent: bool
) -> None:
    if permanent:
        reminder.status, reminder.next_attempt_at = Reminder.Status.FAILED, None
        reminder.status_note = error[:200]
    else:
        reminder.next_attempt_at = now + _backoff(reminder.attempts)
        reminder.status_note = error[:200]
        reminder.dispatched_at = None  # the next scan after the backoff dispatches the retry
    reminder.save(update_fields=["status", "status_note", "next_attempt_at", "attempts", "dispatched_at"])
    ReminderAttempt.objects.create(reminder=reminder, attempted_at=now, succeeded=False,
                                   error=error[:5000], worker=worker)


# --- consultant digest ------------------------------------------------------------------------

def digest_rows(user, *, now: dt.datetime) -> list[dict]:
    """The consultant's open invitations that need attention: overdue items or 7 days or less left."""
    invitations = (Invitation.objects.filter(client__consultant=user, status__in=Invitation.OPEN)
                   .select_related("client__firm").prefetch_related("checklist").order_by("deadline_at"))
    rows = []
    for invitation in invitations:
        zone = firm_zone(invitation.client.firm)
        today = now.astimezone(zone).date()
        overdue = [i for i in invitation.checklist.all() if i.is_overdue(today)]
        left = invitation.days_left_at(now, zone)
        if overdue or left <= 7:
            rows.append({"invitation": invitation, "client": invitation.client, "days_left": left,
                         "overdue": overdue})
    return rows


def send_daily_digests(*, now: dt.datetime | None = None) -> int:
    """Send each consultant with something to act on one summary a day (a unique row per day).

    Each consultant is on their own: a summary that cannot be sent (a name or address no mail
    server takes: is_permanent_failure) is recorded as that consultant's row for the day, with
    the error and no sent_at, and the loop goes on with the next; any other failure (an SMTP
    outage, an error in our code) leaves no row, so the next hourly run tries again.
    """
    now = now or timezone.now()
    consultant_ids = (Invitation.objects.filter(status__in=Invitation.OPEN)
                      .values_list("client__consultant_id", flat=True).distinct())
    sent = 0
    from django.contrib.auth import get_user_model

    for user in get_user_model().objects.filter(pk__in=consultant_ids, is_active=True).exclude(email=""):
        membership = getattr(user, "membership", None)
        zone = firm_zone(membership.firm) if membership else ZoneInfo(settings.TIME_ZONE)
        today = now.astimezone(zone).date()
        if ConsultantDigest.objects.filter(user=user, sent_on=today).exists():
            continue  # sent (or found unsendable) earlier today
        rows = digest_rows(user, now=now)
        if not rows:
            continue
        overdue = sum(len(r["overdue"]) for r in rows)
        connection = mail.get_connection(timeout=SMTP_TIMEOUT_SECONDS)
        try:
            with transaction.atomic():
                ConsultantDigest.objects.create(user=user, sent_on=today, sent_at=now, overdue_items=overdue)
                connection.open()
                connection.send_messages([emails.digest_message(user, rows, today=today)])
            sent += 1
        except IntegrityError:
            continue  # another run sent it a moment ago
        except DatabaseError:
            raise
        except Exception as exc:  # noqa: BLE001 - one consultant's failure must not stop the others
            if not is_permanent_failure(exc):
                log.warning("daily summary for user %s not sent, next run retries: %s", user.pk, exc)
                continue
            error = f"{type(exc).__name__}: {exc}"[:300]
            ConsultantDigest.objects.get_or_create(user=user, sent_on=today, defaults={
                "sent_at": None, "overdue_items": overdue, "error": error})
            log.warning("daily summary for user %s cannot be sent, recorded: %s: %s", user.pk,
                        type(exc).__name__, exc)
        finally:
            _close_quietly(connection)
    return sent
