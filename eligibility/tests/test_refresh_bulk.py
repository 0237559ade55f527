"""The bulk refresh (plain rows, COPY + upsert, alerts from memory) stores exactly what the
per-client ORM path stored before it: same columns, same JSON, same alert inputs."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.db import connection

from clients.models import Client
from demo.firms import build_clients, create_demo_firm
from eligibility import rules, services
from eligibility.models import ClientAssessment
from eligibility.rules import verdict
from eligibility.tests.report_fixtures import ensure_reference_data

pytestmark = pytest.mark.django_db

AS_OF = dt.date(2026, 12, 3)


# ---- the path as it was before the bulk refresh (frozen here as the reference)
def _old_facts(client: Client) -> rules.Facts:
    def cred(e):
        return rules.Credential(level=e.level, canadian=e.is_canadian, completed_on=e.completed_on,
                                eca_on=e.eca_on)

    def test(t):
        return rules.LanguageTest(test=t.test, taken_on=t.taken_on, listening=float(t.listening),
                                  reading=float(t.reading), writing=float(t.writing),
                                  speaking=float(t.speaking))

    def job(j):
        return rules.Job(noc=j.noc_id, country=j.country.upper(), start=j.start_on, end=j.end_on,
                         hours_per_week=float(j.hours_per_week), paid=j.is_paid,
                         self_employed=j.is_self_employed, full_time_student=j.was_full_time_student)

    educations, tests = list(client.educations.all()), list(client.languagetests.all())
    jobs = list(client.jobs.all())
    try:
        spouse_row = client.spouse
    except Client.spouse.RelatedObjectDoesNotExist:
        spouse_row = None
    spouse = None
    if spouse_row is not None and client.marital_status in rules.PARTNERED_STATUSES:
        spouse = rules.Spouse(
            accompanying=spouse_row.is_accompanying,
            canadian_citizen_or_pr=spouse_row.is_canadian_citizen_or_pr,
            education=tuple(cred(e) for e in educations if e.of_spouse),
            language_tests=tuple(test(t) for t in tests if t.of_spouse),
            work_history=tuple(job(j) for j in jobs if j.of_spouse),
        )
    return rules.Facts(
        date_of_birth=client.date_of_birth, marital_status=client.marital_status, spouse=spouse,
        education=tuple(cred(e) for e in educations if not e.of_spouse),
        language_tests=tuple(test(t) for t in tests if not t.of_spouse),
        work_history=tuple(job(j) for j in jobs if not j.of_spouse),
        certificate_of_qualification=(
            rules.Certificate(noc=client.certificate_noc_id or "", province=client.certificate_province)
            if client.has_certificate else None),
        provincial_nomination=client.has_provincial_nomination,
        job_offer=(rules.JobOffer(noc=client.job_offer_noc_id or "", years=client.job_offer_years)
                   if client.has_job_offer else None),
        sibling_in_canada=client.has_sibling_in_canada, family_size=client.family_size,
        settlement_funds_cad=client.settlement_funds_cad,
        profile_submitted_on=client.ee_submitted_at.date() if client.ee_submitted_at else None,
    )


def _old_row(client: Client, categories, as_of: dt.date = AS_OF) -> dict:
    data = rules.assess(_old_facts(client), as_of=as_of, categories=categories).to_dict()
    row = {
        "firm_id": client.firm_id, "as_of": as_of, "rules": data["crs"]["rules"],
        "crs_total": data["crs"]["total"],
        "fsw": data["programs"]["fsw"]["eligible"], "cec": data["programs"]["cec"]["eligible"],
        "fstp": data["programs"]["fstp"]["eligible"],
        "fsw_status": verdict.of(data["programs"]["fsw"]), "cec_status": verdict.of(data["programs"]["cec"]),
        "fstp_status": verdict.of(data["programs"]["fstp"]),
        "categories": [c["slug"] for c in data["categories"] if c["eligible"]],
        "categories_check": [c["slug"] for c in data["categories"] if verdict.of(c) == verdict.CANNOT_JUDGE],
        "open_round_types": rules.open_round_types(
            data, provincial_nomination=client.has_provincial_nomination),
        "result": data,
    }
    return json.loads(json.dumps(row, default=str))


FIELDS = ("firm_id", "as_of", "rules", "crs_total", "fsw", "cec", "fstp", "fsw_status", "cec_status",
          "fstp_status", "categories", "categories_check", "open_round_types", "result")


@pytest.fixture
def demo_clients() -> list[int]:
    ensure_reference_data()
    demo = create_demo_firm(name="Refresh equivalence", prefix="refresh-eq-")
    return build_clients(demo, count=400, seed=11, today=AS_OF)


def test_bulk_refresh_stores_what_the_per_client_path_stored(demo_clients):
    categories = services.category_rules(as_of=AS_OF)
    loaded = services.clients_with_facts(Client.objects.filter(id__in=demo_clients))
    expected = {c.pk: _old_row(c, categories) for c in loaded}
    assert any(r["result"]["crs"]["total"] for r in expected.values())
    # facts_for (one client) and the bulk read give the old facts for every client
    assert {c.pk: services.facts_for(c) for c in loaded} == {c.pk: _old_facts(c) for c in loaded}

    assert services.refresh_assessments(demo_clients, as_of=AS_OF, batch_size=150) == len(demo_clients)
    stored = {r["client_id"]: r for r in ClientAssessment.objects.filter(client_id__in=demo_clients).values(
        "client_id", *FIELDS)}
    got = {pk: json.loads(json.dumps({f: r[f] for f in FIELDS}, default=str)) for pk, r in stored.items()}
    assert got == expected
    assert sum(1 for r in expected.values() if r["categories"] or r["categories_check"]) > 0


def test_the_alerts_compare_the_same_new_values_as_read_back(demo_clients):
    categories = services.category_rules(as_of=AS_OF)
    clients, compared = services._refresh_chunk(demo_clients, as_of=AS_OF, categories=categories)
    assert compared == services._stored(demo_clients)
    owners = dict(Client.objects.filter(id__in=demo_clients).values_list("id", "consultant_id"))
    assert {c[services.CLIENT_ID]: c[services.CLIENT_CONSULTANT] for c in clients} == owners


def test_a_rerun_changes_nothing_but_the_time(demo_clients):
    services.refresh_assessments(demo_clients, as_of=AS_OF)
    before = {r["client_id"]: r for r in ClientAssessment.objects.values("client_id", *FIELDS)}
    services.refresh_assessments(demo_clients, as_of=AS_OF)
    after = {r["client_id"]: r for r in ClientAssessment.objects.values("client_id", *FIELDS)}
    assert before == after and len(after) == len(demo_clients)


def _rows(ids) -> dict[int, dict]:
    return {r["client_id"]: r for r in ClientAssessment.objects.filter(client_id__in=ids).values(
        "client_id", "result_digest", "computed_at", *FIELDS)}


def test_the_next_night_only_moves_the_day_of_unchanged_rows_and_stores_what_a_fresh_run_would(
        demo_clients, monkeypatch):
    night1, night2 = AS_OF, AS_OF + dt.timedelta(days=1)
    services.refresh_chunk(demo_clients, as_of=night1)
    before = _rows(demo_clients)
    written = []
    real_upsert = services._upsert
    monkeypatch.setattr(services, "_upsert", lambda rows, **kw: (written.extend(r[0] for r in rows),
                                                                 real_upsert(rows, **kw)))

    services.refresh_chunk(demo_clients, as_of=night2)
    after = _rows(demo_clients)
    categories = services.category_rules(as_of=night2)
    loaded = services.clients_with_facts(Client.objects.filter(id__in=demo_clients))
    expected = {c.pk: _old_row(c, categories, night2) for c in loaded}
    assert expected == {pk: {k: v for k, v in json.loads(json.dumps(r, default=str)).items() if k in FIELDS}
                        for pk, r in after.items()}
    moved = set(demo_clients) - set(written)
    assert written and len(moved) > len(written)  # a birthday or an expiry on one side, most unchanged
    for pk in moved:
        assert after[pk]["result_digest"] == before[pk]["result_digest"] != ""
        assert after[pk]["computed_at"] > before[pk]["computed_at"]
        assert after[pk]["result"]["as_of"] == night2.isoformat() and after[pk]["as_of"] == night2
    for pk in written:
        assert after[pk]["result_digest"] != before[pk]["result_digest"]

    written.clear()
    services.refresh_chunk(demo_clients, as_of=night2)  # the same night again: nothing is rewritten
    assert written == []
    again = _rows(demo_clients)
    assert {pk: {k: v for k, v in r.items() if k != "computed_at"} for pk, r in again.items()} == \
        {pk: {k: v for k, v in r.items() if k != "computed_at"} for pk, r in after.items()}
    assert all(again[pk]["computed_at"] > after[pk]["computed_at"] for pk in demo_clients)


def test_moving_the_day_leaves_a_row_that_another_refresh_rewrote_meanwhile(demo_clients):
    pk = demo_clients[0]
    services.refresh_chunk([pk], as_of=AS_OF)
    row = ClientAssessment.objects.get(client_id=pk)
    services._move_day([(pk, "0" * 32)], as_of=AS_OF + dt.timedelta(days=3), now=row.computed_at)
    assert ClientAssessment.objects.get(client_id=pk).as_of == AS_OF  # its digest is not the one read
    services._move_day([(pk, row.result_digest)], as_of=AS_OF + dt.timedelta(days=3), now=row.computed_at)
    moved = ClientAssessment.objects.get(client_id=pk)
    assert moved.as_of == AS_OF + dt.timedelta(days=3) and moved.result["as_of"] == "2026-12-06"


def test_a_row_written_without_a_digest_by_the_previous_code_is_written_whole_next_night(demo_clients):
    pk = demo_clients[0]
    firm_id = Client.objects.get(pk=pk).firm_id
    with connection.cursor() as cursor:  # the upsert of the code before result_digest (a deployment)
        cursor.execute(
            "INSERT INTO eligibility_clientassessment (client_id, firm_id, as_of, rules, crs_total, fsw, cec,"
            " fstp, fsw_status, cec_status, fstp_status, categories, categories_check, open_round_types,"
            " result, computed_at) VALUES (%s, %s, %s, '2025-03-25', 0, false, false, false, 'not_eligible',"
            " 'not_eligible', 'not_eligible', '[]', '[]', '[]', '{\"crs\": {\"details\": {}}}', now())",
            [pk, firm_id, AS_OF])
    assert ClientAssessment.objects.get(client_id=pk).result_digest == ""
    services.refresh_chunk([pk], as_of=AS_OF + dt.timedelta(days=1))
    row = ClientAssessment.objects.get(client_id=pk)
    assert row.result_digest != "" and row.result["as_of"] == "2026-12-04" and row.result["crs"]["total"] > 0
