"""{% documents_retention_form firm %}: the firm's file retention, on the owner's settings page."""

from django import template

from documents.forms import RetentionForm
from documents.services import keep_days

register = template.Library()


@register.inclusion_tag("documents/_retention_form.html", takes_context=True)
def documents_retention_form(context, firm) -> dict:
    """The retention form filled with the firm's setting (1 query); it posts to documents:retention."""
    return {"form": RetentionForm(initial={"keep_days_after_close": keep_days(firm)}),
            "csrf_token": context.get("csrf_token")}
