"""Reminder notes are stored in English (the scan compares them); pages show them in their language."""

from __future__ import annotations

import pytest
from django.utils import translation

from invitations.services import NOTE_REMOVED, NOTE_STALE
from invitations.templatetags.reminder_i18n import reminder_note


@pytest.mark.parametrize(("note", "french"), [
    (NOTE_STALE, "déjà passé au moment où l'invitation a été enregistrée"),
    (NOTE_REMOVED, "retiré du calendrier du cabinet"),
    ("deadline passed", "échéance dépassée"),
    ("the client has no email address", "le client n'a pas d'adresse courriel"),
    ("superseded by the 14-day reminder", "remplacé par le rappel à 14 jours"),
    ("application submitted", "demande soumise"),
    ("application declined", "demande déclinée"),
    ("SMTPRecipientsRefused: {'a@b.example': (550, b'no')}",
     "SMTPRecipientsRefused: {'a@b.example': (550, b'no')}"),
])
def test_notes_in_french_and_untouched_in_english(note, french):
    with translation.override("fr"):
        assert reminder_note(note) == french
    with translation.override("en"):
        assert reminder_note(note) == note
