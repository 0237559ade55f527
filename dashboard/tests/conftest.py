"""Fixtures of the dashboard tests."""

import pytest


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Each test creates several users; a deliberately slow hasher would dominate the run."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _no_aggregate_cache(settings):
    """Each test sees its own writes at once; test_cache.py turns the cache on where it is the subject."""
    settings.DASHBOARD_CACHE_SECONDS = 0
