"""Beat's schedule, in one place: every periodic task, its schedule and why.

`manage.py setup_periodic_tasks` writes these entries to django-celery-beat's tables (beat reads
them there: CELERY_BEAT_SCHEDULER); it runs at every deployment (ops/prod.sh), in `make demo` and
in the test harness (testing.services.ensure_reference_data). It is idempotent, and it owns only
the rows named here and in RETIRED: an entry's row is created, or updated to the entry (task,
schedule, description, enabled), found by its name; a row named in RETIRED is disabled, never
deleted (its history stays in the admin); any other row (one a superuser added) is left alone.

To add a periodic task: one `Periodic(...)` below, with `every` (an interval) or `crontab`
("minute hour day-of-month month day-of-week", in TIME_ZONE), and `why` (the row's description in
the admin). To rename an entry or drop it: move its old name to RETIRED. Crontab entries run in
settings.TIME_ZONE, the default firm time zone.

The data migrations that created the first rows (eligibility 0003, draws 0007 and 0008,
invitations 0003) stay as history; their rows carry the same names, so this module owns them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction


@dataclass(frozen=True)
class Periodic:
    """One beat entry: `name` is the row's unique name in the admin ("app: what"), never reused."""

    name: str
    task: str  # the Celery task's registered name
    why: str
    every: dt.timedelta | None = None
    crontab: str | None = None  # "minute hour day-of-month month day-of-week"

    def __post_init__(self) -> None:
        if (self.every is None) == (self.crontab is None):
            raise ValueError(f"{self.name}: give exactly one of every= or crontab=")
        if self.crontab is not None and len(self.crontab.split()) != 5:
            raise ValueError(f"{self.name}: crontab needs 5 fields, got {self.crontab!r}")
        if self.every is not None and (self.every.total_seconds() < 1 or self.every.microseconds):
            raise ValueError(f"{self.name}: every= must be a whole number of seconds, at least 1")


PERIODIC_TASKS: tuple[Periodic, ...] = (
    Periodic(
        name="invitations: send due ITA reminders",
        task="invitations.tasks.scan_due_reminders",
        every=dt.timedelta(minutes=5),
        # A reminder is due on a day, not at a minute: 5 minutes is prompt enough and keeps the scan
        # (one lease UPDATE, about 0.1 s at 100,000 clients) negligible.
        why="Finds due reminders and queues their delivery, each sent once (invitations.services).",
    ),
    Periodic(
        name="invitations: consultants' daily summary",
        task="invitations.tasks.send_daily_digests",
        crontab="0 7-18 * * *",
        # Hourly during office hours rather than once at 07:00: a consultant missed (SMTP down, a
        # worker restarting) gets the summary at the next hour; one per consultant and day is
        # enforced by a unique row, not by the schedule.
        why="Overdue checklist items and close deadlines, once a day per consultant (tried hourly "
            "07:00-18:00).",
    ),
    Periodic(
        name="Nightly: refresh assessments and raise alerts",
        task="eligibility.tasks.nightly_refresh",
        crontab="30 3 * * *",
        # At night so the ~1.5 minutes per 100,000 clients are off the consultants' day, after
        # midnight so "today" (ages, document validity) is the new day's.
        why="Recompute every active client's stored assessment; raise alerts for score changes, new "
            "eligibility and documents expiring within 30 days.",
    ),
    Periodic(
        name="eligibility: redo lost nightly refresh chunks",
        task="eligibility.tasks.nightly_sweep",
        every=dt.timedelta(minutes=5),
        # The nightly refresh is fanned out as chunk tasks; a chunk whose worker died comes back
        # from Redis only after an hour. A run is looked at SWEEP_AFTER (10 min) after its dispatch
        # and again while clients are left; with no run to watch the sweep is one small query.
        why="Dispatches again the chunks of a nightly refresh whose clients were not refreshed since "
            "it started (eligibility.services.sweep_refresh_runs).",
    ),
    Periodic(
        name="draws: match recent rounds never matched",
        task="draws.tasks.match_pending_draws",
        every=dt.timedelta(minutes=5),
        # The after-draw job is queued when a round is recorded; a job lost with the broker is
        # noticed here within 5 minutes (the job is idempotent).
        why="Queues the after-draw job again for a recent round whose matches were never stored "
            "(draws.services.match_pending_draws).",
    ),
    Periodic(
        name="draws: check IRCC's rounds feed",
        task="draws.tasks.check_ircc_feed",
        every=dt.timedelta(minutes=1),
        # Every minute, and the task decides from IRCC_ROUNDS_EVERY_MINUTES whether a check is due,
        # so changing that setting (or emptying IRCC_ROUNDS_URL) needs no schedule change.
        why="Checks IRCC's rounds feed when IRCC_ROUNDS_EVERY_MINUTES have passed since the last check "
            "(draws.feed.check_ircc_feed); off when IRCC_ROUNDS_URL is empty.",
    ),
    Periodic(
        name="intake: review emails not sent yet",
        task="intake.tasks.send_unsent_review_emails",
        every=dt.timedelta(minutes=5),
        # The email is queued when a change is reviewed; a task lost with the broker or a mail server
        # away is caught up here within 5 minutes (each email is claimed before it is sent).
        why="Emails clients whose fact change was accepted or returned and not told yet "
            "(intake.services.send_unsent_review_emails).",
    ),
    Periodic(
        name="documents: review emails not sent yet",
        task="documents.tasks.send_pending_notices",
        every=dt.timedelta(minutes=5),
        # The email is queued when a document is reviewed; a task lost with the broker, a dead worker's
        # claim (after its lease) or a mail server away is caught up here within 5 minutes.
        why="Emails clients whose uploaded document was accepted or returned and not told yet "
            "(documents.notices.send_pending_notices).",
    ),
    Periodic(
        name="documents: delete expired uploads",
        task="documents.tasks.purge_expired_files",
        crontab="20 * * * *",
        # Hourly: a firm's retention is counted in days, so an hour late is nothing; each run deletes
        # at most PURGE_BATCH files within its time limit and the next run goes on.
        why="Deletes uploaded files kept longer than their firm's retention after the application "
            "closed (documents.services.purge_expired_documents).",
    ),
    Periodic(
        name="ops: delete expired sessions",
        task="ops.tasks.clear_expired_sessions",
        crontab="45 4 * * *",
        # Daily, after the nightly refresh: an expired session is already refused at sign-in, so
        # this is only the table's size (Django's clearsessions, one DELETE on expire_date's index).
        why="Deletes the sessions past their expiry date (Django's clearsessions), so the session "
            "table does not grow with every sign-in.",
    ),
)

