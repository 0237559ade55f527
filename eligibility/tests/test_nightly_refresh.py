"""The nightly job: every active client's stored assessment refreshed in bulk, in bounded queries."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django_celery_beat.models import PeriodicTask

from clients.models import Client, Education, Job, LanguageTest
from clients.tests.factories import FirmFactory, member
from config.celery import app
from eligibility import services
from eligibility.models import Alert, ClientAssessment
from eligibility.tasks import nightly_refresh, refresh_chunk
from eligibility.tests.report_fixtures import SPEC_AS_OF, ensure_reference_data, spec_example_client

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _reference_data(db):
    """NOC codes, categories and the beat schedule are present even after another module's flush."""
    ensure_reference_data()


def bulk_clients(n: int, *, firm=None, consultant=None) -> list[int]:
    """n realistic clients (a credential, an IELTS and a Canadian job each) in a handful of queries."""
    firm = firm or FirmFactory()
    consultant = consultant or member(firm)
    clients = Client.objects.bulk_create([
        Client(firm=firm, consultant=consultant, first_name=f"C{i}", last_name="Bulk",
               date_of_birth=dt.date(1985 + i % 15, 1 + i % 12, 1 + i % 28), status="in_pool",
               marital_status="single", settlement_funds_cad=20000)
        for i in range(n)
    ], batch_size=2000)
    Education.objects.bulk_create([
        Education(client=c, level=("bachelors", "masters", "two_year")[i % 3],
                  completed_on=dt.date(2015, 6, 1), eca_on=dt.date(2023, 1, 1 + i % 28))
        for i, c in enumerate(clients)
    ], batch_size=2000)
    LanguageTest.objects.bulk_create([
        LanguageTest(client=c, test="ielts_general", taken_on=dt.date(2025, 1 + i % 12, 10),
                     listening=6.5 + (i % 5) / 2, reading=6.0 + (i % 4) / 2, writing=6.0 + (i % 3) / 2,
                     speaking=6.5 + (i % 4) / 2)
        for i, c in enumerate(clients)
    ], batch_size=2000)
    Job.objects.bulk_create([
        Job(client=c, noc_id=("21231", "31301", "13110")[i % 3], country="CA",
            start_on=dt.date(2022 + i % 4, 1 + i % 12, 1), end_on=None, hours_per_week=40)
        for i, c in enumerate(clients)
    ], batch_size=2000)
    return [c.pk for c in clients]


def test_nightly_job_refreshes_10000_clients_and_raises_their_alerts_in_bounded_queries(
        django_assert_max_num_queries):
    ids = bulk_clients(10_000)
    # Yesterday's stored assessments: 0 points, no program. Every client's score "changed" overnight.
    firm_id = Client.objects.get(pk=ids[0]).firm_id
    ClientAssessment.objects.bulk_create([
        ClientAssessment(client_id=pk, firm_id=firm_id, as_of=SPEC_AS_OF - dt.timedelta(days=1),
                         rules="2025-03-25", crs_total=0, categories=[],
                         result={"crs": {"details": {}}, "derived": {}})
        for pk in ids
    ], batch_size=2000)
    with django_assert_max_num_queries(100):
        result = services.refresh_and_raise_alerts(as_of=SPEC_AS_OF)
    assert result.refreshed == 10_000
    assert ClientAssessment.objects.filter(client_id__in=ids, as_of=SPEC_AS_OF).count() == 10_000
    assert ClientAssessment.objects.filter(crs_total=0).count() == 0
    # One score-change alert per client, and one "newly eligible" per program now met.
    assert Alert.objects.filter(kind=Alert.Kind.SCORE_CHANGE).count() == 10_000
    newly_cec = Alert.objects.filter(kind=Alert.Kind.NEWLY_ELIGIBLE, key__startswith="program:cec:").count()
    assert newly_cec == ClientAssessment.objects.filter(cec=True).count() > 0
    assert result.alerts == Alert.objects.count()


def test_the_stored_assessment_equals_a_fresh_computation():
    client = spec_example_client()
    services.refresh_and_raise_alerts(as_of=SPEC_AS_OF)
    stored = ClientAssessment.objects.get(client=client)
    fresh = services.assess_client(client, as_of=SPEC_AS_OF).to_dict()
    loaded = services.clients_with_facts(Client.objects.filter(pk=client.pk)).get()
    assert stored.result == services.assess_client(loaded, as_of=SPEC_AS_OF).to_dict()
    assert (stored.crs_total, stored.fsw, stored.cec, stored.fstp) == (582, True, True, False)
    assert stored.crs_total == fresh["crs"]["total"]
    assert sorted(stored.categories) == ["french", "healthcare_social"]


def test_landed_and_closed_clients_are_not_refreshed():
    active = spec_example_client()
    landed = spec_example_client(status=Client.Status.LANDED)
    closed = spec_example_client(status=Client.Status.CLOSED)
    result = services.refresh_and_raise_alerts(as_of=SPEC_AS_OF)
    assert result.refreshed == 1
    assert set(ClientAssessment.objects.values_list("client_id", flat=True)) == {active.pk}
    assert not ClientAssessment.objects.filter(client__in=[landed, closed]).exists()


def test_the_beat_schedule_is_a_periodic_task_editable_in_the_admin(admin_client):
    task = PeriodicTask.objects.get(task="eligibility.tasks.nightly_refresh")
    assert task.enabled
    assert (task.crontab.hour, task.crontab.minute) == ("3", "30")
    assert "eligibility.tasks.nightly_refresh" in app.tasks
    response = admin_client.get(f"/admin/django_celery_beat/periodictask/{task.pk}/change/")
    assert response.status_code == 200


def test_the_chunk_task_returns_counts_and_is_safe_to_run_twice():
    client = spec_example_client()
    assert refresh_chunk([client.pk], "2026-11-24") == {"refreshed": 1, "alerts": 0}
    assert refresh_chunk([client.pk], "2026-11-24") == {"refreshed": 1, "alerts": 0}
    assert ClientAssessment.objects.count() == 1


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_runs_the_nightly_task_and_raises_the_birthday_alert(celery_workers):
    client = spec_example_client()
    services.refresh_and_raise_alerts(as_of=dt.date(2027, 4, 1))
    celery_workers.start()
    nightly_refresh.delay(as_of="2027-04-02")  # the client turns 32: -5
    deadline = time.monotonic() + 30
    while not Alert.objects.filter(client=client).exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    alert = Alert.objects.get(client=client)
    assert alert.kind == Alert.Kind.SCORE_CHANGE
    assert (alert.data["old"], alert.data["new"]) == (582, 577)
    assert ClientAssessment.objects.get(client=client).as_of == dt.date(2027, 4, 2)
