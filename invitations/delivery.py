"""Sending email once: the ITA deadline reminders, and the project's one "send once" pattern.

THE PATTERN (claim, send after the commit, record). Every email that must go out once and only
once has one row, unique in the database: a Reminder per (invitation, days before the deadline),
a ConsultantDigest per (consultant, day) (invitations.digest), a DrawDigest per (round,
consultant) (draws.services.send_draw_digests), a reviewed Document or FactChange for the client's
email about it (documents.notices, intake.services). A sender:
1. claims the row with a conditional UPDATE that changes it only while it is unsent and
   unclaimed, or claimed longer ago than a lease (`UPDATE ... SET claimed_at = now WHERE sent_at
   IS NULL AND (claimed_at IS NULL OR claimed_at <= now - lease)`), and goes on only for the
   rows it changed: a concurrent worker's UPDATE changes none of them;
2. talks to SMTP after that UPDATE has committed, holding no transaction and no row lock;
3. records the outcome: sent_at once the server answered "250"; an email that can never be sent
   (is_permanent_failure: a refused recipient, a header or address no server takes) is recorded
   with its error and not retried, so it stops nobody else's; any other failure (the server
   down, an error in our code) releases the claim, and the next run tries again.
Never lost: nothing depends on a queued task or a beat tick; every run looks at every unsent
row, and a worker that dies between claim and record leaves a claim that lapses after the lease
(CLAIM_LEASE, draws.services.CLAIM_LEASE). Never twice: only the worker whose UPDATE changed the
row sends it, and a lease is many times the longest send (SMTP_TIMEOUT_SECONDS). The one
duplicate window SMTP leaves is between the server's "250" and the recording: milliseconds.

WHY REMINDERS DIFFER. A reminder is claimed by its invitation's row lock instead (SELECT ... FOR
UPDATE SKIP LOCKED), and is marked sent, handed to SMTP and committed inside that transaction:
- a reminder must never reach a client after the consultant marked the application submitted or
  declined: change_status waits for the same row lock, so a reminder being sent finishes first
  and none goes out after it returns. A claim committed before the send could not promise that;
- a reminder interrupted before the "250" is pending again as soon as PostgreSQL drops the dead
  worker's connection, without waiting out a lease on a deadline day;
- the cost stays bounded: one invitation row, which other workers skip, held at most
  SMTP_TIMEOUT_SECONDS. The duplicate window is the pattern's (between "250" and COMMIT): the
  SMTP session is closed (QUIT) only after the commit, and the Message-ID is stable per reminder.

THE REMINDERS, in full:
- Scans: beat's scan (scan_due_reminders, every 5 minutes) expires lapsed invitations, then one
  UPDATE ... RETURNING takes a dispatch lease (Reminder.dispatched_at) on every due pending
  reminder of an open invitation whose deadline is ahead, unless a scan took it less than
  DISPATCH_LEASE ago, and after the commit queues deliver_reminders tasks of DELIVERY_CHUNK
  invitations. The lease only spares the queue duplicate work; "once" is the row lock's. The
  serial scan (send_due_reminders: the management command, the demo) walks the same
  per-invitation path itself.
- A lost task (Redis restarted, a worker SIGKILLed mid-chunk, a publish refused) leaves its
  reminders pending: the first scan after the lease dispatches them again; what the killed
  worker had not committed PostgreSQL rolled back, so nothing is marked sent that SMTP did not
  accept. A duplicated task (redelivered after the visibility timeout, a second dispatch) finds
  the reminder sent, or the invitation locked by the worker sending it, and does nothing.
- No burst: when several are due for one invitation only the latest is sent, the others are
  marked skipped; reminders already past when an invitation is recorded are created skipped.
- SMTP failure: the attempt is recorded (ReminderAttempt); a transient one leaves the reminder
  pending with next_attempt_at = now + 5, 10, 20, 40, 60, 60... minutes and frees the dispatch
  lease; a permanent one marks it failed with the reason, and the chunk goes on.
- Clock: tasks queued with `now` pinned (tests, replays) use it; beat's tasks read their own, so
  one that waited in the queue neither sends after a deadline nor records a stale sent_at.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
from dataclasses import asdict, dataclass, field
from email.utils import parseaddr

from django.core import mail
from django.db import DatabaseError, transaction
from django.db import connection as db_connection
from django.db.models import Q
from django.utils import timezone

from clients.models import Client
from invitations import emails, tasks
from invitations.clock import firm_zone
from invitations.models import ChecklistItem, Invitation, Reminder, ReminderAttempt
from invitations.services import expire_invitations

log = logging.getLogger(__name__)

SMTP_TIMEOUT_SECONDS = 30  # bounds how long a send holds an invitation's lock, or a claim
RETRY_BASE = dt.timedelta(minutes=5)
RETRY_MAX = dt.timedelta(hours=1)
MAX_INVITATIONS_PER_SCAN = 1000
DISPATCH_LEASE = dt.timedelta(minutes=10)  # a dispatched reminder is queued again only after this
DELIVERY_CHUNK = 50  # invitations per deliver_reminders task (~1 s of SMTP)
# A claimed email (the pattern above) still unsent after this was claimed by a worker that died.
CLAIM_LEASE = dt.timedelta(minutes=15)


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
    """One serial scan: expire lapsed invitations, then send each due reminder once (module docstring).

    The management command and the demo run this; beat's scan fans out instead (scan_due_reminders),
    through the same per-invitation path (_claim_and_deliver).
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


