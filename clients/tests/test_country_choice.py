"""Countries of citizenship and residence picked by name on the profile form, stored as ISO codes."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from clients.forms import ClientForm
from clients.tests.conftest import profile_post
from clients.tests.factories import ClientFactory

pytestmark = pytest.mark.django_db


def _edit(logged_in, consultant, client, **fields):
    data = profile_post(consultant, client={"first_name": client.first_name, "last_name": client.last_name,
                                            "email": client.email, **fields})
    return logged_in.post(reverse("clients:edit", args=[client.pk]), data)


def test_countries_ticked_on_the_form_are_stored_as_codes(logged_in, consultant):
    client = ClientFactory(firm=consultant.membership.firm, consultant=consultant, citizenship_countries="")
    response = _edit(logged_in, consultant, client, citizenship_countries=["IN", "PH"],
                     residence_countries=["AE"])
    assert response.status_code == 302
    client.refresh_from_db()
    assert (client.citizenship_countries, client.residence_countries) == ("IN, PH", "AE")


def test_the_same_countries_keep_their_stored_order_and_new_ones_follow(logged_in, consultant):
    client = ClientFactory(firm=consultant.membership.firm, consultant=consultant,
                           citizenship_countries="PH,IN", residence_countries="CA, PH")
    assert _edit(logged_in, consultant, client, citizenship_countries=["IN", "PH"],
                 residence_countries=["AE", "CA", "PH"]).status_code == 302
    client.refresh_from_db()
    assert client.citizenship_countries == "PH,IN"  # unchanged: the stored value as it was
    assert client.residence_countries == "CA, PH, AE"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("citizenship_countries", ["PH", "XX"],
         "Citizenship countries: XX is not a country of the list; choose the countries by name."),
        ("residence_countries", ["<b>", "PH"],
         "Residence countries: <B> is not a country of the list; choose the countries by name."),
        ("citizenship_countries",
         "AF AL DZ AD AO AR AM AU AT AZ BS BH BD BB BY BE BZ BJ BT BO BA BW BR BN BG BF".split(),
         "Citizenship countries: choose at most 25 countries."),
    ],
)
def test_a_bad_country_list_gets_a_message_naming_the_field(logged_in, consultant, field, value, message):
    client = ClientFactory(firm=consultant.membership.firm, consultant=consultant, citizenship_countries="PH")
    response = _edit(logged_in, consultant, client, **{field: value})
    assert response.status_code == 200
    assert response.context["profile"].client_form.errors[field] == [message]
    client.refresh_from_db()
    assert client.citizenship_countries == "PH"


def test_the_edit_page_lists_countries_by_french_name_the_chosen_first(logged_in, consultant):
    client = ClientFactory(firm=consultant.membership.firm, consultant=consultant,
                           citizenship_countries="DE", residence_countries="")
    logged_in.cookies["django_language"] = "fr"
    body = logged_in.get(reverse("clients:edit", args=[client.pk])).content.decode()
    boxes = re.findall(r'name="citizenship_countries" value="([A-Z]{2})" id="[^"]+"( checked)?>'
                       r'<label class="form-check-label" for="[^"]+">([^<]+)</label>', body)
    assert boxes[0] == ("DE", " checked", "Allemagne")
    assert [name for _code, checked, name in boxes[1:4]] == ["Afghanistan", "Afrique du Sud", "Albanie"]
    assert not any(checked for _code, checked, _name in boxes[1:])
    assert len(boxes) == 249  # every ISO 3166 country of django-countries
    assert re.search(r'<legend\s+for="id_citizenship_countries_0"[^>]*>\s*Pays de citoyenneté', body)


def test_the_field_takes_a_stored_list_posted_as_one_value(consultant):
    # intake.changes.form_data posts a stored value as it is ("IN, PH"): the same countries.
    client = ClientFactory(firm=consultant.membership.firm, consultant=consultant, citizenship_countries="IN")
    data = profile_post(consultant, client={"citizenship_countries": "in; PH"})
    form = ClientForm(data, instance=client, user=consultant)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["citizenship_countries"] == "IN, PH"
