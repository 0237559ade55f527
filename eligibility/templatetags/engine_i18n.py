"""Template filters that show the rules engine's English sentences in the page's language."""

from __future__ import annotations

from django import template

from eligibility import i18n

register = template.Library()


@register.filter
def engine_text(text: str) -> str:
    """{{ reason|engine_text }}: a reason, warning, progress or what-if label, translated on French pages."""
    return i18n.engine_text(text)


@register.filter
def category_name(name: str, slug: str) -> str:
    """{{ category.name|category_name:category.slug }}: the category's French name on French pages."""
    return i18n.category_name(slug, name)
