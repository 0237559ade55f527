"""Fixtures of the fault drills: a Redis of the drill's own, workers connected to it."""

from __future__ import annotations

import pytest

from ops.tests.helpers import PrivateRedis, Workers, celery_broker


@pytest.fixture
def private_redis():
    """A redis-server on a free port (never the machine's shared 6379), stopped at teardown."""
    from testing.services import ROOT

    (ROOT / ".pytest_cache").mkdir(exist_ok=True)
    server = PrivateRedis()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def drill_workers(private_redis, celery_workers):
    """Real Celery workers on the drill's Redis; this process publishes there too meanwhile.

    Set up after private_redis, torn down before it: workers stop while their broker is up.
    """
    with celery_broker(private_redis.url):
        yield Workers(harness=celery_workers, redis=private_redis)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """The drills create dozens of users; the default hasher is slow on purpose."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
