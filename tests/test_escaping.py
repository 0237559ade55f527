"""A client named `<script>alert(1)</script>` shows as text everywhere (issue 6).

Every HTML page of the role matrix is read as the firm's owner (who sees them all) and must
hold the escaped name and never the raw tag; the PDF shows the name as text, the JSON carries it
as a JSON string, and the CSV export defuses a last name a spreadsheet would run as a formula.
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
import tempfile
from pathlib import Path

import pytest
from django.urls import reverse

from tests.conftest import world_for_module
from tests.test_role_matrix import MATRIX
from tests.world import World

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"
FORMULA = '=HYPERLINK("http://evil.example","Reyes")'


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with world_for_module(django_db_blocker, first_name=SCRIPT, last_name=FORMULA) as built:
        yield built


def _owner(client, world: World):
    client.force_login(world.users["owner"])


def _url(name: str, world: World) -> str:
    """The matrix's URL, showing the whole firm where a page defaults to "my clients"."""
    whole_firm = {"dashboard": "?scope=firm", "eligibility:alerts": "?mine=0"}
    return MATRIX[name].url(world) + whole_firm.get(name, "")


HTML_PAGES = sorted(name for name, row in MATRIX.items()
                    if row.expected("get")["owner"] == 200 and name not in {
                        "ping", "audit:client_export", "eligibility:report_pdf", "eligibility:report_json",
                        "documents:download"})  # the client's file itself, as an attachment (below)


@pytest.mark.parametrize("name", HTML_PAGES)
def test_every_page_shows_the_name_as_text(client, world, name):
    _owner(client, world)
    response = client.get(_url(name, world))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert SCRIPT not in html


def test_a_download_is_the_file_as_an_attachment_never_a_page(client, world):
    _owner(client, world)
    response = client.get(_url("documents:download", world))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert not response["Content-Type"].startswith("text/html")


@pytest.mark.parametrize("name", ["clients:list", "clients:detail", "dashboard", "eligibility:report",
                                  "eligibility:compare", "invitations:overview", "eligibility:alerts",
                                  "audit:log", "audit:client_history"])
def test_the_client_pages_show_the_escaped_name(client, world, name):
    """The pages that name the client do show it, escaped (so the test above tested something)."""
    _owner(client, world)
    assert ESCAPED in client.get(_url(name, world)).content.decode()


def test_the_success_message_escapes_the_name(client, world):
    from clients.tests.conftest import profile_post

    _owner(client, world)
    data = profile_post(world.users["owner"], client={"first_name": '<img src=x onerror="alert(2)">'})
    response = client.post(reverse("clients:create"), data, follow=True)
    html = response.content.decode()
    assert '<img src=x onerror="alert(2)">' not in html
    assert "&lt;img src=x onerror=&quot;alert(2)&quot;&gt;" in html


def test_the_pdf_shows_the_name_as_text(client, world):
    _owner(client, world)
    response = client.get(reverse("eligibility:report_pdf", args=[world.report.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    with tempfile.TemporaryDirectory() as tmp:
        pdf = Path(tmp) / "report.pdf"
        pdf.write_bytes(response.content)
        text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                              check=True).stdout
    assert SCRIPT in " ".join(text.split())  # printed as the name, not run nor dropped as markup
    assert "&lt;" not in text  # and not double-escaped


def test_the_json_carries_the_name_as_a_string(client, world):
    _owner(client, world)
    response = client.get(reverse("eligibility:report_json", args=[world.report.pk]))
    assert response["Content-Type"] == "application/json"
    assert response["X-Content-Type-Options"] == "nosniff"  # never sniffed as HTML
    assert SCRIPT in json.dumps(json.loads(response.content))  # intact in the data


def test_the_csv_export_defuses_formulas_and_keeps_the_text(client, world):
    _owner(client, world)
    response = client.get(reverse("audit:client_export"))
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    row = next(r for r in rows if r["id"] == str(world.client.pk))
    assert row["first_name"] == SCRIPT
    assert row["last_name"] == "'" + FORMULA  # a spreadsheet shows it, never runs it
    assert response["Content-Type"].startswith("text/csv")
