"""One invitation that cannot be delivered never stops anyone else's reminders.

A client's name with a CR LF (planted before names were validated), an address the SMTP
server refuses, a consultant's name that cannot go in a Cc header: each is recorded on its
own reminder (failed, with the reason) and the scan, the delivery chunk and the daily summary
go on with the next. Real SMTP (aiosmtpd) throughout; the fan-out test uses a real worker.
"""

from __future__ import annotations

import ast
import datetime as dt
import logging
from pathlib import Path

import pytest
from django.core.management import call_command

from clients.tests.factories import ClientFactory, FirmFactory, member
from invitations import delivery, digest, services, tasks
from invitations.models import ConsultantDigest, Invitation, Reminder, ReminderAttempt
from invitations.tests.helpers import ISSUED_AT, drain, ensure_default_item_types, reminder_of, tick
from testing.assessments import round_types

# The 45-day reminder of ISSUED_AT is due on 2027-02-16 at 09:00 Toronto time (14:00 UTC).
AT_0901 = dt.datetime(2027, 2, 16, 14, 1, tzinfo=dt.UTC)
INJECTED = "Ana\r\nBcc: someone@example.com"


class RefusingHandler:
    """The harness's SMTP handler, but RCPT TO one address gets "550 no such user"."""

    def __init__(self, sink: list, refused: str):
        self.sink, self.refused = sink, refused

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802 - aiosmtpd
        if address == self.refused:
            return "550 5.1.1 no such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd
        import email
        import email.policy

        self.sink.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 OK"


def _two_firms_with_poison() -> tuple[list[Invitation], dict[str, Invitation]]:
    """Two firms, three good invitations each, and three poisoned ones recorded first (so they
    come first in every scan's and chunk's order): a CR LF in the client's first name, an address
    the server refuses, a consultant whose name cannot be a Cc header."""
    ensure_default_item_types()
    firms = [FirmFactory(name=f"Poison Test {n}", time_zone="America/Toronto", email=f"office{n}@p.example")
             for n in range(2)]
    bad_consultant = member(firms[1], first_name="Eve\r\nBcc: spy@example.com", email="eve@p.example")
    consultants = [member(f, email=f"c{n}@p.example") for n, f in enumerate(firms)]
    poison_clients = {
        "header": ClientFactory(firm=firms[0], consultant=consultants[0], first_name=INJECTED),
        # Its consultant has no address: a Cc the server accepts would make the message "sent".
        "refused": ClientFactory(firm=firms[0], consultant=member(firms[0], email=""),
                                 email="gone@refused.example"),
        "cc": ClientFactory(firm=firms[1], consultant=bad_consultant),
    }
    poisoned = {kind: _invite(c) for kind, c in poison_clients.items()}
    good = [_invite(ClientFactory(firm=firm, consultant=consultants[n]))
            for n, firm in enumerate(firms) for _ in range(3)]
    return good, poisoned


def _invite(client) -> Invitation:
    return services.record_invitation(client=client, issued_at=ISSUED_AT, by=client.consultant, now=ISSUED_AT)


def _refuse(smtp_server, address: str) -> None:
    smtp_server._controller.handler = RefusingHandler(smtp_server.messages, address)


def _assert_good_once_and_poison_recorded(smtp_server, good, poisoned) -> None:
    messages = smtp_server.wait_for(len(good), timeout=30)
    assert sorted(reminder_of(m).invitation_id for m in messages) == sorted(i.pk for i in good)
    for invitation in good:
        reminder = invitation.reminders.get(offset_days=45)
        assert (reminder.status, reminder.attempts) == (Reminder.Status.SENT, 1)
    notes = {}
    for kind, invitation in poisoned.items():
        reminder = invitation.reminders.get(offset_days=45)
        assert reminder.status == Reminder.Status.FAILED, kind
        assert reminder.sent_at is None and reminder.recipients == ""
        attempt = ReminderAttempt.objects.get(reminder=reminder)
        assert not attempt.succeeded and attempt.error.startswith(reminder.status_note[:50])
        notes[kind] = reminder.status_note
    assert "newline" in notes["header"] or "BadHeaderError" in notes["header"]
    assert notes["refused"].startswith("SMTPRecipientsRefused") and "550" in notes["refused"]
    assert "newline" in notes["cc"] or "BadHeaderError" in notes["cc"]


