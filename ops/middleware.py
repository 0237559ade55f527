"""A lost database connection becomes a clean 503 page (issue 7, fault drills).

Without this, an OperationalError from PostgreSQL (server restarted, backend terminated,
network cut) is a 500, and with DEBUG on, Django's debug page. The services write each
change in one transaction, so when the connection drops PostgreSQL rolls the whole write
back: the page says nothing was saved and asks to try again. Django closes the broken
connection (a failed rollback closes it; close_old_connections drops an unusable one at
the end of the request), so the next request opens a new one.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

log = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30


class DatabaseUnavailableMiddleware:
    """Answer a view's OperationalError/InterfaceError with templates/503.html, HTTP 503.

    The page is rendered without the request (no context processors, so no further
    query on the broken connection, and nothing the user sent is echoed back).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        """The 503 page for a database connection failure; None (Django's handling) for anything else."""
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        log.error("database connection failed during %s %s: %s", request.method, request.path,
                  type(exception).__name__, exc_info=exception)
        response = HttpResponse(render_to_string("503.html"), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        response["Cache-Control"] = "no-store"
        return response
