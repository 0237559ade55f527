"""One colour per round type and per category, the same on every chart, page and visit.

Defined once here, beside the round types (draws.models.Draw.Type), and read by the history
charts, the dashboard's cut-off lines and the eligibility report's chart. A colour depends on
the series' slug alone: never on which rounds happen to be shown or in what order they came,
so a new round does not repaint the others. A category slug IRCC adds later gets a colour
derived from its slug (crc32), stable too, until it is given one here.
"""

from __future__ import annotations

import zlib

from draws.models import Draw

# Readable on white (3:1 or more for lines and points), distinct from one another.
TYPE_COLOURS: dict[str, str] = {
    Draw.Type.GENERAL: "#0d6efd",
    Draw.Type.CEC: "#198754",
    Draw.Type.FSW: "#fd7e14",
    Draw.Type.FSTP: "#8b5a2b",
    Draw.Type.PNP: "#6c757d",
    Draw.Type.CATEGORY: "#6f42c1",
    Draw.Type.OTHER: "#212529",
}

# Category slugs of draws/data/categories.json (every period; a renamed list keeps its colour
# family: healthcare and healthcare_social are two reds). Hues apart from the program types'.
CATEGORY_COLOURS: dict[str, str] = {
    "french": "#6f42c1",
    "healthcare": "#e03131",
    "healthcare_social": "#a61e4d",
    "stem": "#0b7285",
    "trades": "#e67700",
    "transport": "#66a80f",
    "agriculture": "#946c00",
    "education": "#d63384",
    "physicians_cdn": "#862e9c",
    "senior_managers_cdn": "#15aabf",
    "researchers_cdn": "#364fc7",
    "skilled_military": "#495057",
}

# For a slug not listed above: picked by the slug's checksum, so every page agrees.
_FALLBACK = ["#862e9c", "#5f3dc4", "#1864ab", "#087f5b", "#e67700", "#c92a2a", "#0c8599", "#66a80f"]


def category_colour(slug: str) -> str:
    """The colour of a category's series (by slug, whatever its period)."""
    return CATEGORY_COLOURS.get(slug) or _FALLBACK[zlib.crc32(slug.encode()) % len(_FALLBACK)]


def type_colour(kind: str) -> str:
    """The colour of a program type's series ('general', 'cec', ...)."""
    return TYPE_COLOURS.get(kind, TYPE_COLOURS[Draw.Type.OTHER])


def series_colour(key: str) -> str:
    """The colour of a series key as the history filter writes it: a type, or 'cat:<slug>'."""
    return category_colour(key[4:]) if key.startswith("cat:") else type_colour(key)


def draw_colour(draw: Draw) -> str:
    """The colour of a round's series: its category's, else its type's."""
    return category_colour(draw.category.slug) if draw.category_id else type_colour(draw.type)
