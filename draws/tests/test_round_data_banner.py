"""The "round data may be out of date" banner on the dashboard and the round history."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from clients.tests.factories import member
from draws import freshness
from draws.models import FeedCheck
from draws.tests.factories import DrawFactory

NOW = timezone.make_aware(timezone.datetime(2026, 12, 3, 12, 0))
TODAY = date(2026, 12, 3)
PAGES = ("dashboard", "draws:history")

pytestmark = [pytest.mark.django_db]


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def consultant(client):
    client.force_login(member())
    return client


def rounds(*days_ago: int) -> None:
    for n, days in enumerate(days_ago):
        DrawFactory(round_number=str(500 + n), drawn_on=TODAY - timedelta(days=days))


def checked(hours_ago: float, status=FeedCheck.Status.NOT_MODIFIED, **fields) -> FeedCheck:
    at = NOW - timedelta(hours=hours_ago)
    return FeedCheck.objects.create(url="https://ircc.example/feed.json", started_at=at, finished_at=at,
                                    status=status, **fields)


def banner(client, page: str) -> str | None:
    html = client.get(reverse(page)).content.decode()
    start = html.find('id="round-data-stale"')
    return None if start < 0 else html[start:html.find("</div>", start)]


def test_rounds_checked_an_hour_ago_and_held_on_rhythm_show_no_banner(consultant):
    rounds(2, 9, 16, 30)
    checked(1)
    for page in PAGES:
        assert banner(consultant, page) is None


def test_no_successful_check_for_a_day_shows_when_it_last_succeeded_to_everyone(consultant):
    rounds(2, 9, 16)
    checked(25, status=FeedCheck.Status.IMPORTED)
    checked(1, status=FeedCheck.Status.FAILED, http_status=500, error="HTTP 500 Internal Server Error")
    for page in PAGES:
        text = banner(consultant, page)
        assert "Round data may be out of date." in text
        assert "last checked successfully on Dec 2, 2026, 11:00" in text  # TIME_ZONE: Toronto


def test_a_feed_never_checked_says_so(consultant):
    rounds(2)
    assert "has not been checked successfully yet" in banner(consultant, "dashboard")


def test_a_newest_round_older_than_the_usual_rhythm_shows_the_banner_without_polling(consultant, settings):
    settings.IRCC_ROUNDS_URL = ""  # the demo: no check, so only the rounds' own dates count
    rounds(20, 27, 34, 41)  # weekly, then nothing for 20 days
    text = banner(consultant, "draws:history")
    assert "The newest round recorded is from Nov 13, 2026" in text and "every 14 days" in text
    assert "checked" not in text
    DrawFactory(round_number="600", drawn_on=TODAY - timedelta(days=3))
    assert banner(consultant, "draws:history") is None


def test_the_rhythm_is_the_longest_recent_gap():
    dates = [TODAY - timedelta(days=d) for d in (0, 10, 35, 36)]
    assert freshness.usual_rhythm(dates) == timedelta(days=25)
    assert freshness.usual_rhythm(dates[:2]) == freshness.MIN_RHYTHM
    assert freshness.usual_rhythm([]) == freshness.MIN_RHYTHM


def test_staff_see_the_failed_check_and_consultants_do_not(client, consultant, django_user_model):
    rounds(2)
    checked(3)
    checked(1, status=FeedCheck.Status.MALFORMED, http_status=200,
            error="Round 435, field drawCRS: 'x' is not a number")
    assert "round-feed-failed" not in consultant.get(reverse("draws:history")).content.decode()
    staff = member(username="dora")
    staff.is_staff = True
    staff.save()
    client.force_login(staff)
    html = client.get(reverse("draws:history")).content.decode()
    assert "Staff: the last check of IRCC's rounds feed (Dec 3, 2026, 11:00) failed" in html
    assert "Round 435, field drawCRS" in html and reverse("admin:draws_feedcheck_changelist") in html


def test_the_banner_is_in_french_on_french_pages(consultant):
    rounds(2)
    html = consultant.get(reverse("dashboard"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Les données des rondes peuvent être périmées." in html


def test_the_freshness_costs_one_query(django_assert_num_queries):
    rounds(2, 9, 16)
    checked(1)
    with django_assert_num_queries(1):
        state = freshness.round_data_freshness(for_staff=True)
    assert not state.is_stale and state.newest_round_on == TODAY - timedelta(days=2)
