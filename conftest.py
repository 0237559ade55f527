"""Project-wide pytest fixtures: real PostgreSQL and Redis, plain static storage."""

from __future__ import annotations

import os

import pytest


@pytest.fixture(scope="session", autouse=True)
def _real_services_answer():
    """Tests run against real PostgreSQL and Redis; an unreachable one is a failure, never a skip."""
    from django.conf import settings
    from django.db import connection

    if connection.vendor != "postgresql" and os.environ.get("CI") == "true":
        pytest.fail("CI=true but DATABASE_URL does not point at PostgreSQL")
    if settings.REDIS_URL:
        import redis

        try:
            redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=3).ping()
        except redis.exceptions.ConnectionError as exc:
            pytest.fail(f"Redis at {settings.REDIS_URL} does not answer: {exc}")
    elif os.environ.get("CI") == "true":
        pytest.fail("CI=true but REDIS_URL is not set")


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def firm_factory(db):
    from clients.tests.factories import FirmFactory

    return FirmFactory
