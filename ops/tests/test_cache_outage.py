"""Drill: the cache's Redis stops while consultants work. Pages and edits go on, from the database.

The cache (Redis in production) only holds what can be recomputed: the firm's data version and
the counts keyed by it (clients/counts.py, dashboard/selectors.py). A real redis-server of the
drill's own serves as the cache, is stopped with SIGTERM (everything it held is gone, as in a
crash), and started again.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from clients.models import Client
from clients.tests.conftest import profile_post
from clients.tests.factories import ClientFactory, FirmFactory, member
from ops.tests.helpers import say

pytestmark = [pytest.mark.drill, pytest.mark.django_db]


@pytest.fixture
def redis_cache(private_redis, settings):
    settings.CACHES = {"default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": private_redis.url,
        "OPTIONS": settings.CACHES["default"].get("OPTIONS", {}),
    }}
    settings.DASHBOARD_CACHE_SECONDS = 60
    return private_redis


def _count(response) -> int:
    return response.context["page"].paginator.count


def test_drill_cache_redis_down_pages_and_edits_still_work(client, redis_cache):
    name = "cache-outage"
    firm = FirmFactory(name="Drill Immigration")
    consultant = member(firm, first_name="Priya")
    ana = ClientFactory(firm=firm, consultant=consultant, first_name="Ana", last_name="Reyes")
    client.force_login(consultant)
    assert client.get(reverse("dashboard")).status_code == 200
    assert _count(client.get(reverse("clients:list"))) == 1
    assert redis_cache.client().dbsize() > 0  # the counts and the firm's version are in Redis

    redis_cache.stop()
    pages = {url: client.get(url).status_code
             for url in (reverse("dashboard"), reverse("clients:list"), reverse("clients:list") + "?q=reyes",
                         reverse("clients:detail", args=[ana.pk]))}
    assert set(pages.values()) == {200}, pages
    response = client.post(reverse("clients:edit", args=[ana.pk]),
                           profile_post(consultant, client={"first_name": "Anabel", "last_name": "Reyes"}))
    assert response.status_code == 302
    assert Client.objects.get(pk=ana.pk).first_name == "Anabel"
    ClientFactory(firm=firm, consultant=consultant, first_name="Ben")
    assert _count(client.get(reverse("clients:list"))) == 2  # counted by the database meanwhile

    redis_cache.start()  # empty, as after a crash
    assert _count(client.get(reverse("clients:list"))) == 2
    assert client.get(reverse("dashboard")).status_code == 200
    assert redis_cache.client().dbsize() > 0  # caching again
    say(name, f"stopped the cache's redis :{redis_cache.port}: dashboard, list, search and client page "
              f"answered {sorted(set(pages.values()))}, a profile edit saved and a new client was counted "
              f"from the database; after the restart the counts were right and cached again")
