"""No personal data in logs: email addresses and phone numbers are masked in every record."""

from __future__ import annotations

import logging
import sys

import pytest

from audit.log_filters import ScrubPersonalDataFilter, scrub


@pytest.mark.parametrize("text", [
    "sent to ana.reyes+ee@mail.example",
    "call +1 (416) 555-0199 today",
    "call 416-555-0199",
    "call 416.555.0199",
    "sms 4165550199",
    "tel +33 6 12 34 56 78",
])
def test_personal_data_is_masked(text):
    scrubbed = scrub(text)
    assert "@" not in scrubbed
    assert "555" not in scrubbed and "56 78" not in scrubbed
    assert "[email]" in scrubbed or "[phone]" in scrubbed


@pytest.mark.parametrize("text", [
    "round 412 on 2026-11-25 at 14:03:22, lowest CRS 529",
    "refreshed 12345 assessments in 2.5 s",
    "GET /clients/1234/history/ 200",
    "as_of=20261125 took 1500 ms",
])
def test_ordinary_log_lines_are_untouched(text):
    assert scrub(text) == text


# Access-log lines as gunicorn (its default access_log_format) and runserver write them, and Celery's
# worker lines: the "status bytes" pair, addresses, times, sizes and task ids are not personal data.
ACCESS_AND_WORKER_LINES = [
    '127.0.0.1 - - [03/Dec/2026:07:30:59 +0000] "GET /clients/?page=2 HTTP/1.1" 200 232914 "-" '
    '"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) '
    'Chrome/131.0.6778.85 Safari/537.36"',
    '192.168.100.200 - - [03/Dec/2026:07:30:59 -0500] "GET /draws/?year=2026 HTTP/1.1" 200 2329145 '
    '"https://itadesk.example/clients/1234/" "Mozilla/5.0"',
    '10.0.0.12 - - [03/Dec/2026:07:31:00 +0000] "GET /ping/ HTTP/1.0" 200 2 "-" "curl/8.5.0"',
    '[03/Dec/2026 07:30:59] "GET /clients/1234/history/?before=2026-11-20T10:00:00%2B00:00 HTTP/1.1" '
    '200 48213',
    '[03/Dec/2026 07:31:02] "POST /login/ HTTP/1.1" 302 0',
    '[03/Dec/2026 07:31:03] "GET /static/vendor/chart.umd.min.js HTTP/1.1" 304 0',
    "[2026-12-03 07:30:58,001: INFO/MainProcess] Connected to redis://127.0.0.1:6379/0",
    "[2026-12-03 07:30:59,123: INFO/MainProcess] Task draws.tasks.match_round"
    "[8c1b4e2a-1234-4567-89ab-012345678901] received",
    "[2026-12-03 07:31:00,456: INFO/ForkPoolWorker-1] Task draws.tasks.match_round"
    "[8c1b4e2a-1234-4567-89ab-012345678901] succeeded in 1234.567890123s: 1500",
    "[2026-12-03 07:31:00,457: WARNING/MainProcess] celery@worker-1 ready.",
]


@pytest.mark.parametrize("line", ACCESS_AND_WORKER_LINES)
def test_access_log_and_worker_lines_are_untouched(line):
    """The status and size of a response ("200 232914") used to come out as "[phone]"."""
    assert scrub(line) == line


@pytest.mark.parametrize("text", [
    "416 555 0199", "(416) 555-0199", "1-416-555-0199", "+1-416-555-0199", "+14165550199",
    "+1 416 555 0199", "06 12 34 56 78", "+44 20 7946 0958", "020 7946 0958", "+91 98765 43210",
    "+86 138 0013 8000", "+61 4 1234 5678", "612 345 678",
])
def test_phone_numbers_in_north_american_and_international_formats_are_masked(text):
    assert scrub(f"client phone {text}, call back") == "client phone [phone], call back"


