"""Limits on what people may type, defined once and used by every app's models and forms.

Two concerns:
- Single-line fields (names, email addresses, a firm's name): no line breaks or other
  control characters. These values reach email headers (To, Cc, From) and file names; a
  CR LF there is a header injection that Django refuses at send time (BadHeaderError), too
  late for a message on the field, so they are refused when typed.
- Free text (notes): a length limit with a message, so one record cannot grow to megabytes
  that every view of the client then serves.

Model fields carry these validators, so the client pages, the admin and `full_clean()` all
refuse the same values with the same message.
"""

from __future__ import annotations

import unicodedata

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

# Free text a consultant writes about a client: about ten pages of notes.
NOTES_MAX_LENGTH = 10_000
# A search box: longer than any name, email or profile number it can match.
SEARCH_MAX_LENGTH = 200

# Control characters (Cc: C0, DEL, C1 such as U+0085) and the Unicode line and paragraph
# separators: each can end a header line for some mail or file-name parser.
_LINE_BREAKING_CATEGORIES = {"Cc", "Zl", "Zp"}


def has_control_characters(value: str) -> bool:
    """Whether `value` holds a line break or another control character (tab included)."""
    return any(unicodedata.category(ch) in _LINE_BREAKING_CATEGORIES for ch in value)


@deconstructible
class SingleLineValidator:
    """Refuses line breaks and other control characters in a one-line field."""

    message = _("Remove the line break or control character: this field must be a single line of text.")
    code = "control_characters"

    def __call__(self, value) -> None:
        if value and has_control_characters(str(value)):
            raise ValidationError(self.message, code=self.code)

    def __eq__(self, other) -> bool:
        return isinstance(other, SingleLineValidator)

    def __hash__(self) -> int:
        return hash(self.code)


single_line = SingleLineValidator()


def notes_length() -> MaxLengthValidator:
    """The model-level limit of a notes field (the form field gets the same max_length)."""
    return MaxLengthValidator(NOTES_MAX_LENGTH)
