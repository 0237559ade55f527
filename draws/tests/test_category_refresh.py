"""A category's edit in the admin refreshes only the clients it can change: an occupation list's
edit, the active clients who worked in a code added or removed; any other rule change, everyone."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.urls import reverse

from draws.models import Category
from draws.tests.factories import category
from eligibility import services, tasks
from eligibility.tests.report_fixtures import ensure_reference_data
from eligibility.tests.test_nightly_refresh import bulk_clients

pytestmark = [pytest.mark.django_db]

TODAY = dt.date(2026, 11, 25)


@pytest.fixture
def admin_client(client, django_user_model):
    user = django_user_model.objects.create_superuser("root", "root@itadesk.example", "x-pass-1234")
    client.force_login(user)
    return client


@pytest.fixture
def dispatched(monkeypatch) -> list[dict]:
    calls: list[dict] = []
    monkeypatch.setattr(tasks.nightly_refresh, "delay", lambda **kwargs: calls.append(kwargs))
    return calls


def _post(admin_client, cat: Category, django_capture_on_commit_callbacks, **changes):
    url = reverse("admin:draws_category_change", args=[cat.pk])
    form = admin_client.get(url).context["adminform"].form
    data = {}
    for bf in form:
        value = bf.value()
        if isinstance(value, bool):
            if value:
                data[bf.name] = "on"
        elif isinstance(value, list | tuple):
            data[bf.name] = [getattr(v, "pk", v) for v in value] if bf.name == "nocs" else json.dumps(value)
        elif isinstance(value, dict):
            data[bf.name] = json.dumps(value)
        else:
            data[bf.name] = "" if value is None else str(value)
    data.update(changes)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[-3000:]


def test_a_list_edit_refreshes_only_the_clients_who_worked_in_a_code_added_or_removed(
        admin_client, dispatched, django_capture_on_commit_callbacks):
    ensure_reference_data()
    ids = bulk_clients(6)  # jobs in 21231, 31301, 13110 in turn
    trades = category("trades", TODAY)
    codes = set(trades.nocs.values_list("code", flat=True))
    assert "13110" not in codes and "21231" not in codes
    _post(admin_client, trades, django_capture_on_commit_callbacks, nocs=sorted(codes | {"13110"}))
    assert dispatched == [{"nocs": ["13110"]}]
    assert services.active_client_chunks(nocs=["13110"]) == [[ids[2], ids[5]]]


def test_a_change_of_dates_refreshes_every_active_client(admin_client, dispatched,
                                                         django_capture_on_commit_callbacks):
    ensure_reference_data()
    trades = category("trades", TODAY)
    _post(admin_client, trades, django_capture_on_commit_callbacks, effective_to="2030-01-01")
    assert dispatched == [{"nocs": None}]
