"""/draws/ reads a bounded amount whatever the history holds; only the CSV streams it all.

After a staff import of 45,000 rounds the page served 4.8 MB in 5 s to every consultant: it
read every round and charted each one. Now the table is a page, the charts take the newest
CHART_MAX_ROUNDS rounds of the filter (the invitations chart at most CHART_MAX_MONTHS bars),
and one import holds at most MAX_ROUNDS_PER_IMPORT rounds (draws/tests/test_hostile_feed.py).
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date, timedelta

import pytest
from django.urls import reverse

from clients.tests.factories import member
from draws import selectors
from draws.models import Draw
from draws.tests.factories import DrawFactory

pytestmark = pytest.mark.django_db
ROUNDS = 3000
TYPES = [Draw.Type.CEC, Draw.Type.FSW, Draw.Type.PNP, Draw.Type.GENERAL]


@pytest.fixture
def consultant_client(client):
    client.force_login(member())
    client.get(reverse("draws:history"))  # the session, warm
    return client


def _swell(n: int = ROUNDS) -> None:
    """n rounds, one every day back from 2026-08-31 (what a large import would leave)."""
    last = date(2026, 8, 31)
    Draw.objects.bulk_create(
        [Draw(round_number=str(100_000 + i), drawn_on=last - timedelta(days=i), type=TYPES[i % 4],
              invitations_issued=1000 + i, lowest_crs=400 + i % 300, source=Draw.Source.IMPORT)
         for i in range(n)],
        batch_size=1000,
    )


def _json(response, element_id: str) -> dict:
    html = response.content.decode()
    marker = f'<script id="{element_id}" type="application/json">'
    start = html.index(marker) + len(marker)
    return json.loads(html[start:html.index("</script>", start)])


def _points(response) -> list[dict]:
    return [p for s in _json(response, "crs-chart-data")["series"] for p in s["points"] if p["y"] is not None]


def test_a_swollen_history_costs_the_page_no_more_than_a_small_one(
        consultant_client, django_assert_num_queries, django_assert_max_num_queries):
    DrawFactory(drawn_on=date(2026, 1, 7))
    with django_assert_max_num_queries(12) as small:
        small_page = consultant_client.get(reverse("draws:history"))
    _swell()
    with django_assert_num_queries(len(small.captured_queries)):
        response = consultant_client.get(reverse("draws:history"))
    assert response.status_code == 200
    assert response.context["count"] == ROUNDS + 1
    assert len(response.context["page"]) == selectors.PAGE_SIZE
    assert len(_points(response)) == selectors.CHART_MAX_ROUNDS
    assert len(response.content) < 3 * len(small_page.content) + 150_000  # not megabytes
    html = response.content.decode()
    assert "The charts show the newest 600 of these 3,001 rounds; choose a year to chart older ones." in html
    assert "chart-bound" not in small_page.content.decode()


def test_the_charts_take_the_newest_rounds_of_the_filter(consultant_client):
    _swell()
    response = consultant_client.get(reverse("draws:history"), {"kind": "cec"})
    points = _points(response)
    assert len(points) == selectors.CHART_MAX_ROUNDS and response.context["count"] == ROUNDS // 4
    assert points[-1]["round"] == "100000" and {p["name"] for p in points} == {"Canadian Experience Class"}
    response = consultant_client.get(reverse("draws:history"), {"year": "2020"})
    assert response.context["count"] == 366 and len(_points(response)) == 366  # a year is charted whole
    assert "chart-bound" not in response.content.decode()


def test_the_table_pages_through_every_round(consultant_client):
    _swell()
    last = -(-ROUNDS // selectors.PAGE_SIZE)
    response = consultant_client.get(reverse("draws:history"), {"kind": "fsw", "page": str(last // 4)})
    assert response.context["page"].number == last // 4
    assert all(d.type == "fsw" for d in response.context["page"])
    assert "page=" in response.content.decode()


def test_the_invitations_chart_has_at_most_240_monthly_bars(consultant_client):
    DrawFactory(drawn_on=date(2026, 8, 5))
    DrawFactory(drawn_on=date(2, 1, 1), type=Draw.Type.FSW)  # a typo in an admin entry, say
    DrawFactory(drawn_on=date(2006, 9, 1), type=Draw.Type.FSW)
    months = _json(consultant_client.get(reverse("draws:history")), "invitations-chart-data")["months"]
    assert len(months) == selectors.CHART_MAX_MONTHS == 240  # not 24,300 months from year 2
    assert (months[0], months[-1]) == ("2006-09", "2026-08")


def test_the_csv_streams_every_round_of_the_filter(consultant_client, django_assert_max_num_queries):
    _swell()
    with django_assert_max_num_queries(12):
        response = consultant_client.get(reverse("draws:history"), {"kind": "pnp", "format": "csv"})
        body = b"".join(response.streaming_content).decode()
    rows = list(csv.DictReader(io.StringIO(body)))
    assert len(rows) == ROUNDS // 4 and {r["type"] for r in rows} == {"pnp"}
    assert rows[0]["round"] == "100002" and rows[-1]["round"] == str(100_000 + ROUNDS - 2)
