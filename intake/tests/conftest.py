"""Fixtures of the intake tests: a firm with its roles, a client with facts, questionnaire POSTs."""

from __future__ import annotations

import pytest

from clients.tests.factories import (
    ClientFactory,
    EducationFactory,
    FirmFactory,
    JobFactory,
    LanguageTestFactory,
    member,
)


@pytest.fixture
def firm(db):
    return FirmFactory(name="Maple Route Immigration", email="office@maple.example")


@pytest.fixture
def consultant(firm):
    return member(firm, "consultant", username="priya", first_name="Priya", last_name="Shah")


@pytest.fixture
def owner(firm):
    return member(firm, "owner", username="olivia")


@pytest.fixture
def assistant(firm):
    return member(firm, "assistant", username="adam")


@pytest.fixture
def client_with_facts(firm, consultant):
    client = ClientFactory(
        firm=firm,
        consultant=consultant,
        first_name="Ana",
        last_name="Reyes",
        email="ana@mail.example",
        phone="+1 555 0100",
        citizenship_countries="PH",
    )
    EducationFactory(client=client)
    LanguageTestFactory(client=client)
    JobFactory(client=client)
    return client


@pytest.fixture(autouse=True)
def _own_intake_rate_limit(monkeypatch):
    """Each test counts submissions under keys of its own (the cache is the run's Redis)."""
    import uuid

    from intake import ratelimit

    monkeypatch.setattr(ratelimit, "NAMESPACE", f"intake:test-{uuid.uuid4().hex[:8]}")