@pytest.mark.django_db
def test_the_serial_scan_records_each_poisoned_invitation_and_sends_every_other(smtp_server):
    good, poisoned = _two_firms_with_poison()
    _refuse(smtp_server, "gone@refused.example")

    output = call_command("send_due_reminders", now=AT_0901.isoformat())

    _assert_good_once_and_poison_recorded(smtp_server, good, poisoned)
    assert "Sent 6 reminder(s)" in output and "failed 3 (" in output
    for invitation in poisoned.values():
        assert f"reminder {invitation.reminders.get(offset_days=45).pk}: " in output
    # The next scan sends nothing more, and does not try the failed ones again.
    assert "Sent 0 reminder(s)" in call_command("send_due_reminders", now=(AT_0901 + dt.timedelta(hours=1))
                                                .isoformat())
    assert len(smtp_server.messages) == len(good)


@pytest.mark.django_db
def test_an_smtp_outage_still_retries_rather_than_failing(smtp_server):
    good, _poisoned = _two_firms_with_poison()
    smtp_server.stop()
    result = delivery.send_due_reminders(now=AT_0901)
    assert (result.sent, result.failed, result.retrying) == (0, 0, 9)  # the server was away: try again
    reminders = Reminder.objects.filter(offset_days=45)
    assert {(r.status, r.next_attempt_at) for r in reminders} == {
        (Reminder.Status.PENDING, AT_0901 + delivery.RETRY_BASE)}


@pytest.mark.worker
def test_a_delivery_chunk_with_poisoned_invitations_sends_every_other_once(celery_workers, smtp_server):
    good, poisoned = _two_firms_with_poison()
    _refuse(smtp_server, "gone@refused.example")
    celery_workers.start("w1")

    tick(AT_0901)  # one chunk: the poisoned invitations first, then the six good ones
    tick(AT_0901 + dt.timedelta(minutes=5))  # the next tick changes nothing
    drain(celery_workers)

    _assert_good_once_and_poison_recorded(smtp_server, good, poisoned)


# --- the consultants' daily summary --------------------------------------------------------------

@pytest.mark.django_db
def test_one_consultants_bad_name_does_not_stop_the_other_summaries(smtp_server):
    ensure_default_item_types()
    firm = FirmFactory(time_zone="America/Toronto")
    bad = member(firm, first_name="Eve\r\nBcc: spy@example.com", email="eve@p.example")  # first by pk
    good = [member(firm, email=f"c{n}@p.example") for n in range(2)]
    for consultant in (bad, *good):
        c = ClientFactory(firm=firm, consultant=consultant)
        services.record_invitation(client=c, issued_at=ISSUED_AT, by=consultant, now=ISSUED_AT)
    near_deadline = ISSUED_AT + dt.timedelta(days=55)  # 5 days left: every consultant has a row

    assert digest.send_daily_digests(now=near_deadline) == 2
    assert sorted(m["To"].addresses[0].addr_spec for m in smtp_server.wait_for(2)) == ["c0@p.example",
                                                                                     "c1@p.example"]
    failed = ConsultantDigest.objects.get(user=bad)
    assert failed.sent_at is None and ("newline" in failed.error or "BadHeaderError" in failed.error)
    assert all(ConsultantDigest.objects.get(user=u).sent_at == near_deadline for u in good)
    # Later runs the same day: nothing is sent again, the unsendable one is not retried.
    assert digest.send_daily_digests(now=near_deadline + dt.timedelta(hours=1)) == 0
    assert len(smtp_server.messages) == 2


@pytest.mark.django_db
def test_a_summary_during_an_smtp_outage_is_retried_next_run(smtp_server):
    ensure_default_item_types()
    firm = FirmFactory(time_zone="America/Toronto")
    consultant = member(firm, email="c@p.example")
    c = ClientFactory(firm=firm, consultant=consultant)
    services.record_invitation(client=c, issued_at=ISSUED_AT, by=consultant, now=ISSUED_AT)
    near_deadline = ISSUED_AT + dt.timedelta(days=55)
    smtp_server.stop()
    assert digest.send_daily_digests(now=near_deadline) == 0
    row = ConsultantDigest.objects.get()  # the claim released: unsent, unclaimed, no error
    assert (row.sent_at, row.claimed_at, row.error) == (None, None, "")
    smtp_server.start()
    assert digest.send_daily_digests(now=near_deadline + dt.timedelta(hours=1)) == 1
    assert ConsultantDigest.objects.get().sent_at == near_deadline + dt.timedelta(hours=1)


