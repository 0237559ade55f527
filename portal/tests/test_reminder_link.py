"""Every reminder email links to the client portal, in both languages, text and HTML."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from invitations.emails import reminder_message
from invitations.tests.helpers import ISSUED_AT, invited_client

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("language", "sentence"), [
    ("en", "Enter this email address there to receive a sign-in link."),
    ("fr", "Saisissez-y cette adresse courriel pour recevoir un lien de connexion."),
])
def test_a_reminder_links_to_the_portal(settings, language, sentence):
    settings.SITE_URL = "https://desk.maple-route.example"
    client, invitation = invited_client(language=language)
    reminder = invitation.reminders.order_by("due_at").first()
    message = reminder_message(reminder, invitation, client, open_items=[], zone=ZoneInfo("America/Toronto"),
                               now=ISSUED_AT + dt.timedelta(days=30))
    html = message.alternatives[0][0]
    assert "https://desk.maple-route.example/portal/" in message.body and sentence in message.body
    assert 'href="https://desk.maple-route.example/portal/"' in html
