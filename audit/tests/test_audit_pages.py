"""The audit history: every change to a client's data, who made it and when, for the owner."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit import selectors
from clients.tests.factories import (
    ClientFactory,
    FirmFactory,
    JobFactory,
    LanguageTestFactory,
    SpouseFactory,
    member,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def firm():
    return FirmFactory(name="Maple Route")


@pytest.fixture
def owner(firm):
    return member(firm, "owner", first_name="Olivia", last_name="Owner")


@pytest.fixture
def consultant(firm):
    return member(firm, "consultant", first_name="Priya", last_name="Shah")


def edit(obj, user, **changes):
    """Save `obj` with `changes` as `user` would through a page (history_user set)."""
    for name, value in changes.items():
        setattr(obj, name, value)
    obj._history_user = user
    obj.save()


def test_history_records_who_changed_what_through_a_request(client, settings, firm, owner, consultant):
    settings.ROOT_URLCONF = "audit.tests.urls"
    ana = ClientFactory(firm=firm, first_name="Ana", last_name="Reyes")
    client.force_login(consultant)
    assert client.post(f"/test/rename/{ana.pk}/", {"last_name": "Reyes-Cruz"}).status_code == 200

    latest = ana.history.first()
    assert latest.history_type == "~"
    assert latest.history_user == consultant
    [change] = selectors.client_changes(client_id=ana.pk, limit=1).changes
    assert change.user_name == "Priya Shah"
    assert [(c.label, c.old, c.new) for c in change.changes] == [("last name", "Reyes", "Reyes-Cruz")]


def test_owner_sees_field_diffs_of_the_firms_clients(client, firm, owner, consultant):
    ana = ClientFactory(firm=firm, first_name="Ana", last_name="Reyes", status="prospect",
                        consultant=consultant)
    edit(ana, consultant, status="in_pool", phone="+1 416 555 0199")
    test = LanguageTestFactory(client=ana, speaking=6.5)
    edit(test, consultant, speaking=7.0)
    client.force_login(owner)

    response = client.get("/audit/")

    assert response.status_code == 200
    body = response.content.decode()
    assert "Priya Shah" in body
    assert "Ana Reyes" in body
    assert "<del class=\"text-body-secondary\">Prospect</del> → <ins>In pool</ins>" in body
    assert "<del class=\"text-body-secondary\">6.5</del> → <ins>7.0</ins>" in body
    assert "language test" in body
    assert f'<a href="/clients/{ana.pk}/history/">Ana Reyes</a>' in body
    assert '<span class="fw-semibold">firm</span>' not in body  # the firm id means nothing to a reader


def test_other_firms_changes_are_not_listed(client, firm, owner):
    other = ClientFactory(firm=FirmFactory(), first_name="Zed", last_name="Elsewhere")
    edit(other, other.consultant, last_name="Moved")
    ClientFactory(firm=firm, first_name="Ana", last_name="Reyes")
    client.force_login(owner)
    body = client.get("/audit/").content.decode()
    assert "Ana Reyes" in body
    assert "Zed" not in body and "Elsewhere" not in body and "Moved" not in body


def test_deleted_client_stays_in_the_history(client, firm, owner):
    gone = ClientFactory(firm=firm, first_name="Gone", last_name="Client")
    SpouseFactory(client=gone)
    gone._history_user = owner
    gone.delete()
    client.force_login(owner)
    page = selectors.firm_changes(firm_id=firm.pk)
    kinds = [(c.kind, c.model_label) for c in page.changes]
    assert ("deleted", "client") in kinds
    assert ("deleted", "spouse") in kinds  # cascaded deletes are recorded too
    assert all(c.client_name == "Gone Client (deleted)" for c in page.changes)
    assert "Gone Client (deleted)" in client.get("/audit/").content.decode()


@pytest.mark.parametrize("role", ["consultant", "assistant"])
def test_audit_is_for_the_owner_only(client, firm, role):
    client.force_login(member(firm, role))
    assert client.get("/audit/").status_code == 403


def test_audit_needs_login(client):
    response = client.get("/audit/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_audit_page_queries_do_not_grow_with_history(client, firm, owner, consultant):
    def count_queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/audit/").status_code == 200
        return len(ctx)

    client.force_login(owner)
    ana = ClientFactory(firm=firm, consultant=consultant)
    edit(ana, consultant, status="invited")
    few = count_queries()
    for i in range(15):
        c = ClientFactory(firm=firm, consultant=consultant)
        edit(c, owner, status="applied", consultant=owner, notes=f"note {i}")
        JobFactory(client=c)
        LanguageTestFactory(client=c)
        SpouseFactory(client=c)
    many = count_queries()
    assert many == few
    assert many <= 20


def test_reassigned_consultant_shows_names(firm, owner, consultant):
    ana = ClientFactory(firm=firm, consultant=consultant)
    edit(ana, owner, consultant=owner)
    [change] = selectors.client_changes(client_id=ana.pk, limit=1).changes
    assert [(c.label, c.old, c.new) for c in change.changes] == [
        ("assigned consultant", "Priya Shah", "Olivia Owner")
    ]


def test_pages_follow_each_other_without_gaps(firm, owner):
    ana = ClientFactory(firm=firm)
    with time_machine.travel(dt.datetime(2026, 11, 1, 9, tzinfo=dt.UTC), tick=False) as traveller:
        for i in range(7):
            traveller.shift(dt.timedelta(minutes=1))
            edit(ana, owner, notes=f"note {i}")
    first = selectors.firm_changes(firm_id=firm.pk, limit=3)
    second = selectors.firm_changes(firm_id=firm.pk, limit=3, before=first.next_before)
    third = selectors.firm_changes(firm_id=firm.pk, limit=3, before=second.next_before)
    seen = [c.at for page in (first, second, third) for c in page.changes]
    assert len(seen) == 8  # the creation and seven edits
    assert seen == sorted(seen, reverse=True) and len(set(seen)) == 8
    assert third.next_before is None


def test_older_link_and_bad_cursor(client, firm, owner):
    client.force_login(owner)
    assert client.get("/audit/?before=2026-11-20T10:00:00%2B00:00").status_code == 200
    bad = client.get("/audit/?before=yesterday")
    assert bad.status_code == 400
    assert "before" in bad.content.decode()


def test_client_history_page_is_scoped_to_the_client(client, firm, owner, consultant):
    ana = ClientFactory(firm=firm, first_name="Ana", last_name="Reyes")
    bob = ClientFactory(firm=firm, first_name="Bob", last_name="Brown")
    edit(ana, consultant, notes="called about IELTS")
    edit(bob, consultant, notes="bob's note")
    JobFactory(client=ana, employer="Maple Logistics")
    client.force_login(owner)

    response = client.get(f"/clients/{ana.pk}/history/")

    assert response.status_code == 200
    body = response.content.decode()
    assert "History of Ana Reyes" in body
    assert "called about IELTS" in body and "Maple Logistics" in body
    assert "bob&#x27;s note" not in body


def test_client_history_of_another_firm_is_404(client, owner):
    stranger = ClientFactory(firm=FirmFactory())
    client.force_login(owner)
    assert client.get(f"/clients/{stranger.pk}/history/").status_code == 404


def test_client_history_is_owner_only(client, firm, consultant):
    ana = ClientFactory(firm=firm)
    client.force_login(consultant)
    assert client.get(f"/clients/{ana.pk}/history/").status_code == 403


def test_a_client_named_script_is_shown_as_text_in_the_audit(client, firm, owner):
    ClientFactory(firm=firm, first_name="<script>alert(1)</script>", last_name="X")
    client.force_login(owner)
    body = client.get("/audit/").content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


def test_long_values_are_cut_in_the_diff(firm, owner):
    ana = ClientFactory(firm=firm, notes="short")
    edit(ana, owner, notes="x" * 5000)
    [change] = selectors.client_changes(client_id=ana.pk, limit=1).changes
    [notes] = change.changes
    assert notes.new == "x" * 200 + "…"