@pytest.mark.django_db
def test_a_summary_claimed_by_a_run_that_died_goes_out_once_after_the_claim_lease(smtp_server):
    ensure_default_item_types()
    firm = FirmFactory(time_zone="America/Toronto")
    consultant = member(firm, email="c@p.example")
    c = ClientFactory(firm=firm, consultant=consultant)
    services.record_invitation(client=c, issued_at=ISSUED_AT, by=consultant, now=ISSUED_AT)
    near_deadline = ISSUED_AT + dt.timedelta(days=55)
    # Another run claimed today's summary, then its worker died before sending it.
    ConsultantDigest.objects.create(user=consultant, sent_on=dt.date(2027, 3, 28), claimed_at=near_deadline)

    assert digest.send_daily_digests(now=near_deadline + dt.timedelta(minutes=5)) == 0  # still claimed
    after_lease = near_deadline + delivery.CLAIM_LEASE
    assert digest.send_daily_digests(now=after_lease) == 1  # the claim lapsed: taken over, sent
    assert digest.send_daily_digests(now=after_lease + dt.timedelta(hours=1)) == 0
    assert len(smtp_server.wait_for(1)) == 1
    row = ConsultantDigest.objects.get()
    assert (row.sent_at, row.claimed_at) == (after_lease, after_lease)


# --- publishing the delivery chunks ---------------------------------------------------------------

@pytest.mark.django_db(transaction=True)
def test_one_failed_publish_leaves_the_other_chunks_queued_and_logs_the_real_error(monkeypatch):
    ensure_default_item_types()
    firm = FirmFactory(time_zone="America/Toronto")
    consultant = member(firm)
    for _ in range(3):
        c = ClientFactory(firm=firm, consultant=consultant)
        services.record_invitation(client=c, issued_at=ISSUED_AT, by=consultant, now=ISSUED_AT)
    monkeypatch.setattr(delivery, "DELIVERY_CHUNK", 1)  # three chunks
    published: list[list[int]] = []

    def delay(*, invitation_ids, now_iso):
        if not published:
            published.append([])  # the first publish is refused by the broker
            raise ConnectionRefusedError("broker refused the first chunk")
        published.append(invitation_ids)

    monkeypatch.setattr(tasks.deliver_reminders, "delay", delay)
    records: list[logging.LogRecord] = []
    handler = logging.Handler()
    handler.emit = records.append
    logger = logging.getLogger("django.db.backends.base")
    logger.addHandler(handler)
    try:
        result = delivery.scan_due_reminders(now=AT_0901)  # commits: the publishing runs
    finally:
        logger.removeHandler(handler)

    assert result.tasks_queued == 3
    assert len([chunk for chunk in published if chunk]) == 2  # the two later chunks were queued
    assert any("broker refused the first chunk" in r.getMessage() for r in records)


def test_no_on_commit_callback_is_a_functools_partial():
    """Django's robust on_commit names its callback when logging its error: a partial has no
    __qualname__, so the logging itself fails and hides the error (and skips later hooks)."""
    root = Path(__file__).resolve().parents[2]
    offenders = []
    for path in root.rglob("*.py"):
        if {".venv", "node_modules", "staticfiles"} & set(path.parts):
            continue
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if (isinstance(node, ast.Call) and _name(node.func) == "on_commit" and node.args
                    and isinstance(node.args[0], ast.Call) and _name(node.args[0].func) == "partial"):
                offenders.append(f"{path.relative_to(root)}:{node.lineno}")
    assert offenders == []


def _name(func: ast.expr) -> str:
    """`f` of f(...) or of module.f(...)."""
    return getattr(func, "attr", getattr(func, "id", ""))


# --- the after-draw digest (draws.services.send_draw_digests) ----------------------------------------

