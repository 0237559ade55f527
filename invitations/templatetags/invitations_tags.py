"""Template tags so other apps' pages can show this app's sections without knowing its views."""

from __future__ import annotations

from django import template
from django.utils import timezone

from clients.selectors import membership_for
from clients.templatetags.addresses import breakable_addresses
from invitations import clock, selectors

register = template.Library()


@register.inclusion_tag("invitations/_section.html", takes_context=True)
def client_invitations(context, client) -> dict:
    """The invitation, days left, reminders and checklist of `client` (already firm-scoped)."""
    from invitations.views import section_context

    request = context["request"]
    data = section_context(request, client)
    data["csrf_token"] = context.get("csrf_token")
    data["request"] = request
    return data


@register.inclusion_tag("invitations/_overdue_items.html", takes_context=True)
def overdue_checklist_items(context, limit: int = 10) -> dict:
    """The firm's checklist items whose 'start by' date passed without a request (for the dashboard)."""
    request = context["request"]
    membership = membership_for(request.user)
    if membership is None:
        return {"items": [], "total": 0}
    today = timezone.now().astimezone(clock.firm_zone(membership.firm)).date()
    qs = selectors.overdue_items(request.user, today=today)
    items = list(qs[: limit + 1])
    return {"items": items[:limit], "more": len(items) > limit, "today": today}


# The reminders table (invitations/_section.html) loads this library; the filter is the clients app's.
register.filter(breakable_addresses)
