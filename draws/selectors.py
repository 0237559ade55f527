"""Reads of rounds (public IRCC data, the same for every firm) and the history page's figures.

The history is small (about 50 rounds a year), so the page reads every round once
and filters and aggregates in Python: one query whatever the filter.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date

from django.db.models import QuerySet

from draws.models import Draw

EXPORT_COLUMNS = ["round", "date", "type", "category", "invitations", "lowest_crs", "tie_break_at"]
# One colour per type, the same on every chart (Bootstrap's palette, readable on white).
TYPE_COLOURS = {
    Draw.Type.GENERAL: "#0d6efd",
    Draw.Type.CEC: "#198754",
    Draw.Type.FSW: "#fd7e14",
    Draw.Type.FSTP: "#8b5a2b",
    Draw.Type.PNP: "#6c757d",
    Draw.Type.CATEGORY: "#6f42c1",
    Draw.Type.OTHER: "#212529",
}
# A series' line breaks where the type had no round for this long (in years: four months).
GAP_YEARS = 1 / 3
CATEGORY_COLOURS = ["#6f42c1", "#d63384", "#20c997", "#dc3545", "#0dcaf0", "#ffc107", "#6610f2",
                    "#adb5bd", "#795548", "#0b7285", "#e8590c", "#5c940d"]


def draws_oldest_first() -> QuerySet[Draw]:
    """Every round, oldest first, with its category (one query)."""
    return Draw.objects.select_related("category").order_by("drawn_on", "round_number")


def all_draws() -> list[Draw]:
    """Every round, newest first, with its category (one query)."""
    return list(Draw.objects.select_related("category").order_by("-drawn_on", "-round_number"))


def export_rows(draws: Iterable[Draw], *, with_name: bool = False) -> list[dict]:
    """The columns of `export_draws` (and of the history page's CSV, plus the name)."""
    rows = []
    for d in draws:
        row = {
            "round": d.round_number,
            "date": d.drawn_on.isoformat(),
            "type": d.type,
            "category": d.category.slug if d.category_id else "",
            "invitations": d.invitations_issued,
            "lowest_crs": d.lowest_crs,
            "tie_break_at": d.tie_break_at.isoformat().replace("+00:00", "Z") if d.tie_break_at else "",
        }
        if with_name:
            row["name"] = d.type_label
        rows.append(row)
    return rows


def kind_of(draw: Draw) -> str:
    """The history filter's value for a round: its type, or 'cat:<slug>' for a category round."""
    return f"cat:{draw.category.slug}" if draw.category_id else draw.type


def kinds(draws: Iterable[Draw]) -> tuple[list[str], dict[str, str]]:
    """Program types and {category slug: newest name} that occur in `draws`."""
    types, categories = set(), {}
    for d in draws:  # newest first: the first name seen is the newest
        if d.category_id:
            categories.setdefault(d.category.slug, d.category.name)
        else:
            types.add(d.type)
    return sorted(types), dict(sorted(categories.items(), key=lambda kv: kv[1]))


def years(draws: Iterable[Draw]) -> list[int]:
    return sorted({d.drawn_on.year for d in draws}, reverse=True)


def filter_draws(draws: Iterable[Draw], *, kind: str = "", year: int | None = None) -> list[Draw]:
    """Rounds of one type or category slug ('' = all) and one year (None = all)."""
    return [d for d in draws
            if (not kind or kind_of(d) == kind) and (year is None or d.drawn_on.year == year)]


def latest_by_kind(draws: Sequence[Draw]) -> list[Draw]:
    """The newest round of each program type and of each category, newest first."""
    latest: dict[str, Draw] = {}
    for d in draws:  # newest first
        latest.setdefault(kind_of(d), d)
    return sorted(latest.values(), key=lambda d: (d.drawn_on, d.round_number), reverse=True)


def _year_fraction(day: date) -> float:
    start, end = date(day.year, 1, 1), date(day.year + 1, 1, 1)
    return round(day.year + (day - start).days / (end - start).days, 4)


def _series_key(d: Draw, by_category: bool) -> tuple[str, str]:
    if by_category and d.category_id:
        return f"cat:{d.category.slug}", d.category.name
    return d.type, str(Draw.Type(d.type).label)


def crs_chart(draws: Sequence[Draw]) -> dict:
    """Lowest CRS over time, one series per type (per category when only category rounds are shown).

    x is the date as a fractional year (ticks fall on years); each point keeps
    its round, date and name for the tooltip. PNP rounds (cut-offs 600+ with the
    nomination's 600 points) start hidden so the other series keep a readable scale.
    """
    by_category = bool(draws) and all(d.category_id for d in draws)
    series: dict[str, dict] = {}
    colours = iter(CATEGORY_COLOURS * 3)
    for d in sorted(draws, key=lambda d: (d.drawn_on, d.round_number)):
        key, label = _series_key(d, by_category)
        if key not in series:
            colour = next(colours) if key.startswith("cat:") else TYPE_COLOURS[d.type]
            series[key] = {"label": label, "key": key, "colour": colour, "hidden": key == Draw.Type.PNP,
                           "points": []}
        points, x = series[key]["points"], _year_fraction(d.drawn_on)
        if points and x - points[-1]["x"] > GAP_YEARS:  # no round for months: break the line
            points.append({"x": round((x + points[-1]["x"]) / 2, 4), "y": None})
        points.append({"x": x, "y": d.lowest_crs,
                                      "round": d.round_number, "date": d.drawn_on.isoformat(),
                                      "name": d.type_label, "invitations": d.invitations_issued})
    return {"series": list(series.values())}


def invitations_chart(draws: Sequence[Draw]) -> dict:
    """Invitations issued per calendar month (every month in the range, empty ones too), stacked by type."""
    if not draws:
        return {"months": [], "series": []}
    by_category = all(d.category_id for d in draws)
    totals: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    labels: dict[str, str] = {}
    for d in draws:
        key, labels[key] = _series_key(d, by_category)
        totals[key][f"{d.drawn_on:%Y-%m}"] += d.invitations_issued
    first, last = min(d.drawn_on for d in draws), max(d.drawn_on for d in draws)
    months, (y, m) = [], (first.year, first.month)
    while (y, m) <= (last.year, last.month):
        months.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    order = [*TYPE_COLOURS, *sorted(k for k in totals if k.startswith("cat:"))]
    colours = iter(CATEGORY_COLOURS * 3)
    series = [
        {"label": labels[k], "key": k, "colour": next(colours) if k.startswith("cat:") else TYPE_COLOURS[k],
         "values": [totals[k].get(month, 0) for month in months]}
        for k in sorted(totals, key=order.index)
    ]
    return {"months": months, "series": series}
