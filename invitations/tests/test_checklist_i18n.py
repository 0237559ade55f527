"""Checklist documents in the page's language: default names in French, countries by name, a
confirmation after a save, and the query count of the client page kept."""

from __future__ import annotations

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from invitations.checklist import display_label
from invitations.tests.helpers import ISSUED_AT, invited_client

pytestmark = pytest.mark.django_db
NB = "\u00a0"


@pytest.fixture(autouse=True)
def _english_afterwards():
    yield
    translation.activate("en")


def test_default_documents_and_countries_follow_the_language():
    _, invitation = invited_client(residence_countries="IN, AE")
    police = invitation.checklist.filter(key="police_certificate").order_by("id")
    with translation.override("fr"):
        assert [display_label(i) for i in police] == [
            "Certificat de police — Inde", "Certificat de police — Émirats arabes unis"]
    with translation.override("en"):
        assert [display_label(i) for i in police] == [
            "Police certificate — India", "Police certificate — United Arab Emirates"]
        # stored as generated: codes and the English default name, so matching and sync keep working
        assert [i.label for i in police] == ["Police certificate — IN", "Police certificate — AE"]


def test_a_firms_own_document_name_is_shown_as_the_firm_wrote_it():
    _, invitation = invited_client(residence_countries="IN")
    item = invitation.checklist.filter(key="photos").first()
    item.label = f"Photos (format IRCC) — {item.label.split(' — ')[1]}"  # a firm's own type, same key
    with translation.override("fr"):
        assert display_label(item) == item.label
        default = invitation.checklist.filter(key="passport").first()
        assert display_label(default).startswith("Copies du passeport (toutes les pages) — ")


@time_machine.travel(ISSUED_AT, tick=False)
def test_the_client_page_shows_the_checklist_in_french_and_confirms_a_save(client):
    applicant, invitation = invited_client(residence_countries="IN")
    client.force_login(applicant.consultant)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    page = client.get(reverse("clients:detail", args=[applicant.pk])).content.decode()
    assert "Certificat de police — Inde" in page and "Police certificate" not in page
    assert "Photos numériques" in page
    item = invitation.checklist.get(key="police_certificate")
    response = client.post(reverse("invitations:item", args=[item.pk]), {"status": "requested"}, follow=True)
    assert response.status_code == 200
    assert f"Liste de contrôle enregistrée{NB}: Certificat de police — Inde." in response.content.decode()


def test_the_pdf_file_name_is_in_the_reports_language():
    from eligibility.pdf import report_filename

    class _Report:  # report_filename reads the client's name and the date only
        client = type("C", (), {"full_name": "Ana Reyes"})()
        as_of = ISSUED_AT.date()

    with translation.override("fr"):
        assert report_filename(_Report()) == f"rapport-admissibilite-ana-reyes-{ISSUED_AT.date()}.pdf"
    with translation.override("en"):
        assert report_filename(_Report()) == f"eligibility-report-ana-reyes-{ISSUED_AT.date()}.pdf"


def test_the_owner_sees_default_documents_in_french_and_saving_them_unchanged_copies_nothing(client):
    from clients.tests.factories import member
    from invitations.models import ChecklistItemType
    from invitations.tests.helpers import new_client

    applicant = new_client(residence_countries="IN")
    client.force_login(member(applicant.firm, role="owner"))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    url = reverse("invitations:settings")
    initial = client.get(url).context["formset"].initial
    assert initial[0]["name"] == "Certificat de police"
    data = {"types-TOTAL_FORMS": len(initial), "types-INITIAL_FORMS": len(initial), "save_types": "1"}
    for n, row in enumerate(initial):
        data |= {f"types-{n}-{k}": v for k, v in row.items() if k != "is_active"}
        if row["is_active"]:
            data[f"types-{n}-is_active"] = "on"
    data["types-1-lead_time_days"] = 40  # one real change: only that type becomes the firm's own
    assert client.post(url, data).status_code == 302
    own = ChecklistItemType.objects.filter(firm=applicant.firm)
    assert [(t.key, t.name, t.lead_time_days) for t in own] == [
        ("medical_exam", "Immigration medical exam", 40)]  # stored in English, shown in French
