"""Celery tasks of eligibility: thin wrappers around services (idempotent, take plain values)."""

from __future__ import annotations

from datetime import date, datetime

from celery import shared_task
from django.utils import timezone

from eligibility import services

# A chunk is ~1 s of one core (2,000 clients); the sweep looks for lost chunks this long after the
# dispatch, then again, SWEEP_ROUNDS times (a chunk whose worker died is redone by the sweep: the
# Redis broker only gives a dead worker's unacknowledged messages back after its visibility timeout,
# one hour by default; that also brings back a sweep the dead worker held).
SWEEP_AFTER_S = 10 * 60
SWEEP_ROUNDS = 6


@shared_task(name="eligibility.tasks.nightly_refresh", soft_time_limit=10 * 60, time_limit=12 * 60)
def nightly_refresh(as_of: str | None = None, client_ids: list[int] | None = None,
                    nocs: list[str] | None = None,
                    sweep_after: float = SWEEP_AFTER_S,
                    chunk_size: int = services.NIGHTLY_CHUNK) -> dict:
    """Refresh every active client's stored assessment and raise alerts (scheduled by beat), fanned
    out as one refresh_chunk task per NIGHTLY_CHUNK clients over the workers, then a sweep that
    redoes the chunks a dead worker lost.

    as_of: ISO date to judge on (default: today in the project's time zone); client_ids: only these
    clients; nocs: only the clients who worked in one of these occupations (a category list's edit).
    Safe to run twice: a chunk recomputes the same rows and an
    alert is unique per client, kind and key.
    """
    day = as_of or timezone.localdate().isoformat()
    started = timezone.now()
    chunks = services.active_client_chunks(client_ids=client_ids, nocs=nocs, chunk_size=chunk_size)
    for chunk in chunks:
        refresh_chunk.delay(chunk, day)
    if client_ids is None and nocs is None and chunks:
        nightly_sweep.apply_async((day, started.isoformat(), 1, sweep_after, chunk_size),
                                  countdown=sweep_after)
    return {"chunks": len(chunks), "clients": sum(len(c) for c in chunks)}


@shared_task(name="eligibility.tasks.refresh_chunk", acks_late=True, soft_time_limit=5 * 60,
             time_limit=6 * 60)
def refresh_chunk(client_ids: list[int], as_of: str) -> dict:
    """One chunk of the nightly refresh, in one transaction (idempotent: see services.refresh_chunk)."""
    result = services.refresh_chunk(client_ids, as_of=date.fromisoformat(as_of))
    return {"refreshed": result.refreshed, "alerts": result.alerts}


@shared_task(name="eligibility.tasks.nightly_sweep", soft_time_limit=2 * 60, time_limit=3 * 60)
def nightly_sweep(as_of: str, since: str, round_number: int = 1, sweep_after: float = SWEEP_AFTER_S,
                  chunk_size: int = services.NIGHTLY_CHUNK) -> dict:
    """Dispatch again the active clients not refreshed since the run started (a lost chunk), and
    look again later while some are left (at most SWEEP_ROUNDS times)."""
    chunks = services.not_refreshed_since(datetime.fromisoformat(since), chunk_size=chunk_size)
    for chunk in chunks:
        refresh_chunk.delay(chunk, as_of)
    if chunks and round_number < SWEEP_ROUNDS:
        nightly_sweep.apply_async((as_of, since, round_number + 1, sweep_after, chunk_size),
                                  countdown=sweep_after)
    return {"chunks": len(chunks), "clients": sum(len(c) for c in chunks)}
