"""Beat's schedule in one place (ops/periodic.py), written by `manage.py setup_periodic_tasks`."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask

from ops.periodic import PERIODIC_TASKS, Periodic, setup_periodic_tasks

ROOT = Path(__file__).resolve().parents[2]
OWNED = [entry.name for entry in PERIODIC_TASKS]


def _our_tasks() -> dict:
    from config.celery import app

    app.loader.import_default_modules()  # the apps' tasks modules, as a worker loads them
    return {name: task for name, task in app.tasks.items() if not name.startswith("celery.")}


@pytest.mark.django_db
def test_the_command_creates_every_entry_then_changes_nothing():
    PeriodicTask.objects.filter(name__in=OWNED).delete()
    out = io.StringIO()
    call_command("setup_periodic_tasks", stdout=out)
    assert f"Periodic tasks: {len(OWNED)} created, 0 updated, 0 unchanged" in out.getvalue()
    before = {row.name: row.date_changed for row in PeriodicTask.objects.filter(name__in=OWNED)}

    again = setup_periodic_tasks()
    assert (again.created, again.updated, sorted(again.unchanged)) == ([], [], sorted(OWNED))
    assert {row.name: row.date_changed for row in PeriodicTask.objects.filter(name__in=OWNED)} == before


@pytest.mark.django_db
def test_the_command_adopts_the_rows_the_migrations_created():
    """The data migrations (kept as history) named their rows as the entries are named: no duplicate."""
    import importlib

    from django.apps import apps

    PeriodicTask.objects.all().delete()
    for migration in ("eligibility.migrations.0003_nightly_refresh_schedule",
                      "draws.migrations.0007_sweep_periodic_task", "draws.migrations.0008_feedcheck",
                      "invitations.migrations.0003_periodic_tasks"):
        module = importlib.import_module(migration)
        (getattr(module, "create", None) or module.create_schedule)(apps, None)
    migrated = dict(PeriodicTask.objects.values_list("name", "pk"))
    # Written out, not derived: a migration that named its row otherwise would make a duplicate.
    assert set(migrated) == {
        "Nightly: refresh assessments and raise alerts", "draws: match recent rounds never matched",
        "draws: check IRCC's rounds feed", "invitations: send due ITA reminders",
        "invitations: consultants' daily summary"}
    assert set(migrated) < set(OWNED)  # entries added later (documents', intake's) have no such row

    result = setup_periodic_tasks()

    assert set(result.created) == set(OWNED) - set(migrated) and len(result.created) == len(OWNED) - 5
    assert set(result.updated) | set(result.unchanged) == set(migrated)  # adopted, not recreated
    assert dict(PeriodicTask.objects.filter(name__in=migrated).values_list("name", "pk")) == migrated
    assert PeriodicTask.objects.filter(name__in=OWNED).count() == len(OWNED) == PeriodicTask.objects.count()


@pytest.mark.django_db
def test_each_entry_has_its_schedule_task_and_reason():
    setup_periodic_tasks()
    scan = PeriodicTask.objects.get(name="invitations: send due ITA reminders")
    assert (scan.task, scan.interval.every, scan.interval.period, scan.crontab) == (
        "invitations.tasks.scan_due_reminders", 5, "minutes", None)
    nightly = PeriodicTask.objects.get(task="eligibility.tasks.nightly_refresh")
    assert (nightly.crontab.minute, nightly.crontab.hour, str(nightly.crontab.timezone)) == (
        "30", "3", "America/Toronto")
    assert nightly.interval is None and nightly.enabled
    assert all(row.description for row in PeriodicTask.objects.filter(name__in=OWNED))


@pytest.mark.django_db
def test_an_edited_entry_is_put_back_and_a_row_it_does_not_own_is_left_alone():
    setup_periodic_tasks()
    every_hour, _ = IntervalSchedule.objects.get_or_create(every=1, period="hours")
    PeriodicTask.objects.filter(name="draws: match recent rounds never matched").update(
        interval=every_hour, enabled=False, task="draws.tasks.old_name")
    mine = PeriodicTask.objects.create(name="ops: a superuser's own task", interval=every_hour,
                                       task="draws.tasks.match_pending_draws", enabled=True)

    result = setup_periodic_tasks()

    assert result.updated == ["draws: match recent rounds never matched"]
    sweep = PeriodicTask.objects.get(name="draws: match recent rounds never matched")
    assert (sweep.task, sweep.interval.every, sweep.interval.period, sweep.enabled) == (
        "draws.tasks.match_pending_draws", 5, "minutes", True)
    mine.refresh_from_db()
    assert (mine.interval_id, mine.enabled) == (every_hour.pk, True)


@pytest.mark.django_db
def test_a_retired_entry_is_disabled_never_deleted():
    entry = Periodic(name="ops: an entry renamed since", task="draws.tasks.match_pending_draws",
                     every=dt.timedelta(hours=2), why="test")
    setup_periodic_tasks(entries=(entry,), retired=())
    assert PeriodicTask.objects.get(name=entry.name).enabled

    result = setup_periodic_tasks(entries=PERIODIC_TASKS, retired=(entry.name,))

    assert result.disabled == [entry.name]
    assert PeriodicTask.objects.get(name=entry.name).enabled is False
    assert setup_periodic_tasks(entries=PERIODIC_TASKS, retired=(entry.name,)).disabled == []


@pytest.mark.django_db
def test_an_interval_is_stored_in_its_largest_whole_unit():
    entries = (Periodic(name="ops: every 90 s", task="x", every=dt.timedelta(seconds=90), why="t"),
               Periodic(name="ops: every 2 h", task="x", every=dt.timedelta(hours=2), why="t"),
               Periodic(name="ops: weekdays", task="x", crontab="15 4 * * 1-5", why="t"))
    setup_periodic_tasks(entries=entries, retired=())
    rows = {row.name: row for row in PeriodicTask.objects.filter(name__startswith="ops: ")}
    seconds, hours = rows["ops: every 90 s"].interval, rows["ops: every 2 h"].interval
    assert (seconds.every, seconds.period, hours.every, hours.period) == (90, "seconds", 2, "hours")
    assert CrontabSchedule.objects.filter(pk=rows["ops: weekdays"].crontab_id, minute="15", hour="4",
                                          day_of_week="1-5").exists()


@pytest.mark.parametrize("kwargs", [{}, {"every": dt.timedelta(minutes=1), "crontab": "* * * * *"},
                                    {"crontab": "0 3 * *"}, {"every": dt.timedelta(0)}])
def test_an_entry_needs_exactly_one_valid_schedule(kwargs):
    with pytest.raises(ValueError):
        Periodic(name="ops: bad", task="x", why="t", **kwargs)


def test_entry_names_are_unique_and_every_task_is_registered():
    assert len(set(OWNED)) == len(OWNED)
    tasks = _our_tasks()
    assert {entry.task for entry in PERIODIC_TASKS} <= set(tasks)


def test_every_celery_task_has_a_soft_and_a_hard_time_limit():
    from config.celery import app

    tasks = _our_tasks()
    assert "invitations.tasks.deliver_reminders" in tasks
    for name, task in tasks.items():
        soft = task.soft_time_limit or app.conf.task_soft_time_limit
        hard = task.time_limit or app.conf.task_time_limit
        assert soft and hard and soft < hard, f"{name}: soft {soft}, hard {hard}"
    # Their own limits, above the default: the nightly job queues a chunk task per 2,000 clients,
    # each chunk refreshes its clients (acknowledged late: a killed worker's chunk is done again).
    assert tasks["eligibility.tasks.nightly_refresh"].time_limit > app.conf.task_time_limit
    assert tasks["eligibility.tasks.refresh_chunk"].time_limit == 6 * 60
    assert tasks["eligibility.tasks.refresh_chunk"].acks_late


def test_demo_prod_and_the_harness_run_the_command():
    assert "manage.py setup_periodic_tasks" in (ROOT / "Makefile").read_text()
    assert "manage.py setup_periodic_tasks" in (ROOT / "ops/prod.sh").read_text()
    assert "setup_periodic_tasks()" in (ROOT / "testing/services.py").read_text()


@pytest.mark.django_db
def test_expired_sessions_are_deleted_and_live_ones_kept():
    """Sessions are kept in the database: the daily entry deletes the expired ones, nothing else."""
    from datetime import timedelta

    from django.contrib.sessions.models import Session
    from django.utils import timezone

    from ops.tasks import clear_expired_sessions

    now = timezone.now()
    sessions = (("expired" + "x" * 25, now - timedelta(seconds=1)),
                ("live" + "y" * 28, now + timedelta(days=1)))
    for key, expires in sessions:
        Session.objects.create(session_key=key, session_data="e30:", expire_date=expires)
    clear_expired_sessions.apply()
    assert list(Session.objects.values_list("session_key", flat=True)) == ["live" + "y" * 28]
    setup_periodic_tasks()
    row = PeriodicTask.objects.get(task="ops.tasks.clear_expired_sessions")
    assert (row.crontab.minute, row.crontab.hour, row.enabled) == ("45", "4", True)
