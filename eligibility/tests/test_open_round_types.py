"""The stored assessment keeps the round types a client is open to (the engine's rule, once)."""

from __future__ import annotations

import importlib
from datetime import timedelta

import pytest
from django.apps import apps
from django.utils import timezone

from clients.tests.factories import (
    ClientFactory,
    EducationFactory,
    FirmFactory,
    JobFactory,
    LanguageTestFactory,
    member,
)
from eligibility import rules
from eligibility.models import ClientAssessment
from eligibility.services import refresh_assessments
from eligibility.tests.report_fixtures import ensure_reference_data

NURSE, DEVELOPER = "31301", "21231"  # on the healthcare_social list / not on it


def _candidate(firm, consultant, last_name: str, *, noc: str = NURSE, ielts=(8.5, 7.5, 7.0, 7.5),
               **client_fields):
    """A bachelor's graduate with IELTS and Canadian work since 3.5 years ago (CEC eligible)."""
    today = timezone.localdate()
    client = ClientFactory(firm=firm, consultant=consultant, last_name=last_name, **client_fields)
    EducationFactory(client=client, level="bachelors")
    LanguageTestFactory(client=client, taken_on=today - timedelta(days=200),
                        listening=ielts[0], reading=ielts[1], writing=ielts[2], speaking=ielts[3])
    JobFactory(client=client, noc_id=noc, start_on=today - timedelta(days=3 * 365 + 180))
    return client


@pytest.fixture
def stored(db):
    ensure_reference_data()
    firm = FirmFactory()
    ana = member(firm)
    _candidate(firm, ana, "Nurse")
    _candidate(firm, ana, "Nominee", has_provincial_nomination=True)
    _candidate(firm, ana, "Developer", noc=DEVELOPER)
    _candidate(firm, ana, "Noprogram", ielts=(4.5, 3.5, 4.0, 4.0))
    assert refresh_assessments(as_of=timezone.localdate()) == 4
    return {a.client.last_name: a for a in ClientAssessment.objects.select_related("client")}


def test_the_stored_round_types_are_the_engines_rule_on_the_stored_result(stored):
    for a in stored.values():
        assert a.open_round_types == rules.open_round_types(
            a.result, provincial_nomination=a.client.has_provincial_nomination)
    nurse, nominee = stored["Nurse"].open_round_types, stored["Nominee"].open_round_types
    assert {"general", "cec", "category:healthcare_social"} <= set(nurse)
    assert "pnp" not in nurse and "pnp" in nominee
    assert not any(t.startswith("category:") for t in stored["Developer"].open_round_types)
    assert stored["Noprogram"].open_round_types == []  # no program: open to no round at all


def test_the_migration_fills_the_round_types_of_assessments_stored_before_it(stored):
    ClientAssessment.objects.update(open_round_types=[])
    migration = importlib.import_module("eligibility.migrations.0007_open_round_types")
    migration.fill_open_round_types(apps, None)
    for a in ClientAssessment.objects.select_related("client"):
        assert a.open_round_types == stored[a.client.last_name].open_round_types
    assert "pnp" in ClientAssessment.objects.get(client__last_name="Nominee").open_round_types
