"""French typography in the catalog and in email subjects: a no-break space before : ; ? ! and inside « »."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import polib
import pytest
from django.utils import translation

from invitations.emails import one_line

CATALOG = Path(__file__).resolve().parents[2] / "locale" / "fr" / "LC_MESSAGES" / "django.po"
PLAIN_SPACE_BEFORE = re.compile(r" [:;?!]|« | »")
NO_SPACE_BEFORE = re.compile(r"(?<![\s\u00a0\u202f\d\"'])[;?!](?=\s|$|<)")
ENTITY = re.compile(r"&#?\w+;")


def _msgstrs():
    for entry in polib.pofile(str(CATALOG)):
        if not entry.obsolete:
            yield entry.msgid, [entry.msgstr, *entry.msgstr_plural.values()]


def test_every_french_msgstr_has_a_no_break_space_before_high_punctuation_and_inside_guillemets():
    bad = {msgid: text for msgid, texts in _msgstrs() for text in texts
           if PLAIN_SPACE_BEFORE.search(text) or NO_SPACE_BEFORE.search(ENTITY.sub("", text))}
    assert bad == {}


def test_the_check_finds_a_plain_space():
    assert PLAIN_SPACE_BEFORE.search("Supprimer ce client ?")
    assert NO_SPACE_BEFORE.search("dans le futur; laissez")
    assert not PLAIN_SPACE_BEFORE.search("Supprimer ce client\u00a0?")
    assert not NO_SPACE_BEFORE.search(ENTITY.sub("", "a &amp; b"))


def test_a_subject_on_one_line_keeps_its_no_break_spaces():
    assert one_line("ITA Desk\u00a0: 2 invitations\n  demandent votre attention ") == (
        "ITA Desk\u00a0: 2 invitations demandent votre attention")


@pytest.mark.django_db
def test_the_french_digest_subject_keeps_the_no_break_space_before_the_colon(monkeypatch):
    from clients.tests.factories import member
    from invitations import emails
    from invitations.emails import digest_message

    real = emails.render_to_string
    monkeypatch.setattr(emails, "render_to_string",  # the subject as built; the body is not under test
                        lambda name, context: real(name, context) if "subject" in name else "")
    user = member(role="consultant")
    user.membership.language = "fr"
    user.membership.save()
    rows = [{"days_left": 3, "overdue": []}] * 2
    message = digest_message(user, rows, today=dt.date(2026, 12, 15))
    assert message.subject.startswith("ITA Desk\u00a0: 2 invitations demandent")
    with translation.override("en"):
        english = digest_message(member(role="consultant"), rows, today=dt.date(2026, 12, 15))
        assert english.subject.startswith("ITA Desk: 2 invitations need")


@pytest.fixture(autouse=True)
def _english_afterwards():
    """A French request leaves French active in this thread; later tests expect English."""
    yield
    translation.activate("en")
