"""The client list (search, filters, pagination, stored CRS) and the client page (live eligibility)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from clients.models import Client
from clients.signals import facts_saved
from clients.tests.conftest import spec_example_post
from clients.tests.factories import ClientFactory, JobFactory, LanguageTestFactory, member

TODAY = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)
pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(TODAY, tick=False)]


def _names(response) -> list[str]:
    return [c.full_name for c in response.context["clients"]]


@pytest.fixture
def spec_client(logged_in, consultant, django_capture_on_commit_callbacks) -> Client:
    """The assessment spec's example, created through the form (so the stored assessment exists)."""
    with django_capture_on_commit_callbacks(execute=True):
        logged_in.post(reverse("clients:create"), spec_example_post(consultant))
    return Client.objects.get()


# --- list -----------------------------------------------------------------------------------


def test_list_shows_only_the_firms_clients_with_stored_crs(logged_in, consultant, spec_client):
    ClientFactory(first_name="Other", last_name="Firm")  # another firm's client
    response = logged_in.get(reverse("clients:list"))
    assert _names(response) == ["Ana Reyes"]
    html = response.content.decode()
    assert '<span class="crs-cell">582</span>' in html
    assert "Priya Shah" in html and "In pool" in html


@pytest.mark.parametrize(
    ("q", "expected"),
    [("reyes", ["Ana Reyes"]), ("ana reyes", ["Ana Reyes"]), ("ben@", ["Ben Okafor"]),
     ("E0099", ["Ben Okafor"]), ("nobody", [])],
)
def test_search_by_name_email_or_profile_number(logged_in, consultant, q, expected):
    firm = consultant.membership.firm
    ClientFactory(firm=firm, first_name="Ana", last_name="Reyes", email="ana@mail.example")
    ClientFactory(firm=firm, first_name="Ben", last_name="Okafor", email="ben@mail.example",
                  ee_profile_number="E009988776")
    assert _names(logged_in.get(reverse("clients:list"), {"q": q})) == expected


def test_search_is_served_by_the_trigram_indexes(consultant):
    """Every searched column has a trigram index on the very expression Django's icontains writes.

    The search's own condition (clients.selectors.word_matches) is EXPLAINed with sequential
    scans off, so the small test table cannot hide a missing or mismatched index
    (clients/migrations/0004): the plan must name all four.
    """
    from django.db import connection

    from clients.selectors import word_matches

    ClientFactory(firm=consultant.membership.firm, last_name="Reyes")
    sql, params = Client.objects.filter(word_matches("reyes")).values("id").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    for column in ("first_name", "last_name", "email", "ee_profile_number"):
        assert f"clients_client_{column}_trgm" in plan, plan


def test_filter_by_consultant_and_status(logged_in, consultant):
    firm = consultant.membership.firm
    colleague = member(firm, "consultant", first_name="Marc")
    ClientFactory(firm=firm, consultant=consultant, first_name="Mine", status="in_pool")
    ClientFactory(firm=firm, consultant=consultant, first_name="Landed", status="landed")
    ClientFactory(firm=firm, consultant=colleague, first_name="Theirs", status="in_pool")
    url = reverse("clients:list")
    assert _names(logged_in.get(url, {"consultant": consultant.pk})) == ["Landed Reyes", "Mine Reyes"]
    assert _names(logged_in.get(url, {"status": "in_pool"})) == ["Mine Reyes", "Theirs Reyes"]
    assert _names(logged_in.get(url, {"consultant": colleague.pk, "status": "landed"})) == []


def test_unknown_filter_values_are_ignored_not_a_500(logged_in, consultant):
    ClientFactory(firm=consultant.membership.firm)
    outsider = member()
    for params in ({"consultant": "abc"}, {"consultant": outsider.pk}, {"status": "ghost"}, {"page": "zz"}):
        response = logged_in.get(reverse("clients:list"), params)
        assert response.status_code == 200
        assert len(response.context["clients"]) == 1


def test_list_pages_50_at_a_time(logged_in, consultant):
    firm = consultant.membership.firm
    Client.objects.bulk_create([
        Client(firm=firm, consultant=consultant, first_name="C", last_name=f"N{i:03d}",
               date_of_birth=dt.date(1990, 1, 1))
        for i in range(120)
    ])
    first = logged_in.get(reverse("clients:list"))
    assert len(first.context["clients"]) == 50
    last = logged_in.get(reverse("clients:list"), {"page": 3, "status": "prospect"})
    assert _names(last)[0] == "C N100" and len(last.context["clients"]) == 20
    assert 'href="?page=2&amp;status=prospect"' in last.content.decode()  # filters kept across pages


def test_list_query_count_does_not_grow_with_clients(logged_in, consultant, django_assert_max_num_queries,
                                                    django_capture_on_commit_callbacks):
    firm = consultant.membership.firm
    counts = []
    for batch in (1, 59):  # 1 client, then 60 (a full page and more), each with its own consultant
        clients = [ClientFactory(firm=firm, consultant=member(firm)) for _ in range(batch)]
        with django_capture_on_commit_callbacks(execute=True):  # their stored scores follow (eligibility)
            for c in clients:
                facts_saved.send(sender=Client, client=c, by=None)
        # + the categories and the page's deadlines; + 4 for the search's time limit inside the test's
        # transaction (savepoint, set, restore, release), 1 in a request of its own (set: the commit ends it)
        with django_assert_max_num_queries(14) as queries:
            response = logged_in.get(reverse("clients:list"), {"q": "reyes"})
        counts.append(len(queries.captured_queries))
    assert len(response.context["clients"]) == 50
    assert counts[0] == counts[1]


