"""Reports through the web: generate (POST), page, PDF, JSON, compare; firm isolation; query counts."""

from __future__ import annotations

import datetime as dt
import subprocess

import pytest
import time_machine
from django.urls import reverse

from clients.models import Client, LanguageTest
from clients.tests.factories import ClientFactory, FirmFactory, member
from eligibility import reports, services
from eligibility.models import Report
from eligibility.tests.report_fixtures import (
    SPEC_AS_OF,
    ensure_reference_data,
    load_rounds,
    spec_example_client,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _reference_data(db):
    """NOC codes, categories and the beat schedule are present even after another module's flush."""
    ensure_reference_data()


@pytest.fixture
def firm():
    return FirmFactory(name="Maple Route Immigration")


@pytest.fixture
def consultant(firm):
    return member(firm, "consultant", first_name="Priya", last_name="Sharma")


@pytest.fixture
def client_row(firm, consultant):
    return spec_example_client(firm=firm, consultant=consultant)


@pytest.fixture
def rounds(db):
    return load_rounds()


@pytest.fixture
def report(client_row, consultant, rounds):
    return services.generate_report(client=client_row, by=consultant, as_of=SPEC_AS_OF)


def login(client, user):
    client.force_login(user)
    return client


def pdftotext(data: bytes, tmp_path) -> str:
    path = tmp_path / "report.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True,
                          text=True).stdout


# ---------------------------------------------------------------------------- generate


@time_machine.travel(dt.datetime(2026, 11, 24, 15, 0, tzinfo=dt.UTC), tick=False)
def test_generate_stores_a_snapshot_of_facts_and_results_and_opens_the_report(client, consultant, client_row,
                                                                              rounds):
    response = login(client, consultant).post(reverse("eligibility:generate", args=[client_row.pk]))
    report = Report.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("eligibility:report", args=[report.pk])
    assert (report.client, report.firm, report.generated_by) == (client_row, client_row.firm, consultant)
    assert report.as_of == SPEC_AS_OF
    assert report.rules == "2025-03-25"
    assert report.crs_total == 582
    loaded = services.clients_with_facts(Client.objects.filter(pk=client_row.pk)).get()
    assert report.facts == reports.facts_to_dict(services.facts_for(loaded))
    assert report.results["assessment"]["crs"]["total"] == 582
    assert report.results["backtest"]["met_count"] == 1
    assert report.generated_at is not None


def test_generate_is_post_only(client, consultant, client_row):
    response = login(client, consultant).get(reverse("eligibility:generate", args=[client_row.pk]))
    assert response.status_code == 405
    assert not Report.objects.exists()


def test_a_report_is_a_snapshot_not_recomputed_when_the_profile_changes(client, consultant, report,
                                                                       client_row):
    LanguageTest.objects.filter(client=client_row, test="tef_canada").delete()  # French bonus gone
    page = login(client, consultant).get(reverse("eligibility:report", args=[report.pk]))
    assert page.context["crs"]["total"] == 582
    newer = services.generate_report(client=client_row, by=consultant, as_of=SPEC_AS_OF)
    assert newer.crs_total < 582
    report.refresh_from_db()
    assert report.crs_total == 582


# ---------------------------------------------------------------------------- page, PDF, JSON


