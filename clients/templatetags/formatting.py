"""Template filters over clients.formatting: one format for dates, money and counts everywhere."""

from django import template
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe

from clients import formatting
from clients.noc import localized_title
from eligibility.labels import ABILITY_ABBREVIATIONS, ABILITY_NAMES

register = template.Library()

# expects_localtime: an aware datetime is shown in the current time zone, as |date does.
register.filter("local_date", formatting.local_date, expects_localtime=True)
register.filter("money", formatting.money)
register.filter("total", formatting.total)
register.filter("country", formatting.country_name)
register.filter("countries", formatting.country_names)
# {{ code|noc_title:title }}: a stored NOC title (English) in the page's language (clients.noc).
register.filter("noc_title", localized_title)


@register.filter
def slash_breaks(text: str) -> str:
    """A NOC title for a table cell: it may break after each '/' (the French titles' « Infirmiers
    autorisés/infirmières autorisées … »), where browsers do not break by themselves."""
    return format_html_join(mark_safe("/<wbr>"), "{}", ((part,) for part in str(text or "").split("/")))  # noqa: S308 - a constant
register.simple_tag(formatting.colon, name="colon")


@register.simple_tag
def ability_headers() -> str:
    """A language test's four score columns' heads: the ability abbreviated in the page's language
    (L R W S / CO CE EE EO), its full name for screen readers and on hover."""
    return format_html_join(
        "", '<th class="text-end"><abbr title="{}">{}</abbr></th>',
        ((ABILITY_NAMES[key], ABILITY_ABBREVIATIONS[key]) for key in ABILITY_ABBREVIATIONS))
