"""The client page's eligibility panel (eligibility/summary.py) scores the spec's worked example
as the engine does, whatever the day it is read."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from clients.models import Client
from clients.tests.conftest import consultant, firm, logged_in, spec_example_post  # noqa: F401 - fixtures
from eligibility.services import assess_client, clients_with_facts

TODAY = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)
pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(TODAY, tick=False)]


@pytest.fixture
def spec_client(logged_in, consultant, django_capture_on_commit_callbacks) -> Client:  # noqa: F811
    """The assessment spec's example, created through the form (so the stored assessment exists)."""
    with django_capture_on_commit_callbacks(execute=True):
        logged_in.post(reverse("clients:create"), spec_example_post(consultant))
    return Client.objects.get()


def test_spec_example_scores_the_same_on_the_spec_date_and_today(spec_client):
    client = clients_with_facts(Client.objects.filter(pk=spec_client.pk)).get()
    on_spec_date = assess_client(client, as_of=dt.date(2026, 11, 24)).to_dict()
    today = assess_client(client, as_of=dt.date(2026, 11, 25)).to_dict()
    assert on_spec_date["crs"] == today["crs"] and on_spec_date["crs"]["total"] == 582
    assert on_spec_date["programs"]["fsw"]["points"] == today["programs"]["fsw"]["points"] == 87