# Names of entries this module created once and no longer wants: their rows are disabled.
RETIRED: tuple[str, ...] = ()


@dataclass
class SetupResult:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    disabled: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (f"{len(self.created)} created, {len(self.updated)} updated, {len(self.unchanged)} unchanged, "
                f"{len(self.disabled)} retired entries disabled")


_PERIODS = (("days", 86400), ("hours", 3600), ("minutes", 60), ("seconds", 1))


def _interval(every: dt.timedelta):
    from django_celery_beat.models import IntervalSchedule

    seconds = int(every.total_seconds())
    period, size = next((name, size) for name, size in _PERIODS if seconds % size == 0)
    schedule, _ = IntervalSchedule.objects.get_or_create(every=seconds // size, period=period)
    return schedule


def _crontab(expression: str):
    from django_celery_beat.models import CrontabSchedule

    minute, hour, day_of_month, month_of_year, day_of_week = expression.split()
    schedule, _ = CrontabSchedule.objects.get_or_create(
        minute=minute, hour=hour, day_of_month=day_of_month, month_of_year=month_of_year,
        day_of_week=day_of_week, timezone=settings.TIME_ZONE)
    return schedule


def setup_periodic_tasks(entries: tuple[Periodic, ...] = PERIODIC_TASKS,
                         retired: tuple[str, ...] = RETIRED) -> SetupResult:
    """Make beat's rows match `entries` (create or update by name) and disable `retired` rows.

    Idempotent: a second run finds every row unchanged and writes nothing. Rows not named in
    `entries` or `retired` are never touched. One transaction, so beat never reads half a schedule.
    """
    from django_celery_beat.models import PeriodicTask

    names = [entry.name for entry in entries]
    if len(set(names)) != len(names):
        raise ValueError("two periodic entries share a name")
    if set(names) & set(retired):
        raise ValueError(f"retired and in use: {sorted(set(names) & set(retired))}")
    result = SetupResult()
    with transaction.atomic():
        existing = {row.name: row for row in PeriodicTask.objects.select_for_update().filter(
            name__in=[*names, *retired])}
        for entry in entries:
            wanted = {
                "task": entry.task,
                "interval": _interval(entry.every) if entry.every else None,
                "crontab": _crontab(entry.crontab) if entry.crontab else None,
                "solar": None,
                "clocked": None,
                "one_off": False,
                "description": entry.why,
                "enabled": True,
            }
            row = existing.get(entry.name)
            if row is None:
                PeriodicTask.objects.create(name=entry.name, **wanted)
                result.created.append(entry.name)
                continue
            changed = [key for key, value in wanted.items() if getattr(row, key) != value]
            if not changed:
                result.unchanged.append(entry.name)
                continue
            for key in changed:
                setattr(row, key, wanted[key])
            row.save()  # save(), not update(): it tells a running beat to reload (PeriodicTasks.changed)
            result.updated.append(entry.name)
        for name in retired:
            row = existing.get(name)
            if row is not None and row.enabled:
                row.enabled = False
                row.save()
                result.disabled.append(name)
    return result
