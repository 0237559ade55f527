"""The questionnaire in the client's words, countries picked by name, and the review's note before
the decision (issue 15)."""

from __future__ import annotations

import html
import re

import pytest
from django.urls import reverse
from django.utils import translation

from clients.models import Client
from intake import changes, services
from intake.diff import diff
from intake.models import FactChange
from intake.testing import current_post, questionnaire
from portal.testing import sign_in as sign_in_portal

pytestmark = pytest.mark.django_db


def _checked_countries(body: str, name: str) -> list[str]:
    return re.findall(rf'name="{name}" value="([A-Z]{{2}})"[^>]*? checked', body)


def test_the_questionnaire_offers_countries_by_french_name_the_chosen_first(client, client_with_facts):
    Client.objects.filter(pk=client_with_facts.pk).update(residence_countries="PH, AE")
    sign_in_portal(client, client_with_facts)
    client.cookies["django_language"] = "fr"
    body = client.get(reverse("portal:facts")).content.decode()
    assert _checked_countries(body, "residence_countries") == ["AE", "PH"]  # chosen first, by French name
    names = re.findall(r'for="id_residence_countries_\d+">([^<]+)</label>', body)
    assert names[:4] == ["Émirats arabes unis", "Philippines", "Afghanistan", "Afrique du Sud"]
    assert "Pays où vous avez vécu" in body
    assert "ISO" not in body  # no code to type anywhere, jobs included
    assert '<option value="CA" selected>Canada</option>' in body  # the job's country, by name


def test_choosing_countries_records_codes_and_the_review_names_them(client, client_with_facts):
    sign_in_portal(client, client_with_facts)
    post = current_post(client_with_facts)
    response = client.post(reverse("portal:facts"), {**post, "residence_countries": ["IN", "PH"]})
    assert response.status_code == 302
    change = FactChange.objects.get(client=client_with_facts)
    assert change.data["client"] == {"residence_countries": "IN, PH"}
    fresh = Client.objects.select_related("spouse").get(pk=client_with_facts.pk)
    before, after, profile = changes.bind(fresh, change.data)
    with translation.override("fr"):
        [section] = diff(before, after, profile)
        [field] = section.fields
        assert field.new.text == "Inde, Philippines"


def test_the_same_countries_in_another_order_are_no_change(client, client_with_facts):
    Client.objects.filter(pk=client_with_facts.pk).update(citizenship_countries="PH,IN")
    sign_in_portal(client, client_with_facts)
    post = current_post(client_with_facts)
    response = client.post(reverse("portal:facts"), {**post, "citizenship_countries": ["IN", "PH"]})
    assert response.status_code == 200  # "nothing changed" stays on the page
    assert not FactChange.objects.filter(client=client_with_facts).exists()


def test_an_unknown_country_is_refused_with_the_fields_name(client, client_with_facts):
    sign_in_portal(client, client_with_facts)
    post = current_post(client_with_facts)
    response = client.post(reverse("portal:facts"), {**post, "citizenship_countries": ["PH", "ZZ"]})
    assert response.status_code == 400
    errors = response.context["form"].errors["citizenship_countries"]
    assert errors == [
        "Countries of citizenship: ZZ is not a country of the list; choose the countries by name."
    ]


def test_each_remove_box_reads_as_a_sentence_naming_its_row(client_with_facts):
    profile = questionnaire(client_with_facts, current_post(client_with_facts))
    jobs = profile.formsets["jobs"]
    delete = jobs.forms[0]["DELETE"]
    assert delete.label == "Remove this job"
    assert 'aria-label="Remove this job (job 1)"' in str(delete)
    assert 'aria-label="Remove this job (job __number__)"' in str(jobs.empty_form["DELETE"])
    assert profile.formsets["spouse_educations"].empty_form["DELETE"].label == "Remove this credential"
    assert jobs.forms[0]["was_full_time_student"].label == "Full-time student during this job"
    with translation.override("fr"):
        profile = questionnaire(client_with_facts, current_post(client_with_facts))
        delete = profile.formsets["languagetests"].forms[0]["DELETE"]
        assert delete.label == "Supprimer ce test"
        assert 'aria-label="Supprimer ce test (test 1)"' in str(delete)


def test_the_note_comes_before_the_decision_buttons(client, client_with_facts, consultant):
    profile = questionnaire(client_with_facts, {**current_post(client_with_facts), "phone": "+1 555 0199"})
    assert profile.is_valid()
    change = services.submit_change(client=client_with_facts, profile=profile)
    client.force_login(consultant)
    client.cookies["django_language"] = "fr"
    body = client.get(reverse("intake:review", args=[client_with_facts.pk, change.pk])).content.decode()
    form = body[body.index('id="review-decision"'):]
    note, accept, ret = (form.index(s) for s in ('name="note"', 'data-testid="accept-change"',
                                                  'data-testid="return-change"'))
    assert note < accept < ret
    assert "asteriskField" not in form[:accept]  # not marked required: accepting needs no note
    accept_url = reverse("intake:accept", args=[client_with_facts.pk, change.pk])
    assert f'formaction="{accept_url}"' in form
    assert "Note au client" in form and "Accepter n'envoie aucune note." in html.unescape(form)
