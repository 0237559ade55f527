"""Fault drills (issue 7): break a real service on purpose, check that nothing is lost or doubled.

Each drill prints what it did and what it found ("DRILL name: ..."; run with -s, or `make drills`).
Real services throughout: Celery workers as subprocesses (SIGKILLed, not stopped), a Redis of the
drill's own (stopped and restarted; the machine's Redis on 6379 is shared and never touched), the
harness's aiosmtpd server (stopped, or holding a message at DATA), PostgreSQL (a backend terminated
mid-transaction) and Chromium against the live server.

Workers are subprocesses that time-machine cannot reach: reminder scans carry their clock
(`now_iso`), as the existing delivery tests do. A scan queues the sending as deliver_reminders
tasks (a chunk of invitations each) and takes a 10-minute dispatch lease on what it queued.
Two timers are fast-forwarded instead of waited for, and each drill says so: Redis redelivers
a killed worker's unacknowledged message after the visibility timeout (1 hour), and a digest
claimed by a dead worker may be taken over after draws.services.CLAIM_LEASE (15 minutes).
"""

from __future__ import annotations

import datetime as dt
import re
import time
from collections import Counter
from email.utils import parseaddr

import psycopg
import pytest
from django.db import connection
from django.db.models import F
from django.utils import timezone

from clients.models import Client, Education, Job, LanguageTest, Spouse
from clients.tests.factories import (
    PASSWORD,
    ClientFactory,
    EducationFactory,
    FirmFactory,
    JobFactory,
    LanguageTestFactory,
    member,
)
from draws import services as draw_services
from draws.models import Draw, DrawDigest, DrawMatch
from eligibility.models import ClientAssessment
from invitations import delivery
from invitations import services as invitation_services
from invitations.models import Reminder, ReminderAttempt
from invitations.tasks import scan_due_reminders
from invitations.tests.helpers import ISSUED_AT, ensure_default_item_types, reminder_of
from ops.tests.helpers import (
    DropConnectionAfter,
    drain,
    duplicates,
    fast_forward_unacked,
    gate_smtp,
    say,
    unacked_tags,
    visibility_timeout,
    wait_until,
)
from testing.assessments import round_types
from testing.services import login, screenshot

pytestmark = pytest.mark.drill

# The 45-day reminder of an ITA issued at ISSUED_AT (2027-02-01 16:00 UTC) is due on 2027-02-16 at
# 09:00 in the firm's zone: 13:00 UTC in Halifax, 14:00 in Toronto, 15:00 in Winnipeg.
DUE_ON = dt.date(2027, 2, 16)
ZONES = {"America/Halifax": 13, "America/Toronto": 14, "America/Winnipeg": 15}
CUTOFF = 480


def _at(hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2027, 2, 16, hour, minute, tzinfo=dt.UTC)


def _scan(now: dt.datetime) -> None:
    """One reminder scan, as beat queues it every 5 minutes, with the worker's clock at `now`."""
    scan_due_reminders.delay(now_iso=now.isoformat())


def _tick(now: dt.datetime, queue: str, workers: list[str], redis_url: str) -> None:
    """A scan, then wait for it and the delivery tasks it queued, as beat's 5 minutes would."""
    _scan(now)
    drain(queue, workers, redis_url)


def _address(message) -> str:
    return parseaddr(message["To"])[1]


# --- populations ------------------------------------------------------------------------------

def _invitations(firms: list[tuple[str, int]]) -> dict[str, list[Client]]:
    """Clients with an ITA issued at ISSUED_AT, in one firm per (zone, count): {zone: [clients]}."""
    ensure_default_item_types()
    clients: dict[str, list[Client]] = {}
    for n, (zone, count) in enumerate(firms):
        firm = FirmFactory(name=f"Drill Law {n} ({zone})", time_zone=zone,
                           email=f"office{n}@drill-law.example")
        consultant = member(firm, email=f"consultant{n}@drill-law.example")
        for _ in range(count):
            client = ClientFactory(firm=firm, consultant=consultant)
            invitation_services.record_invitation(client=client, issued_at=ISSUED_AT, by=consultant,
                                                  now=ISSUED_AT)
            clients.setdefault(zone, []).append(client)
    return clients


def _due_45(clients: list[Client]):
    return Reminder.objects.filter(invitation__client__in=clients, offset_days=45)


