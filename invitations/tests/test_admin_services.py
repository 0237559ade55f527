"""The admin is a client of the services: a firm's reminder schedule saved there reaches its open
invitations as from the owner's page; what only a service writes is read-only there."""

from __future__ import annotations

import pytest
from django.urls import reverse

from clients.tests.factories import member
from invitations.models import ChecklistItemType, ConsultantDigest, FirmReminderSettings
from invitations.tests.helpers import invited_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(client):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_superuser("root", "root@itadesk.example", "x-pass-1234")
    client.force_login(user)
    return user


def test_a_schedule_saved_in_the_admin_reaches_the_open_invitations(client, superuser):
    applicant, invitation = invited_client()
    assert FirmReminderSettings.objects.filter(firm=applicant.firm).count() == 0

    response = client.post(reverse("admin:invitations_firmremindersettings_add"),
                           {"firm": applicant.firm.pk, "offsets_days": "[50, 30, 2]"})

    assert response.status_code == 302, response.context["adminform"].form.errors
    row = FirmReminderSettings.objects.get(firm=applicant.firm)
    assert (row.offsets_days, row.updated_by) == ([50, 30, 2], superuser)
    statuses = dict(invitation.reminders.values_list("offset_days", "status"))
    assert statuses[50] == "pending" and statuses[30] == "pending" and statuses[2] == "pending"
    assert statuses[45] == "cancelled" and statuses[7] == "cancelled"

    response = client.post(reverse("admin:invitations_firmremindersettings_change", args=[row.pk]),
                           {"offsets_days": "[45, 7]"})

    assert response.status_code == 302, response.context["adminform"].form.errors
    statuses = dict(invitation.reminders.values_list("offset_days", "status"))
    assert (statuses[45], statuses[7], statuses[50], statuses[2]) == ("pending", "pending", "cancelled",
                                                                      "cancelled")


@pytest.mark.parametrize("offsets", ["[]", "[60]", "[3, 3]", "not json", "[7.5]"])
def test_a_bad_schedule_in_the_admin_is_a_field_message_and_changes_nothing(client, superuser, offsets):
    applicant, invitation = invited_client()
    before = sorted(invitation.reminders.values_list("offset_days", "status"))

    response = client.post(reverse("admin:invitations_firmremindersettings_add"),
                           {"firm": applicant.firm.pk, "offsets_days": offsets})

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["offsets_days"]
    assert not FirmReminderSettings.objects.exists()
    assert sorted(invitation.reminders.values_list("offset_days", "status")) == before


def test_a_schedule_is_not_deleted_in_the_admin(client, superuser):
    applicant, _ = invited_client()
    row = FirmReminderSettings.objects.create(firm=applicant.firm, offsets_days=[30])
    url = reverse("admin:invitations_firmremindersettings_delete", args=[row.pk])
    assert client.post(url, {"post": "yes"}).status_code == 403
    assert FirmReminderSettings.objects.filter(pk=row.pk).exists()


def _types() -> dict:
    fields = ("pk", "name", "lead_time_days", "is_active", "position")
    return {row[0]: row[1:] for row in ChecklistItemType.objects.values_list(*fields)}


def test_checklist_types_are_read_only_in_the_admin_and_the_shared_defaults_stay(client, superuser):
    applicant, _ = invited_client()
    default = ChecklistItemType.objects.filter(firm=None).order_by("pk").first()
    own = ChecklistItemType.objects.create(firm=applicant.firm, key="letter", name="Letter",
                                           lead_time_days=10)
    changelist = reverse("admin:invitations_checklistitemtype_changelist")
    before = _types()

    page = client.get(changelist)
    assert page.status_code == 200 and 'name="form-0-lead_time_days"' not in page.content.decode()
    # What the old list_editable form posted: every default's lead time changed for every firm.
    client.post(changelist, {"form-TOTAL_FORMS": 1, "form-INITIAL_FORMS": 1, "form-0-id": default.pk,
                             "form-0-lead_time_days": 1, "form-0-is_active": "", "form-0-position": 1,
                             "_save": "Save"})
    assert client.post(reverse("admin:invitations_checklistitemtype_change", args=[own.pk]),
                       {"name": "Changed", "key": "letter", "rule": own.rule, "lead_time_days": 1,
                        "position": 1}).status_code == 403
    assert client.get(reverse("admin:invitations_checklistitemtype_add")).status_code == 403
    assert client.post(reverse("admin:invitations_checklistitemtype_delete", args=[default.pk]),
                       {"post": "yes"}).status_code == 403

    assert _types() == before


def test_daily_summaries_are_read_only_in_the_admin(client, superuser):
    applicant, _ = invited_client()
    row = ConsultantDigest.objects.create(user=applicant.consultant, sent_on="2027-02-02", overdue_items=3)
    assert client.get(reverse("admin:invitations_consultantdigest_add")).status_code == 403
    response = client.post(reverse("admin:invitations_consultantdigest_change", args=[row.pk]),
                           {"user": applicant.consultant.pk, "sent_on": "2027-02-03", "overdue_items": 0})
    assert response.status_code == 403
    row.refresh_from_db()
    assert (str(row.sent_on), row.overdue_items) == ("2027-02-02", 3)


def test_an_owner_is_no_admin_user(client):
    applicant, _ = invited_client()
    client.force_login(member(applicant.firm, role="owner"))
    response = client.get(reverse("admin:invitations_firmremindersettings_add"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
