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
