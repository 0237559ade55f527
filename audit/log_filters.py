"""Keep personal data out of the logs: email addresses and phone numbers are masked.

Attached to every log handler in config/settings.py (LOGGING), so it applies to the
application's own loggers, Django's, Celery's and third-party ones alike, including the
text of exceptions and tracebacks.
"""

from __future__ import annotations

import logging
import re

# An address as written, or percent-encoded in a logged URL (?q=ana%40mail.example). Tried only
# where a run of address characters starts: from every position, a long run without "@" (a
# 40,000-character value in a log line) took 40 s to scan, time spent inside the logging call.
EMAIL_RE = re.compile(r"(?<![\w.+%-])[\w.+%-]+(?:@|%40)[\w-]+(?:\.[\w-]+)+", re.IGNORECASE)

# Phone numbers by their shapes, not by a count of digits: a count also caught the "status bytes"
# pair of every access-log line ("200 232914"), IPv4 addresses and other numbers side by side.
# Separators include "+" and "%20" (a space in a logged query string). `(?<!...)`/`(?!...)`: never part
# of a longer token (a path, a time, a version, a hex id).
_SEP = r"(?:[\s.+-]|%20)"
PHONE_RE = re.compile(
    rf"""(?<![\w.:/%+-])
    (?!\d{{1,3}}(?:\.\d{{1,3}}){{3}}(?![\d.]))  # an IPv4 address
    (?:
        (?:\+|%2B)\d{{1,3}}(?:{_SEP}{{0,2}}\(?\d{{1,4}}\)?){{2,6}}  # international: +33 6 12 34 56 78
      | (?:1{_SEP}?)?(?:\(\d{{3}}\){_SEP}?|\d{{3}}{_SEP}{{1,2}})\d{{3}}{_SEP}\d{{4}}  # North American
      | 1?\d{{10}}  # the same without separators: 4165550199
      | \d{{2,4}}(?:{_SEP}\d{{2,4}}){{2,5}}  # national, three groups or more: 06 12 34 56 78
    )
    (?![\w:/])""",
    re.VERBOSE | re.IGNORECASE,
)

EMAIL_MASK = "[email]"
PHONE_MASK = "[phone]"


def scrub(text: str) -> str:
    """`text` with email addresses and phone numbers replaced by placeholders."""
    return PHONE_RE.sub(_phone_or_keep, EMAIL_RE.sub(EMAIL_MASK, text))


def _phone_or_keep(match: re.Match) -> str:
    # E.164 numbers have at most 15 digits; the shortest national numbers with their area code
    # 9 (Spain, France without the 0). Shorter runs in phone-like groups are dates (2026-11-25),
    # sizes or counters.
    text = match.group()
    digits = len(re.sub(r"\D", "", text.upper().replace("%2B", "+")))
    return PHONE_MASK if 9 <= digits <= 15 else text


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
