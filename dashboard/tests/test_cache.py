"""The counts over every client in scope are cached for a minute, per scope, day and database."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dashboard.tests.helpers import NOW, client, match, office, round_

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
    team = office()
    draw = round_("901", days_ago=2, lowest_crs=450)
    match(draw, client_of(team, crs=500), 500)
    client.force_login(team.claire)
    with time_machine.travel(NOW, tick=False):
        with CaptureQueriesContext(connection) as first:
            client.get(reverse("dashboard"))
        match(draw, client_of(team, crs=520), 520)
        # No status count, no score distribution, no match count per round: three queries fewer.
        with django_assert_num_queries(len(first.captured_queries) - 3):
            cached = client.get(reverse("dashboard"))
        assert in_pool(cached) == 1 and cached.context["histogram"]["total"] == 1
        assert cached.context["new_matches"][0].count == 1
        firm = client.get(reverse("dashboard"), {"scope": "firm"})  # another scope: an entry of its own
        assert in_pool(firm) == 2 and firm.context["new_matches"][0].count == 2
    with time_machine.travel(NOW + dt.timedelta(seconds=61), tick=False):
        fresh = client.get(reverse("dashboard"))
    assert in_pool(fresh) == 2 and fresh.context["histogram"]["total"] == 2
    assert fresh.context["new_matches"][0].count == 2


def client_of(team, **kwargs):
    return client(team.firm, team.claire, **kwargs)
