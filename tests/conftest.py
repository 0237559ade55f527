"""Fixtures of the cross-app security tests: one world per module, each test rolled back."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.db import transaction
from django.test.utils import override_settings

from tests.world import World, build_world


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Factories set a password per user and the login is fuzzed; the hash is not under test."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@contextmanager
def world_for_module(django_db_blocker, **names) -> Iterator[World]:
    """build_world(**names) inside a transaction that is rolled back when the module ends.

    Building it (reports, an invitation with its checklist) takes seconds on a loaded box;
    every test still runs in its own savepoint (the `db` fixture), so what one test's POST
    deletes or adds is back for the next test.
    """
    from testing.services import ensure_reference_data

    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            ensure_reference_data()
            with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
                built = build_world(**names)
            yield built
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker) -> Iterator[World]:
    """The firm, its users and objects (tests/world.py), once per module."""
    with world_for_module(django_db_blocker) as built:
        yield built
