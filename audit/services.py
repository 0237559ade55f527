"""Writes of the audit app: the export log, and the client CSV rows."""

from __future__ import annotations

import csv
import logging
from collections.abc import Iterable, Iterator

from audit.models import ExportLog

logger = logging.getLogger(__name__)

# Spreadsheet programs run a cell starting with one of these as a formula (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def log_export(*, user, firm_id: int, kind: str, row_count: int) -> ExportLog:
    """Record that `user` exported `row_count` rows; the log line names ids only, no personal data."""
    entry = ExportLog.objects.create(user=user, firm_id=firm_id, kind=kind, row_count=row_count)
    logger.info("export %s: user_id=%s firm_id=%s rows=%s", kind, user.pk, firm_id, row_count)
    return entry


def spreadsheet_safe(value: object) -> object:
    """A text cell that a spreadsheet would run as a formula, defused with a leading quote."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _cell(value) -> object:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return spreadsheet_safe(value)


class _Echo:
    """A file-like object whose write() returns the line: csv.writer into a generator."""

    def write(self, value: str) -> str:
        return value


CLIENT_COLUMNS = [
    ("id", lambda c: c.pk),
    ("first_name", lambda c: c.first_name),
    ("last_name", lambda c: c.last_name),
    ("email", lambda c: c.email),
    ("phone", lambda c: c.phone),
    ("date_of_birth", lambda c: c.date_of_birth.isoformat()),
    ("preferred_language", lambda c: c.preferred_language),
    ("marital_status", lambda c: c.marital_status),
    ("citizenship_countries", lambda c: c.citizenship_countries),
    ("status", lambda c: c.status),
    ("consultant", lambda c: c.consultant.get_username()),
    ("ee_profile_number", lambda c: c.ee_profile_number),
    ("ee_submitted_at", lambda c: c.ee_submitted_at.isoformat() if c.ee_submitted_at else None),
    ("crs", lambda c: _assessment(c, "crs_total")),
    # Three-way verdicts as stored (eligible, not_eligible, cannot_judge): a program the product
    # cannot judge must never read as "no" in a spreadsheet.
    ("fsw", lambda c: _assessment(c, "fsw_status")),
    ("cec", lambda c: _assessment(c, "cec_status")),
    ("fstp", lambda c: _assessment(c, "fstp_status")),
    ("categories", lambda c: " ".join(_assessment(c, "categories") or [])),
    ("categories_to_check", lambda c: " ".join(_assessment(c, "categories_check") or [])),
    ("assessed_as_of", lambda c: _assessment(c, "as_of")),
]


def _assessment(client, attr: str):
    assessment = getattr(client, "assessment", None)
    return getattr(assessment, attr) if assessment is not None else None


def client_csv_lines(clients: Iterable) -> Iterator[str]:
    """CSV lines (header first) for `clients`, produced one at a time for a streaming response.

    Pass a queryset with select_related("consultant", "assessment") and it is read in chunks.
    """
    writer = csv.writer(_Echo())
    # Column names are stable identifiers for spreadsheets and scripts, not translated text.
    yield writer.writerow([name for name, _get in CLIENT_COLUMNS])
    rows = clients.iterator(chunk_size=2000) if hasattr(clients, "iterator") else clients
    for client in rows:
        yield writer.writerow([_cell(get(client)) for _name, get in CLIENT_COLUMNS])
