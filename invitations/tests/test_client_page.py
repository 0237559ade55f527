"""The invitation section on the clients app's client page (registered as a client panel)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from invitations.tests.helpers import ISSUED_AT, invited_client, new_client

pytestmark = pytest.mark.django_db


def test_section_is_on_the_client_page_with_days_left(client):
    applicant, _ = invited_client()
    with time_machine.travel(ISSUED_AT + dt.timedelta(days=20), tick=False):
        client.force_login(applicant.consultant)
        html = client.get(reverse("clients:detail", args=[applicant.pk])).content.decode()
    assert 'id="ita"' in html and "40 days left" in html


def test_client_page_without_invitation_offers_to_record_one(client):
    applicant = new_client()
    client.force_login(applicant.consultant)
    html = client.get(reverse("clients:detail", args=[applicant.pk])).content.decode()
    assert 'id="ita-record-form"' in html
    assert f'action="/invitations/clients/{applicant.pk}/record/"' in html