# --- client page ----------------------------------------------------------------------------


def test_client_page_shows_the_spec_example_assessment(logged_in, spec_client):
    response = logged_in.get(reverse("clients:detail", args=[spec_client.pk]))
    assert response.status_code == 200
    summary = response.context["summary"]
    assert summary.total == 582
    sections = {s.key: s.points for s in summary.sections}
    assert sections == {"core_human_capital": 399, "spouse_factors": 18, "skill_transferability": 100,
                        "additional": 65}
    programs = {p["key"]: (p["eligible"], p["points"]) for p in summary.programs}
    assert programs == {"fsw": (True, 87), "cec": (True, None), "fstp": (False, None)}
    eligible = {c["slug"] for c in summary.categories if c["eligible"]}
    assert {"healthcare_social", "french"} <= eligible
    html = response.content.decode()
    assert 'data-testid="crs-total">582<' in html
    assert "Registered nurses and registered psychiatric nurses" in html
    assert "Spouse or partner" in html and "CELPIP-General" in html


def test_factors_at_their_maximum_are_marked(logged_in, spec_client):
    summary = logged_in.get(reverse("clients:detail", args=[spec_client.pk])).context["summary"]
    at_max = {f.key for s in summary.sections for f in s.factors if f.at_maximum}
    # Spec worked example: transferability groups 50/50 each, French bonus 50/50.
    assert at_max == {"transfer_education", "transfer_foreign_work", "french"}


def test_live_score_matches_the_stored_one(logged_in, spec_client):
    response = logged_in.get(reverse("clients:detail", args=[spec_client.pk]))
    assert response.context["stored"].crs_total == response.context["summary"].total
    assert "The stored score used for lists" not in response.content.decode()


def test_client_page_flags_a_stale_stored_score(logged_in, spec_client):
    spec_client.assessment.crs_total = 500
    spec_client.assessment.save()
    html = logged_in.get(reverse("clients:detail", args=[spec_client.pk])).content.decode()
    assert "The stored score used for lists and matching is 500" in html


def test_client_without_tests_or_jobs_still_renders(logged_in, consultant):
    client = ClientFactory(firm=consultant.membership.firm, consultant=consultant)
    response = logged_in.get(reverse("clients:detail", args=[client.pk]))
    assert response.status_code == 200
    assert "no valid test" in response.content.decode()


def test_client_page_query_count_does_not_grow_with_facts(
    logged_in, consultant, django_assert_max_num_queries
):
    client = ClientFactory(firm=consultant.membership.firm, consultant=consultant)
    counts = []
    for year in (2010, 2012, 2014, 2016, 2018):  # 1 job and 1 test, then 5 of each
        JobFactory(client=client, start_on=dt.date(year, 1, 1), end_on=dt.date(year + 1, 6, 30))
        LanguageTestFactory(client=client)
        if year not in (2010, 2018):
            continue
        # The client page's own queries; panels other features register add a fixed number each.
        with django_assert_max_num_queries(16) as queries:
            assert logged_in.get(reverse("clients:detail", args=[client.pk])).status_code == 200
        counts.append(len(queries.captured_queries))
    assert counts[0] == counts[1]


def test_registered_panels_appear_on_the_client_page(logged_in, consultant, tmp_path, settings):
    from clients import panels

    (tmp_path / "_test_panel.html").write_text(
        "<div id='panel'>{{ panel.context.note }} {{ client.first_name }}</div>")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], tmp_path]}]
    client = ClientFactory(firm=consultant.membership.firm, consultant=consultant, first_name="Zoe")
    panels.register_client_panel("_test_panel.html", context=lambda request, c: {"note": "timeline"})
    try:
        html = logged_in.get(reverse("clients:detail", args=[client.pk])).content.decode()
    finally:
        panels._PANELS.pop("_test_panel.html")
    assert "<div id='panel'>timeline Zoe</div>" in html


def test_list_count_is_cached_and_follows_every_edit(logged_in, consultant, django_assert_max_num_queries):
    """The firm's count comes from the cache (clients/counts.py) and changes as soon as a client is saved."""
    firm = consultant.membership.firm
    ClientFactory(firm=firm, last_name="Reyes")
    url = reverse("clients:list")
    assert logged_in.get(url).context["page"].paginator.count == 1
    with django_assert_max_num_queries(20) as warm:
        response = logged_in.get(url)
    assert response.context["page"].paginator.count == 1
    assert not any('COUNT(*)' in q["sql"] for q in warm.captured_queries)  # served from the cache
    added = ClientFactory(firm=firm, last_name="Reyes")
    assert logged_in.get(url).context["page"].paginator.count == 2
    assert logged_in.get(url, {"q": "reyes"}).context["page"].paginator.count == 2
    added.delete()
    assert logged_in.get(url).context["page"].paginator.count == 1
    assert logged_in.get(url, {"q": "reyes"}).context["page"].paginator.count == 1
    ClientFactory(firm=ClientFactory().firm)  # another firm's edit leaves this firm's count alone
    assert logged_in.get(url).context["page"].paginator.count == 1
