"""Reminder delivery through a real Celery worker on Redis and a real SMTP server (issue 5, a-g).

The worker is a subprocess: time-machine cannot reach it, so each scan carries its clock
(`now_iso`), the way beat's scans would carry the real one. The test process moves its own
clock with time-machine where it acts (recording an invitation, changing its status).
A scan queues the sending as delivery tasks; `tick` waits for them before the next scan, as
beat's 5 minutes would.
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from icalendar import Calendar

from clients.models import Client
from invitations import delivery, services
from invitations.models import Invitation, Reminder, ReminderAttempt
from invitations.tests.helpers import (
    ISSUED_AT,
    drain,
    hours,
    invited_client,
    local,
    new_client,
    reminder_of,
    scan,
    sent_offsets,
    slow_smtp,
    tick,
    toronto_firm,
)

pytestmark = pytest.mark.worker
DEFAULT_OFFSETS = [45, 30, 14, 7, 3, 1, 0]
DEADLINE = ISSUED_AT + dt.timedelta(days=60)
# Beat scans every 5 minutes; a scan every 2 hours keeps the test short and still falls inside
# the shortest window (the day-0 reminder, 09:00 to the 12:00 deadline).
STEP = dt.timedelta(hours=2)


def test_a_whole_60_day_schedule_sends_exactly_seven_emails_on_the_right_days(celery_workers, smtp_server):
    client, invitation = invited_client()
    celery_workers.start("w1")

    for now in hours(ISSUED_AT, DEADLINE + dt.timedelta(days=1), STEP):  # 61 days of scans
        tick(now)
    drain(celery_workers)

    messages = smtp_server.wait_for(7)
    assert len(messages) == 7
    reminders = [reminder_of(m) for m in messages]
    assert [r.offset_days for r in reminders] == DEFAULT_OFFSETS
    deadline_day = local(DEADLINE).date()  # 2027-04-02, 12:00 EDT
    for message, reminder in zip(messages, reminders, strict=True):
        sent = local(reminder.sent_at)
        assert sent.date() == deadline_day - dt.timedelta(days=reminder.offset_days)
        assert dt.timedelta(0) <= reminder.sent_at - reminder.due_at < STEP  # at the first scan after due
        assert local(reminder.due_at).time() == dt.time(9, 0)  # 09:00 Toronto, EST and EDT alike
        assert message["To"] == f"{client.full_name} <{client.email}>"
        assert reminder.attempts == 1
    assert messages[0]["Subject"] == "45 days left to submit your permanent residence application"
    assert messages[-1]["Subject"] == "Today is the deadline to submit your permanent residence application"
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.EXPIRED  # the last scans ran after the deadline
    assert ReminderAttempt.objects.filter(reminder__invitation=invitation).count() == 7

# The 45-day reminder of ISSUED_AT is due on 2027-02-16 at 09:00 Toronto time (14:00 UTC).
FIRST_DUE = dt.datetime(2027, 2, 16, 14, 0, tzinfo=dt.UTC)


def test_b_reminder_not_sent_twice_by_two_workers_scanning_at_once(celery_workers, smtp_server):
    firm = toronto_firm()
    count = delivery.DELIVERY_CHUNK + 10  # two delivery tasks, one per worker
    invitations = [invited_client(firm=firm)[1] for _ in range(count)]
    slow_smtp(smtp_server, 0.05)  # both workers are mid-batch at the same time
    celery_workers.start("w1")
    celery_workers.start("w2")

    for _ in range(4):  # four scans at the same moment, e.g. beat catching up after an outage
        scan(FIRST_DUE + dt.timedelta(minutes=1))
    drain(celery_workers)

    messages = smtp_server.wait_for(len(invitations))
    assert len(messages) == count
    assert len({m["Message-ID"] for m in messages}) == count
    assert sorted(reminder_of(m).invitation_id for m in messages) == sorted(i.pk for i in invitations)
    assert Reminder.objects.filter(status=Reminder.Status.SENT).count() == count
    attempts = ReminderAttempt.objects.all()
    assert attempts.count() == count and all(a.succeeded for a in attempts)
    workers = {a.worker.split("-")[0] for a in attempts}
    assert workers == {"w1", "w2"}  # both really sent, concurrently, without a duplicate


def test_c_smtp_down_for_a_while_retries_with_backoff_then_delivers_once(celery_workers, smtp_server):
    client, invitation = invited_client()
    celery_workers.start("w1")
    t = FIRST_DUE + dt.timedelta(minutes=1)

    smtp_server.stop()
    for minutes in (0, 2, 5, 9):  # fails at t, waits, fails at t+5 (next try t+15), waits
        tick(t + dt.timedelta(minutes=minutes))
    drain(celery_workers)
    reminder = invitation.reminders.get(offset_days=45)
    assert (reminder.status, reminder.attempts) == (Reminder.Status.PENDING, 2)
    assert reminder.next_attempt_at == t + dt.timedelta(minutes=15)

    smtp_server.start()
    for minutes in (15, 20, 25):
        tick(t + dt.timedelta(minutes=minutes))
    drain(celery_workers)

    (message,) = smtp_server.wait_for(1)
    assert reminder_of(message) == reminder
    reminder.refresh_from_db()
    assert (reminder.status, reminder.attempts, reminder.sent_at) == (
        Reminder.Status.SENT, 3, t + dt.timedelta(minutes=15))
    log = list(reminder.attempt_log.order_by("attempted_at"))
    assert [(a.attempted_at - t, a.succeeded) for a in log] == [
        (dt.timedelta(minutes=0), False), (dt.timedelta(minutes=5), False), (dt.timedelta(minutes=15), True)]
    assert all("Connection refused" in a.error for a in log[:2])
    assert len(smtp_server.messages) == 1


def test_d_worker_killed_mid_batch_every_due_reminder_sent_once_after_restart(celery_workers, smtp_server):
    firm = toronto_firm()
    for _ in range(8):
        invited_client(firm=firm)
    handler = slow_smtp(smtp_server, 0.5)
    celery_workers.start("w1")
    now = FIRST_DUE + dt.timedelta(minutes=1)

    scan(now)
    deadline = dt.datetime.now() + dt.timedelta(seconds=60)
    while not (len(smtp_server.messages) >= 3 and handler.mail_started >= 4) and dt.datetime.now() < deadline:
        pass
    celery_workers.kill("w1")  # SIGKILL while its 4th email waits at MAIL FROM, inside a transaction
    delivered_before_kill = len(smtp_server.messages)
    assert 3 <= delivered_before_kill < 8

    celery_workers.start("w2")
    scan(now + dt.timedelta(minutes=5))  # beat's next tick: w1's chunk still holds its lease
    drain(celery_workers)
    assert len(smtp_server.messages) == delivered_before_kill
    scan(now + delivery.DISPATCH_LEASE)  # the first tick after the lease: dispatched again
    drain(celery_workers)

    messages = smtp_server.wait_for(8)
    assert len(messages) == 8
    assert len({m["Message-ID"] for m in messages}) == 8
    assert Reminder.objects.filter(offset_days=45, status=Reminder.Status.SENT).count() == 8
    senders = [reminder_of(m).attempt_log.get(succeeded=True).worker.split("-")[0] for m in messages]
    assert senders[:delivered_before_kill] == ["w1"] * delivered_before_kill
    assert set(senders[delivered_before_kill:]) == {"w2"}


def test_e_marking_the_application_submitted_stops_the_remaining_reminders(
    celery_workers, smtp_server, client
):
    applicant, invitation = invited_client()
    celery_workers.start("w1")
    day_46 = ISSUED_AT + dt.timedelta(days=46)  # 2027-03-19, after the 14-day reminder's 09:00
    for now in hours(ISSUED_AT, day_46, dt.timedelta(hours=6)):
        tick(now)
    drain(celery_workers)
    assert sent_offsets(invitation) == [45, 30, 14]

    with time_machine.travel(day_46 + dt.timedelta(hours=1), tick=False):
        client.force_login(applicant.consultant)
        response = client.post(f"/invitations/{invitation.pk}/status/",
                               {"status": "submitted", "submitted_on": "2027-03-19"})
    assert response.status_code == 302

    for now in hours(day_46 + dt.timedelta(hours=2), DEADLINE + dt.timedelta(days=1), dt.timedelta(hours=6)):
        tick(now)
    drain(celery_workers)

    assert len(smtp_server.messages) == 3
    assert [reminder_of(m).offset_days for m in smtp_server.messages] == [45, 30, 14]
    rest = invitation.reminders.filter(offset_days__in=[7, 3, 1, 0])
    assert {(r.status, r.status_note) for r in rest} == {(Reminder.Status.CANCELLED, "application submitted")}
    invitation.refresh_from_db()
    applicant.refresh_from_db()
    assert (invitation.status, invitation.submitted_on) == (Invitation.Status.SUBMITTED, dt.date(2027, 3, 19))
    assert applicant.status == Client.Status.APPLIED


def test_f_french_speaking_client_gets_french_email_with_a_valid_ics(celery_workers, smtp_server):
    applicant, invitation = invited_client(language="fr", first_name="Élodie")
    celery_workers.start("w1")

    scan(FIRST_DUE + dt.timedelta(minutes=1))
    drain(celery_workers)

    (msg,) = smtp_server.wait_for(1)
    assert msg["Subject"].strip() == "Plus que 45 jours pour soumettre votre demande de résidence permanente"
    assert msg["From"] == "Maple Immigration Law <office@maple-law.example>"
    assert msg["Reply-To"] == "Claire Tremblay <claire@maple-law.example>"
    assert msg["Cc"] == "Claire Tremblay <claire@maple-law.example>"
    assert msg["Content-Language"] == "fr"
    text = msg.get_body(("plain",)).get_content()
    assert "Bonjour Élodie," in text
    assert "expire dans 45 jours" in text
    assert "vendredi 2 avril 2027, 12:00 EDT (America/Toronto)" in text
    assert "2027-04-02 16:00 UTC" in text
    html = msg.get_body(("html",)).get_content()
    assert '<html lang="fr">' in html and "dans 45 jours" in html

    (ics,) = [p for p in msg.iter_attachments() if p.get_content_type() == "text/calendar"]
    assert ics.get_filename() == "echeance-entree-express.ics"
    assert ics.get_param("method") == "PUBLISH"
    calendar = Calendar.from_ical(ics.get_content())
    (event,) = calendar.walk("VEVENT")
    assert event.decoded("dtstart") == invitation.deadline_at == dt.datetime(2027, 4, 2, 16, tzinfo=dt.UTC)
    assert str(event["summary"]) == f"Date limite de la demande Entrée express — {applicant.full_name}"
    assert str(event["uid"]) == f"ita-deadline-{invitation.pk}@itadesk.invalid"
    alarms = [a.decoded("trigger") for a in event.walk("VALARM")]
    assert alarms == [-dt.timedelta(days=7), -dt.timedelta(days=1)]


def test_g_invitation_recorded_late_sends_only_what_is_still_ahead(celery_workers, smtp_server):
    recorded_at = ISSUED_AT + dt.timedelta(days=40)  # 20 days left: the 45- and 30-day dates passed
    applicant = new_client()
    with time_machine.travel(recorded_at, tick=False):
        invitation = services.record_invitation(client=applicant, issued_at=ISSUED_AT,
                                                by=applicant.consultant)
    statuses = dict(invitation.reminders.values_list("offset_days", "status"))
    assert statuses == {45: "skipped", 30: "skipped", 14: "pending", 7: "pending", 3: "pending",
                        1: "pending", 0: "pending"}
    celery_workers.start("w1")

    scan(recorded_at + dt.timedelta(minutes=5))  # right after recording: nothing stale goes out
    drain(celery_workers)
    assert smtp_server.messages == []

    for now in hours(recorded_at, DEADLINE + dt.timedelta(days=1), STEP):
        tick(now)
    drain(celery_workers)
    assert [reminder_of(m).offset_days for m in smtp_server.messages] == [14, 7, 3, 1, 0]
    assert sent_offsets(invitation) == [14, 7, 3, 1, 0]


def test_reminders_missed_while_everything_was_down_send_only_the_latest(celery_workers, smtp_server):
    applicant, invitation = invited_client()
    celery_workers.start("w1")

    scan(ISSUED_AT + dt.timedelta(days=47))  # first scan in 47 days: the 45, 30 and 14-day ones are due
    drain(celery_workers)

    (message,) = smtp_server.wait_for(1)
    assert reminder_of(message).offset_days == 14
    assert message["Subject"] == "13 days left to submit your permanent residence application"
    skipped = invitation.reminders.filter(offset_days__in=[45, 30])
    assert {(r.status, r.status_note) for r in skipped} == {
        (Reminder.Status.SKIPPED, "superseded by the 14-day reminder")}
    assert invitation.reminders.filter(status=Reminder.Status.PENDING).count() == 4