def scan_due_reminders(*, now: dt.datetime, clock_pinned: bool = True) -> DispatchResult:
    """Beat's scan: expire lapsed invitations, then queue the due reminders for delivery in chunks.

    One UPDATE ... RETURNING takes the dispatch lease on every due reminder (module docstring), so
    the query count does not depend on how many are due. `clock_pinned`: the tasks carry `now`
    (tests, replays); beat passes False, and each task then reads its own clock.
    """
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
            transaction.on_commit(lambda chunk=chunk: tasks.deliver_reminders.delay(
                invitation_ids=chunk, now_iso=now_iso), robust=True)
            result.tasks_queued += 1
    result.invitations_dispatched = len(invitation_ids)
    return result


def deliver_reminders(*, invitation_ids: list[int], now: dt.datetime, worker: str = "") -> ScanResult:
    """Send the due reminders of these invitations (a dispatched chunk), each once.

    Each invitation goes through the serial scan's path (its own transaction, SKIP LOCKED), on
    one SMTP session for the whole chunk, closed (QUIT) only after the last commit. After a
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
                close_quietly(smtp)
    finally:
        close_quietly(smtp)
    return result


def close_quietly(smtp) -> None:
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
    # A document the client uploaded (to review) is no longer theirs to gather.
    open_items = list(invitation.checklist.exclude(status__in=[
        ChecklistItem.Status.RECEIVED, ChecklistItem.Status.TO_REVIEW, ChecklistItem.Status.NOT_NEEDED]))
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
            refused = {parseaddr(address)[1]: answer
                       for address, answer in (getattr(message, "refused_recipients", None) or {}).items()}
            if client.email.casefold() in {address.casefold() for address in refused}:
                # Only the consultant's copy went out: the client was not reminded.
                raise smtplib.SMTPRecipientsRefused(refused)
            if refused:
                latest.recipients = client.email
                latest.status_note = _refused_note(refused)
                latest.save(update_fields=["recipients", "status_note"])
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


def _refused_note(refused: dict) -> str:
    """What the server refused of a message it accepted for others: "cc refused: addr (550 ...)"."""
    parts = [f"{address} ({code} {reply})" for address, (code, reply) in refused.items()]
    return ("cc refused: " + "; ".join(parts))[:200]


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
