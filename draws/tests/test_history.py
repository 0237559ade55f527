"""The round history page for consultants: filters, charts' data, latest rounds, CSV, queries."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from clients.tests.factories import member
from draws.tests.factories import DrawFactory

DATA = Path(__file__).resolve().parent.parent / "data"

pytestmark = pytest.mark.django_db


@pytest.fixture
def consultant_client(client):
    client.force_login(member())
    return client


@pytest.fixture
def sample():
    call_command("import_ircc_rounds", str(DATA / "ircc-rounds-sample.json"), stdout=io.StringIO(),
                 stderr=io.StringIO())


def _json(response, element_id: str) -> dict:
    html = response.content.decode()
    start = html.index(f'<script id="{element_id}" type="application/json">') + len(
        f'<script id="{element_id}" type="application/json">')
    return json.loads(html[start:html.index("</script>", start)])


def _body(response) -> str:
    """A streamed response's text (the CSV streams every round of the filter)."""
    return b"".join(response.streaming_content).decode()


def test_login_is_required(client):
    response = client.get(reverse("draws:history"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_the_page_shows_every_round_newest_first_with_the_charts_data(consultant_client, sample):
    response = consultant_client.get(reverse("draws:history"))
    assert response.status_code == 200
    assert [d.round_number for d in response.context["page"]][:3] == ["434", "432", "431"]
    crs = _json(response, "crs-chart-data")
    labels = {s["label"]: s for s in crs["series"]}
    assert {"General", "Canadian Experience Class", "Federal Skilled Trades", "Provincial Nominee Program",
            "Transport occupations", "French-language proficiency"} <= set(labels)
    assert "Category" not in labels  # each category its own line, never one zig-zag of them all
    assert labels["Provincial Nominee Program"]["hidden"] is True
    point = labels["Transport occupations"]["points"][-1]
    assert (point["round"], point["y"], point["date"]) == ("434", 470, "2026-08-07")
    invitations = _json(response, "invitations-chart-data")
    assert invitations["months"][0] == "2015-01" and invitations["months"][-1] == "2026-08"
    assert len(invitations["months"]) == 140
    cec = next(s for s in invitations["series"] if s["key"] == "cec")
    assert cec["values"][invitations["months"].index("2026-08")] == 3000
    html = response.content.decode()
    assert 'src="/static/vendor/chartjs/chart.umd.js"' in html and 'src="/static/draws/history.js"' in html


def test_the_latest_round_of_each_type_with_its_cutoff(consultant_client, sample):
    response = consultant_client.get(reverse("draws:history"))
    latest = {d.type_label: (d.round_number, d.lowest_crs) for d in response.context["latest"]}
    assert latest["Transport occupations"] == ("434", 470)
    assert latest["Canadian Experience Class"] == ("432", 516)
    assert latest["Provincial Nominee Program"] == ("431", 768)
    assert latest["General"] == ("294", 529)
    assert latest["Federal Skilled Trades"] == ("91a", 288)
    assert latest["Healthcare and social services occupations"] == ("379", 462)


def test_filters_by_category_and_year(consultant_client, sample):
    response = consultant_client.get(reverse("draws:history"), {"kind": "cat:healthcare"})
    assert [d.round_number for d in response.context["page"]] == ["327"]
    assert [s["label"] for s in _json(response, "crs-chart-data")["series"]] == ["Healthcare occupations"]
    response = consultant_client.get(reverse("draws:history"), {"kind": "cec", "year": "2026"})
    assert [d.round_number for d in response.context["page"]] == ["432"]
    response = consultant_client.get(reverse("draws:history"), {"year": "2024"})
    assert [d.round_number for d in response.context["page"]] == ["327", "300", "294", "293"]


def test_a_filter_that_makes_no_sense_is_a_400_with_the_field_named(consultant_client, sample):
    response = consultant_client.get(reverse("draws:history"), {"year": "1999"})
    assert response.status_code == 400
    assert "Year: Select a valid choice." in response.content.decode()


def test_csv_download_of_the_filtered_table(consultant_client, sample):
    response = consultant_client.get(reverse("draws:history"), {"year": "2024", "format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="ircc-rounds-2024.csv"' in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(_body(response))))
    assert [r["round"] for r in rows] == ["327", "300", "294", "293"]
    assert rows[0] == {"round": "327", "date": "2024-11-20", "type": "category", "category": "healthcare",
                       "invitations": "3000", "lowest_crs": "463", "tie_break_at": "2024-10-21T16:12:39Z",
                       "name": "Healthcare occupations"}


def test_csv_download_defuses_names_a_spreadsheet_would_run(consultant_client):
    DrawFactory(round_number="999", drawn_on=date(2026, 1, 7), type="other",
                ircc_name='=HYPERLINK("http://evil.example","Open")')
    response = consultant_client.get(reverse("draws:history"), {"format": "csv"})
    rows = list(csv.DictReader(io.StringIO(_body(response))))
    assert [r["name"] for r in rows if r["round"] == "999"] == ['\'=HYPERLINK("http://evil.example","Open")']


def test_the_page_has_a_nav_link(consultant_client):
    html = consultant_client.get(reverse("dashboard")).content.decode()
    assert f'href="{reverse("draws:history")}"' in html


def test_the_number_of_queries_does_not_grow_with_the_history(consultant_client, django_assert_num_queries,
                                                              django_assert_max_num_queries):
    DrawFactory(drawn_on=date(2026, 1, 7))
    consultant_client.get(reverse("draws:history"))  # warm the session
    with django_assert_max_num_queries(10) as few:  # 9, and 1 for the round-data banner
        consultant_client.get(reverse("draws:history"), {"kind": "cec"})
    call_command("import_ircc_rounds", str(DATA / "ircc-rounds-full.json"), stdout=io.StringIO(),
                 stderr=io.StringIO())
    with django_assert_num_queries(len(few.captured_queries)):
        response = consultant_client.get(reverse("draws:history"), {"kind": "cec"})
    assert response.context["count"] == 67
