"""Time for invitations: a firm's time zone, and the clock a task or command is given."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.utils import timezone

from clients.models import Firm


def firm_zone(firm: Firm) -> ZoneInfo:
    """The firm's time zone (settings.TIME_ZONE if the stored name is unknown)."""
    try:
        return ZoneInfo(firm.time_zone)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(settings.TIME_ZONE)


def parse_now(value: str | None) -> dt.datetime:
    """An ISO 8601 date-time (naive = settings.TIME_ZONE), or the current time when empty."""
    if not value:
        return timezone.now()
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError as exc:
        raise ValueError(f"not an ISO 8601 date-time: {value!r} (e.g. 2027-01-30T09:00:00+00:00)") from exc
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=ZoneInfo(settings.TIME_ZONE))
    return moment
