"""Keep personal data out of the logs: email addresses and phone numbers are masked.

Attached to every log handler in config/settings.py (LOGGING), so it applies to the
application's own loggers, Django's, Celery's and third-party ones alike, including the
text of exceptions and tracebacks.
"""

from __future__ import annotations

import logging
import re

EMAIL_RE = re.compile(r"[\w.+%-]+@[\w-]+(?:\.[\w-]+)+")
# North American and international numbers written with or without separators:
# +1 (416) 555-0199, 416.555.0199, 4165550199, +33 6 12 34 56 78. Dates and times
# (2026-11-25, 12:30:00) do not match: at least 9 digits with phone-style separators.
PHONE_RE = re.compile(r"(?<![\w.:/-])\+?\d(?:[\s().-]{0,2}\d){8,14}(?![\w:/])")

EMAIL_MASK = "[email]"
PHONE_MASK = "[phone]"


def scrub(text: str) -> str:
    """`text` with email addresses and phone numbers replaced by placeholders."""
    return PHONE_RE.sub(_phone_or_keep, EMAIL_RE.sub(EMAIL_MASK, text))


def _phone_or_keep(match: re.Match) -> str:
    digits = re.sub(r"\D", "", match.group())
    # ISO dates (20261125) and compact timestamps are runs of 8 digits at most; durations and
    # counters with no separator and fewer than 10 digits are not phone numbers either.
    if len(digits) < 10 and not re.search(r"[\s().-]", match.group()):
        return match.group()
    return PHONE_MASK


class ScrubPersonalDataFilter(logging.Filter):
    """Rewrite each record's message (and exception text) with personal data masked."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a malformed record must still be logged, scrubbed
            message = f"{record.msg!r} {record.args!r}"
        record.msg, record.args = scrub(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            # Formatters print exc_text; dropping exc_info stops any handler from re-rendering
            # the unmasked traceback.
            record.exc_text, record.exc_info = scrub(record.exc_text), None
        if record.stack_info:
            record.stack_info = scrub(record.stack_info)
        return True