def _round_population(*, firms: int, consultants: int, matched: int) -> dict[str, set[str]]:
    """Consultants in several firms, each with `matched` clients a round at CUTOFF invites and two
    it does not (one below the cut-off, one above it but eligible for no program).

    Stored assessments are written directly (the matching job reads only those).
    Returns {consultant email: {"First Last" of their matched clients}}.
    """
    today = timezone.localdate()
    expected: dict[str, set[str]] = {}
    for f in range(firms):
        firm = FirmFactory(name=f"Drill Immigration {f}")
        for c in range(consultants):
            user = member(firm, email=f"c{f}{c}@drill-immigration.example", first_name=f"Cons{f}{c}")
            for i in range(matched + 2):
                client = ClientFactory(firm=firm, consultant=user, last_name=f"Drill{f}{c}{i}")
                crs, program = (CUTOFF + 1 + 7 * i + c, True) if i < matched else (
                    (CUTOFF - 10, True) if i == matched else (CUTOFF + 100, False))
                types = round_types(programs={"cec"} if program else set())
                ClientAssessment.objects.create(client=client, firm=firm, as_of=today, rules="drill",
                                                crs_total=crs, cec=program, result={}, open_round_types=types)
                if i < matched:
                    expected.setdefault(user.email, set()).add(client.full_name)
    return expected


def _new_round(number: str, by) -> Draw:
    """A general round at CUTOFF held today, recorded by hand: the after-draw job is queued on commit."""
    draw = Draw(round_number=number, drawn_on=timezone.localdate(), type=Draw.Type.GENERAL,
                invitations_issued=2000, lowest_crs=CUTOFF)
    return draw_services.record_draw(draw, by=by)


def _digest_clients(message) -> set[str]:
    """The client names a digest lists ("- First Last: CRS 512 (+32)" lines of the text part)."""
    text = message.get_body(("plain",)).get_content()
    return set(re.findall(r"^- (.+?): CRS \d+", text, flags=re.MULTILINE))


def _pg(settings_dict: dict) -> psycopg.Connection:
    return psycopg.connect(dbname=settings_dict["NAME"], user=settings_dict["USER"] or "postgres",
                           host=settings_dict["HOST"] or "127.0.0.1", port=settings_dict["PORT"] or 5432,
                           autocommit=True)


# --- 1. SIGKILL during the after-draw job ------------------------------------------------------

