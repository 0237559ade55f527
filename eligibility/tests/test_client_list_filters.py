"""Who is eligible for X, before any round: the client list's eligibility filters, score range and
sorting, read from the stored assessments in a constant number of queries; the dashboard's
per-category counts link to those lists."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from clients.tests.factories import ClientFactory, FirmFactory, member
from eligibility.models import ClientAssessment
from invitations import services as invitation_services

pytestmark = pytest.mark.django_db


def _client(firm, consultant, name: str, crs: int, *, categories=(), check=(), cec="not_eligible", **fields):
    client = ClientFactory(firm=firm, consultant=consultant, last_name=name, **fields)
    ClientAssessment.objects.create(client=client, firm=firm, as_of=timezone.localdate(), rules="2025-03-25",
                                    crs_total=crs, cec=cec == "eligible", cec_status=cec,
                                    categories=list(categories), categories_check=list(check), result={})
    return client


@pytest.fixture
def firm(settings):
    settings.DASHBOARD_CACHE_SECONDS = 0
    firm = FirmFactory()
    user = member(firm, "consultant", username="marc")
    cast = {
        "Nurse": _client(firm, user, "Nurse", 480, categories=["healthcare_social"], cec="eligible"),
        "Aide": _client(firm, user, "Aide", 420, categories=["healthcare_social", "french"]),
        "Unsure": _client(firm, user, "Unsure", 455, check=["healthcare_social"], cec="cannot_judge"),
        "Coder": _client(firm, user, "Coder", 510, categories=["stem"], cec="eligible"),
        "Landed": _client(firm, user, "Landed", 500, categories=["healthcare_social"], status="landed"),
    }
    other = FirmFactory()
    _client(other, member(other), "Otherfirm", 490, categories=["healthcare_social"])
    return {"user": user, **cast}


def _names(client, query: str) -> list[str]:
    response = client.get(reverse("clients:list") + query)
    assert response.status_code == 200
    return re.findall(r'text-decoration-none" href="/clients/\d+/">([^,]+),', response.content.decode())


def test_eligible_for_a_category_lists_those_the_stored_assessment_finds_eligible(client, firm):
    client.force_login(firm["user"])
    assert _names(client, "?eligible_for=healthcare_social") == ["Aide", "Landed", "Nurse"]
    assert _names(client, "?eligible_for=healthcare_social&verdict=cannot_judge") == ["Unsure"]
    assert _names(client, "?eligible_for=stem&verdict=eligible") == ["Coder"]


def test_eligible_for_a_program_reads_its_three_way_verdict(client, firm):
    client.force_login(firm["user"])
    assert _names(client, "?eligible_for=cec") == ["Coder", "Nurse"]
    assert _names(client, "?eligible_for=cec&verdict=cannot_judge") == ["Unsure"]


def test_crs_range_status_and_sort_combine_and_stay_in_the_links(client, firm):
    client.force_login(firm["user"])
    assert _names(client, "?crs_min=450&crs_max=500&sort=-crs") == ["Landed", "Nurse", "Unsure"]
    assert _names(client, "?crs_min=450&status=in_pool&sort=crs") == ["Unsure", "Nurse", "Coder"]
    html = client.get(reverse("clients:list") + "?eligible_for=stem&sort=crs").content.decode()
    # The CRS header now sorts descending and keeps the filter; the form keeps the sort.
    assert "?eligible_for=stem&amp;sort=-crs" in html and 'name="sort" value="crs"' in html


def test_sort_by_deadline_puts_open_itas_first_nearest_first(client, firm):
    now = timezone.now()
    for name, days_ago in (("Coder", 50), ("Aide", 10)):
        invitation_services.record_invitation(client=firm[name], issued_at=now - dt.timedelta(days=days_ago),
                                              by=firm["user"], now=now)
    client.force_login(firm["user"])
    assert _names(client, "?sort=deadline")[:2] == ["Coder", "Aide"]
    assert _names(client, "?sort=-deadline")[:2] == ["Aide", "Coder"]


@pytest.mark.parametrize("query, field", [
    ("?crs_min=abc", "CRS from"), ("?crs_max=99999", "CRS to"), ("?eligible_for=%3Cscript%3E", "Program or"),
    ("?verdict=maybe&eligible_for=stem", "Verdict"), ("?sort=password", "Sort"),
    ("?crs_min=500&crs_max=400", "CRS to"),
])
def test_a_bad_filter_is_named_and_ignored_never_a_500(client, firm, query, field):
    client.force_login(firm["user"])
    response = client.get(reverse("clients:list") + query)
    assert response.status_code == 200
    errors = re.search(r'id="list-filter-errors">([^<]*)', response.content.decode())
    assert errors and field in errors.group(1)


def test_the_filtered_list_costs_the_same_queries_whatever_the_filter_and_the_number_of_clients(client,
                                                                                                 firm):
    client.force_login(firm["user"])
    queries = ("", "?eligible_for=healthcare_social", "?eligible_for=cec&verdict=cannot_judge&crs_min=400",
               "?sort=-deadline&crs_max=600", "?eligible_for=french&sort=status")

    def counts() -> list[int]:
        result = []
        for query in queries:
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(reverse("clients:list") + query).status_code == 200
            result.append(len(ctx))
        return result

    few = counts()
    for n in range(40):
        _client(firm["Nurse"].firm, firm["user"], f"More{n:02}", 400 + n, categories=["healthcare_social"],
                cec="eligible")
    assert counts() == few
    assert len(set(few)) == 1  # every filter and sort: the same fixed number


def test_the_dashboard_counts_each_category_in_force_and_links_to_the_filtered_list(client, firm):
    client.force_login(firm["user"])
    with CaptureQueriesContext(connection) as ctx:
        html = client.get(reverse("dashboard") + "?scope=firm").content.decode()
    panel = html.split('id="dash-category-healthcare_social"', 1)[1].split("</div>\n    </div>", 1)[0]
    # Landed clients and the other firm are not counted: Nurse and Aide eligible, Unsure to check.
    assert "<b>2</b>" in panel and "<b>1</b>" in panel
    assert '/clients/?eligible_for=healthcare_social&amp;verdict=eligible"' in panel
    assert '/clients/?eligible_for=healthcare_social&amp;verdict=cannot_judge"' in panel
    base = len(ctx)
    for n in range(20):
        _client(firm["Nurse"].firm, firm["user"], f"Extra{n}", 450, categories=["stem"], check=["french"])
    with CaptureQueriesContext(connection) as ctx:
        client.get(reverse("dashboard") + "?scope=firm")
    assert len(ctx) == base