@pytest.mark.parametrize(("line", "expected"), [
    ('127.0.0.1 - - [03/Dec/2026:07:30:59 +0000] "GET /clients/?q=416-555-0199 HTTP/1.1" 200 232914 "-" "x"',
     '127.0.0.1 - - [03/Dec/2026:07:30:59 +0000] "GET /clients/?q=[phone] HTTP/1.1" 200 232914 "-" "x"'),
    ('[03/Dec/2026 07:30:59] "GET /clients/?q=%2B1+416+555+0199 HTTP/1.1" 200 5120',
     '[03/Dec/2026 07:30:59] "GET /clients/?q=[phone] HTTP/1.1" 200 5120'),
    ('[03/Dec/2026 07:30:59] "GET /clients/?q=416%20555%200199 HTTP/1.1" 200 5120',
     '[03/Dec/2026 07:30:59] "GET /clients/?q=[phone] HTTP/1.1" 200 5120'),
    ('[03/Dec/2026 07:30:59] "GET /clients/?q=ana.reyes%40mail.example HTTP/1.1" 200 5120',
     '[03/Dec/2026 07:30:59] "GET /clients/?q=[email] HTTP/1.1" 200 5120'),
    ("[2026-12-03 07:31:00,456: ERROR/ForkPoolWorker-1] Task invitations.tasks.deliver[8c1b4e2a] raised: "
     "SMTPRecipientsRefused({'ana@mail.example': (550, b'no such user')})",
     "[2026-12-03 07:31:00,456: ERROR/ForkPoolWorker-1] Task invitations.tasks.deliver[8c1b4e2a] raised: "
     "SMTPRecipientsRefused({'[email]': (550, b'no such user')})"),
])
def test_personal_data_inside_access_log_and_worker_lines_is_masked(line, expected):
    """A search logged in its URL (typed or percent-encoded), a refused recipient in a task's error."""
    assert scrub(line) == expected


def test_a_match_starts_only_where_a_token_starts():
    """What keeps a scan linear: tried from inside a run of letters, the email pattern rescanned the
    rest of the run each time (a 40,000-letter value in a log line took 40 s inside logging)."""
    from audit.log_filters import EMAIL_RE, PHONE_RE

    assert EMAIL_RE.match("ana@mail.example", 1) is None
    assert EMAIL_RE.match("ana@mail.example", 0)
    assert PHONE_RE.match("4165550199", 1) is None
    text = "a" * 5000
    assert scrub(text) == text


def _record(msg, *args, exc_info=None) -> logging.LogRecord:
    return logging.LogRecord("x", logging.ERROR, __file__, 1, msg, args, exc_info)


def test_filter_masks_arguments_and_tracebacks():
    try:
        raise ValueError("duplicate key (email)=(ana@mail.example)")
    except ValueError:
        record = _record("saving %s for %s", "client", "ana@mail.example", exc_info=sys.exc_info())
    assert ScrubPersonalDataFilter().filter(record) is True
    formatted = logging.Formatter().format(record)
    assert "ana@mail.example" not in formatted
    assert "saving client for [email]" in formatted
    assert "duplicate key (email)=([email])" in formatted


def test_the_configured_handlers_scrub():
    """settings.LOGGING attaches the filter to the console handler used by every logger."""
    ours = [h for h in logging.getLogger().handlers + logging.getLogger("django").handlers
            if type(h) is logging.StreamHandler]  # pytest adds capture handlers of its own
    assert len(ours) == 2
    for handler in ours:
        assert any(isinstance(f, ScrubPersonalDataFilter) for f in handler.filters), handler


def test_celery_worker_logging_is_scrubbed_too():
    """Celery replaces the root handlers in a worker (hijack); audit.signals filters its handlers."""
    import os
    import subprocess
    from pathlib import Path

    code = (
        "import django, logging; django.setup();"
        "from config.celery import app; app.log.setup(loglevel='INFO', colorize=False);"
        "logging.getLogger('celery.app.trace').error('task failed for ana@mail.example 416-555-0199')"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"}
    result = subprocess.run([sys.executable, "-c", code], cwd=Path(__file__).resolve().parents[2], env=env,
                            capture_output=True, text=True, timeout=60)
    output = result.stdout + result.stderr
    assert "task failed for [email] [phone]" in output, output
    assert "ana@mail.example" not in output