@pytest.mark.worker
def test_drill_worker_killed_during_the_after_draw_job(drill_workers, smtp_server):
    """Kill once while matching (its INSERT waits on a lock), once mid-digests; all stored/sent once."""
    name = "worker-kill/after-draw"
    started = time.monotonic()
    expected = _round_population(firms=3, consultants=4, matched=3)
    all_matched = set().union(*expected.values())
    someone = member(FirmFactory(name="Drill Admin Firm"), "owner")

    # Kill 1: while the matching statement waits (another session holds a lock on the matches table).
    locker, watcher = _pg(connection.settings_dict), _pg(connection.settings_dict)
    try:
        locker.execute("BEGIN")
        locker.execute("LOCK TABLE draws_drawmatch IN SHARE ROW EXCLUSIVE MODE")
        drill_workers.start("w1")
        draw = _new_round("9001", someone)
        blocked_pid = wait_until(lambda: (watcher.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND wait_event_type = 'Lock' AND query LIKE %s", ["WITH invited%"]).fetchone() or [None])[0],
            timeout=60, what="the matching statement waiting on the lock")
        drill_workers.kill("w1")
        locker.execute("ROLLBACK")
        wait_until(lambda: not watcher.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s",
                                               [blocked_pid]).fetchone(),
                   timeout=30, what="the killed worker's backend ending")
    finally:
        locker.close()  # never leave the lock behind (the test database flush would wait on it)
        watcher.close()
    matches_after_kill = DrawMatch.objects.filter(draw=draw).count()
    assert len(unacked_tags(drill_workers.redis.url)) == 1  # the job: taken, never acknowledged
    say(name, f"round #{draw.round_number} (general, cut-off {CUTOFF}): {len(all_matched)} clients of "
              f"{len(expected)} consultants in 3 firms above it. SIGKILL w1 while its matching INSERT "
              f"waited on a table lock; once the lock went, matches in the table: {matches_after_kill} "
              f"(PostgreSQL may finish the statement of a client that died); the job stayed "
              f"unacknowledged in Redis")

    # Kill 2: the restarted worker gets the job again and is killed while sending digest 5 of 12.
    gate = gate_smtp(smtp_server, hold_at=5)
    timeout = visibility_timeout()
    fast_forward_unacked(drill_workers.redis.url, timeout + 60)  # what an hour would do
    drill_workers.start("w2")  # on start, a worker requeues messages unacknowledged for > timeout
    wait_until(gate.holding.is_set, timeout=60, what="w2 sending the 5th digest")
    drill_workers.kill("w2")
    wait_until(lambda: gate.dropped == 1, timeout=10, what="the SMTP server dropping the unfinished digest")
    sent_before = len(smtp_server.messages)
    digests = DrawDigest.objects.filter(draw=draw)
    claimed_unsent = digests.filter(sent_at__isnull=True, claimed_at__isnull=False).count()
    assert DrawMatch.objects.filter(draw=draw).count() == len(all_matched)
    assert sent_before == 4 and digests.filter(sent_at__isnull=False).count() == 4
    assert claimed_unsent == len(expected) - 4  # claimed by the dead worker, not sent
    rerun = re.search(r"(\d+) clients would have been invited, (\d+) new matches", drill_workers.log("w2"))
    assert rerun and int(rerun[1]) == len(all_matched)
    say(name, f"job redelivered to w2 after the visibility timeout ({timeout} s, fast-forwarded): "
              f"matching again found {rerun[1]}, added {rerun[2]} (ON CONFLICT DO NOTHING), digests sent; "
              f"SIGKILL w2 while the SMTP server held digest 5 at DATA (no 250): {sent_before} sent, "
              f"{claimed_unsent} claimed by the dead worker, the held one dropped by the server")

    # Restart: after the visibility timeout and the claim lease, w3 finishes the job.
    fast_forward_unacked(drill_workers.redis.url, timeout + 60)
    digests.filter(sent_at__isnull=True).update(
        claimed_at=F("claimed_at") - draw_services.CLAIM_LEASE - dt.timedelta(seconds=1))
    drill_workers.start("w3")
    wait_until(lambda: not digests.filter(sent_at__isnull=True).exists(), timeout=60,
               what="every digest sent after the restart")
    drain(drill_workers.queue, ["w3"], drill_workers.redis.url)
    time.sleep(0.5)  # anything late would show up now

    messages = list(smtp_server.messages)
    recipients = [_address(m) for m in messages]
    assert duplicates(recipients) == {}
    assert sorted(recipients) == sorted(expected)
    for message in messages:
        assert _digest_clients(message) == expected[_address(message)]  # their own clients, all of them
    stored = DrawMatch.objects.filter(draw=draw)
    assert stored.count() == len(all_matched)
    assert {m.client.full_name for m in stored.select_related("client")} == all_matched
    assert digests.count() == len(expected)
    assert all(d.sent_at and d.match_count == 3 for d in digests.all())
    assert unacked_tags(drill_workers.redis.url) == []  # the job finally acknowledged
    say(name, f"after restart (w3, digest claim lease {draw_services.CLAIM_LEASE} fast-forwarded): "
              f"{len(messages) - sent_before} more digests; in all {stored.count()} matches stored once, "
              f"{len(messages)} digests for {len(expected)} consultants, 0 duplicates, each listing exactly "
              f"their {3} clients ({time.monotonic() - started:.0f} s)")


# --- 1b. SIGKILL during a reminder batch ---------------------------------------------------------

