"""The ITA checklist generated from the client's facts (issue 5, h) and its owner-edited types."""

from __future__ import annotations

import datetime as dt

import pytest

from clients.tests.factories import JobFactory, SpouseFactory, member
from draws.models import Draw
from invitations import checklist_services, services
from invitations.models import ChecklistItem, ChecklistItemType
from invitations.tests.helpers import ISSUED_AT, invited_client, new_client

pytestmark = pytest.mark.django_db
DEADLINE_ON = dt.date(2027, 4, 2)  # ISSUED_AT + 60 days, in Toronto


def police(invitation) -> list[ChecklistItem]:
    return list(invitation.checklist.filter(key="police_certificate").order_by("id"))


def test_h_client_who_lived_in_three_countries_gets_three_police_certificates_with_start_by_dates():
    _, invitation = invited_client(residence_countries="IN, AE, PH")

    certificates = police(invitation)
    assert [c.label for c in certificates] == [
        "Police certificate — IN", "Police certificate — AE", "Police certificate — PH"]
    assert [c.subject for c in certificates] == ["IN", "AE", "PH"]
    # the default lead time is 45 days: start by 45 days before the deadline's date
    assert {c.start_by for c in certificates} == {DEADLINE_ON - dt.timedelta(days=45)}
    assert certificates[0].start_by == dt.date(2027, 2, 16)
    assert {c.status for c in certificates} == {ChecklistItem.Status.NOT_STARTED}


def test_police_certificates_also_cover_countries_of_work_but_not_canada_or_the_spouses_jobs():
    applicant = new_client(residence_countries="in; CA")
    JobFactory(client=applicant, country="AE")
    JobFactory(client=applicant, country="IN")  # already listed
    JobFactory(client=applicant, country="CA")
    JobFactory(client=applicant, country="GB", of_spouse=True)
    invitation = services.record_invitation(client=applicant, issued_at=ISSUED_AT, by=applicant.consultant,
                                            now=ISSUED_AT)
    assert [c.subject for c in police(invitation)] == ["IN", "AE"]


def test_one_medical_exam_per_family_member_and_relationship_proof_with_a_spouse():
    spouse = SpouseFactory(client=new_client(marital_status="married", family_size=4), first_name="Luis",
                           last_name="Reyes")
    applicant = spouse.client
    invitation = services.record_invitation(client=applicant, issued_at=ISSUED_AT, by=applicant.consultant,
                                            now=ISSUED_AT)
    medicals = invitation.checklist.filter(key="medical_exam").order_by("id")
    assert [m.label for m in medicals] == [
        f"Immigration medical exam — {applicant.full_name}", "Immigration medical exam — Luis Reyes",
        "Immigration medical exam — dependant 1", "Immigration medical exam — dependant 2"]
    assert invitation.checklist.filter(key="relationship_proof").count() == 1


def test_proof_of_funds_not_listed_for_a_cec_round_or_with_a_job_offer():
    cec = Draw.objects.create(round_number="9001", drawn_on=dt.date(2027, 2, 1), type=Draw.Type.CEC,
                              invitations_issued=3000, lowest_crs=515)
    applicant = new_client()
    with_cec = services.record_invitation(client=applicant, issued_at=ISSUED_AT, draw=cec,
                                          by=applicant.consultant, now=ISSUED_AT)
    _, general = invited_client()
    _, with_offer = invited_client(has_job_offer=True)
    assert not with_cec.checklist.filter(key="proof_of_funds").exists()
    assert general.checklist.filter(key="proof_of_funds").count() == 1
    assert not with_offer.checklist.filter(key="proof_of_funds").exists()


def test_reference_letter_per_job_names_the_employer():
    applicant = new_client()
    JobFactory(client=applicant, employer="Acme Robotics", start_on=dt.date(2021, 3, 1))
    invitation = services.record_invitation(client=applicant, issued_at=ISSUED_AT, by=applicant.consultant,
                                            now=ISSUED_AT)
    (letter,) = invitation.checklist.filter(key="reference_letter")
    assert letter.label == "Employment reference letter (duties matching the NOC) — Acme Robotics (2021-03)"


