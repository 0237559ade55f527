"""One log line per refused request: a 4xx is the answer working, not a fault to debug.

Django logs a PermissionDenied (403), a BadRequest and a SuspiciousOperation (400) with the
exception's whole traceback; a role matrix probing every page, or a visitor trying URLs, then
fills the log with tracebacks that hide the real errors. This filter (on every handler, in
config/settings.py LOGGING) keeps the record's one line ("Forbidden (Permission denied):
/audit/") and drops the traceback of records whose response is below 500. 5xx records and
everything else are untouched.
"""

from __future__ import annotations

import logging


class OneLineRefusals(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if isinstance(status, int) and 400 <= status < 500:
            record.exc_info = None
            record.exc_text = None
        return True