@pytest.mark.worker
def test_drill_worker_killed_during_a_big_reminder_batch(drill_workers, smtp_server):
    """40 reminders due at once in four firms; the worker dies at DATA of the 15th; the scans after."""
    name = "worker-kill/reminders"
    started = time.monotonic()
    clients = _invitations([("America/Toronto", 10)] * 4)
    everyone = [c for group in clients.values() for c in group]
    gate = gate_smtp(smtp_server, hold_at=15)
    drill_workers.start("w1")

    _scan(_at(14, 1))  # 09:01 in these zones: 40 reminders due
    wait_until(gate.holding.is_set, timeout=90, what="w1 sending the 15th reminder")
    drill_workers.kill("w1")
    wait_until(lambda: gate.dropped == 1, timeout=10, what="the SMTP server dropping the unfinished one")
    before = len(smtp_server.messages)
    assert before == 14
    assert _due_45(everyone).filter(status=Reminder.Status.SENT).count() == 14  # the 15th rolled back
    say(name, f"{len(everyone)} reminders due at 09:00 in 4 firms; scan at 09:01 queued them as one "
              f"delivery task; SIGKILL w1 while the SMTP server held reminder 15 at DATA (inside its "
              f"transaction): {before} sent and marked, the 15th dropped by the server and rolled back "
              f"by PostgreSQL; the task stayed unacknowledged in Redis")

    drill_workers.start("w2")
    url = drill_workers.redis.url
    _tick(_at(14, 6), drill_workers.queue, ["w2"], url)  # beat's next tick: the lease still holds
    assert len(smtp_server.messages) == before
    _tick(_at(14, 11), drill_workers.queue, ["w2"], url)  # the lease lapsed: dispatched again
    resent = len(smtp_server.messages) - before
    say(name, f"w2 started; the 09:06 tick queued nothing (the 09:01 dispatch lease, "
              f"{delivery.DISPATCH_LEASE}, still held), the 09:11 tick dispatched the "
              f"{len(everyone) - before} still pending again: {resent} sent")

    # The killed worker's task comes back after the visibility timeout: a duplicate, it sends nothing.
    timeout = visibility_timeout()
    assert fast_forward_unacked(url, timeout + 60) == 1
    drill_workers.start("w3")  # on start, a worker requeues messages unacknowledged for > timeout
    drain(drill_workers.queue, ["w2", "w3"], url)
    time.sleep(0.5)
    assert unacked_tags(url) == []

    messages = list(smtp_server.messages)
    assert len(messages) == len(everyone)
    assert duplicates(m["Message-ID"] for m in messages) == {}
    assert duplicates(_address(m) for m in messages) == {}
    assert {_address(m) for m in messages} == {c.email for c in everyone}
    assert _due_45(everyone).filter(status=Reminder.Status.SENT).count() == len(everyone)
    attempts = ReminderAttempt.objects.filter(reminder__in=_due_45(everyone))
    assert attempts.count() == len(everyone) and all(a.succeeded for a in attempts)
    senders = Counter(reminder_of(m).attempt_log.get().worker.split("-")[0] for m in messages)
    assert senders == {"w1": 14, "w2": len(everyone) - 14}
    say(name, f"w1's task redelivered after the visibility timeout ({timeout} s, fast-forwarded) and run "
              f"again: 0 more sent; in all {len(messages)} emails for {len(everyone)} due reminders "
              f"(w1 {senders['w1']}, w2 {senders['w2']}), {len(set(m['Message-ID'] for m in messages))} "
              f"distinct Message-IDs, 0 duplicates, one attempt row each "
              f"({time.monotonic() - started:.0f} s)")


# --- 2. Redis down for 30 seconds during the reminder window -------------------------------------

