"""The notes stored on reminders (English, compared by the scan) in the page's language."""

from __future__ import annotations

import re

from django import template
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_noop as _

from invitations.models import Invitation
from invitations.services import NOTE_REMOVED, NOTE_STALE

register = template.Library()

FIXED = {
    NOTE_STALE: _("already past when the invitation was recorded"),
    NOTE_REMOVED: _("removed from the firm's schedule"),
    "deadline passed": _("deadline passed"),
    "the client has no email address": _("the client has no email address"),
}
SUPERSEDED = re.compile(r"superseded by the (?P<days>\d+)-day reminder")
APPLICATION = re.compile(r"application (?P<status>[a-z_]+)")


@register.filter
def reminder_note(note: str) -> str:
    """{{ reminder.status_note|reminder_note }}: French on French pages; SMTP errors stay as received."""
    if not note or not (get_language() or "en").startswith("fr"):
        return note
    if note in FIXED:
        return gettext(FIXED[note])
    if m := SUPERSEDED.fullmatch(note):
        return gettext("superseded by the %(days)s-day reminder") % {"days": m["days"]}
    if (m := APPLICATION.fullmatch(note)) and m["status"] in Invitation.Status.values:
        status = str(Invitation.Status(m["status"]).label).lower()
        return gettext("application %(status)s") % {"status": status}
    return note
