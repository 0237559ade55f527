"""Invitations and reports are under audit too (issue 6): the owner's audit pages show who
recorded, moved and generated them, and when; another firm's owner sees none of it."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.history import audited_models
from eligibility.models import Report
from invitations.models import Invitation
from tests.world import World

pytestmark = pytest.mark.django_db


def _audit_rows(client, world: World, url: str, role: str = "owner") -> str:
    client.force_login(world.users[role])
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_invitations_and_reports_are_registered():
    labels = {entry.label for entry in audited_models()}
    assert {"invitations.invitation", "eligibility.report"} <= labels


def test_a_generated_report_is_in_the_owners_audit_log(client, world):
    client.force_login(world.users["consultant"])
    assert client.post(reverse("eligibility:generate", args=[world.client.pk])).status_code == 302
    report = Report.objects.latest("id")
    row = report.history.get()
    assert (row.history_type, row.history_user) == ("+", world.users["consultant"])

    html = _audit_rows(client, world, reverse("audit:log"))
    first_row = html.split("<tbody>")[1].split("</tr>")[0]
    assert "Priya Shah" in first_row and "report" in first_row
    assert f"{report.crs_total}" in first_row  # the CRS total it recorded
    assert world.client.first_name in first_row


def test_recording_and_moving_an_invitation_show_in_the_clients_history(client, world):
    consultant = world.users["consultant"]
    client.force_login(consultant)
    Invitation.objects.filter(pk=world.invitation.pk).update(status=Invitation.Status.DECLINED)
    issued = timezone.localtime().replace(microsecond=0) - timezone.timedelta(days=1)
    response = client.post(reverse("invitations:record", args=[world.client.pk]),
                           {"issued_at": issued.strftime("%Y-%m-%dT%H:%M")})
    assert response.status_code == 302
    invitation = world.client.invitations.get(status=Invitation.Status.INVITED)
    response = client.post(reverse("invitations:status", args=[invitation.pk]), {"status": "in_progress"})
    assert response.status_code == 302

    rows = list(invitation.history.order_by("history_id").values_list("history_type", "status"))
    assert rows == [("+", "invited"), ("~", "in_progress")]

    html = _audit_rows(client, world, reverse("audit:client_history", args=[world.client.pk]))
    newest = html.split("<tbody>")[1].split("</tr>")[0]
    assert "invitation to apply" in newest and "Priya Shah" in newest
    assert "Invited</del> → <ins>In progress</ins>" in newest


def test_the_other_firms_owner_sees_none_of_it(client, world):
    client.force_login(world.users["consultant"])
    client.post(reverse("eligibility:generate", args=[world.client.pk]), follow=True)  # reads the message
    html = _audit_rows(client, world, reverse("audit:log"), role="other_firm")
    assert world.client.first_name not in html
    assert "invitation to apply" not in html and "Priya Shah" not in html
    client.force_login(world.users["other_firm"])
    assert client.get(reverse("audit:client_history", args=[world.client.pk])).status_code == 404


def test_consultants_and_assistants_do_not_see_the_audit_pages(client, world):
    for role in ("consultant", "assistant"):
        client.force_login(world.users[role])
        assert client.get(reverse("audit:log")).status_code == 403


def test_the_audit_log_queries_stay_bounded(client, world, django_assert_max_num_queries):
    """Two more audited models add a fixed number of queries, not one per change."""
    client.force_login(world.users["consultant"])
    for _ in range(3):
        client.post(reverse("eligibility:generate", args=[world.client.pk]))
    client.force_login(world.users["owner"])
    with django_assert_max_num_queries(40):
        assert client.get(reverse("audit:log")).status_code == 200