@pytest.mark.worker
def test_drill_redis_down_for_30_seconds_during_the_reminder_window(drill_workers, smtp_server):
    name = "redis-outage"
    started = time.monotonic()
    redis_server = drill_workers.redis
    clients = _invitations([(zone, 6) for zone in ZONES])
    everyone = [c for group in clients.values() for c in group]
    gate = gate_smtp(smtp_server, hold_at=3)
    drill_workers.start("w1")

    # Before the window: 12:50 and 12:55 find nothing; 13:00 starts Halifax's batch (held at its 3rd).
    for now in (_at(12, 50), _at(12, 55), _at(13, 0)):
        _scan(now)
    wait_until(gate.holding.is_set, timeout=60, what="the 13:00 scan's task sending Halifax's reminders")
    _scan(_at(13, 5))  # queued behind the busy worker: it lives only in Redis' memory
    assert redis_server.client().llen(drill_workers.queue) == 1

    redis_server.stop()  # SIGTERM; --save '' so the queued tick and the unacked delivery task are gone
    outage_began = time.monotonic()
    gate.released.set()  # the running scan finishes its batch without Redis (database + SMTP only)
    lost, errors, now = [], Counter(), _at(13, 10)
    while time.monotonic() - outage_began < 30:
        try:
            _scan(now)
        except Exception as exc:  # noqa: BLE001 - kombu's OperationalError: the broker refused
            lost.append(now)
            errors[type(exc).__name__] += 1
        now += dt.timedelta(minutes=10)
        time.sleep(max(0.0, 2 - (time.monotonic() - outage_began) % 2))
    now = max(now, _at(15, 10))  # the first tick after the outage, past Winnipeg's 15:00 at least
    halifax = _due_45(clients["America/Halifax"])
    wait_until(lambda: halifax.filter(status=Reminder.Status.SENT).count() == 6, timeout=30,
               what="the in-flight scan finishing Halifax's batch during the outage")
    due_in_outage = _due_45(everyone).filter(status=Reminder.Status.PENDING, due_at__lte=now).count()
    assert due_in_outage == 12 and len(smtp_server.messages) == 6

    redis_server.start()  # same port, empty
    assert redis_server.client().dbsize() == 0  # the queued 13:05 tick and the unacked delivery task: gone
    outage = time.monotonic() - outage_began
    log_before = drill_workers.log("w1").count("Connected to redis://")
    wait_until(lambda: drill_workers.log("w1").count("Connected to redis://") > log_before, timeout=60,
               what="w1 reconnecting to Redis")
    reconnect = time.monotonic() - outage_began - outage
    say(name, f"stopped the drill's redis :{redis_server.port} for {outage:.0f} s from 13:05 UTC, with "
              f"the delivery task of Halifax's 13:00 scan mid-batch and the 13:05 tick queued (both lost "
              f"with Redis' memory); "
              f"{len(lost)} beat ticks ({lost[0]:%H:%M} to {lost[-1]:%H:%M}, worker clock +10 min each) "
              f"refused ({', '.join(f'{n} {k}' for k, n in errors.items())}); the running task still sent "
              f"Halifax's 6; {due_in_outage} reminders came due meanwhile (Toronto 14:00, Winnipeg 15:00); "
              f"w1 reconnected {reconnect:.0f} s after Redis came back")

    _scan(now)  # the first tick after Redis is back
    drain(drill_workers.queue, ["w1"], redis_server.url)
    time.sleep(0.5)

    messages = list(smtp_server.messages)
    assert len(messages) == len(everyone) == 18
    assert duplicates(m["Message-ID"] for m in messages) == {}
    assert duplicates(_address(m) for m in messages) == {}
    assert {_address(m) for m in messages} == {c.email for c in everyone}
    assert _due_45(everyone).filter(status=Reminder.Status.SENT).count() == len(everyone)
    for zone, hour in ZONES.items():  # each on time or at the first scan after the outage
        sent = {r.sent_at for r in _due_45(clients[zone])}
        assert sent == ({_at(hour)} if hour == 13 else {now}), zone
    say(name, f"after restart: the {now:%H:%M} tick sent {len(messages) - 6}; in all {len(messages)} sent "
              f"for {len(everyone)} due reminders, 0 lost, 0 duplicates "
              f"({time.monotonic() - started:.0f} s)")


# --- 3. SMTP refusing connections for a while ----------------------------------------------------

