"""The consultant's dashboard: the page after login ("/")."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from clients.selectors import membership_for
from dashboard import selectors
from documents.selectors import count_to_review
from intake.selectors import count_pending
from invitations.clock import firm_zone


@login_required
@require_safe
def dashboard(request: HttpRequest) -> HttpResponse:
    """Deadlines, new matches, alerts, latest rounds and the CRS chart for ?scope=mine|firm.

    A fixed number of queries whatever the number of clients (see dashboard.selectors).
    """
    user = request.user
    membership = membership_for(user)
    scope = selectors.scope_for(user, request.GET.get("scope"))
    zone = firm_zone(membership.firm) if membership else timezone.get_default_timezone()
    now = timezone.now()
    today = now.astimezone(zone).date()
    draws = selectors.rounds_shown(today=today)
    rounds = selectors.latest_rounds(draws, today=today)
    distribution = selectors.crs_distribution(scope, today=today)
    selectors.count_at_or_above(rounds, distribution)
    deadlines = selectors.deadlines(scope, now=now, zone=zone)
    new_matches = selectors.new_matches(scope, draws=draws, today=today)
    alerts = selectors.open_alerts(scope)
    selectors.attach_clients(user, deadlines=deadlines, matches=new_matches, alerts=alerts)
    return render(request, "dashboard/dashboard.html", {
        "membership": membership,
        "scope": scope.name,
        "scopes": selectors.SCOPES.items(),
        "today": today,
        "zone": str(zone),
        "status_counts": selectors.status_counts(user, scope, today=today),
        "category_counts": selectors.category_counts(scope, today=today),
        "deadlines": deadlines,
        "new_matches": new_matches,
        "match_days": selectors.MATCH_DAYS,
        "alerts": alerts,
        # What clients sent through the portal, waiting for the firm: one COUNT each, read live.
        "documents_to_review": count_to_review(firm_id=scope.firm_id,
                                               consultant_id=scope.user_id if scope.is_mine else None),
        "changes_to_review": count_pending(user, consultant_id=scope.user_id if scope.is_mine else None),
        "rounds": rounds,
        "stale_rounds": sum(r.is_stale for r in rounds),
        "histogram": distribution.chart_data(),
        "cutoffs": selectors.chart_cutoffs(rounds),
        "urgent_days": selectors.URGENT_DAYS,
        "soon_days": selectors.SOON_DAYS,
    })