def test_report_page_shows_every_section(client, consultant, report):
    response = login(client, consultant).get(reverse("eligibility:report", args=[report.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Maria Santos" in html and "Maple Route Immigration" in html
    for section in ("summary", "crs", "programs", "categories", "backtest", "pool", "what-if", "lowering",
                    "warnings"):
        assert f'id="{section}"' in html
    assert ("Would have been invited in <strong>1 of 1</strong> round open to this profile "
            "since Nov 24, 2025") in html
    assert "An estimated <strong>4,047</strong> of 229,100 candidates" in html
    assert "A provincial nomination" in html and "+535" in html
    assert "Turns 32" in html
    assert "Healthcare and social services occupations" in html


def test_report_page_query_count_does_not_grow_with_the_number_of_reports(
        client, consultant, report, client_row, django_assert_max_num_queries):
    login(client, consultant)
    url = reverse("eligibility:report", args=[report.pk])
    client.get(url)
    with django_assert_max_num_queries(8):
        client.get(url)
    for _ in range(6):
        services.generate_report(client=client_row, by=consultant, as_of=SPEC_AS_OF)
    with django_assert_max_num_queries(8):
        assert client.get(url).status_code == 200


def test_pdf_is_generated_non_empty_with_the_clients_name(client, consultant, report, tmp_path):
    response = login(client, consultant).get(reverse("eligibility:report_pdf", args=[report.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="eligibility-report-maria-santos-2026-11-24.pdf"')
    data = response.content
    assert data.startswith(b"%PDF") and len(data) > 10_000
    text = pdftotext(data, tmp_path)
    assert "Maria Santos" in text
    assert "582" in text
    words = " ".join(text.split())
    assert "Would have been invited in 1 of 1 round open to this profile since Nov 24, 2025" in words
    assert "Page 1 / " in text


def test_json_endpoint_returns_the_stored_snapshot(client, consultant, report):
    response = login(client, consultant).get(reverse("eligibility:report_json", args=[report.pk]))
    data = response.json()
    assert response.status_code == 200
    assert data["id"] == report.pk
    assert data["client"] == {"id": report.client_id, "name": "Maria Santos"}
    assert (data["as_of"], data["rules"], data["crs_total"]) == ("2026-11-24", "2025-03-25", 582)
    assert data["facts"]["date_of_birth"] == "1995-04-02"
    assert data["results"]["assessment"]["crs"]["total"] == 582
    assert data["results"]["pool"]["above"] == 4047
    assert data["url"].endswith(f"/reports/{report.pk}/")


def test_client_page_panel_lists_reports_with_the_generate_button(client, consultant, report, client_row):
    response = login(client, consultant).get(reverse("clients:detail", args=[client_row.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="eligibility-reports"' in html
    assert reverse("eligibility:generate", args=[client_row.pk]) in html
    assert reverse("eligibility:report", args=[report.pk]) in html


# ---------------------------------------------------------------------------- compare


def test_compare_shows_what_changed_and_why(client, consultant, client_row, report):
    test = LanguageTest.objects.get(client=client_row, test="ielts_general")
    test.reading, test.writing = 8.0, 8.0
    test.save()
    later = services.generate_report(client=client_row, by=consultant, as_of=dt.date(2027, 4, 5))
    response = login(client, consultant).get(reverse("eligibility:compare", args=[later.pk, report.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    diff = response.context["diff"]
    assert (response.context["old"], response.context["new"]) == (report, later)
    assert {d["path"] for d in diff["facts"]} == {"language_tests[0].reading", "language_tests[0].writing"}
    assert {f["factor"] for f in diff["factors"]} >= {"age", "first_language"}
    assert "language_tests[0].reading" in html and "First official language" in html
    assert diff["total"]["delta"] == later.crs_total - 582
    fsw = next(p for p in diff["programs"] if p["code"] == "fsw")
    assert (fsw["old"], fsw["new"]) == ("eligible", "eligible")
    assert fsw["removed_reasons"] == ["CLB 7 in all four abilities met (English CLB 10/9/9/10)"]
    assert fsw["added_reasons"] == ["CLB 7 in all four abilities met (English CLB 10/10/10/10)"]


def test_compare_needs_two_reports_of_the_same_client(client, consultant, report, firm):
    other_client = spec_example_client(firm=firm, consultant=consultant, first_name="Jon")
    other = services.generate_report(client=other_client, by=consultant, as_of=SPEC_AS_OF)
    response = login(client, consultant).get(reverse("eligibility:compare", args=[report.pk, other.pk]))
    assert response.status_code == 404


# ---------------------------------------------------------------------------- isolation


@pytest.mark.parametrize("name", ["report", "report_pdf", "report_json"])
def test_another_firms_report_is_not_found(client, report, name):
    outsider = member(FirmFactory(), "owner")
    response = login(client, outsider).get(reverse(f"eligibility:{name}", args=[report.pk]))
    assert response.status_code == 404


def test_another_firm_can_neither_generate_nor_list_nor_compare(client, report, client_row):
    outsider = member(FirmFactory(), "owner")
    login(client, outsider)
    assert client.post(reverse("eligibility:generate", args=[client_row.pk])).status_code == 404
    assert client.get(reverse("eligibility:client_reports", args=[client_row.pk])).status_code == 404
    assert client.get(reverse("eligibility:compare", args=[report.pk, report.pk])).status_code == 404
    assert Report.objects.count() == 1


def test_anonymous_users_are_sent_to_login(client, report):
    response = client.get(reverse("eligibility:report", args=[report.pk]))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_client_reports_page_lists_only_that_clients_reports(client, consultant, report, client_row, firm):
    other_client = spec_example_client(firm=firm, consultant=consultant, first_name="Jon")
    other = services.generate_report(client=other_client, by=consultant, as_of=SPEC_AS_OF)
    response = login(client, consultant).get(reverse("eligibility:client_reports", args=[client_row.pk]))
    html = response.content.decode()
    assert reverse("eligibility:report", args=[report.pk]) in html
    assert reverse("eligibility:report", args=[other.pk]) not in html


def test_admin_lists_reports_and_alerts(admin_client, report):
    assert admin_client.get(reverse("admin:eligibility_report_changelist")).status_code == 200
    assert admin_client.get(reverse("admin:eligibility_report_change", args=[report.pk])).status_code == 200
    assert admin_client.get(reverse("admin:eligibility_alert_changelist")).status_code == 200


def test_a_client_with_almost_no_facts_gets_a_report_with_warnings_not_an_error(client, consultant, firm,
                                                                                tmp_path):
    bare = ClientFactory(firm=firm, consultant=consultant, first_name="Lena", last_name="Okafor")
    login(client, consultant)
    response = client.post(reverse("eligibility:generate", args=[bare.pk]))
    report = Report.objects.get(client=bare)
    assert response.status_code == 302
    page = client.get(reverse("eligibility:report", args=[report.pk])).content.decode()
    assert "No language test recorded" in page
    assert "No published distribution is recorded yet." in page  # no draws in this test
    assert "No round since" in page
    pdf = client.get(reverse("eligibility:report_pdf", args=[report.pk])).content
    assert "Lena Okafor" in pdftotext(pdf, tmp_path)


def test_unknown_ids_are_not_found(client, consultant, report):
    login(client, consultant)
    assert client.post(reverse("eligibility:generate", args=[999999])).status_code == 404
    assert client.get(reverse("eligibility:report", args=[999999])).status_code == 404
    assert client.get(reverse("eligibility:compare", args=[report.pk, 999999])).status_code == 404
    assert client.get(reverse("eligibility:dismiss_alert", args=[1])).status_code == 405


# The sheet is kept rendered in the cache (config.fragments, eligibility.presenters.report_sheet_parts).

def test_a_second_visit_reads_the_sheet_from_the_cache(client, consultant, report, monkeypatch):
    from eligibility import views

    login(client, consultant)
    url = reverse("eligibility:report", args=[report.pk])
    first = client.get(url).content.decode()
    rendered = []
    keep = views.render_to_string
    monkeypatch.setattr(views, "render_to_string", lambda *a, **k: rendered.append(a[0]) or keep(*a, **k))
    second = client.get(url).content.decode()
    assert rendered == []
    assert 'class="report-sheet"' in second and "Priya Sharma" in second
    token = 'name="csrfmiddlewaretoken" value="'
    assert first.split(token)[0] == second.split(token)[0]


def test_the_names_on_the_sheet_are_read_at_each_visit(client, consultant, client_row, report):
    login(client, consultant)
    url = reverse("eligibility:report", args=[report.pk])
    assert "Maple Route Immigration" in client.get(url).content.decode()
    client_row.first_name, client_row.last_name = "Noor", "Haddad"
    client_row.save()
    consultant.first_name = "Priyanka"
    consultant.save()
    consultant.membership.rcic_number = "R765432"
    consultant.membership.save()
    consultant.membership.firm.name = "Route Érable"
    consultant.membership.firm.save()
    sheet = client.get(url).content.decode().split('class="report-sheet"')[1]
    assert "<h1>Noor Haddad</h1>" in sheet and "Route Érable" in sheet
    assert "Priyanka Sharma" in sheet and "R765432" in sheet


def test_each_language_has_its_own_sheet_and_a_category_renamed_shows(client, consultant, report):
    from draws.models import Category

    login(client, consultant)
    url = reverse("eligibility:report", args=[report.pk])
    assert "Healthcare and social services occupations" in client.get(url).content.decode()
    client.cookies["django_language"] = "fr"
    french = client.get(url).content.decode()
    assert "Rapport" in french and "Healthcare and social services occupations" not in french
    healthcare = Category.objects.filter(slug="healthcare_social").order_by("-effective_from")
    for c in healthcare:
        c.name_fr = "Santé et services sociaux (nom corrigé)"
        c.save()  # the admin's save
    assert "Santé et services sociaux (nom corrigé)" in client.get(url).content.decode()


def test_report_lists_do_not_read_the_snapshots(client, consultant, client_row, report,
                                                django_assert_max_num_queries):
    """The client page's reports panel and the report page's compare menu list reports by date and
    score: the facts and results JSON of each listed report is not read."""
    services.generate_report(client=client_row, by=consultant, as_of=SPEC_AS_OF)
    login(client, consultant)
    pages = [reverse("clients:detail", args=[client_row.pk]), reverse("eligibility:report", args=[report.pk])]
    for url in pages:
        with django_assert_max_num_queries(20) as queries:
            assert client.get(url).status_code == 200
        listed = [q["sql"] for q in queries.captured_queries
                  if 'FROM "eligibility_report"' in q["sql"] and "ORDER BY" in q["sql"]]
        assert listed and not any('"eligibility_report"."results"' in sql for sql in listed)
