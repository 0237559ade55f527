"""Portal tests: rate-limit counters of their own per test (the cache is the run's Redis)."""

from __future__ import annotations

import uuid

import pytest

from portal import ratelimit


@pytest.fixture(autouse=True)
def _own_rate_limit_counters(monkeypatch):
    monkeypatch.setattr(ratelimit, "NAMESPACE", f"portal:links:test-{uuid.uuid4().hex[:8]}")
