"""Work-experience arithmetic: full-time-equivalent hours in a window (IRPR 73, 80.1, 87.1, 87.2).

Full time = 30 hours a week; 1 year = 1,560 hours; hours above 30 a week are not counted, also
when several jobs overlap (the 30-hour cap applies to the sum). Hours are spread evenly over the
days of a job: a day of a job of h hours a week counts min(30, sum of h)/7 hours.
1 month = 130 hours (1,560 / 12).

Continuity ("continuous" year / months): a span of days with no day uncovered by a job of the
set; a job starting the day after the previous one ended continues the span. Part-time work
counts proportionally ("or an equal amount of part-time"), so a continuous span qualifies when its
hours reach the threshold.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from .dates import add_years
from .facts import Job

FULL_TIME_HOURS = 30.0
HOURS_PER_YEAR = 1560.0
HOURS_PER_MONTH = HOURS_PER_YEAR / 12
EPSILON = 1e-6
_DAY = timedelta(days=1)


@lru_cache(maxsize=4096)
def teer(noc: str) -> int | None:
    """TEER category of a NOC 2021 code (its second digit), None if the code is not 5 digits."""
    if len(noc) != 5 or not noc.isdigit():
        return None
    return int(noc[1])


@lru_cache(maxsize=4096)
def is_skilled(noc: str) -> bool:
    """TEER 0, 1, 2 or 3 (NOC 0/A/B before 2022-11-16)."""
    t = teer(noc)
    return t is not None and t <= 3


@lru_cache(maxsize=4096)
def is_trade(noc: str) -> bool:
    """FSTP skilled trade (IRPR 87.2, NOC 2021): major groups 72 (not 726), 73, 82, 83, 92,
    93 (not 932), minor group 6320, unit group 62200."""
    if len(noc) != 5 or not noc.isdigit():
        return False
    major, sub = noc[:2], noc[:3]
    if major == "72":
        return sub != "726"
    if major == "93":
        return sub != "932"
    return major in ("73", "82", "83", "92") or noc[:4] == "6320" or noc == "62200"


@lru_cache(maxsize=1024)
def window(as_of: date, years: int) -> tuple[date, date]:
    """The last `years` years up to and including as_of: (first day, as_of)."""
    return add_years(as_of, -years) + _DAY, as_of


def rate(job: Job) -> float:
    """Counted hours a week (0..30)."""
    h = job.hours_per_week
    return FULL_TIME_HOURS if h > FULL_TIME_HOURS else (h if h > EPSILON else 0.0)


def fte_hours(jobs: Iterable[Job], start: date, end: date) -> float:
    """Counted hours of the jobs between start and end (inclusive), 30 h/week cap on the sum.

    A job with end None runs up to `end`.
    """
    if type(jobs) is list and len(jobs) == 1:  # the usual case: no events to sort
        job = jobs[0]
        h = job.hours_per_week
        if h > FULL_TIME_HOURS:
            r = FULL_TIME_HOURS
        elif h > EPSILON:
            r = h
        else:
            return 0.0
        s = job.start
        if s <= start:
            s = start
        e = job.end
        if e is None or e > end:
            e = end
        if s > e:
            return 0.0
        return (e + _DAY - s).days * r / 7
    events: list[tuple[date, float]] = []
    for job in jobs:  # rate() and the clipping to [start, end], inlined: the innermost loop
        h = job.hours_per_week
        if h > FULL_TIME_HOURS:
            r = FULL_TIME_HOURS
        elif h > EPSILON:
            r = h
        else:
            continue
        s = job.start
        if s <= start:
            s = start
        e = job.end
        if e is None or e > end:
            e = end
        if s > e:
            continue
        events.append((s, r))
        events.append((e + _DAY, -r))
    if not events:
        return 0.0
    if len(events) == 2:  # one job: no sweep needed
        (s, r), (e, _) = events
        return (e - s).days * r / 7
    events.sort()
    total = 0.0
    current = 0.0
    prev = events[0][0]
    for day, delta in events:
        if day != prev:
            if current > EPSILON:
                total += (day - prev).days * (
                    current if current < FULL_TIME_HOURS else FULL_TIME_HOURS
                )
            prev = day
        current += delta
    return total / 7


@dataclass(frozen=True, slots=True)
class Span:
    """A continuous stretch of work (no uncovered day) and its counted hours."""

    start: date
    end: date
    hours: float


def _clipped(jobs: Iterable[Job], start: date, end: date) -> list[tuple[date, date, Job]]:
    """(start, end, job) of each job cut to [start, end], jobs of 0 hours a week left out, sorted."""
    clipped = []
    for job in jobs:
        if not job.hours_per_week > EPSILON:  # rate(job) <= 0
            continue
        s = job.start if job.start > start else start
        e = end if job.end is None or job.end > end else job.end
        if s <= e:
            clipped.append((s, e, job))
    if len(clipped) > 1:
        clipped.sort(key=lambda x: (x[0], x[1]))
    return clipped


def _continuous(clipped: list[tuple[date, date, Job]]) -> Iterator[tuple[date, date, list[Job]]]:
    """(start, end, jobs) of each continuous stretch of sorted clipped jobs; a gap of a day ends one."""
    group: list[Job] = []
    g_start = g_end = None
    for s, e, job in clipped:
        if g_end is not None and s <= g_end + _DAY:
            group.append(job)
            if e > g_end:
                g_end = e
            continue
        if group:
            yield g_start, g_end, group
        group, g_start, g_end = [job], s, e
    if group:
        yield g_start, g_end, group


def spans(jobs: Iterable[Job], start: date, end: date) -> list[Span]:
    """Continuous spans of the jobs within [start, end] (jobs of 0 hours a week ignored)."""
    return [Span(s, e, fte_hours(group, s, e)) for s, e, group in _continuous(_clipped(jobs, start, end))]


def best_continuous_hours(jobs: Iterable[Job], start: date, end: date) -> float:
    """Hours of the longest (by hours) continuous span (spans() without building Span objects)."""
    clipped = _clipped(jobs, start, end)
    if len(clipped) == 1:
        s, e, job = clipped[0]
        return fte_hours((job,), s, e)
    return max((fte_hours(group, s, e) for s, e, group in _continuous(clipped)), default=0.0)


def ongoing_rate(jobs: Iterable[Job], as_of: date) -> float:
    """Counted hours a week of the jobs still running on as_of (end None), capped at 30."""
    total = sum(rate(j) for j in jobs if j.end is None and j.start <= as_of)
    return FULL_TIME_HOURS if total > FULL_TIME_HOURS else total


def whole_years(hours: float) -> int:
    return int((hours + EPSILON) // HOURS_PER_YEAR)


def months(hours: float, cap_years: int | None = None) -> float:
    """FTE months (one decimal, rounded down), at most the window length when cap_years is given."""
    m = hours / HOURS_PER_MONTH
    if cap_years is not None and m > cap_years * 12:
        m = float(cap_years * 12)
    return int(m * 10 + EPSILON) / 10


def fmt_months(m: float) -> str:
    return f"{m:.1f}".removesuffix(".0")


def accrual_date(
    hours_on: Callable[[date], float],
    needed: float,
    as_of: date,
    rate_per_week: float,
    *,
    horizon_days: int = 3 * 366,
    hours_now: float | None = None,
) -> date | None:
    """First day >= as_of on which hours_on(day) >= needed, if ongoing work (rate_per_week) keeps
    going; None when it is not reached within the horizon. hours_now: hours_on(as_of) when the
    caller has it already.

    hours_on can grow by at most rate_per_week/7 a day, so stepping by the shortfall divided by
    that rate never passes the first day the threshold is reached.
    """
    per_day = rate_per_week / 7
    h = hours_now if hours_now is not None else hours_on(as_of)
    if per_day <= EPSILON:
        return as_of if h + EPSILON >= needed else None
    day = as_of
    last = as_of + timedelta(days=horizon_days)
    for _ in range(2000):
        shortfall = needed - h
        if shortfall <= EPSILON:
            return day
        step = shortfall / per_day
        if step > (last - day).days:
            return None
        day = day + timedelta(days=max(int(step), 1))
        h = hours_on(day)
    return None
