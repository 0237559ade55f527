"""Client page section, overview and owner settings: firm-scoped, clear errors, fixed queries."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from clients.tests.factories import member
from invitations import services
from invitations.models import ChecklistItem, FirmReminderSettings, Invitation
from invitations.tests.helpers import ISSUED_AT, invited_client, new_client

pytestmark = pytest.mark.django_db
DAY_20 = ISSUED_AT + dt.timedelta(days=20)  # 2027-02-21: 40 days left, police certificate overdue


@pytest.fixture(autouse=True)
def _frozen_day_20():
    with time_machine.travel(DAY_20, tick=False):
        yield


def test_section_shows_days_left_deadline_in_firm_time_reminders_and_flags_overdue_items(client):
    applicant, invitation = invited_client(residence_countries="IN, PH")
    client.force_login(applicant.consultant)

    html = client.get(reverse("invitations:client", args=[applicant.pk])).content.decode()

    assert "40 days left" in html
    assert "Friday 2 April 2027, 12:00 EDT" in html and "2027-04-02 16:00" in html
    assert "the client's time zone is not recorded; the firm's is used" in html
    assert html.count('class="table-danger"') == 2  # the two police certificates (start by Feb 16)
    assert "2 overdue" in html
    reminders = html.split('id="ita-reminders"')[1].split("</table>")[0]
    assert reminders.count(">Pending</span>") == 7 and ">Sent</span>" not in reminders


def test_recording_an_invitation_from_the_client_page(client):
    applicant = new_client()
    client.force_login(applicant.consultant)
    back = reverse("clients:detail", args=[applicant.pk])
    response = client.post(reverse("invitations:record", args=[applicant.pk]),
                           {"issued_at": "2027-02-20T11:00", "next": f"{back}#ita"})
    assert response.status_code == 302 and response["Location"] == f"{back}#ita"
    invitation = Invitation.objects.get(client=applicant)
    assert invitation.issued_at == dt.datetime(2027, 2, 20, 16, tzinfo=dt.UTC)  # 11:00 Toronto
    assert invitation.reminders.count() == 7 and invitation.checklist.exists()


def test_recording_with_a_bad_date_says_which_field(client):
    applicant = new_client()
    client.force_login(applicant.consultant)
    url = reverse("invitations:record", args=[applicant.pk])
    response = client.post(url, {"issued_at": "2027-03-30T10:00"})
    assert response.status_code == 400
    assert response.context["record_form"].errors["issued_at"] == ["The invitation date is in the future."]
    assert "The invitation date is in the future." in response.content.decode()
    response = client.post(url, {"issued_at": "soon"})
    assert response.status_code == 400
    assert "issued_at" in response.context["record_form"].errors
    assert not Invitation.objects.exists()


def test_another_firms_client_invitation_and_items_are_not_found(client):
    applicant, invitation = invited_client()
    client.force_login(member())
    item = invitation.checklist.first()
    assert client.get(reverse("invitations:client", args=[applicant.pk])).status_code == 404
    assert client.post(reverse("invitations:record", args=[applicant.pk]),
                       {"issued_at": "2027-02-20T11:00"}).status_code == 404
    assert client.post(reverse("invitations:status", args=[invitation.pk]),
                       {"status": "declined"}).status_code == 404
    assert client.post(reverse("invitations:item", args=[item.pk]), {"status": "received"}).status_code == 404
    invitation.refresh_from_db()
    assert invitation.status == "invited"


def test_submitting_without_a_date_says_which_field(client):
    applicant, invitation = invited_client()
    client.force_login(applicant.consultant)
    response = client.post(reverse("invitations:status", args=[invitation.pk]), {"status": "submitted"})
    assert response.status_code == 400
    errors = response.context["status_form"].errors
    assert errors["submitted_on"] == ["Give the date the application was submitted."]
    invitation.refresh_from_db()
    assert invitation.status == "invited"


def test_marking_a_checklist_item_received(client):
    applicant, invitation = invited_client(residence_countries="IN")
    client.force_login(applicant.consultant)
    item = invitation.checklist.get(key="police_certificate")
    response = client.post(reverse("invitations:item", args=[item.pk]),
                           {"status": "received", "received_on": "2027-02-19"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.status, item.received_on) == (ChecklistItem.Status.RECEIVED, dt.date(2027, 2, 19))
    response = client.post(reverse("invitations:item", args=[item.pk]),
                           {"status": "received", "received_on": "2027-03-01"})
    assert response.status_code == 400
    assert "The date received is in the future." in response.content.decode()


@pytest.mark.parametrize("countries", ["IN", "IN, PH, AE, GB, FR, DE, US, MX"])
def test_section_query_count_does_not_grow_with_the_checklist(
    client, django_assert_max_num_queries, countries
):
    applicant, _ = invited_client(residence_countries=countries)
    client.force_login(applicant.consultant)
    with django_assert_max_num_queries(10):
        assert client.get(reverse("invitations:client", args=[applicant.pk])).status_code == 200


@pytest.mark.parametrize("count", [1, 6])
def test_overview_lists_open_invitations_with_overdue_counts_in_fixed_queries(
    client, django_assert_max_num_queries, count
):
    first, _ = invited_client(residence_countries="IN")
    for _ in range(count - 1):
        invited_client(firm=first.firm, residence_countries="IN")
    invited_client(residence_countries="IN")  # another firm's
    client.force_login(first.consultant)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("invitations:overview"))
    assert len(response.context["rows"]) == count
    assert [r.overdue_items for r in response.context["rows"]] == [1] * count
    assert len(response.context["overdue"]) == count


def test_settings_page_is_for_the_owner_only(client):
    applicant = new_client()
    client.force_login(applicant.consultant)
    assert client.get(reverse("invitations:settings")).status_code == 403
    client.force_login(member(applicant.firm, role="owner"))
    html = client.get(reverse("invitations:settings")).content.decode()
    assert 'value="45, 30, 14, 7, 3, 1, 0"' in html and "Police certificate" in html


def test_owner_saves_the_schedule_and_a_bad_one_names_the_field(client):
    applicant = new_client()
    client.force_login(member(applicant.firm, role="owner"))
    url = reverse("invitations:settings")
    response = client.post(url, {"save_offsets": "1", "offsets": "45, 30, sixty"})
    assert response.status_code == 400
    assert response.context["offsets_form"].errors["offsets"] == [
        "Use whole numbers separated by commas, e.g. 45, 30, 14, 7, 3, 1, 0."]
    response = client.post(url, {"save_offsets": "1", "offsets": "30, 60"})
    assert "60 is not a number of days between 0 and 59." in response.content.decode()
    assert client.post(url, {"save_offsets": "1", "offsets": "7, 30, 1"}).status_code == 302
    assert FirmReminderSettings.objects.get(firm=applicant.firm).offsets_days == [30, 7, 1]


def test_owner_changes_a_lead_time_and_adds_a_document(client):
    applicant = new_client(residence_countries="IN")
    client.force_login(member(applicant.firm, role="owner"))
    url = reverse("invitations:settings")
    initial = client.get(url).context["formset"].initial
    data = {"types-TOTAL_FORMS": len(initial) + 1, "types-INITIAL_FORMS": len(initial), "save_types": "1"}
    for n, row in enumerate(initial):
        data |= {f"types-{n}-{k}": v for k, v in row.items() if k != "is_active"}
        if row["is_active"]:
            data[f"types-{n}-is_active"] = "on"
    data["types-0-lead_time_days"] = 60  # police certificate first
    n = len(initial)
    data |= {f"types-{n}-name": "Certified translations", f"types-{n}-rule": "always",
             f"types-{n}-lead_time_days": 20, f"types-{n}-is_active": "on"}
    assert client.post(url, data).status_code == 302

    data["types-0-lead_time_days"] = 400
    response = client.post(url, data)
    assert response.status_code == 400
    assert "Ensure this value is less than or equal to 365." in response.content.decode()

    invitation = services.record_invitation(client=applicant, issued_at=DAY_20, by=applicant.consultant)
    assert invitation.checklist.get(key="police_certificate").lead_time_days == 60
    assert invitation.checklist.get(key="certified-translations").label == "Certified translations"


def test_an_invitation_in_progress_offers_only_submitted_or_declined(client):
    applicant, invitation = invited_client()
    services.change_status(invitation=invitation, status="in_progress", by=applicant.consultant)
    client.force_login(applicant.consultant)
    form = client.get(reverse("invitations:client", args=[applicant.pk])).context["status_form"]
    assert [value for value, _ in form.fields["status"].choices] == ["submitted", "declined"]


def test_assistant_sees_the_section_updates_documents_but_cannot_record_or_change_status(client):
    applicant, invitation = invited_client()
    assistant = member(applicant.firm, role="assistant")
    client.force_login(assistant)
    response = client.get(reverse("invitations:client", args=[applicant.pk]))
    assert response.status_code == 200 and response.context["status_form"] is None
    assert 'id="ita-status-form"' not in response.content.decode()
    assert client.post(reverse("invitations:status", args=[invitation.pk]),
                       {"status": "declined"}).status_code == 403
    item = invitation.checklist.first()
    response = client.post(reverse("invitations:item", args=[item.pk]), {"status": "requested"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == "requested"
    other = new_client(firm=applicant.firm)
    assert client.post(reverse("invitations:record", args=[other.pk]),
                       {"issued_at": "2027-02-20T11:00"}).status_code == 403


def test_dashboard_partial_lists_the_firms_overdue_documents_only(rf):
    from django.template.loader import render_to_string

    applicant, _ = invited_client(residence_countries="IN")
    invited_client(residence_countries="PH")  # another firm's
    request = rf.get("/")
    request.user = applicant.consultant
    html = render_to_string("invitations/_dashboard_overdue.html", {"request": request})
    assert "Police certificate — India" in html and "Police certificate — Philippines" not in html
    assert "start by Feb 16, 2027" in html
