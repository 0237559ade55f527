"""Display helpers for report templates: translated labels for the codes eligibility.reports returns,
ISO dates as dates, signed numbers, and the pool's inline SVG chart (page and PDF alike; the rounds'
chart is in round_charts)."""

from __future__ import annotations

from datetime import date

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from clients.formatting import colon, level_scale, total
from eligibility.i18n import category_name
from eligibility.labels import (
    CREDENTIAL_NAMES,
    CRS_FACTOR_NAMES,
    CRS_SECTION_NAMES,
    DOCUMENT_NAMES,
    PROGRAM_NAMES,
    PROGRAM_SHORT_NAMES,
    ROUND_TYPE_NAMES,
    language_test_name,
)

register = template.Library()

WHOSE = {"client": _("client"), "spouse": _("spouse")}


@register.filter
def isodate(value: str | None) -> date | None:
    """'2026-11-24' -> date (so the |date filter formats it); None stays None."""
    if not value:
        return None
    return value if isinstance(value, date) else date.fromisoformat(value)


@register.filter
def signed(value: int | None) -> str:
    """+12, −5, 0 (a real minus sign)."""
    if value is None:
        return ""
    return f"+{value}" if value > 0 else (f"\u2212{-value}" if value < 0 else "0")


@register.filter
def factor_label(key: str) -> str:
    return str(CRS_FACTOR_NAMES.get(key, key))


@register.filter
def ucfirst(value: str) -> str:
    value = str(value)
    return value[:1].upper() + value[1:]


@register.filter
def test_label(code: str) -> str:
    return language_test_name(code)



@register.filter
def document_detail(document: dict) -> str:
    """What a listed document is: the test's name, or the credential's level."""
    if document.get("document") == "language_test":
        return language_test_name(document.get("label", ""))
    if document.get("document") == "eca":
        return str(CREDENTIAL_NAMES.get(document.get("label"), document.get("label", "")))
    return ""


@register.filter
def level_name(code: str) -> str:
    """NCLC for the French tests and on French pages, CLB for the English tests on English pages."""
    return level_scale(code)


@register.filter
def section_label(key: str) -> str:
    return str(CRS_SECTION_NAMES.get(key, key))


@register.filter
def program_label(code: str) -> str:
    return str(PROGRAM_NAMES.get(code, code))


@register.filter
def program_short(code: str) -> str:
    return str(PROGRAM_SHORT_NAMES.get(code, code))


@register.filter
def document_label(code: str) -> str:
    return str(DOCUMENT_NAMES.get(code, code))


@register.filter
def whose_label(code: str) -> str:
    return str(WHOSE.get(code, code))


@register.filter
def type_label(key: str, label: str = "") -> str:
    """A round type key ("cec", "category:french") as a translated label (categories by name)."""
    if key and key.startswith("category:"):
        slug = key.split(":", 1)[1]
        return category_name(slug, label or slug)
    return str(ROUND_TYPE_NAMES.get(key, label or key))


@register.filter
def draw_label(row: dict) -> str:
    """A round as listed: its category name, or its type."""
    if row.get("type") == "category":
        slug = row.get("category_slug") or ""
        return category_name(slug, row.get("name") or slug)
    return str(ROUND_TYPE_NAMES.get(row.get("type"), row.get("name", "")))


@register.filter
def percent(value: float | None) -> str:
    return "" if value is None else f"{value * 100:.1f}\u00a0%"


@register.filter
def bar_width(points: int, maximum: int) -> str:
    """Width of a progress bar in percent (0-100) as a CSS-safe string."""
    if not maximum:
        return "0"
    return f"{max(0.0, min(100.0, 100.0 * points / maximum)):.1f}"


BLUE, GREY = "#0b4a8b", "#adb5bd"


def _n(value: float) -> str:
    """A coordinate for SVG (format_html escapes its arguments, so numbers go in as text)."""
    return f"{value:.1f}"


@register.simple_tag
def pool_chart(pool: dict, width: int = 720, height: int = 180) -> SafeString:
    """Inline SVG: candidates per score band of the latest distribution, the client's band marked."""
    from eligibility.reports import DD_BUCKETS  # noqa: PLC0415 - keeps the tag module light
    from eligibility.rules import CRS_MAX_TOTAL  # noqa: PLC0415

    if not pool:
        return mark_safe("")  # noqa: S308 - constant
    counts = pool.get("counts") or {}
    buckets = [(name, lo, hi, counts.get(name, 0)) for name, lo, hi in reversed(DD_BUCKETS)]
    top = max((c for *_r, c in buckets), default=0) or 1
    left, bottom, gap = 8, 34, 4
    bar_w = (width - 2 * left - gap * (len(buckets) - 1)) / len(buckets)
    mine = (pool.get("bucket") or {}).get("name")
    bars = []
    for i, (name, lo, hi, count) in enumerate(buckets):
        h = (height - bottom - 16) * count / top
        bx = left + i * (bar_w + gap)
        bars.append(format_html(
            '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"><title>{}-{}{} {}</title></rect>'
            '<text x="{}" y="{}" font-size="9" fill="#6c757d" text-anchor="middle">{}</text>'
            '<text x="{}" y="{}" font-size="9" fill="#495057" text-anchor="middle">{}</text>',
            _n(bx), _n(height - bottom - h), _n(bar_w), _n(h), BLUE if name == mine else GREY,
            lo, hi, colon(), total(count),
            _n(bx + bar_w / 2), height - bottom + 12, f"{lo}+" if hi == CRS_MAX_TOTAL else f"{lo}-{hi}",
            _n(bx + bar_w / 2), _n(height - bottom - h - 3), _short(count),
        ))
    return format_html(
        '<svg class="chart" viewBox="0 0 {w} {h}" width="100%" role="img" aria-label="{aria}">{bars}</svg>',
        w=width, h=height, aria=_("Pool distribution by score"), bars=mark_safe("".join(bars)),  # noqa: S308
    )


def _short(count: int) -> str:
    return f"{count / 1000:.1f}k" if count >= 1000 else str(count)


def _step(span: float) -> int:
    return 10 if span <= 80 else (25 if span <= 150 else (50 if span <= 400 else 100))
