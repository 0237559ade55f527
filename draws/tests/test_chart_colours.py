"""One series per category and one colour per series, the same on every page and every visit.

The history's "all rounds" chart used to join every category round into one "Category" line
(healthcare 462, French 399, transport 470 as one zig-zag), and category colours were handed
out in order of appearance, so a new round repainted the dashboard's cut-offs.
"""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.urls import reverse

from clients.tests.factories import member
from dashboard import selectors as dashboard_selectors
from draws import palette
from draws import selectors as draws_selectors
from draws.tests.factories import DrawFactory, category

pytestmark = pytest.mark.django_db


def _json(response, element_id: str):
    html = response.content.decode()
    marker = f'<script id="{element_id}" type="application/json">'
    start = html.index(marker) + len(marker)
    return json.loads(html[start:html.index("</script>", start)])


def _category_round(slug: str, on: date, crs: int, number: str):
    return DrawFactory(round_number=number, drawn_on=on, type="category", category=category(slug, on),
                       lowest_crs=crs)


@pytest.fixture
def rounds():
    DrawFactory(round_number="430", drawn_on=date(2026, 7, 22), type="cec", lowest_crs=518)
    _category_round("healthcare_social", date(2026, 7, 23), 462, "431")
    _category_round("french", date(2026, 7, 30), 399, "432")
    _category_round("transport", date(2026, 8, 7), 470, "434")


@pytest.fixture
def consultant(client):
    client.force_login(member())
    return client


def _colours(chart: dict) -> dict[str, str]:
    return {s["key"]: s["colour"] for s in chart["series"]}


def test_all_rounds_chart_has_one_series_per_category(consultant, rounds):
    crs = _json(consultant.get(reverse("draws:history")), "crs-chart-data")
    by_key = {s["key"]: s for s in crs["series"]}
    assert set(by_key) == {"cec", "cat:healthcare_social", "cat:french", "cat:transport"}
    assert [p["y"] for p in by_key["cat:french"]["points"]] == [399]
    assert [p["y"] for p in by_key["cat:transport"]["points"]] == [470]
    assert by_key["cat:transport"]["label"] == "Transport occupations"
    # Program types first, then categories by name: the same legend on every visit.
    assert [s["key"] for s in crs["series"]] == ["cec", "cat:french", "cat:healthcare_social",
                                                 "cat:transport"]
    # Distinct colours, from the one palette.
    assert len(set(_colours(crs).values())) == 4
    assert _colours(crs) == {k: palette.series_colour(k) for k in by_key}


def test_colours_are_the_same_across_requests_after_a_new_round_and_on_both_charts(consultant, rounds):
    response = consultant.get(reverse("draws:history"))
    before = _colours(_json(response, "crs-chart-data"))
    assert _colours(_json(response, "invitations-chart-data")) == before
    assert _colours(_json(consultant.get(reverse("draws:history")), "crs-chart-data")) == before
    # A new category (STEM, earlier by name and by date than two of the others) arrives.
    _category_round("stem", date(2026, 8, 8), 481, "435")
    after = _colours(_json(consultant.get(reverse("draws:history")), "crs-chart-data"))
    assert {k: after[k] for k in before} == before
    assert after["cat:stem"] not in before.values()
    # Filtered to one category, its colour is still its own (not the first of a list).
    only = _json(consultant.get(reverse("draws:history") + "?kind=cat:transport"), "crs-chart-data")
    assert _colours(only) == {"cat:transport": before["cat:transport"]}


def test_the_dashboard_cutoffs_keep_their_colours_when_a_round_arrives(rounds):
    today = date(2026, 8, 10)

    def cutoff_colours() -> dict[str, str]:
        draws = dashboard_selectors.latest_rounds(
            list(draws_selectors.rounds_for()), today=today)
        return {r.draw.type_label: r.colour for r in draws}

    before = cutoff_colours()
    assert before["Transport occupations"] == palette.category_colour("transport")
    assert before["Canadian Experience Class"] == palette.type_colour("cec")
    _category_round("education", date(2026, 8, 9), 479, "436")  # newest: listed first now
    after = cutoff_colours()
    assert {k: after[k] for k in before} == before


def test_an_unknown_category_slug_gets_a_stable_colour():
    assert palette.category_colour("new_list_2030") == palette.category_colour("new_list_2030")
    assert palette.category_colour("new_list_2030").startswith("#")
    assert palette.series_colour("cat:french") == palette.CATEGORY_COLOURS["french"]
    assert palette.series_colour("pnp") == palette.TYPE_COLOURS["pnp"]
