"""Client CSV export: owners and consultants only, firm-scoped, streamed, and logged."""

from __future__ import annotations

import csv
import io
import logging

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit.models import ExportLog
from clients.tests.factories import ClientFactory, FirmFactory, member

pytestmark = pytest.mark.django_db


def rows_of(response) -> list[dict]:
    assert response.streaming
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))


@pytest.mark.parametrize("role", ["owner", "consultant"])
def test_owners_and_consultants_export_their_firms_clients(client, role):
    firm = FirmFactory()
    ClientFactory(firm=firm, first_name="Ana", last_name="Reyes", email="ana@mail.example")
    ClientFactory(firm=firm, first_name="Bob", last_name="Brown")
    ClientFactory(firm=FirmFactory(), first_name="Zed", last_name="Other")
    user = member(firm, role)
    client.force_login(user)

    response = client.get("/clients/export.csv")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="clients-')
    rows = rows_of(response)
    assert [(r["first_name"], r["last_name"]) for r in rows] == [("Bob", "Brown"), ("Ana", "Reyes")]
    assert rows[1]["email"] == "ana@mail.example"
    log = ExportLog.objects.get()
    assert (log.user, log.firm, log.row_count, log.kind) == (user, firm, 2, "clients_csv")


def test_assistant_may_not_export(client):
    firm = FirmFactory()
    ClientFactory(firm=firm)
    client.force_login(member(firm, "assistant"))
    response = client.get("/clients/export.csv")
    assert response.status_code == 403
    assert not ExportLog.objects.exists()


def test_export_needs_login(client):
    response = client.get("/clients/export.csv")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_export_log_line_holds_no_personal_data(client, caplog):
    firm = FirmFactory()
    ClientFactory(firm=firm, first_name="Ana", last_name="Reyes", email="ana@mail.example",
                  phone="4165550199")
    user = member(firm, "owner", username="olivia", email="olivia@firm.example")
    client.force_login(user)
    with caplog.at_level(logging.INFO, logger="audit.services"):
        rows_of(client.get("/clients/export.csv"))
    [line] = [r.getMessage() for r in caplog.records if r.name == "audit.services"]
    assert line == f"export clients_csv: user_id={user.pk} firm_id={firm.pk} rows=1"


def test_cells_that_spreadsheets_would_run_as_formulas_are_defused(client):
    firm = FirmFactory()
    ClientFactory(firm=firm, first_name="=HYPERLINK(\"http://evil.example\")", last_name="+1", notes="x")
    client.force_login(member(firm, "owner"))
    [row] = rows_of(client.get("/clients/export.csv"))
    assert row["first_name"] == "'=HYPERLINK(\"http://evil.example\")"
    assert row["last_name"] == "'+1"


def test_export_queries_do_not_grow_with_the_number_of_clients(client):
    firm = FirmFactory()
    owner = member(firm, "owner")
    client.force_login(owner)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            rows_of(client.get("/clients/export.csv"))
        return len(ctx)

    ClientFactory(firm=firm, consultant=owner)
    few = count()
    ClientFactory.create_batch(25, firm=firm, consultant=owner)
    assert count() == few


def test_a_verdict_the_product_cannot_judge_is_exported_as_such_never_as_no(client):
    from eligibility.models import ClientAssessment
    from eligibility.services import refresh_assessments

    firm = FirmFactory()
    ana = ClientFactory(firm=firm, first_name="Ana")
    refresh_assessments([ana.pk])
    ClientAssessment.objects.filter(client=ana).update(
        fstp=False, fstp_status="cannot_judge", categories_check=["trades"])
    client.force_login(member(firm, "owner"))
    [row] = rows_of(client.get("/clients/export.csv"))
    assert row["fstp"] == "cannot_judge"
    assert row["fsw"] in {"eligible", "not_eligible"}
    assert row["categories_to_check"] == "trades"
