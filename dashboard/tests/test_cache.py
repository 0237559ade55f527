"""The counts over every client in scope are cached for a minute, per scope, day and database."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dashboard.tests.helpers import NOW, invite, match, office, round_
from dashboard.tests.helpers import client as make_client
from eligibility.models import ClientAssessment

pytestmark = pytest.mark.django_db


@pytest.fixture
def local_cache(settings):
    """A cache of the test's own (never the shared Redis), with the dashboard's caching on."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                   "LOCATION": "dashboard-cache-test"}}
    settings.DASHBOARD_CACHE_SECONDS = 60


def in_pool(response) -> int:
    return next(s.count for s in response.context["status_counts"] if s.status == "in_pool")


def test_counts_over_every_client_are_reused_for_a_minute_then_recomputed(
        client, local_cache, django_assert_num_queries):
    """Writes that bypass model signals (the nightly refresh's bulk updates, round matching) lag a minute."""
    team = office()
    draw = round_("901", days_ago=2, lowest_crs=450)
    mine = client_of(team, crs=500)
    match(draw, mine, 500)
    theirs = make_client(team.firm, team.marc, crs=480)
    client.force_login(team.claire)
    with time_machine.travel(NOW, tick=False):
        with CaptureQueriesContext(connection) as first:
            client.get(reverse("dashboard"))
        uncached = len(first.captured_queries)  # now: the next request clears the connection's log
        ClientAssessment.objects.filter(client=mine).update(crs_total=530)  # as the nightly refresh writes
        match(draw, theirs, 480)  # as the after-draw job writes (INSERT ... SELECT)
        # No status count, score distribution, match count per round, deadline or overdue totals,
        # or per-category counts.
        with django_assert_num_queries(uncached - 6):
            cached = client.get(reverse("dashboard"))
        assert in_pool(cached) == 1 and cached.context["histogram"]["bins"][0]["from"] == 500
        firm = client.get(reverse("dashboard"), {"scope": "firm"})  # another scope: an entry of its own
        assert in_pool(firm) == 2 and firm.context["new_matches"][0].count == 2
        with django_assert_num_queries(uncached - 6):
            client.get(reverse("dashboard"), {"scope": "firm"})
    with time_machine.travel(NOW + dt.timedelta(seconds=61), tick=False):
        fresh = client.get(reverse("dashboard"))
    assert fresh.context["histogram"]["bins"][0]["from"] == 530


def test_an_edit_shows_at_once(client, local_cache):
    """Saving or deleting a client, an invitation or a checklist item bumps the firm's data version."""
    team = office()
    client_of(team, crs=500)
    client.force_login(team.claire)
    with time_machine.travel(NOW, tick=False):
        assert in_pool(client.get(reverse("dashboard"))) == 1
        second = client_of(team, crs=510)
        assert in_pool(client.get(reverse("dashboard"))) == 2
        invitation = invite(second, days_ago=50)  # 10 days left
        shown = client.get(reverse("dashboard")).context["deadlines"]
        assert (shown.total, shown.urgent, shown.soon) == (1, 0, 1)
        item = invitation.checklist.order_by("start_by").first()
        item.status = "requested"
        item.save()
        before = shown.overdue_total
        assert before > 0
        assert client.get(reverse("dashboard")).context["deadlines"].overdue_total == before - 1
        second.delete()
        after = client.get(reverse("dashboard"))
        assert in_pool(after) == 1 and after.context["deadlines"].total == 0


def client_of(team, **kwargs):
    return make_client(team.firm, team.claire, **kwargs)
