"""The report's "against the draw history" chart reads the same with one round or forty.

It was a time axis from the window's start: one round was a dot in an empty plot. It is now
one row per round open to the profile, newest first: the cut-off as a tick in the round
type's colour (draws.palette) and the client's score as a dot, on one CRS scale.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from django.utils import translation

from draws import palette
from eligibility.templatetags.round_charts import ROW, rounds_against_cutoffs


def _round(i: int, *, score: int = 480, cutoff: int = 470, kind: str = "category", slug: str = "french",
           opened: bool = True) -> dict:
    day = date(2026, 8, 7) - timedelta(days=9 * i)
    return {"round_number": str(434 - i), "drawn_on": day.isoformat(), "type": kind,
            "category_slug": slug if kind == "category" else None,
            "name": "French-language proficiency" if kind == "category" else "", "lowest_crs": cutoff,
            "invitations_issued": 3000, "key": kind, "open": opened, "score": score,
            "met": opened and score >= cutoff, "tie": score == cutoff, "margin": score - cutoff}


def _height(svg: str) -> float:
    return float(re.search(r'viewBox="0 0 \d+ ([\d.]+)"', svg).group(1))


def test_one_round_is_one_row_with_its_cutoff_score_and_names():
    with translation.override("en"):
        svg = str(rounds_against_cutoffs({"rounds": [_round(0)]}))
    assert svg.count('class="round-row"') == 1
    assert _height(svg) < 80  # one short row, not an empty 220-px plot
    assert "French-language proficiency" in svg and "Aug 7, 2026" in svg
    assert palette.category_colour("french") in svg
    assert "cut-off 470, client 480 (met)" in svg
    assert 'stroke="#198754"' in svg  # the bar between them: met
    assert ">+10</text>" in svg  # the margin, at the row's end


def test_forty_rounds_are_forty_rows_newest_first_each_in_its_type_colour():
    rounds = [_round(i, score=450, cutoff=460 + i % 5, kind=("cec" if i % 2 else "category"))
              for i in range(40)]
    rounds.append(_round(41, opened=False))  # not open to the profile: not charted
    svg = str(rounds_against_cutoffs({"rounds": list(reversed(rounds))}))
    rows = re.findall(r'<g class="round-row"><title>#(\d+) ', svg)
    assert len(rows) == 40 and rows[0] == "434" and rows[-1] == "395"
    assert _height(svg) >= 40 * ROW
    assert palette.type_colour("cec") in svg and palette.category_colour("french") in svg
    assert 'stroke="#dc3545"' in svg and "(missed)" in svg and ">\u221210</text>" in svg


def test_french_dates_and_names():
    with translation.override("fr"):
        svg = str(rounds_against_cutoffs({"rounds": [_round(0, kind="cec")]}))
    assert "7 août 2026" in svg and "Catégorie de l&#x27;expérience canadienne" in svg
    assert "seuil 470, client 480 (atteint)" in svg


def test_no_open_round_draws_nothing():
    assert str(rounds_against_cutoffs({"rounds": [_round(0, opened=False)]})) == ""
