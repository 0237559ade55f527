"""Celery tasks of eligibility: thin wrappers around services (idempotent, take plain values)."""

from __future__ import annotations

from datetime import date, timedelta

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from eligibility import services


@shared_task(name="eligibility.tasks.nightly_refresh", soft_time_limit=10 * 60, time_limit=12 * 60)
def nightly_refresh(as_of: str | None = None, client_ids: list[int] | None = None,
                    nocs: list[str] | None = None,
                    chunk_size: int = services.NIGHTLY_CHUNK, **_legacy) -> dict:
    """Refresh every active client's stored assessment and raise alerts (scheduled by beat), fanned
    out as one refresh_chunk task per NIGHTLY_CHUNK clients over the workers; a full run is recorded
    (RefreshRun) for beat's sweep, which redoes the chunks a dead worker lost.

    as_of: ISO date to judge on (default: today in the project's time zone); client_ids: only these
    clients; nocs: only the clients who worked in one of these occupations (a category list's edit).
    Safe to run twice: a chunk recomputes the same rows and an alert is unique per client, kind
    and key. Keyword arguments of former versions (sweep_after) are ignored.
    """
    day = as_of or timezone.localdate().isoformat()
    started = timezone.now()
    chunks = services.active_client_chunks(client_ids=client_ids, nocs=nocs, chunk_size=chunk_size)
    if client_ids is None and nocs is None and chunks:
        services.start_refresh_run(as_of=date.fromisoformat(day), started_at=started, chunk_size=chunk_size)
    for chunk in chunks:
        refresh_chunk.delay(chunk, day)
    return {"chunks": len(chunks), "clients": sum(len(c) for c in chunks)}


@shared_task(name="eligibility.tasks.refresh_chunk", acks_late=True, soft_time_limit=5 * 60,
             time_limit=6 * 60)
def refresh_chunk(client_ids: list[int], as_of: str) -> dict:
    """One chunk of the nightly refresh, in one transaction (idempotent: see services.refresh_chunk)."""
    result = services.refresh_chunk(client_ids, as_of=date.fromisoformat(as_of))
    return {"refreshed": result.refreshed, "alerts": result.alerts}


@shared_task(name="eligibility.tasks.nightly_sweep", soft_time_limit=2 * 60, time_limit=3 * 60)
def nightly_sweep(*_legacy, after_s: float | None = None) -> dict:
    """Beat's sweep (every few minutes): dispatch again the chunks of a nightly run whose clients were
    not refreshed since it started (a worker died holding them), until none is left
    (services.sweep_refresh_runs). after_s: how long a run or its last look must be past (default
    services.SWEEP_AFTER). Positional arguments of the former countdown sweep are ignored."""
    after = services.SWEEP_AFTER if after_s is None else timedelta(seconds=after_s)
    dispatched = 0
    with transaction.atomic():
        for run, chunks in services.sweep_refresh_runs(after=after):
            day = run.as_of.isoformat()
            for chunk in chunks:
                transaction.on_commit(lambda chunk=chunk, day=day: refresh_chunk.delay(chunk, day))
            dispatched += sum(len(c) for c in chunks)
    return {"clients": dispatched}