@pytest.mark.worker
def test_drill_smtp_refusing_connections_retries_then_delivers_once(celery_workers, smtp_server,
                                                                    celery_queue):
    name = "smtp-outage"
    started = time.monotonic()
    clients = _invitations([("America/Toronto", 5), ("America/Halifax", 3)])
    everyone = [c for group in clients.values() for c in group]
    expected = _round_population(firms=2, consultants=2, matched=2)
    celery_workers.start("w1")
    from django.conf import settings

    smtp_server.stop()  # the port now refuses connections
    t = _at(14, 1)
    for minutes in (0, 2, 5, 9):  # beat ticks while SMTP is down: tries at t and t+5 (backoff)
        _tick(t + dt.timedelta(minutes=minutes), celery_queue, ["w1"], settings.REDIS_URL)
    failed = ReminderAttempt.objects.filter(reminder__in=_due_45(everyone), succeeded=False)
    assert failed.count() == 2 * len(everyone)
    assert all("Connection refused" in a.error for a in failed)
    assert all(r.status == Reminder.Status.PENDING and r.attempts == 2 for r in _due_45(everyone))

    # A round is recorded while SMTP is still down: matches stored, the digests fail, Celery retries
    # (backoff 30 s with full jitter); SMTP comes back as soon as that first failure is recorded.
    draw = _new_round("9003", member(FirmFactory(name="Drill Admin Firm"), "owner"))
    digests = DrawDigest.objects.filter(draw=draw)
    wait_until(lambda: digests.filter(attempts__gte=1).count() == 4, timeout=60,
               what="the after-draw job's first digest attempt failing")
    smtp_server.start()
    back_at = time.monotonic()
    assert smtp_server.messages == []
    digest_error = digests.first().last_error
    assert "Connection refused" in digest_error
    say(name, f"SMTP :{smtp_server.port} stopped (connection refused); scans at 09:01, 09:03, 09:06, "
              f"09:10 Toronto time for {len(everyone)} due reminders in 2 firms: {failed.count()} failed "
              f"attempts recorded (2 each: at 09:01, and at 09:06 after a 5-min backoff; next at 09:16); "
              f"round #{draw.round_number} recorded meanwhile: {DrawMatch.objects.filter(draw=draw).count()} "
              f"matches stored, its 4 digests failed ('{digest_error[:50]}'), Celery retry scheduled; "
              f"SMTP started again")

    for minutes in (15, 20, 25):
        _tick(t + dt.timedelta(minutes=minutes), celery_queue, ["w1"], settings.REDIS_URL)
    wait_until(lambda: not digests.filter(sent_at__isnull=True).exists(), timeout=100,
               what="the after-draw job's Celery retry sending the digests")
    retry_delay = time.monotonic() - back_at
    drain(celery_queue, ["w1"], settings.REDIS_URL)
    time.sleep(0.5)

    messages = list(smtp_server.messages)
    reminder_mail = [m for m in messages if m["Message-ID"] and "ita-reminder" in m["Message-ID"]]
    digest_mail = [m for m in messages if m not in reminder_mail]
    assert len(reminder_mail) == len(everyone)
    assert duplicates(m["Message-ID"] for m in reminder_mail) == {}
    assert sorted(_address(m) for m in reminder_mail) == sorted(c.email for c in everyone)
    assert sorted(_address(m) for m in digest_mail) == sorted(expected)
    for message in digest_mail:
        assert _digest_clients(message) == expected[_address(message)]
    for reminder in _due_45(everyone):
        log = list(reminder.attempt_log.order_by("attempted_at").values_list("attempted_at", "succeeded"))
        assert log == [(t, False), (t + dt.timedelta(minutes=5), False), (t + dt.timedelta(minutes=15), True)]
        assert (reminder.status, reminder.attempts) == (Reminder.Status.SENT, 3)
    assert all(d.sent_at and d.attempts >= 2 and d.last_error == "" for d in digests.all())
    say(name, f"SMTP back; the 09:16 scan sent {len(reminder_mail)} reminders (third attempt each, 3 "
              f"attempt rows each), the Celery retry sent the {len(digest_mail)} digests {retry_delay:.0f} s "
              f"after SMTP returned ({sum(digests.values_list('attempts', flat=True))} attempts for 4); "
              f"{len(messages)} emails, each recipient exactly once, 0 duplicates "
              f"({time.monotonic() - started:.0f} s)")


# --- 3b. A poisoned invitation among good ones ----------------------------------------------------

