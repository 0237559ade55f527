"""Celery tasks of eligibility: thin wrappers around services (idempotent, take plain values)."""

from __future__ import annotations

from datetime import date

from celery import shared_task

from eligibility import services


@shared_task(name="eligibility.tasks.nightly_refresh")
def nightly_refresh(as_of: str | None = None) -> dict:
    """Refresh every active client's stored assessment and raise alerts (scheduled by beat).

    as_of: ISO date to judge on (default: today in the project's time zone). Safe to run twice.
    """
    result = services.refresh_and_raise_alerts(as_of=date.fromisoformat(as_of) if as_of else None)
    return {"refreshed": result.refreshed, "alerts": result.alerts}
