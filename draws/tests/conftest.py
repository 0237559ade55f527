"""Fixtures of the draws tests."""

from __future__ import annotations

import pytest


@pytest.fixture
def reference_data(db):
    """NOC codes and categories, as the migrations load them (see testing.services)."""
    from testing.services import ensure_reference_data

    ensure_reference_data()
