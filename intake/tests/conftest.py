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
from intake import changes
from intake.forms import QuestionnaireForms


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


def current_post(client) -> dict[str, str]:
    """The questionnaire POST that sends the profile exactly as recorded."""
    from clients.models import Client

    fresh = Client.objects.select_related("spouse").get(pk=client.pk)
    before = changes.snapshot(fresh, QuestionnaireForms(instance=fresh))
    return changes.form_data(before, changes.with_spouse_defaults(before, QuestionnaireForms(instance=fresh)))


def questionnaire(client, post: dict) -> QuestionnaireForms:
    from clients.models import Client

    fresh = Client.objects.select_related("spouse").get(pk=client.pk)
    return QuestionnaireForms(instance=fresh, data=post)


def sign_in_portal(browser, client) -> None:
    """Give `client` portal access and a live client session in the test browser (portal.access)."""
    import time

    from django.utils import timezone

    from portal.access import SESSION_KEY
    from portal.models import PortalAccess
    from portal.services import new_portal_user

    access = PortalAccess.objects.filter(client=client).first() or PortalAccess.objects.create(
        client=client, user=new_portal_user(), invited_at=timezone.now()
    )
    browser.logout()
    session = browser.session
    now = int(time.time())
    session[SESSION_KEY] = {
        "client": client.pk,
        "version": access.session_version,
        "started": now,
        "seen": now,
    }
    session.save()


@pytest.fixture(autouse=True)
def _own_intake_rate_limit(monkeypatch):
    """Each test counts submissions under keys of its own (the cache is the run's Redis)."""
    import uuid

    from intake import ratelimit

    monkeypatch.setattr(ratelimit, "NAMESPACE", f"intake:test-{uuid.uuid4().hex[:8]}")
