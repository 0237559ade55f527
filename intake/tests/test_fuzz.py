"""Hostile input on the questionnaire, the intake page and the review forms: a message, never a 500,
and nothing stored by a refused POST (testing.fuzz)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from intake import services
from intake.testing import current_post, submit
from portal.testing import sign_in
from testing.fuzz import fuzz_form_post, fuzz_get

pytestmark = pytest.mark.django_db

QUESTIONNAIRE_FIELDS = (
    "first_name",
    "date_of_birth",
    "marital_status",
    "family_size",
    "settlement_funds_cad",
    "job_offer_noc",
    "languagetests-0-reading",
    "languagetests-0-taken_on",
    "jobs-0-noc",
    "jobs-0-hours_per_week",
    "jobs-0-id",
    "educations-0-id",
    "educations-TOTAL_FORMS",
    "spouse-first_name",
)


def test_the_questionnaire_refuses_hostile_values(client, client_with_facts):
    sign_in(client, client_with_facts)
    statuses = fuzz_form_post(
        client,
        reverse("portal:facts"),
        QUESTIONNAIRE_FIELDS,
        fixed=current_post(client_with_facts),
        max_examples=40,
    )
    assert statuses.get(400, 0) > 0


def test_the_intake_page_refuses_hostile_values(client, firm, owner, consultant):
    link = services.set_intake_link(firm=firm, by=owner, publish=True, consultant=consultant)
    fixed = {
        "first_name": "Mia",
        "last_name": "Chen",
        "email": "mia@mail.example",
        "preferred_language": "en",
        "date_of_birth": "1994-02-03",
        "marital_status": "single",
        "family_size": "1",
        "job_offer_years": "1",
        "website": "",
    }
    for prefix in (
        "educations",
        "languagetests",
        "jobs",
        "spouse_educations",
        "spouse_languagetests",
        "spouse_jobs",
    ):
        fixed.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    statuses = fuzz_form_post(
        client,
        reverse("portal:intake", args=[link.token]),
        ("first_name", "email", "date_of_birth", "family_size", "languagetests-TOTAL_FORMS"),
        fixed=fixed,
        max_examples=40,
    )
    assert statuses.get(400, 0) > 0


@pytest.mark.parametrize("token", ["x" * 5000, "abc\x00def" * 4, "../../etc/passwd", "%00" * 10])
def test_a_hostile_token_is_a_404(client, token):
    assert client.get(f"/portal/intake/{token}/").status_code == 404


def test_the_review_forms_refuse_hostile_values(client, client_with_facts, consultant):
    change = submit(client_with_facts, phone="+1 555 0199")
    client.force_login(consultant)
    for name in ("intake:accept", "intake:return"):
        statuses = fuzz_form_post(
            client,
            reverse(name, args=[client_with_facts.pk, change.pk]),
            ("revision", "note"),
            max_examples=30,
        )
        assert set(statuses) <= {200, 302, 400}, statuses
    assert fuzz_get(client, reverse("intake:to_review"), ("scope",))
