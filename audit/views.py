"""The firm owner's audit pages and the client CSV export."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.http import HttpResponseBadRequest, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from audit import selectors, services
from audit.models import ExportLog
from clients.permissions import EXPORT_CLIENTS, VIEW_AUDIT, role_required
from clients.selectors import clients_for


def _before(request) -> dt.datetime | None:
    """The `before` cursor of a paged audit list; ValueError if it is not a usable datetime.

    Usable means expressible in UTC too: databases store UTC, and SQLite's adapter converts
    the value before the query runs, so 9999-12-31T23:59:59 in a time zone west of UTC (or
    0001-01-01 east of it) overflowed there (a 500) while PostgreSQL accepted it.
    """
    raw = request.GET.get("before")
    if not raw:
        return None
    try:
        value = parse_datetime(raw)
        if value is None:
            raise ValueError(raw)
        value = value if timezone.is_aware(value) else timezone.make_aware(value)
        value.astimezone(dt.UTC)
    except (ValueError, OverflowError) as exc:
        raise ValueError(raw) from exc
    return value


def _bad_cursor():
    return HttpResponseBadRequest(_("Invalid “before” parameter: expected a date and time."),
                                  content_type="text/plain; charset=utf-8")


@role_required(VIEW_AUDIT)
@require_GET
def audit_log(request):
    """Every change to the firm's client data, newest first, and the latest exports."""
    try:
        before = _before(request)
    except ValueError:
        return _bad_cursor()
    firm_id = request.user.membership.firm_id
    page = selectors.firm_changes(firm_id=firm_id, before=before)
    exports = ExportLog.objects.filter(firm_id=firm_id).select_related("user")[:20] if before is None else []
    return render(request, "audit/audit_log.html", {"page": page, "exports": exports, "show_client": True})


@role_required(VIEW_AUDIT)
@require_GET
def client_history(request, pk: int):
    """One client's history (profile, spouse, education, tests, jobs...), owner only."""
    client = get_object_or_404(clients_for(request.user), pk=pk)
    try:
        before = _before(request)
    except ValueError:
        return _bad_cursor()
    page = selectors.client_changes(client_id=client.pk, before=before)
    context = {"client": client, "page": page, "show_client": False}
    return render(request, "audit/client_history.html", context)


@role_required(EXPORT_CLIENTS)
@require_GET
def client_export_csv(request):
    """All the firm's clients as CSV, streamed; each export is logged (who, when, how many rows)."""
    clients = clients_for(request.user).select_related("consultant", "assessment").order_by(
        "last_name", "first_name", "id"
    )
    services.log_export(user=request.user, firm_id=request.user.membership.firm_id,
                        kind=ExportLog.Kind.CLIENTS_CSV, row_count=clients.count())
    lines = services.client_csv_lines(clients)
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    filename = f"clients-{timezone.localdate():%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


def locked_out(request, original_response=None, credentials=None):
    """django-axes lockout response: the login page's card with a clear message (HTTP 429)."""
    minutes = max(1, round(settings.AXES_COOLOFF_TIME * 60))
    context = {"failure_limit": settings.AXES_FAILURE_LIMIT, "minutes": minutes}
    return render(request, "registration/locked_out.html", context, status=429)
