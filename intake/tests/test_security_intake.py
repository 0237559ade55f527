"""Security review: the public intake page and the questionnaire take only the questionnaire's fields."""

from __future__ import annotations

import uuid

import pytest
from django.urls import reverse

from clients.models import Client
from clients.tests.factories import FirmFactory, member
from intake import ratelimit, services
from intake.models import FactChange
from intake.tests.test_views import _intake_post

pytestmark = pytest.mark.django_db

STAFF_FIELDS = {"status": "active", "notes": "vip", "ee_profile_number": "E123456789", "firm": "",
                "ee_submitted_at": "2026-01-01T10:00"}


@pytest.fixture(autouse=True)
def _own_counters(monkeypatch):
    monkeypatch.setattr(ratelimit, "NAMESPACE", f"intake:test-{uuid.uuid4().hex[:8]}")


def test_intake_ignores_staff_fields_and_creates_the_prospect_in_the_links_firm(
    client, firm, owner, consultant
):
    link = services.set_intake_link(firm=firm, by=owner, publish=True, consultant=consultant)
    other = FirmFactory()
    other_consultant = member(other, "consultant")
    post = _intake_post(consultant=str(other_consultant.pk), **{**STAFF_FIELDS, "firm": str(other.pk)})
    assert client.post(reverse("portal:intake", args=[link.token]), post).status_code == 302
    prospect = Client.objects.get(email="mia@mail.example")
    assert (prospect.firm_id, prospect.consultant_id, prospect.status) == (firm.pk, consultant.pk,
                                                                           Client.Status.PROSPECT)
    assert prospect.notes == "" and not prospect.ee_profile_number and prospect.ee_submitted_at is None
    change = FactChange.objects.get(client=prospect)
    assert not {"consultant", "firm", *STAFF_FIELDS} & set(change.data.get("client", {}))
    assert not Client.objects.filter(firm=other).exists()
