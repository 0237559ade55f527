"""Is the round data on screen current? The reads behind the "round data may be out of date" banner.

The banner (templates/includes/_round_data_freshness.html, through {% round_data_freshness %})
is on the dashboard and the round history, for everyone; draws staff also see the last failed
check of IRCC's feed (draws.feed records every check as a FeedCheck).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db.models import Max, Q, Subquery
from django.utils import timezone

from draws.models import Draw, FeedCheck

# No successful check of IRCC's feed for this long: the rounds shown may be missing the latest.
CHECK_STALE_AFTER = timedelta(hours=24)
# IRCC's rhythm: the longest gap between the last RHYTHM_ROUNDS rounds (about a year of rounds),
# never under MIN_RHYTHM. In 2025-2026 rounds came every few days, with pauses of up to 25 days.
RHYTHM_ROUNDS = 60
MIN_RHYTHM = timedelta(days=14)


@dataclass(frozen=True)
class RoundDataFreshness:
    """What the "round data may be out of date" banner says (templates/includes/_round_data_freshness.html).

    is_stale: no successful feed check for CHECK_STALE_AFTER (when the check is on), or the newest
    round is older than IRCC's usual rhythm. last_checked_at: the last successful check (None:
    never, or the check is off). last_failure: the newest check when it failed, for staff.
    """

    is_stale: bool
    is_checking: bool
    last_checked_at: datetime | None
    newest_round_on: date | None
    rhythm_days: int
    last_failure: FeedCheck | None = None


def usual_rhythm(dates: Sequence[date]) -> timedelta:
    """The longest gap between consecutive rounds among `dates` (newest first), at least MIN_RHYTHM."""
    gaps = [newer - older for newer, older in zip(dates, dates[1:], strict=False)]
    return max([MIN_RHYTHM, *gaps])


def _last_finished(condition: Q) -> Subquery:
    return Subquery(FeedCheck.objects.filter(condition).order_by("-finished_at").values("finished_at")[:1])


def round_data_freshness(*, now: datetime | None = None, for_staff: bool = False) -> RoundDataFreshness:
    """Whether the rounds on screen may be out of date.

    One query on every page that shows the banner: the newest round dates, with the times of the
    last successful and the last finished feed check as scalar subqueries (a second query only
    while no round is recorded, and a third for staff when the last check failed).
    """
    now = now or timezone.now()
    today = timezone.localdate(now, timezone.get_default_timezone())  # a round's date is Ottawa's
    checking = bool(settings.IRCC_ROUNDS_URL)
    done = ~Q(status__in=[FeedCheck.Status.RUNNING, FeedCheck.Status.SKIPPED])
    ok = Q(status__in=FeedCheck.SUCCESSFUL)
    checks = {"last_ok": _last_finished(ok), "last": _last_finished(done)} if checking else {}
    rows = list(Draw.objects.order_by("-drawn_on").annotate(**checks)
                .values_list("drawn_on", *checks).distinct()[:RHYTHM_ROUNDS])
    dates = [row[0] for row in rows]
    last_ok = last = None
    if checking and rows:
        last_ok, last = rows[0][1], rows[0][2]
    elif checking:
        times = FeedCheck.objects.aggregate(last_ok=Max("finished_at", filter=ok),
                                            last=Max("finished_at", filter=done))
        last_ok, last = times["last_ok"], times["last"]
    rhythm = usual_rhythm(dates)
    stale = bool(dates) and today - dates[0] > rhythm
    if checking:
        stale = stale or last_ok is None or now - last_ok > CHECK_STALE_AFTER
    failure = None
    if checking and for_staff and last is not None and last != last_ok:
        failure = FeedCheck.objects.filter(done).order_by("-finished_at").first()
    return RoundDataFreshness(is_stale=stale, is_checking=checking, last_checked_at=last_ok,
                              newest_round_on=dates[0] if dates else None, rhythm_days=rhythm.days,
                              last_failure=failure)
