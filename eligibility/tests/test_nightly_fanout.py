"""The nightly refresh fanned out as chunk tasks over real Celery workers: a chunk whose worker is
killed mid-transaction is redone by the sweep, every client ends refreshed once, no alert twice."""

from __future__ import annotations

import datetime as dt
import time

import psycopg
import pytest
from django.db import connection
from django.utils import timezone

from clients.models import Client
from eligibility.models import Alert, ClientAssessment, RefreshRun
from eligibility.tasks import nightly_refresh, nightly_sweep
from eligibility.tests.report_fixtures import SPEC_AS_OF, ensure_reference_data
from eligibility.tests.test_nightly_refresh import bulk_clients

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

CHUNK = 40


def _wait(condition, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


def _waiting_for_a_lock(conn: psycopg.Connection) -> int:
    """Sessions of the test database waiting for a lock, seen from inside conn's transaction
    (pg_stat_activity is read once per transaction unless its snapshot is cleared)."""
    conn.execute("SELECT pg_stat_clear_snapshot()")
    return conn.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                        " AND wait_event_type = 'Lock'").fetchone()[0]


def _refreshed() -> int:
    return ClientAssessment.objects.filter(as_of=SPEC_AS_OF).count()


def test_a_worker_killed_mid_chunk_leaves_every_client_refreshed_once_and_no_alert_twice(celery_workers):
    ensure_reference_data()
    ids = bulk_clients(3 * CHUNK)
    firm_id = Client.objects.get(pk=ids[0]).firm_id
    ClientAssessment.objects.bulk_create([  # yesterday's rows: every client's score changes tonight
        ClientAssessment(client_id=pk, firm_id=firm_id, as_of=SPEC_AS_OF - dt.timedelta(days=1),
                         rules="2025-03-25", crs_total=0, categories=[],
                         result={"crs": {"details": {}}, "derived": {}})
        for pk in ids
    ])
    db = connection.settings_dict
    # Another session holds a row of the second chunk: its worker blocks inside its transaction.
    with psycopg.connect(host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432, user=db["USER"],
                         dbname=db["NAME"]) as blocker:
        blocker.execute("SELECT 1 FROM eligibility_clientassessment WHERE client_id = %s FOR UPDATE",
                        [ids[CHUNK + 5]])
        celery_workers.start("w1")
        started = timezone.now()
        nightly_refresh.delay(as_of=SPEC_AS_OF.isoformat(), chunk_size=CHUNK)
        _wait(lambda: _refreshed() == CHUNK)
        _wait(lambda: _waiting_for_a_lock(blocker) >= 1)
        celery_workers.kill("w1")  # SIGKILL mid-chunk: its transaction rolls back, its message is lost
        blocker.rollback()
    assert _refreshed() == CHUNK
    celery_workers.start("w2")
    # The run was recorded for beat's sweep; the sweep (sent here as beat would, with no wait)
    # finds the lost chunk and, the third chunk done meanwhile, nothing else.
    run = RefreshRun.objects.get()
    assert run.as_of == SPEC_AS_OF and run.chunk_size == CHUNK and run.finished_at is None
    nightly_sweep.delay(after_s=0)
    _wait(lambda: _refreshed() == 3 * CHUNK)
    nightly_sweep.delay(after_s=0)  # a later sweep: nothing left, the run is closed
    _wait(lambda: RefreshRun.objects.filter(finished_at__isnull=False).exists())
    nightly_sweep.delay(after_s=0)  # and a sweep with no run to watch dispatches nothing
    time.sleep(3)
    assert RefreshRun.objects.get().sweeps == 2
    assert ClientAssessment.objects.count() == 3 * CHUNK
    assert not ClientAssessment.objects.filter(computed_at__lt=started).exists()
    alerts = list(Alert.objects.filter(kind=Alert.Kind.SCORE_CHANGE).values_list("client_id", flat=True))
    assert sorted(alerts) == sorted(ids)  # one score alert per client, none twice
