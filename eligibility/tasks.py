"""Celery tasks of eligibility: thin wrappers around services (idempotent, take plain values)."""

from __future__ import annotations

from datetime import date

from celery import shared_task

from eligibility import services


# ~1.5 minutes per 100,000 clients (make bench): the limits leave room for a much larger install
# and still end a stuck run long before the next night.
@shared_task(name="eligibility.tasks.nightly_refresh", soft_time_limit=45 * 60, time_limit=50 * 60)
def nightly_refresh(as_of: str | None = None) -> dict:
    """Refresh every active client's stored assessment and raise alerts (scheduled by beat).

    as_of: ISO date to judge on (default: today in the project's time zone). Safe to run twice.
    """
    result = services.refresh_and_raise_alerts(as_of=date.fromisoformat(as_of) if as_of else None)
    return {"refreshed": result.refreshed, "alerts": result.alerts}
