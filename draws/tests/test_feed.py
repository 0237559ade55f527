"""Checking IRCC's rounds feed against a real HTTP server on loopback, well served and badly served."""

from __future__ import annotations

import io
import json
import threading
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from clients.tests.factories import FirmFactory, member
from config.celery import app
from draws import feed, services, tasks
from draws.models import Draw, DrawDigest, DrawMatch, FeedCheck
from draws.tests.factories import category
from draws.tests.feed_server import FeedServer
from draws.tests.test_matching import _candidate
from eligibility.services import refresh_assessments

FULL = Path(__file__).resolve().parent.parent / "data" / "ircc-rounds-full.json"
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]


def feed_with_new_round(**changes) -> bytes:
    """The shipped feed plus round 435, held today: 'Healthcare, 3,000 ITAs, lowest CRS 434'."""
    doc = json.loads(FULL.read_text(encoding="utf-8"))
    today = timezone.localdate()
    text = f"{MONTHS[today.month - 1]} {today.day}, {today.year}"
    new = dict(doc["rounds"][0], drawNumber="435", drawDate=today.isoformat(), drawDateFull=text,
               drawName="Healthcare and Social Services Occupations, 2026-Version 3", drawSize="3,000",
               drawCRS="434", drawDateTime=f"{text} at 14:00:00 UTC", drawCutOff=f"{text} at 09:00:00 UTC")
    new.update(changes)
    doc["rounds"].insert(0, new)
    return json.dumps(doc).encode()


def feed_with_round_changed(number: str, **changes) -> bytes:
    doc = json.loads(FULL.read_text(encoding="utf-8"))
    for r in doc["rounds"]:
        if r["drawNumber"] == number:
            r.update(changes)
    return json.dumps(doc).encode()


@pytest.fixture
def server():
    s = FeedServer(FULL.read_bytes()).start()
    yield s
    s.stop()


@pytest.fixture
def eager():
    """Celery tasks run in the calling thread (the after-draw job, as in the demo)."""
    saved = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = saved


def rounds_snapshot() -> dict[str, tuple]:
    return {d.round_number: (d.lowest_crs, d.invitations_issued, d.updated_at)
            for d in Draw.objects.only("round_number", "lowest_crs", "invitations_issued", "updated_at")}


@pytest.fixture
def imported(db, server):
    """The shipped full feed, imported by a first check."""
    check = feed.check_ircc_feed(url=server.url)
    assert check.status == FeedCheck.Status.IMPORTED
    return check


# --- the normal path ---------------------------------------------------------------------------------

def test_the_first_check_imports_the_full_feed_and_keeps_its_validators(imported, server):
    assert (imported.http_status, imported.rounds_read, imported.rounds_added, imported.rounds_updated) == (
        200, 435, 435, 0)
    assert imported.etag.startswith('"') and imported.last_modified.endswith("GMT")
    assert imported.finished_at >= imported.started_at and imported.error == ""
    assert Draw.objects.count() == 435
    assert "If-None-Match" not in server.requests[0]


def test_the_next_check_is_conditional_and_a_304_changes_nothing(imported, server):
    before = rounds_snapshot()
    check = feed.check_ircc_feed(url=server.url)
    assert server.requests[-1]["If-None-Match"] == imported.etag
    assert server.requests[-1]["If-Modified-Since"] == imported.last_modified
    assert (check.status, check.http_status, check.rounds_read) == (FeedCheck.Status.NOT_MODIFIED, 304, 0)
    assert rounds_snapshot() == before


def test_a_round_changed_in_place_is_updated_not_duplicated(imported, server):
    server.body = feed_with_round_changed("434", drawCRS="471", drawSize="350")
    check = feed.check_ircc_feed(url=server.url)
    assert (check.status, check.rounds_added, check.rounds_updated) == (FeedCheck.Status.IMPORTED, 0, 1)
    assert Draw.objects.filter(round_number="434").get().lowest_crs == 471
    assert Draw.objects.count() == 435


def test_the_command_prints_the_counts_then_that_the_feed_was_not_modified(db, server):
    out = io.StringIO()
    call_command("check_ircc_feed", "--url", server.url, stdout=out)
    assert out.getvalue().strip() == "435 rounds read, 435 added, 0 updated, 0 unchanged"
    server.body = feed_with_round_changed("434", drawCRS="471")
    out = io.StringIO()
    call_command("check_ircc_feed", "--url", server.url, stdout=out)
    assert out.getvalue().strip() == "435 rounds read, 0 added, 1 updated, 434 unchanged"
    out = io.StringIO()
    call_command("check_ircc_feed", "--url", server.url, stdout=out)
    assert out.getvalue().strip() == "The feed was not modified since the last check."


# --- a feed that fails changes nothing ----------------------------------------------------------------