def test_owner_edits_a_default_type_for_the_firm_only():
    applicant = new_client(residence_countries="IN")
    owner = member(applicant.firm, role="owner")
    checklist_services.save_item_types(firm=applicant.firm, by=owner, rows=[
        {"key": "police_certificate", "name": "Police clearance", "rule": "per_residence_country",
         "lead_time_days": 50, "is_active": True},
        {"key": "photos", "name": "Digital photos", "rule": "per_family_member", "lead_time_days": 7,
         "is_active": False},
        {"key": "translations", "name": "Certified translations", "rule": "always", "lead_time_days": 20,
         "is_active": True},
    ])
    invitation = services.record_invitation(client=applicant, issued_at=ISSUED_AT, by=applicant.consultant,
                                            now=ISSUED_AT)
    (certificate,) = police(invitation)
    assert certificate.label == "Police clearance — IN"
    assert certificate.start_by == DEADLINE_ON - dt.timedelta(days=50)
    assert not invitation.checklist.filter(key="photos").exists()
    assert invitation.checklist.get(key="translations").start_by == DEADLINE_ON - dt.timedelta(days=20)
    # the default is untouched for every other firm
    default = ChecklistItemType.objects.get(firm=None, key="police_certificate")
    assert (default.name, default.lead_time_days) == ("Police certificate", 45)
    _, other = invited_client(residence_countries="IN")
    assert police(other)[0].label == "Police certificate — IN"


def test_only_the_owner_edits_item_types():
    applicant = new_client()
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        checklist_services.save_item_types(firm=applicant.firm, by=applicant.consultant, rows=[])


def test_item_overdue_once_its_start_by_date_passed_without_a_request():
    _, invitation = invited_client(residence_countries="IN")
    (certificate,) = police(invitation)  # start by 2027-02-16
    assert not certificate.is_overdue(dt.date(2027, 2, 16))
    assert certificate.is_overdue(dt.date(2027, 2, 17))
    checklist_services.update_checklist_item(item=certificate, status="requested",
                                             by=invitation.client.consultant,
                                             now=ISSUED_AT + dt.timedelta(days=17))
    certificate.refresh_from_db()
    assert certificate.requested_on == dt.date(2027, 2, 18)
    assert not certificate.is_overdue(dt.date(2027, 2, 18))


# --- the checklist follows the facts (clients.signals.facts_saved -> checklist_services.sync_checklist) ---

