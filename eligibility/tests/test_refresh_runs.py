"""Beat's sweep of the fanned-out nightly refresh: a dispatched run is recorded, looked at once
SWEEP_AFTER has passed, its lost clients dispatched again (never by two sweeps at once), and closed
when none is left or after SWEEP_ROUNDS looks."""

from __future__ import annotations

import datetime as dt
import gc

import psycopg
import pytest
from django.db import connection
from django.utils import timezone

from eligibility import services
from eligibility.models import RefreshRun
from eligibility.tasks import nightly_sweep
from eligibility.tests.report_fixtures import SPEC_AS_OF, ensure_reference_data
from eligibility.tests.test_nightly_refresh import bulk_clients

pytestmark = pytest.mark.django_db

AFTER = services.SWEEP_AFTER


@pytest.fixture
def clients() -> list[int]:
    ensure_reference_data()
    return bulk_clients(12)


def _ids(due) -> list[list[int]]:
    return [chunk for _, chunks in due for chunk in chunks]


def test_the_sweep_waits_then_redispatches_only_the_clients_not_refreshed_and_closes_the_run(clients):
    started = timezone.now()
    run = services.start_refresh_run(as_of=SPEC_AS_OF, started_at=started, chunk_size=5)
    services.refresh_chunk(clients[:7], as_of=SPEC_AS_OF)  # the first chunks ran; the rest were lost

    assert services.sweep_refresh_runs(now=started + AFTER / 2) == []  # too early: chunks still queued
    due = services.sweep_refresh_runs(now=started + AFTER)
    assert [r.pk for r, _ in due] == [run.pk]
    assert _ids(due) == [clients[7:12]]  # the lost clients, in chunks of the run's size
    run.refresh_from_db()
    assert (run.sweeps, run.swept_at, run.finished_at) == (1, started + AFTER, None)
    assert services.sweep_refresh_runs(now=started + AFTER * 1.5) == []  # its redone chunk has time

    services.refresh_chunk(clients[7:12], as_of=SPEC_AS_OF)
    due = services.sweep_refresh_runs(now=started + AFTER * 2)
    assert _ids(due) == []
    run.refresh_from_db()
    assert (run.sweeps, run.finished_at) == (2, started + AFTER * 2)
    assert services.sweep_refresh_runs(now=started + AFTER * 10) == []  # closed: never looked at again


def test_a_run_whose_clients_never_get_refreshed_is_given_up_after_the_last_round(clients):
    started = timezone.now()
    run = services.start_refresh_run(as_of=SPEC_AS_OF, started_at=started, chunk_size=100)
    for n in range(1, services.SWEEP_ROUNDS + 1):
        due = services.sweep_refresh_runs(now=started + AFTER * n)
        assert _ids(due) == [clients]
    run.refresh_from_db()
    assert run.sweeps == services.SWEEP_ROUNDS and run.finished_at == started + AFTER * services.SWEEP_ROUNDS
    assert services.sweep_refresh_runs(now=started + AFTER * 20) == []


def test_a_new_run_closes_the_one_still_watched(clients):
    first = services.start_refresh_run(as_of=SPEC_AS_OF, started_at=timezone.now(), chunk_size=5)
    second = services.start_refresh_run(as_of=SPEC_AS_OF + dt.timedelta(days=1),
                                        started_at=timezone.now(), chunk_size=5)
    first.refresh_from_db()
    assert first.finished_at is not None
    due = services.sweep_refresh_runs(now=timezone.now() + AFTER)
    assert [r.pk for r, _ in due] == [second.pk]


def test_the_sweep_task_dispatches_after_commit_and_ignores_the_former_countdown_arguments(
        clients, django_capture_on_commit_callbacks, monkeypatch):
    sent = []
    monkeypatch.setattr("eligibility.tasks.refresh_chunk.delay", lambda ids, day: sent.append((ids, day)))
    services.start_refresh_run(as_of=SPEC_AS_OF, started_at=timezone.now() - AFTER, chunk_size=5)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        # the arguments a countdown sweep queued before this version carried
        result = nightly_sweep.run(SPEC_AS_OF.isoformat(), timezone.now().isoformat(), 1, 600.0, 5)
    assert result == {"clients": 12} and len(callbacks) == 3
    assert RefreshRun.objects.get().sweeps == 1
    assert sent == [(clients[i:i + 5], SPEC_AS_OF.isoformat()) for i in (0, 5, 10)]


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_never_both_dispatch_a_run(clients):
    run = services.start_refresh_run(as_of=SPEC_AS_OF, started_at=timezone.now() - AFTER, chunk_size=5)
    db = connection.settings_dict
    with psycopg.connect(host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432, user=db["USER"],
                         dbname=db["NAME"]) as other:  # another sweep holds the run's row
        other.execute("SELECT 1 FROM eligibility_refreshrun WHERE id = %s FOR UPDATE", [run.pk])
        assert services.sweep_refresh_runs() == []
        other.rollback()
    assert _ids(services.sweep_refresh_runs()) == [clients[i:i + 5] for i in (0, 5, 10)]


def test_a_chunk_pauses_the_garbage_collector_and_gives_it_back(clients, monkeypatch):
    assert gc.isenabled()
    states = []
    real = services._refresh_chunk

    def spy(*args, **kwargs):
        states.append(gc.isenabled())
        return real(*args, **kwargs)

    monkeypatch.setattr(services, "_refresh_chunk", spy)
    assert services.refresh_chunk(clients, as_of=SPEC_AS_OF).refreshed == len(clients)
    assert gc.isenabled()
    gc.disable()  # a caller that had it off keeps it off
    try:
        services.refresh_chunk(clients, as_of=SPEC_AS_OF)
        assert not gc.isenabled()
    finally:
        gc.enable()
    assert states == [False, False]