@pytest.mark.parametrize(("mode", "http_status", "message"), [
    ("error", 500, "HTTP 500"),
    ("truncated", 200, "cut off after"),
    ("slow", None, "no answer within 0.5 s"),
    ("trickle", 200, "took longer than 0.5 s"),
])
def test_a_failed_truncated_or_slow_answer_changes_nothing_and_is_recorded(
        imported, server, mode, http_status, message):
    server.body = feed_with_round_changed("434", drawCRS="471")  # a change that must not land
    server.mode, server.delay = mode, 2.0
    before = rounds_snapshot()
    check = feed.check_ircc_feed(url=server.url, timeout=0.5)
    assert check.status == FeedCheck.Status.FAILED
    assert check.http_status == http_status and message in check.error
    assert rounds_snapshot() == before
    assert check.etag == ""  # the next check asks again with the last good validators
    server.mode = "ok"
    assert feed.check_ircc_feed(url=server.url).rounds_updated == 1


@pytest.mark.parametrize(("body", "message"), [
    (b'{"rounds": [{"drawNumber": "435", "drawDate": "2026-', "not valid JSON"),
    (feed_with_round_changed("434", drawCRS="lots"), "Round 434, field drawCRS"),
    (b"<html>Maintenance</html>", "not valid JSON"),
])
def test_a_malformed_feed_changes_nothing_and_names_the_problem(imported, server, body, message):
    server.body = body
    before = rounds_snapshot()
    check = feed.check_ircc_feed(url=server.url)
    assert (check.status, check.http_status) == (FeedCheck.Status.MALFORMED, 200)
    assert message in check.error
    assert rounds_snapshot() == before
    with pytest.raises(CommandError) as exc:
        call_command("check_ircc_feed", "--url", server.url, stdout=io.StringIO())
    assert exc.value.returncode == 2 and message in str(exc.value) and "nothing changed" in str(exc.value)
    assert rounds_snapshot() == before


def test_the_command_exits_1_when_the_feed_cannot_be_fetched(db, server):
    server.mode = "error"
    with pytest.raises(CommandError) as exc:
        call_command("check_ircc_feed", "--url", server.url, stdout=io.StringIO())
    assert exc.value.returncode == 1 and "HTTP 500" in str(exc.value)
    assert not Draw.objects.exists()
    assert FeedCheck.objects.get().status == FeedCheck.Status.FAILED


def test_an_abandoned_running_check_is_closed_after_the_lease(imported, server):
    stuck = FeedCheck.objects.create(url=server.url, status=FeedCheck.Status.RUNNING,
                                     started_at=timezone.now() - feed.CHECK_LEASE - timedelta(minutes=1))
    assert feed.check_ircc_feed(url=server.url).status == FeedCheck.Status.NOT_MODIFIED
    stuck.refresh_from_db()
    assert stuck.status == FeedCheck.Status.FAILED and "abandoned" in stuck.error


# --- beat --------------------------------------------------------------------------------------------

def test_beat_checks_only_when_due_and_not_at_all_without_an_address(db, server, settings):
    settings.IRCC_ROUNDS_URL = server.url
    settings.IRCC_ROUNDS_EVERY_MINUTES = 30
    assert tasks.check_ircc_feed() == "imported"
    assert tasks.check_ircc_feed() == "not due"
    FeedCheck.objects.update(started_at=timezone.now() - timedelta(minutes=30))
    assert tasks.check_ircc_feed() == "not_modified"
    settings.IRCC_ROUNDS_URL = ""
    FeedCheck.objects.update(started_at=timezone.now() - timedelta(days=1))
    assert tasks.check_ircc_feed() == "off (IRCC_ROUNDS_URL is empty)"
    assert FeedCheck.objects.count() == 2


def test_the_migration_creates_the_beat_entry_for_the_task(db):
    import importlib

    from django.apps import apps
    from django_celery_beat.models import PeriodicTask

    PeriodicTask.objects.filter(task="draws.tasks.check_ircc_feed").delete()
    importlib.import_module("draws.migrations.0008_feedcheck").create(apps, None)
    entry = PeriodicTask.objects.get(task="draws.tasks.check_ircc_feed")
    assert (entry.interval.every, entry.interval.period, entry.enabled) == (1, "minutes", True)
    assert tasks.check_ircc_feed.time_limit and tasks.check_ircc_feed.soft_time_limit


# --- new rounds are matched and announced once -------------------------------------------------------

@pytest.fixture
def candidates(transactional_db):
    """Two firms' consultants, each with one client the new healthcare round would invite."""
    one, two = FirmFactory(name="Maple Immigration"), FirmFactory(name="Other Firm Inc")
    ana = member(one, email="ana@maple.example", first_name="Ana")
    cho = member(two, email="cho@other.example", first_name="Cho")
    _candidate(one, ana, "Eligible")
    _candidate(two, cho, "Otherfirm")
    _candidate(one, ana, "Below", ielts=(6, 6, 6, 6))
    refresh_assessments(as_of=timezone.localdate())
    return {"ana": ana, "cho": cho}


