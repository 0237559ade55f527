"""The report's "against the draw history" chart: one row per round, the client's score against its cut-off.

A time axis reads badly at both ends: one round in the window was a dot in an empty plot,
forty were a crowd of squares. A row per round (newest first) reads the same with one or
forty: the round's date and type on the left, then on one CRS scale the cut-off as a tick in
the round type's colour (draws.palette, as on the history page and the dashboard) and the
client's score as a dot, joined by a bar green when the cut-off was met and red when missed.
Inline SVG, so the page and the PDF show the same chart, with no script.
"""

from __future__ import annotations

from django import template
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from draws.palette import category_colour, type_colour
from eligibility.templatetags.report_tags import _step, draw_label, isodate

register = template.Library()

SCORE, MET, MISSED, AXIS, GRID = "#0b4a8b", "#198754", "#dc3545", "#495057", "#e3e6ea"  # as the legend
MET_TEXT, MISSED_TEXT = "#146c43", "#b02a37"  # the margin's figures: AA contrast on white
ROW = 22  # px per round
LABEL_WIDTH = 300  # the date and the type, left of the scale
LABEL_CHARS = 44  # longer type names are cut with an ellipsis (the whole name in the tooltip)


def _n(value: float) -> str:
    return f"{value:.1f}"


def _short(text: str) -> str:
    return text if len(text) <= LABEL_CHARS else text[: LABEL_CHARS - 1].rstrip() + "…"


def rows(backtest: dict) -> list[dict]:
    """The rounds charted, newest first: those open to the profile, as the table below lists them."""
    open_rounds = [r for r in backtest.get("rounds", []) if r.get("open")]
    return sorted(open_rounds, key=lambda r: (r["drawn_on"], r["round_number"]), reverse=True)


def round_colour(row: dict) -> str:
    """The round's series colour: its category's, else its type's (draws.palette)."""
    if row.get("type") == "category" and row.get("category_slug"):
        return category_colour(row["category_slug"])
    return type_colour(row.get("type") or "other")


@register.simple_tag
def rounds_against_cutoffs(backtest: dict, width: int = 720) -> SafeString:
    """Inline SVG: per round open to the profile, the cut-off (tick) and the client's score then (dot)."""
    charted = rows(backtest)
    if not charted:
        return mark_safe("")  # noqa: S308 - constant
    top, bottom, right = 26, 8, 46  # the margin, signed, right of the scale
    height = top + ROW * len(charted) + bottom
    values = [r["score"] for r in charted] + [r["lowest_crs"] for r in charted]
    step = _step(max(values) - min(values) + 20)
    lo = (min(values) - 10) // step * step
    hi = -(-(max(values) + 10) // step) * step
    scale_left, scale_right = LABEL_WIDTH + 10, width - right

    def x(v: float) -> str:
        return _n(scale_left + (scale_right - scale_left) * (v - lo) / max(hi - lo, 1))

    ticks = format_html_join(
        "", '<line x1="{0}" x2="{0}" y1="{1}" y2="{2}" stroke="{3}" stroke-width="1"/>'
        '<text x="{0}" y="{4}" font-size="10" fill="{5}" text-anchor="middle">{6}</text>',
        ((x(t), top - 4, height - bottom, GRID, top - 9, AXIS, t) for t in range(lo, hi + 1, step)),
    )
    marks = []
    for i, r in enumerate(charted):
        cy = top + ROW * i + ROW / 2
        name = draw_label(r)
        day = date_format(isodate(r["drawn_on"]), "DATE_FORMAT")
        result = _("met") if r["met"] else _("missed")
        tip = _("#%(round)s %(day)s %(name)s: cut-off %(cutoff)s, client %(score)s (%(result)s)") % {
            "round": r["round_number"], "day": day, "name": name, "cutoff": r["lowest_crs"],
            "score": r["score"], "result": result}
        marks.append(format_html(
            '<g class="round-row"><title>{tip}</title>'
            '<text x="0" y="{ty}" font-size="11" fill="{axis}">{day}</text>'
            '<text x="88" y="{ty}" font-size="11" fill="#212529">{name}</text>'
            '<line x1="{xc}" x2="{xs}" y1="{cy}" y2="{cy}" stroke="{bar}" stroke-width="3"/>'
            '<line x1="{xc}" x2="{xc}" y1="{y1}" y2="{y2}" stroke="{colour}" stroke-width="3"/>'
            '<circle cx="{xs}" cy="{cy}" r="4.5" fill="{score}"/>'
            '<text x="{w}" y="{ty}" font-size="11" font-weight="600" fill="{ink}" text-anchor="end">'
            '{margin}</text>'
            '</g>',
            tip=tip, ty=_n(cy + 4), axis=AXIS, day=day, name=_short(name), xc=x(r["lowest_crs"]),
            xs=x(r["score"]), cy=_n(cy), bar=MET if r["met"] else MISSED, y1=_n(cy - 7), y2=_n(cy + 7),
            colour=round_colour(r), score=SCORE, w=width, ink=MET_TEXT if r["met"] else MISSED_TEXT,
            margin=f"{r['score'] - r['lowest_crs']:+d}".replace("-", "\u2212"),
        ))
    return format_html(
        '<svg class="chart rounds-chart" viewBox="0 0 {w} {h}" width="100%" role="img" aria-label="{aria}">'
        '{ticks}{marks}</svg>',
        w=width, h=height, aria=_("The client's score against each round's cut-off"), ticks=ticks,
        marks=mark_safe("".join(marks)),  # noqa: S308 - each part built by format_html
    )
