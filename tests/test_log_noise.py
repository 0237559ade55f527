"""What the configured log handler writes (config/settings.py LOGGING): one line per refused
request, nothing from WeasyPrint for a PDF, addresses still masked."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@contextmanager
def console_output() -> Iterator[io.StringIO]:
    """What the configured console handler writes meanwhile (pytest's own handlers left aside)."""
    handler = next(h for h in logging.getLogger("django").handlers if type(h) is logging.StreamHandler)
    buffer = io.StringIO()
    saved = handler.setStream(buffer)
    try:
        yield buffer
    finally:
        handler.setStream(saved)


def _lines(buffer: io.StringIO) -> list[str]:
    return [line for line in buffer.getvalue().splitlines() if line.strip()]


def test_a_refused_page_is_one_log_line_without_a_traceback(client, world):
    client.force_login(world.users["assistant"])  # the audit log is the owner's
    with console_output() as output:
        assert client.get(reverse("audit:log")).status_code == 403
    assert _lines(output) == ["Forbidden (Permission denied): /audit/"]


def test_a_server_error_keeps_its_traceback():
    """Only 4xx refusals lose the traceback; a 500 is still a fault to debug."""
    try:
        raise RuntimeError("boom for ana@mail.example")
    except RuntimeError:
        with console_output() as output:
            logging.getLogger("django.request").error("Internal Server Error: /x/", exc_info=True,
                                                      extra={"status_code": 500})
    text = output.getvalue()
    assert "Traceback" in text and "RuntimeError: boom for [email]" in text


def test_a_pdf_report_logs_nothing(client, world):
    client.force_login(world.users["consultant"])
    with console_output() as output:
        response = client.get(reverse("eligibility:report_pdf", args=[world.report.pk]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert _lines(output) == []
