"""The consultant's dashboard: the page after login ("/")."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from clients.selectors import membership_for
from dashboard import selectors
from invitations.services import firm_zone


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """Deadlines, new matches, alerts, latest rounds and the CRS chart for ?scope=mine|firm.

    A fixed number of queries whatever the number of clients (see dashboard.selectors).
    """
    user = request.user
    membership = membership_for(user)
    scope = selectors.parse_scope(user, request.GET.get("scope"))
    zone = firm_zone(membership.firm) if membership else timezone.get_default_timezone()
    now = timezone.now()
    today = now.astimezone(zone).date()
    rounds = selectors.latest_rounds(today=today)
    selectors.count_at_or_above(user, scope=scope, rounds=rounds)
    return render(request, "dashboard/dashboard.html", {
        "membership": membership,
        "scope": scope,
        "scopes": selectors.SCOPES.items(),
        "today": today,
        "zone": str(zone),
        "status_counts": selectors.status_counts(user, scope=scope),
        "deadlines": selectors.deadlines(user, scope=scope, now=now, zone=zone),
        "new_matches": selectors.new_matches(user, scope=scope, today=today),
        "match_days": selectors.MATCH_DAYS,
        "alerts": selectors.open_alerts(user, scope=scope),
        "rounds": rounds,
        "histogram": selectors.crs_histogram(user, scope=scope),
        "cutoffs": selectors.chart_cutoffs(rounds),
        "urgent_days": selectors.URGENT_DAYS,
        "soon_days": selectors.SOON_DAYS,
    })
