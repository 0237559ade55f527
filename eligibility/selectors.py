"""Reads of reports and alerts, always scoped to the user's firm through clients_for()."""

from __future__ import annotations

from django.db.models import QuerySet

from clients.selectors import clients_for
from eligibility.models import Alert, Report


def reports_for(user) -> QuerySet[Report]:
    """The reports the user may see: those of their own firm's clients."""
    return Report.objects.filter(client__in=clients_for(user))


def client_reports(user, client) -> QuerySet[Report]:
    """A client's reports, newest first (empty for a client of another firm), as listed: without
    their snapshots (facts and results, tens of kilobytes of JSON each), which lists never show."""
    return reports_for(user).filter(client=client).select_related("generated_by").defer(
        "facts", "results").order_by("-generated_at", "-id")


def alerts_for(user, *, only_mine: bool = False, include_dismissed: bool = False) -> QuerySet[Alert]:
    """Alerts of the user's firm's clients, newest first, with the client loaded.

    only_mine: only the clients assigned to the user (a consultant's dashboard);
    include_dismissed: also those already dealt with.
    """
    qs = Alert.objects.filter(client__in=clients_for(user)).select_related("client")
    if only_mine:
        qs = qs.filter(consultant=user)
    if not include_dismissed:
        qs = qs.filter(dismissed_at__isnull=True)
    return qs.order_by("-raised_on", "-id")
