"""The one badge for a verdict (eligible / not eligible / cannot judge), on every page and the PDF.

{% load verdicts %}{% verdict_badge status kind="program" reasons=p.reasons %}

Cannot judge is an amber "Check" badge whose title (and, with show_missing, a line under it)
says what is missing; it is never drawn as "not eligible". A status of None is "not in force"
(the report comparison, for a category that did not exist on one of the dates).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django import template
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from eligibility import i18n, rules
from eligibility.models import STATUS_LABELS
from eligibility.rules import verdict

register = template.Library()

CSS = {
    verdict.ELIGIBLE: "text-bg-success",
    verdict.NOT_ELIGIBLE: "text-bg-secondary",
    verdict.CANNOT_JUDGE: "text-bg-warning",
}


def missing_reasons(reasons: Sequence[str]) -> list[str]:
    """The reasons that say what is missing for a verdict (by code, rules.reasons.MISSING; stored
    sentences are read back into their code), else the first one."""
    found = [r for r in reasons if getattr(rules.reasons.parse(r), "code", None) in rules.reasons.MISSING]
    return found or list(reasons[:1])


@register.filter
def status_of(entry: Mapping[str, Any]) -> str:
    """{{ c|status_of }}: the status of a program or category entry, old snapshots included."""
    return verdict.of(entry)


@register.inclusion_tag("eligibility/_verdict_badge.html")
def verdict_badge(status: str | None, kind: str = "category", reasons: Sequence[str] = (),
                  label: str = "", show_missing: bool = False) -> dict[str, Any]:
    """Context of the badge: its text, colour and, for cannot judge, what is missing."""
    if status is None:
        return {"status": "none", "text": _("not in force"), "css": "text-bg-light", "missing": ""}
    missing = ""
    if status == verdict.CANNOT_JUDGE:
        missing = "; ".join(i18n.engine_text(r) for r in missing_reasons(reasons))
    text = STATUS_LABELS[kind][status]
    return {"status": status, "text": text, "label": label, "css": CSS[status], "missing": missing,
            "show_missing": show_missing}


@register.inclusion_tag("eligibility/_verdict_badge.html")
def check_categories_badge(slugs: Sequence[str]) -> dict[str, Any]:
    """The client list's amber badge for the categories that cannot be judged, named in its title."""
    names = ", ".join(i18n.category_name(s, s.replace("_", " ")) for s in slugs)
    return {"status": verdict.CANNOT_JUDGE, "css": CSS[verdict.CANNOT_JUDGE], "missing": names,
            "text": ngettext("Check %(count)d category", "Check %(count)d categories", len(slugs))
            % {"count": len(slugs)}}