@pytest.mark.django_db(transaction=True)
def test_two_workers_polling_at_once_match_and_announce_the_new_round_once(
        candidates, server, smtp_server, eager):
    assert feed.check_ircc_feed(url=server.url).rounds_added == 435  # history: nobody is emailed
    assert smtp_server.messages == [] and not DrawMatch.objects.exists()
    server.body, server.hold = feed_with_new_round(), 1.0  # both requests are in flight together
    start, checks = threading.Barrier(2), []

    def poll():
        start.wait()
        try:
            checks.append(feed.check_ircc_feed(url=server.url))
        finally:
            connection.close()

    workers = [threading.Thread(target=poll) for _ in range(2)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(30)
    assert sorted(c.status for c in checks) == [FeedCheck.Status.IMPORTED, FeedCheck.Status.SKIPPED]
    assert next(c for c in checks if c.status == FeedCheck.Status.IMPORTED).rounds_added == 1
    draw = Draw.objects.get(round_number="435")
    assert draw.category == category("healthcare_social", timezone.localdate()) and draw.matched_at
    matched = sorted(m.client.last_name for m in DrawMatch.objects.filter(draw=draw))
    assert matched == ["Eligible", "Otherfirm"]
    assert sorted(m["To"] for m in smtp_server.wait_for(2)) == ["ana@maple.example", "cho@other.example"]

    server.hold = 0.0
    for _ in range(2):  # later checks: 304, then a full answer after the validators are lost
        feed.check_ircc_feed(url=server.url)
        FeedCheck.objects.update(etag="", last_modified="")
    assert DrawMatch.objects.filter(draw=draw).count() == 2
    assert DrawDigest.objects.filter(draw=draw, sent_at__isnull=False).count() == 2
    assert len(smtp_server.messages) == 2


@pytest.mark.django_db(transaction=True)
def test_a_round_typed_by_an_admin_then_published_is_the_same_round(candidates, server, smtp_server, eager):
    feed.check_ircc_feed(url=server.url)
    typed = services.record_draw(Draw(round_number="435", drawn_on=timezone.localdate(),
                                      type=Draw.Type.CATEGORY,
                                      category=category("healthcare_social", timezone.localdate()),
                                      invitations_issued=3000, lowest_crs=434), by=candidates["ana"])
    assert len(smtp_server.wait_for(2)) == 2
    server.body = feed_with_new_round()
    check = feed.check_ircc_feed(url=server.url)
    assert (check.rounds_added, check.rounds_updated) == (0, 1)  # IRCC's times and pool figures added
    draw = Draw.objects.get(round_number="435")
    assert draw.pk == typed.pk and draw.source == Draw.Source.MANUAL and draw.drawn_at is not None
    assert Draw.objects.count() == 436
    assert DrawMatch.objects.filter(draw=draw).count() == 2
    assert DrawDigest.objects.filter(draw=draw).count() == 2
    assert len(smtp_server.messages) == 2


def test_the_demo_can_import_the_shipped_feed_without_network(db):
    report = feed.import_shipped_feed()
    assert (report.read, report.added) == (435, 435)


def test_old_checks_are_pruned_but_the_last_good_one_stays_for_the_etag(imported, server):
    """Checks older than CHECKS_KEPT are deleted, except the last successful one of each address
    (its ETag makes the next request conditional, the freshness banner reads it); each check prunes."""
    long_ago = timezone.now() - feed.CHECKS_KEPT - timedelta(days=1)
    FeedCheck.objects.filter(pk=imported.pk).update(started_at=long_ago, finished_at=long_ago)
    for hours in range(1, 4):
        FeedCheck.objects.create(url=server.url, started_at=long_ago - timedelta(hours=hours),
                                 finished_at=long_ago, status=FeedCheck.Status.FAILED)
    recent = FeedCheck.objects.create(url=server.url, started_at=timezone.now() - timedelta(days=1),
                                      finished_at=timezone.now(), status=FeedCheck.Status.FAILED)
    assert feed.prune_checks() == 3
    assert set(FeedCheck.objects.values_list("pk", flat=True)) == {imported.pk, recent.pk}
    check = feed.check_ircc_feed(url=server.url)
    assert server.requests[-1]["If-None-Match"] == imported.etag
    assert check.status == FeedCheck.Status.NOT_MODIFIED
    # The new good check replaces the old one as the one kept.
    assert set(FeedCheck.objects.values_list("pk", flat=True)) == {recent.pk, check.pk}