@pytest.mark.worker
def test_drill_a_poisoned_invitation_stops_nobody_elses_reminders(celery_workers, smtp_server, celery_queue):
    """A client name with CR LF + "Bcc:" (a row from before names were validated) and an address
    with a line break, one in each firm, first in the chunk: on the fan-out path (a real worker)
    and on the serial command, every good reminder goes out once, each poisoned one is marked
    failed with its reason, and the scan reports it."""
    from django.conf import settings
    from django.core.management import call_command

    name = "poisoned-invitation"
    started = time.monotonic()
    clients = _invitations([("America/Toronto", 4), ("America/Halifax", 3)])
    toronto, halifax = clients["America/Toronto"], clients["America/Halifax"]
    # The first client of each firm: its invitation is the first of the delivery chunk.
    Client.objects.filter(pk=toronto[0].pk).update(first_name="Ana\r\nBcc: someone@example.com")
    Client.objects.filter(pk=halifax[0].pk).update(email="bad\r\n@mail.example")
    poisoned, good = [toronto[0], halifax[0]], toronto[1:] + halifax[1:]
    celery_workers.start("w1")

    _tick(_at(14, 1), celery_queue, ["w1"], settings.REDIS_URL)  # 09:01 Toronto, 10:01 Halifax
    _tick(_at(14, 6), celery_queue, ["w1"], settings.REDIS_URL)  # the next tick: nothing more
    messages = smtp_server.wait_for(len(good))
    time.sleep(0.5)
    messages = list(smtp_server.messages)
    assert duplicates(m["Message-ID"] for m in messages) == {}
    assert sorted(_address(m) for m in messages) == sorted(c.email for c in good)
    assert all(r.status == Reminder.Status.SENT and r.attempts == 1 for r in _due_45(good))
    failed = list(_due_45(poisoned))
    assert all(r.status == Reminder.Status.FAILED and "newlines" in r.status_note for r in failed)
    say(name, f"{len(good) + 2} reminders due at 09:00 in 2 firms, one poisoned invitation in each (a "
              f"first name with CR LF + 'Bcc:', an address with a line break), first in the chunk; "
              f"fan-out ticks at 09:01 and 09:06 (worker w1): {len(messages)} emails, each good client "
              f"once, 0 duplicates; the 2 poisoned reminders failed: "
              f"{'; '.join(repr(r.status_note[:60]) for r in failed)}")

    # The 30-day reminders, through the serial command (cron installations).
    now = dt.datetime(2027, 3, 3, 14, 1, tzinfo=dt.UTC)
    output = call_command("send_due_reminders", now=now.isoformat())
    thirty = Reminder.objects.filter(offset_days=30)
    assert {c.email for c in good} == {_address(m) for m in smtp_server.messages[len(messages):]}
    assert len(smtp_server.messages) == 2 * len(good)
    assert all(r.status == Reminder.Status.SENT for r in thirty.filter(invitation__client__in=good))
    bad = list(thirty.filter(invitation__client__in=poisoned))
    assert all(r.status == Reminder.Status.FAILED for r in bad)
    assert f"Sent {len(good)} reminder(s)" in output and "failed 2 (" in output
    assert all(f"reminder {r.pk}: " in output for r in bad)
    say(name, f"serial scan (manage.py send_due_reminders) at 09:01 on 2027-03-03: '{output.strip()}' "
              f"({time.monotonic() - started:.0f} s)")


# --- 4. PostgreSQL connection dropped mid-request --------------------------------------------------

FACT_TABLES = ("clients_education", "clients_languagetest", "clients_job", "clients_spouse")


@pytest.fixture
def postgresql(transactional_db):
    """The connection drills terminate a PostgreSQL backend: any other database is a failure."""
    if connection.vendor != "postgresql":
        pytest.fail(f"this drill needs PostgreSQL (DATABASE_URL), not {connection.vendor}")


def _profile(client_id: int) -> dict:
    """Everything the profile page writes, as stored."""
    return {
        "client": Client.objects.filter(pk=client_id).values().get(),
        "spouse": list(Spouse.objects.filter(client_id=client_id).values()),
        **{model.__name__: list(model.objects.filter(client_id=client_id).order_by("pk").values())
           for model in (Education, LanguageTest, Job)},
        "assessment": list(ClientAssessment.objects.filter(client_id=client_id).values()),
    }


