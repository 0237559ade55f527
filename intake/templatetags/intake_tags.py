"""The intake link's card on the firm settings page: {% load intake_tags %}{% intake_link_card firm %}."""

from __future__ import annotations

from django import template

from clients.models import Firm
from intake.models import IntakeLink

register = template.Library()


@register.inclusion_tag("intake/_settings_card.html")
def intake_link_card(firm: Firm) -> dict:
    """Whether the firm's intake link is published (1 query), with the way to the owner's page."""
    return {"is_published": IntakeLink.objects.filter(firm=firm, is_published=True).exists()}
