"""Fixtures of the dashboard tests."""

import pytest


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Each test creates several users; a deliberately slow hasher would dominate the run."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
