"""The stored assessments' upsert off PostgreSQL (make demo's SQLite): the ORM path stores exactly
what the COPY path stores, inserting new rows and updating existing ones."""

from __future__ import annotations

import datetime as dt

import pytest

from demo.firms import build_clients, create_demo_firm
from eligibility import services
from eligibility.models import ClientAssessment
from eligibility.tests.report_fixtures import ensure_reference_data

pytestmark = pytest.mark.django_db

AS_OF = dt.date(2026, 12, 3)
COLUMNS = list(services._UPSERT_COLUMNS)


def _stored() -> dict[int, dict]:
    return {row["client_id"]: row for row in ClientAssessment.objects.values(*COLUMNS)}


def test_the_portable_upsert_stores_what_the_copy_upsert_stores(monkeypatch):
    ensure_reference_data()
    ids = build_clients(create_demo_firm(name="Portable upsert", prefix="portable-"), count=30, seed=5,
                        today=AS_OF)
    categories = services.category_rules(as_of=AS_OF)
    services._refresh_chunk(ids, as_of=AS_OF, categories=categories)  # PostgreSQL: COPY + upsert
    by_copy = _stored()
    assert len(by_copy) == len(ids)

    calls = []
    real = services._upsert_portable
    monkeypatch.setattr(services, "_upsert_portable",
                        lambda rows, **kw: calls.append(len(rows)) or real(rows, **kw))
    monkeypatch.setattr(services.connection, "vendor", "sqlite")
    ClientAssessment.objects.filter(client_id__in=ids[:10]).delete()  # ten to insert, twenty to update
    ClientAssessment.objects.filter(client_id__in=ids[10:]).update(crs_total=0, categories=["stale"])
    services._refresh_chunk(ids, as_of=AS_OF, categories=categories)

    assert calls == [len(ids)]
    assert _stored() == by_copy
