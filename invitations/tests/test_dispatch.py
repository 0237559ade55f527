"""Beat's scan fans out (issue 7): a dispatch lease per due reminder, delivery tasks of a chunk each.

"Once" is still enforced by the per-invitation transaction (test_delivery); these check the
lease (no invitation queued twice while a task may still be on its way, queued again after),
that a chunk run twice sends nothing twice, and the whole path through real workers.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from invitations import delivery, tasks
from invitations.models import Reminder, ReminderAttempt
from invitations.tests.helpers import (
    drain,
    invited_client,
    reminder_of,
    scan,
    slow_smtp,
    toronto_firm,
)

# The 45-day reminder of ISSUED_AT is due on 2027-02-16 at 09:00 Toronto time (14:00 UTC).
FIRST_DUE = dt.datetime(2027, 2, 16, 14, 0, tzinfo=dt.UTC)
AT_0901 = FIRST_DUE + dt.timedelta(minutes=1)


def _invitations(count: int) -> list:
    firm = toronto_firm()
    return [invited_client(firm=firm)[1] for _ in range(count)]


@pytest.fixture
def queued(monkeypatch) -> list[dict]:
    """The deliver_reminders tasks a dispatch publishes, recorded instead of sent to Redis."""
    calls: list[dict] = []
    monkeypatch.setattr(tasks.deliver_reminders, "delay", lambda **kwargs: calls.append(kwargs))
    return calls


def _dispatch(now: dt.datetime, capture) -> delivery.DispatchResult:
    with capture(execute=True):  # the test's transaction never commits: run the on_commit publishing
        return delivery.scan_due_reminders(now=now)


@pytest.mark.django_db
def test_dispatch_queues_each_due_invitation_once_per_lease(queued, django_capture_on_commit_callbacks):
    invitations = _invitations(3)
    ids = sorted(i.pk for i in invitations)

    first = _dispatch(AT_0901, django_capture_on_commit_callbacks)
    assert (first.invitations_dispatched, first.tasks_queued) == (3, 1)
    assert queued == [{"invitation_ids": ids, "now_iso": AT_0901.isoformat()}]
    assert set(Reminder.objects.filter(offset_days=45).values_list("dispatched_at", flat=True)) == {AT_0901}
    assert Reminder.objects.exclude(offset_days=45).filter(dispatched_at__isnull=False).count() == 0

    within = _dispatch(AT_0901 + delivery.DISPATCH_LEASE - dt.timedelta(seconds=1),
                       django_capture_on_commit_callbacks)
    assert (within.invitations_dispatched, within.tasks_queued, len(queued)) == (0, 0, 1)

    # One of the three is sent meanwhile; the task of the other two was lost (never ran).
    delivery.deliver_reminders(invitation_ids=[ids[0]], now=AT_0901)
    after = _dispatch(AT_0901 + delivery.DISPATCH_LEASE, django_capture_on_commit_callbacks)
    assert (after.invitations_dispatched, after.tasks_queued) == (2, 1)
    assert queued[-1]["invitation_ids"] == ids[1:]


@pytest.mark.django_db
def test_dispatch_chunks_the_invitations_and_beat_lets_each_task_read_its_own_clock(
    queued, django_capture_on_commit_callbacks
):
    count = delivery.DELIVERY_CHUNK + 3
    _invitations(count)
    with django_capture_on_commit_callbacks(execute=True):
        result = delivery.scan_due_reminders(now=AT_0901, clock_pinned=False)
    assert (result.invitations_dispatched, result.tasks_queued) == (count, 2)
    assert [len(c["invitation_ids"]) for c in queued] == [delivery.DELIVERY_CHUNK, 3]
    assert {c["now_iso"] for c in queued} == {None}


@pytest.mark.django_db
def test_dispatch_query_count_does_not_depend_on_how_many_are_due(
    queued, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    _invitations(2)
    with CaptureQueriesContext(connection) as few:
        assert _dispatch(AT_0901, django_capture_on_commit_callbacks).invitations_dispatched == 2
    _invitations(delivery.DELIVERY_CHUNK + 10)
    later = AT_0901 + delivery.DISPATCH_LEASE
    with django_assert_max_num_queries(len(few)):
        result = _dispatch(later, django_capture_on_commit_callbacks)
    assert (result.invitations_dispatched, result.tasks_queued) == (delivery.DELIVERY_CHUNK + 12, 2)


@pytest.mark.django_db
def test_a_chunk_run_twice_sends_each_reminder_once(smtp_server, queued, django_capture_on_commit_callbacks):
    invitations = _invitations(4)
    _dispatch(AT_0901, django_capture_on_commit_callbacks)
    (chunk,) = queued

    first = tasks.deliver_reminders.apply(kwargs=chunk).get()
    again = tasks.deliver_reminders.apply(kwargs=chunk).get()  # redelivered, or queued twice

    assert (first["sent"], again["sent"]) == (4, 0)
    messages = smtp_server.wait_for(4)
    assert len(messages) == 4
    assert sorted(reminder_of(m).invitation_id for m in messages) == sorted(i.pk for i in invitations)
    assert ReminderAttempt.objects.count() == 4


@pytest.mark.django_db
def test_an_smtp_failure_frees_the_lease_so_the_retry_is_dispatched_after_its_backoff(
    smtp_server, queued, django_capture_on_commit_callbacks
):
    (invitation,) = _invitations(1)
    _dispatch(AT_0901, django_capture_on_commit_callbacks)
    smtp_server.stop()
    result = delivery.deliver_reminders(invitation_ids=[invitation.pk], now=AT_0901)
    assert result.retrying == 1
    reminder = invitation.reminders.get(offset_days=45)
    assert (reminder.dispatched_at, reminder.next_attempt_at) == (None, AT_0901 + delivery.RETRY_BASE)

    smtp_server.start()
    assert _dispatch(AT_0901 + dt.timedelta(minutes=4), django_capture_on_commit_callbacks).tasks_queued == 0
    retry_at = AT_0901 + delivery.RETRY_BASE
    assert _dispatch(retry_at, django_capture_on_commit_callbacks).invitations_dispatched == 1
    assert delivery.deliver_reminders(invitation_ids=[invitation.pk], now=retry_at).sent == 1
    assert len(smtp_server.wait_for(1)) == 1


@pytest.mark.worker
def test_scan_fans_out_to_workers_and_a_duplicated_chunk_sends_nothing_twice(celery_workers, smtp_server):
    invitations = _invitations(12)
    ids = sorted(i.pk for i in invitations)
    slow_smtp(smtp_server, 0.05)  # the two workers overlap on the same chunk
    celery_workers.start("w1")
    celery_workers.start("w2")

    scan(AT_0901)  # beat's tick: the scan queues one chunk of 12
    tasks.deliver_reminders.delay(invitation_ids=ids, now_iso=AT_0901.isoformat())  # the same, twice
    tasks.deliver_reminders.delay(invitation_ids=ids, now_iso=AT_0901.isoformat())
    drain(celery_workers)

    messages = smtp_server.wait_for(12)
    assert len(messages) == 12
    assert len({m["Message-ID"] for m in messages}) == 12
    assert sorted(reminder_of(m).invitation_id for m in messages) == ids
    attempts = ReminderAttempt.objects.all()
    assert attempts.count() == 12 and all(a.succeeded for a in attempts)
    assert {r.sent_at for r in Reminder.objects.filter(offset_days=45)} == {AT_0901}
    assert {a.worker.split("-")[0] for a in attempts} == {"w1", "w2"}