def _edit_profile(http, client, **fields):
    """POST the client's edit page with its current facts, `fields` changed (no fact rows)."""
    from django.urls import reverse

    from clients.tests.conftest import profile_post

    http.force_login(client.consultant)
    data = profile_post(client.consultant, client={
        "first_name": client.first_name, "last_name": client.last_name, "status": client.status,
        "marital_status": client.marital_status, "family_size": str(client.family_size), **fields})
    response = http.post(reverse("clients:edit", args=[client.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]


def test_a_country_added_after_the_ita_adds_its_police_certificate_and_a_removed_one_goes(client):
    applicant, invitation = invited_client(residence_countries="IN, AE")
    requested = police(invitation)[0]  # IN: the consultant already asked for it
    checklist_services.update_checklist_item(item=requested, status="requested", by=applicant.consultant)
    others_before = set(invitation.checklist.exclude(key="police_certificate").values_list("id", "start_by"))

    _edit_profile(client, applicant, residence_countries="PH")  # IN and AE gone, PH new

    certificates = police(invitation)
    # IN stays (requested: the consultant's record); AE (not started) goes; PH comes, dated from the deadline.
    assert [(c.subject, c.status) for c in certificates] == [("IN", "requested"), ("PH", "not_started")]
    assert certificates[1].start_by == DEADLINE_ON - dt.timedelta(days=45)
    assert set(invitation.checklist.exclude(key="police_certificate").values_list("id", "start_by")) \
        == others_before  # nothing else touched


def test_a_new_spouse_brings_their_medical_exam_and_the_relationship_proof(client):
    applicant, invitation = invited_client(marital_status="single", family_size=1)
    assert not invitation.checklist.filter(key="relationship_proof").exists()

    _edit_profile(client, applicant, marital_status="married", family_size="2")

    assert invitation.checklist.filter(key="relationship_proof").count() == 1
    assert invitation.checklist.filter(key="medical_exam").count() == 2


def test_no_open_invitation_no_checklist_change(client):
    applicant, invitation = invited_client(residence_countries="IN")
    services.change_status(invitation=invitation, status="declined", by=applicant.consultant)
    _edit_profile(client, applicant, residence_countries="PH")
    assert [c.subject for c in police(invitation)] == ["IN"]


def test_a_checklist_that_cannot_follow_rolls_the_edit_back(client, monkeypatch):
    applicant, invitation = invited_client(residence_countries="IN")

    def broken(**kwargs):
        raise RuntimeError("checklist store unavailable")

    monkeypatch.setattr(checklist_services, "sync_checklist", broken)
    with pytest.raises(RuntimeError):
        _edit_profile(client, applicant, residence_countries="PH", first_name="Changed")
    applicant.refresh_from_db()
    assert applicant.residence_countries == "IN" and applicant.first_name != "Changed"


def test_an_accompanying_spouse_gets_police_certificates_for_the_countries_of_their_jobs():
    married = new_client(marital_status="married", family_size=2, residence_countries="IN")
    spouse = SpouseFactory(client=married, first_name="Luis", last_name="Reyes")
    applicant = spouse.client
    JobFactory(client=applicant, country="GB", of_spouse=True)
    JobFactory(client=applicant, country="CA", of_spouse=True)  # Canada: none
    invitation = services.record_invitation(client=applicant, issued_at=ISSUED_AT, by=applicant.consultant,
                                            now=ISSUED_AT)
    assert [(c.subject, c.label) for c in police(invitation)] == [
        ("IN", "Police certificate — IN"), ("spouse-GB", "Police certificate — GB (Luis Reyes)")]


@pytest.mark.parametrize("spouse_fields", [{"is_accompanying": False}, {"is_canadian_citizen_or_pr": True}])
def test_a_spouse_not_coming_or_already_canadian_needs_no_police_certificate(spouse_fields):
    married = new_client(marital_status="married", family_size=2, residence_countries="IN")
    spouse = SpouseFactory(client=married, **spouse_fields)
    JobFactory(client=spouse.client, country="GB", of_spouse=True)
    invitation = services.record_invitation(client=spouse.client, issued_at=ISSUED_AT,
                                            by=spouse.client.consultant, now=ISSUED_AT)
    assert [c.subject for c in police(invitation)] == ["IN"]


# --- a document added by hand -----------------------------------------------------------------------

def test_a_consultant_adds_a_document_by_hand_and_it_is_flagged_like_the_others(client):
    from django.urls import reverse

    applicant, invitation = invited_client(residence_countries="IN")
    client.force_login(applicant.consultant)
    response = client.post(reverse("invitations:add_item", args=[invitation.pk]),
                           {"label": "  Police certificate — US   (spouse) ", "start_by": "2027-01-10"})
    assert response.status_code == 302
    item = invitation.checklist.get(key=checklist_services.CUSTOM_ITEM_KEY)
    assert (item.label, item.start_by, item.status) == (
        "Police certificate — US (spouse)", dt.date(2027, 1, 10), "not_started")
    assert item.lead_time_days == (DEADLINE_ON - dt.date(2027, 1, 10)).days
    assert item.is_overdue(dt.date(2027, 1, 11)) and not item.is_overdue(dt.date(2027, 1, 10))
    page = client.get(reverse("clients:detail", args=[applicant.pk])).content.decode()
    assert "Police certificate — US (spouse)" in page and "added by hand" in page
    # A later profile edit that regenerates the checklist leaves it alone.
    checklist_services.sync_checklist(client=applicant)
    assert invitation.checklist.filter(key=checklist_services.CUSTOM_ITEM_KEY).count() == 1


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"label": "   ", "start_by": "2027-01-10"}, "label", "This field is required."),
    ({"label": "Letter", "start_by": "2027-04-03"}, "start_by", "after the deadline, 2027-04-02"),
    ({"label": "Letter", "start_by": "soon"}, "start_by", "Enter a valid date."),
])
def test_a_document_added_by_hand_is_refused_with_a_message_naming_the_field(client, data, field, message):
    from django.urls import reverse

    applicant, invitation = invited_client()
    before = invitation.checklist.count()
    client.force_login(applicant.consultant)
    response = client.post(reverse("invitations:add_item", args=[invitation.pk]), data)
    assert response.status_code == 400
    assert message in " ".join(response.context["add_item_form"].errors[field])
    assert invitation.checklist.count() == before


def test_no_document_is_added_to_a_closed_invitation():
    applicant, invitation = invited_client()
    services.change_status(invitation=invitation, status="declined", by=applicant.consultant)
    with pytest.raises(Exception, match="closed"):
        checklist_services.add_checklist_item(invitation=invitation, label="Letter",
                                              start_by=dt.date(2027, 1, 1), by=applicant.consultant)
