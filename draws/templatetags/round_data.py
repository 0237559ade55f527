"""{% round_data_freshness %}: the "round data may be out of date" banner, for any page showing rounds."""

from __future__ import annotations

from django import template

from clients.permissions import MANAGE_DRAWS, can
from draws import freshness

register = template.Library()


@register.inclusion_tag("includes/_round_data_freshness.html", takes_context=True)
def round_data_freshness(context) -> dict:
    """Everyone sees the banner when the rounds may be stale; draws staff also see a failed check."""
    request = context.get("request")
    user = getattr(request, "user", None)
    for_staff = bool(user is not None and user.is_authenticated and can(user, MANAGE_DRAWS))
    return {"freshness": freshness.round_data_freshness(for_staff=for_staff)}