@pytest.mark.browser
def test_drill_database_connection_dropped_while_saving_a_profile(postgresql, page, live_server, monkeypatch):
    name = "db-connection-drop"
    firm = FirmFactory(name="Drill Immigration")
    consultant = member(firm, username="priya", first_name="Priya", email="priya@drill.example")
    client = ClientFactory(firm=firm, consultant=consultant, first_name="Ana", last_name="Reyes")
    EducationFactory(client=client)
    LanguageTestFactory(client=client)
    job = JobFactory(client=client, hours_per_week=30)
    other_job = JobFactory(client=client, noc_id="31102", country="PH", start_on=dt.date(2018, 1, 1),
                           end_on=dt.date(2022, 12, 31), hours_per_week=40)
    before = _profile(client.pk)

    from clients import services as client_services

    killer = DropConnectionAfter(FACT_TABLES)
    update_client = client_services.update_client

    def update_client_losing_its_connection(**kwargs):
        with connection.execute_wrapper(killer):  # the request thread's own connection
            return update_client(**kwargs)

    monkeypatch.setattr(client_services, "update_client", update_client_losing_its_connection)
    login(page, page.base_url, "priya", PASSWORD)
    edit_url = f"{page.base_url}/clients/{client.pk}/edit/"
    page.goto(edit_url)
    row = next(i for i in range(2) if page.input_value(f"input[name=jobs-{i}-id]") == str(job.pk))
    page.fill("input[name=first_name]", "Anabel")
    page.check("input[name=languagetests-0-DELETE]")
    page.fill(f"input[name=jobs-{row}-hours_per_week]", "20")
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        page.click("#save-client")
    response = posted.value
    page.wait_for_load_state()
    screenshot(page, "drill-503-database-lost")

    assert killer.killed_pid is not None
    assert response.status == 503
    assert response.headers.get("retry-after") == "30"
    body = page.content()
    assert "The connection to the database was lost" in body and "Nothing was saved" in body
    for leak in ("Traceback", "OperationalError", "terminating connection", "Anabel", "clients_"):
        assert leak not in body  # no debug page, no SQL, nothing the user sent
    after = _profile(client.pk)
    assert after == before  # not half-written: the client and every row as before the request
    say(name, f"consultant saved Ana Reyes's profile (first name, delete a language test, job hours): "
              f"after {', '.join(killer.writes_before_kill)} the request's PostgreSQL backend "
              f"(pid {killer.killed_pid}) was terminated; next statement: {killer.failed}; the browser got "
              f"HTTP {response.status} "
              f"'The connection to the database was lost... Nothing was saved' (no debug page); "
              f"database: client and its {sum(len(after[k]) for k in ('Education', 'LanguageTest', 'Job'))} "
              f"rows exactly as before")

    # The next request works: the same form, submitted again, is saved.
    page.goto(edit_url)
    assert page.input_value("input[name=first_name]") == "Ana"
    page.fill("input[name=first_name]", "Anabel")
    page.check("input[name=languagetests-0-DELETE]")
    page.fill(f"input[name=jobs-{row}-hours_per_week]", "20")
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        page.click("#save-client")
    page.wait_for_load_state()
    assert posted.value.status == 302
    assert page.url.rstrip("/").endswith(f"/clients/{client.pk}")
    client.refresh_from_db()
    assert client.first_name == "Anabel"
    assert client.languagetests.count() == 0
    job.refresh_from_db()
    other_job.refresh_from_db()
    assert (job.hours_per_week, other_job.hours_per_week) == (20, 40)
    say(name, f"next request: the edit page loads, the same save succeeds (HTTP 302 to the client page; "
              f"first name Anabel, language test removed, job hours 20); PostgreSQL backend "
              f"{killer.killed_pid} was terminated once, the retry ran on a new connection")


def test_drill_database_connection_dropped_then_the_same_thread_reconnects(postgresql, client, monkeypatch):
    """As under gunicorn (one thread, CONN_MAX_AGE): the broken connection is replaced, not reused."""
    name = "db-connection-drop/same-thread"
    firm = FirmFactory(name="Drill Immigration")
    consultant = member(firm, first_name="Priya")
    applicant = ClientFactory(firm=firm, consultant=consultant, first_name="Ana")
    job = JobFactory(client=applicant, hours_per_week=30)
    before = _profile(applicant.pk)
    from clients import services as client_services
    from clients.tests.conftest import profile_post

    killer = DropConnectionAfter(FACT_TABLES)
    update_client = client_services.update_client

    def update_client_losing_its_connection(**kwargs):
        with connection.execute_wrapper(killer):
            return update_client(**kwargs)

    monkeypatch.setattr(client_services, "update_client", update_client_losing_its_connection)
    client.force_login(consultant)
    data = profile_post(consultant, client={"first_name": "Anabel", "email": applicant.email},
                        jobs=[{"id": job.pk, "noc": "31301", "country": "CA", "start_on": "2023-06-01",
                               "hours_per_week": "20", "is_paid": "on"},
                              {"noc": "31102", "country": "CA", "start_on": "2020-01-01",
                               "end_on": "2023-05-31", "hours_per_week": "40", "is_paid": "on"}])
    pid_before = connection.connection.info.backend_pid
    response = client.post(f"/clients/{applicant.pk}/edit/", data)
    assert killer.killed_pid == pid_before  # this thread's own connection was the one killed
    assert response.status_code == 503
    assert "Nothing was saved" in response.content.decode()
    assert _profile(applicant.pk) == before  # read on a new connection

    response = client.post(f"/clients/{applicant.pk}/edit/", data)
    pid_after = connection.connection.info.backend_pid
    assert response.status_code == 302 and pid_after != pid_before
    applicant.refresh_from_db()
    assert applicant.first_name == "Anabel"
    assert sorted(applicant.jobs.values_list("hours_per_week", flat=True)) == [20, 40]
    say(name, f"same thread, persistent connection: backend {pid_before} terminated after "
              f"{', '.join(killer.writes_before_kill)}; HTTP 503, profile unchanged; next request on a new "
              f"connection (backend {pid_after}): HTTP 302, saved")