@pytest.mark.django_db
def test_one_consultants_bad_address_does_not_stop_the_other_round_digests(smtp_server):
    from django.utils import timezone

    from draws import services as draw_services
    from draws.models import Draw, DrawDigest
    from eligibility.models import ClientAssessment

    firm = FirmFactory()
    bad = member(firm, email="c0@p.example")  # first by pk; its address is spoiled below
    good = [member(firm, email=f"c{n}@p.example") for n in (1, 2)]
    today = timezone.localdate()
    for consultant in (bad, *good):
        client = ClientFactory(firm=firm, consultant=consultant)
        ClientAssessment.objects.create(client=client, firm=firm, as_of=today, rules="test", crs_total=600,
                                        cec=True, result={}, open_round_types=round_types(programs=["cec"]))
    type(bad).objects.filter(pk=bad.pk).update(email="c0\r\nBcc: spy@example.com@p.example")
    draw = Draw.objects.create(round_number="9901", drawn_on=today, type=Draw.Type.GENERAL,
                               invitations_issued=1000, lowest_crs=500)
    draw_services.match_draw(draw_id=draw.pk)

    with pytest.raises(draw_services.DigestSendError):  # the task retries the unsent one later
        draw_services.send_draw_digests(draw_id=draw.pk)

    assert sorted(m["To"] for m in smtp_server.wait_for(2)) == ["c1@p.example", "c2@p.example"]
    failed = DrawDigest.objects.get(draw=draw, consultant=bad)
    assert failed.sent_at is None and "Invalid address" in failed.last_error
    assert DrawDigest.objects.filter(draw=draw, sent_at__isnull=False).count() == 2


@pytest.mark.django_db
def test_an_error_in_our_own_code_is_retried_not_failed_and_stops_nobody(smtp_server, monkeypatch):
    """A template or code error is ours to fix: the reminder waits (backoff), the others go out."""
    from django.template import TemplateSyntaxError

    good, poisoned = _two_firms_with_poison()
    broken_client = good[0].client_id
    real = delivery.emails.reminder_message

    def reminder_message(reminder, invitation, client, **kwargs):
        if client.pk == broken_client:
            raise TemplateSyntaxError("Invalid block tag on line 3: 'endfor'")
        return real(reminder, invitation, client, **kwargs)

    monkeypatch.setattr(delivery.emails, "reminder_message", reminder_message)
    result = delivery.send_due_reminders(now=AT_0901)

    # 5 good ones, and the "refused" address too (this server takes it); the CR LF ones fail.
    assert (result.sent, result.retrying, result.failed) == (6, 1, 2)
    waiting = good[0].reminders.get(offset_days=45)
    assert waiting.status == Reminder.Status.PENDING
    assert waiting.next_attempt_at == AT_0901 + delivery.RETRY_BASE
    assert waiting.status_note.startswith("TemplateSyntaxError: Invalid block tag")


# --- a server that refuses one of two recipients ---------------------------------------------------

@pytest.mark.django_db
def test_a_refused_consultant_copy_is_recorded_and_the_reminder_stays_sent(smtp_server):
    """The server accepts the client and refuses the Cc: sent, to the client only, the refusal noted."""
    ensure_default_item_types()
    firm = FirmFactory(time_zone="America/Toronto", email="office@p.example")
    invitation = _invite(ClientFactory(firm=firm, consultant=member(firm, email="left@p.example"),
                                       email="ana@client.example"))
    _refuse(smtp_server, "left@p.example")

    result = delivery.send_due_reminders(now=AT_0901)

    reminder = invitation.reminders.get(offset_days=45)
    assert (result.sent, result.failed) == (1, 0)
    assert (reminder.status, reminder.recipients) == (Reminder.Status.SENT, "ana@client.example")
    assert reminder.status_note.startswith("cc refused: left@p.example (550")
    assert len(smtp_server.messages) == 1


@pytest.mark.django_db
def test_a_refused_client_address_fails_the_reminder_even_when_the_copy_went_out(smtp_server):
    """The server refuses the client and accepts the Cc: the client was not reminded, so the
    reminder is failed with the refusal (never "sent"), and the next scan does not resend it."""
    ensure_default_item_types()
    firm = FirmFactory(time_zone="America/Toronto", email="office@p.example")
    invitation = _invite(ClientFactory(firm=firm, consultant=member(firm, email="cons@p.example"),
                                       email="gone@refused.example"))
    _refuse(smtp_server, "gone@refused.example")

    result = delivery.send_due_reminders(now=AT_0901)

    reminder = invitation.reminders.get(offset_days=45)
    assert (result.sent, result.failed) == (0, 1)
    assert reminder.status == Reminder.Status.FAILED and reminder.sent_at is None
    assert reminder.status_note.startswith("SMTPRecipientsRefused")
    assert "gone@refused.example" in reminder.status_note
    assert delivery.send_due_reminders(now=AT_0901 + dt.timedelta(hours=1)).sent == 0
