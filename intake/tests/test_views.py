"""The staff review pages, the client's questionnaire and the public intake page."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clients.models import Client
from clients.tests.factories import EducationFactory, FirmFactory, JobFactory, member
from intake import services
from intake.models import FactChange, IntakeLink
from intake.testing import current_post, questionnaire
from portal.testing import sign_in as sign_in_portal

pytestmark = pytest.mark.django_db


def _submit(client, **post_changes) -> FactChange:
    post = current_post(client)
    post.update(post_changes)
    profile = questionnaire(client, post)
    assert profile.is_valid()
    return services.submit_change(client=client, profile=profile)


def _review_url(change):
    return reverse("intake:review", args=[change.client_id, change.pk])


def test_review_page_shows_the_diff_and_the_score_before_and_after(client, client_with_facts, consultant):
    change = _submit(
        client_with_facts,
        phone="+1 555 0199",
        **{
            "languagetests-0-listening": "9",
            "languagetests-0-reading": "9",
            "languagetests-0-writing": "9",
            "languagetests-0-speaking": "9",
        },
    )
    client.force_login(consultant)
    response = client.get(_review_url(change))
    assert response.status_code == 200
    body = response.content.decode()
    assert "+1 555 0100" in body and "+1 555 0199" in body
    comparison = response.context["comparison"]
    assert f'data-testid="crs-before">{comparison.crs_before}<' in body
    assert f'data-testid="crs-after">{comparison.crs_after}<' in body
    assert comparison.crs_after > comparison.crs_before
    assert 'data-testid="accept-change"' in body


def test_review_page_reads_a_constant_number_of_queries(client, client_with_facts, consultant):
    small = _submit(client_with_facts, phone="+1 555 0199")
    client.force_login(consultant)
    client.get(_review_url(small))  # warm the caches (NOC titles, categories)
    with CaptureQueriesContext(connection) as one:
        client.get(_review_url(small))
    for year in (2010, 2012, 2014):
        EducationFactory(client=client_with_facts, completed_on=f"{year}-06-01")
        JobFactory(client=client_with_facts, start_on=f"{year}-01-01", end_on=f"{year}-12-31")
    post = current_post(client_with_facts)
    post.update({"phone": "+1 555 0111", "jobs-0-DELETE": "on", "educations-1-DELETE": "on"})
    profile = questionnaire(client_with_facts, post)
    assert profile.is_valid()
    big = services.submit_change(client=client_with_facts, profile=profile)
    with CaptureQueriesContext(connection) as many:
        client.get(_review_url(big))
    assert len(many) == len(one), [q["sql"][:80] for q in many.captured_queries]


def test_accept_through_the_page(client, client_with_facts, consultant):
    change = _submit(client_with_facts, phone="+1 555 0199")
    client.force_login(consultant)
    response = client.post(
        reverse("intake:accept", args=[client_with_facts.pk, change.pk]), {"revision": "1"}
    )
    assert response.status_code == 302 and response["Location"] == reverse(
        "clients:detail", args=[client_with_facts.pk]
    )
    assert Client.objects.get(pk=client_with_facts.pk).phone == "+1 555 0199"
    again = client.post(reverse("intake:accept", args=[client_with_facts.pk, change.pk]), {"revision": "1"})
    assert again.status_code == 302 and again["Location"] == _review_url(change)


def test_return_without_a_note_shows_the_page_with_the_error(client, client_with_facts, assistant):
    change = _submit(client_with_facts, phone="+1 555 0199")
    client.force_login(assistant)
    url = reverse("intake:return", args=[client_with_facts.pk, change.pk])
    response = client.post(url, {"revision": "1", "note": "  "})
    assert response.status_code == 200 and response.context["return_form"].errors
    assert FactChange.objects.get(pk=change.pk).is_pending
    response = client.post(url, {"revision": "1", "note": "Send your IELTS report, please."})
    assert response.status_code == 302
    assert FactChange.objects.get(pk=change.pk).status == FactChange.Status.RETURNED


def test_another_firms_staff_get_404_on_every_review_url(client, client_with_facts):
    change = _submit(client_with_facts, phone="+1 555 0199")
    client.force_login(member(FirmFactory(), "owner"))
    for name, method in (("intake:review", "get"), ("intake:accept", "post"), ("intake:return", "post")):
        response = getattr(client, method)(
            reverse(name, args=[client_with_facts.pk, change.pk]), {"revision": "1", "note": "x"}
        )
        assert response.status_code == 404, name
    assert FactChange.objects.get(pk=change.pk).is_pending


def test_a_change_is_reached_only_through_its_own_client(client, client_with_facts, consultant, firm):
    change = _submit(client_with_facts, phone="+1 555 0199")
    other = Client.objects.create(
        firm=firm, consultant=consultant, first_name="Ben", last_name="Li", date_of_birth="1990-01-01"
    )
    client.force_login(consultant)
    assert client.get(reverse("intake:review", args=[other.pk, change.pk])).status_code == 404


def test_client_page_panel_links_to_the_pending_change(client, client_with_facts, consultant):
    change = _submit(client_with_facts, phone="+1 555 0199")
    client.force_login(consultant)
    body = client.get(reverse("clients:detail", args=[client_with_facts.pk])).content.decode()
    assert 'data-testid="fact-changes-pending"' in body and _review_url(change) in body


# ------------------------------------------------------------------------------- portal side
def test_the_questionnaire_is_prefilled_and_a_submission_awaits_review(client, client_with_facts):
    sign_in_portal(client, client_with_facts)
    url = reverse("portal:facts")
    page = client.get(url)
    assert page.status_code == 200
    assert 'value="+1 555 0100"' in page.content.decode()
    post = current_post(client_with_facts)
    post["phone"] = "+1 555 0199"
    response = client.post(url, post)
    assert response.status_code == 302
    assert Client.objects.get(pk=client_with_facts.pk).phone == "+1 555 0100"
    page = client.get(url).content.decode()
    assert 'data-testid="change-pending"' in page and 'value="+1 555 0199"' in page  # the pending values


def test_the_client_sees_a_returned_change_with_its_note(client, client_with_facts, consultant):
    change = _submit(client_with_facts, phone="+1 555 0199")
    services.return_change(change_id=change.pk, by=consultant, revision=1, note="Which number is yours?")
    sign_in_portal(client, client_with_facts)
    page = client.get(reverse("portal:facts")).content.decode()
    assert 'data-testid="change-returned"' in page and "Which number is yours?" in page


def test_the_questionnaire_refuses_staff_and_sends_strangers_to_sign_in(
    client, client_with_facts, consultant
):
    client.force_login(consultant)
    assert client.get(reverse("portal:facts")).status_code == 404
    client.logout()
    response = client.get(reverse("portal:facts"))
    assert response.status_code == 302 and response["Location"] == reverse("portal:ask_link")


def test_a_client_cannot_post_rows_of_another_client(client, client_with_facts, firm, consultant):
    other = Client.objects.create(
        firm=firm, consultant=consultant, first_name="Ben", last_name="Li", date_of_birth="1990-01-01"
    )
    theirs = EducationFactory(client=other)
    sign_in_portal(client, client_with_facts)
    post = current_post(client_with_facts)
    post["educations-0-id"] = str(theirs.pk)
    post["educations-0-level"] = "doctoral"
    response = client.post(reverse("portal:facts"), post)
    assert response.status_code == 400
    assert not FactChange.objects.exists()
    assert other.educations.get().level == "bachelors"


# ------------------------------------------------------------------------------- intake link
@pytest.fixture
def link(firm, owner, consultant):
    return services.set_intake_link(firm=firm, by=owner, publish=True, consultant=consultant)


def _intake_post(**extra) -> dict:
    data = {
        "first_name": "Mia",
        "last_name": "Chen",
        "email": "mia@mail.example",
        "preferred_language": "fr",
        "date_of_birth": "1994-02-03",
        "marital_status": "single",
        "family_size": "1",
        "job_offer_years": "1",
        "phone": "",
        "citizenship_countries": "CN",
        "residence_countries": "",
        "settlement_funds_cad": "20000",
        "certificate_noc": "",
        "certificate_province": "",
        "job_offer_noc": "",
        "spouse-is_accompanying": "on",
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
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    data.update(
        {
            "languagetests-TOTAL_FORMS": "1",
            "languagetests-0-test": "tef_canada",
            "languagetests-0-taken_on": "2025-09-01",
            "languagetests-0-listening": "500",
            "languagetests-0-reading": "450",
            "languagetests-0-writing": "450",
            "languagetests-0-speaking": "450",
        }
    )
    data.update(extra)
    return data


def test_intake_creates_a_prospect_with_the_facts_pending(client, link, consultant):
    url = reverse("portal:intake", args=[link.token])
    assert client.get(url).status_code == 200
    response = client.post(url, _intake_post())
    assert response.status_code == 302 and response["Location"] == reverse(
        "portal:intake_thanks", args=[link.token]
    )
    prospect = Client.objects.get(email="mia@mail.example")
    assert prospect.status == Client.Status.PROSPECT and prospect.firm_id == link.firm_id
    assert prospect.consultant == consultant and prospect.preferred_language == "fr"
    assert (
        not prospect.languagetests.exists() and prospect.settlement_funds_cad is None
    )  # pending, not applied
    change = prospect.fact_changes.get()
    assert change.is_pending and change.source == FactChange.Source.INTAKE
    assert change.data["client"]["settlement_funds_cad"] == 20000
    assert len(change.data["rows"]["languagetests"]["added"]) == 1


def test_intake_honeypot_answers_the_same_and_stores_nothing(client, link):
    response = client.post(
        reverse("portal:intake", args=[link.token]), _intake_post(website="http://spam.example")
    )
    assert response.status_code == 302 and response["Location"] == reverse(
        "portal:intake_thanks", args=[link.token]
    )
    assert not Client.objects.filter(email="mia@mail.example").exists()
    assert not FactChange.objects.exists()


def test_intake_answers_the_same_for_a_known_email(client, link, client_with_facts):
    url = reverse("portal:intake", args=[link.token])
    new = client.post(url, _intake_post())
    known = client.post(url, _intake_post(email=client_with_facts.email), REMOTE_ADDR="10.0.0.9")
    assert new.status_code == known.status_code == 302 and new["Location"] == known["Location"]

    def page(url):  # the same page, but for the CSRF token of the language switcher
        return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", client.get(url).content)

    assert page(known["Location"]) == page(new["Location"])
    assert (
        Client.objects.filter(email=client_with_facts.email).count() == 2
    )  # a new prospect, the client untouched


def test_intake_is_rate_limited_per_address(client, link):
    from intake import ratelimit

    url = reverse("portal:intake", args=[link.token])
    for i in range(ratelimit.PER_IP):
        assert client.post(url, _intake_post(email=f"p{i}@mail.example")).status_code == 302
    refused = client.post(url, _intake_post(email="late@mail.example"))
    assert refused.status_code == 429
    assert "Too many questionnaires" in refused.content.decode()
    assert not Client.objects.filter(email="late@mail.example").exists()
    # Another address is still served.
    assert (
        client.post(url, _intake_post(email="other@mail.example"), REMOTE_ADDR="10.1.2.3").status_code == 302
    )


def test_intake_with_errors_is_not_counted_and_shows_them(client, link):
    response = client.post(
        reverse("portal:intake", args=[link.token]), _intake_post(email="", date_of_birth="")
    )
    assert response.status_code == 400
    assert response.context["profile"].client_form.errors.keys() >= {"email", "date_of_birth"}
    assert not FactChange.objects.exists()


def test_unknown_and_unpublished_tokens_are_404(client, link, firm, owner):
    assert client.get(reverse("portal:intake", args=["not-a-token"])).status_code == 404
    assert client.get(reverse("portal:intake_thanks", args=["not-a-token"])).status_code == 404
    services.set_intake_link(firm=firm, by=owner, publish=False)
    assert client.get(reverse("portal:intake", args=[link.token])).status_code == 404
    assert client.post(reverse("portal:intake", args=[link.token]), _intake_post()).status_code == 404


def test_rotating_the_link_retires_the_old_address(client, link, firm, owner):
    old = link.token
    new = services.set_intake_link(firm=firm, by=owner, publish=True, rotate=True)
    assert new.token != old and len(new.token) >= 40
    assert client.get(reverse("portal:intake", args=[old])).status_code == 404
    assert client.get(reverse("portal:intake", args=[new.token])).status_code == 200


def test_only_the_owner_manages_the_link(client, firm, owner, consultant):
    url = reverse("intake:link")
    client.force_login(consultant)
    assert client.get(url).status_code == 403
    client.force_login(owner)
    assert client.get(url).status_code == 200
    response = client.post(url, {"action": "publish", "consultant": str(consultant.pk)})
    assert response.status_code == 302
    link = IntakeLink.objects.get(firm=firm)
    assert link.is_published and link.consultant == consultant
    page = client.get(url).content.decode()
    assert reverse("portal:intake", args=[link.token]) in page


def test_a_prospect_goes_to_the_owner_when_the_links_consultant_left(client, link, consultant, owner):
    consultant.membership.delete()
    client.post(reverse("portal:intake", args=[link.token]), _intake_post())
    assert Client.objects.get(email="mia@mail.example").consultant == owner


def test_count_pending_counts_the_firms_changes_or_one_consultants(
    client_with_facts, consultant, owner, firm
):
    from intake.selectors import count_pending

    _submit(client_with_facts, phone="+1 555 0199")
    owners_client = Client.objects.create(
        firm=firm, consultant=owner, first_name="Ben", last_name="Li", date_of_birth="1990-01-01"
    )
    _submit(owners_client, phone="+1 555 0123")
    stranger = member(FirmFactory(), "owner")
    assert count_pending(consultant) == 2
    assert count_pending(consultant, consultant_id=consultant.pk) == 1
    assert count_pending(stranger) == 0


def test_the_to_review_page_lists_pending_changes_in_constant_queries(
    client, client_with_facts, consultant, firm
):
    change = _submit(client_with_facts, phone="+1 555 0199")
    client.force_login(consultant)
    url = reverse("intake:to_review")
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        page = client.get(url + "?scope=mine")
    assert _review_url(change) in page.content.decode()
    for n in range(3):
        other = Client.objects.create(
            firm=firm, consultant=consultant, first_name=f"C{n}", last_name="Li", date_of_birth="1990-01-01"
        )
        _submit(other, phone=f"+1 555 010{n}")
    with CaptureQueriesContext(connection) as four:
        page = client.get(url + "?scope=mine")
    assert page.context["total"] == 4
    assert len(four) == len(one)


def test_the_firm_settings_page_leads_to_the_intake_link(client, firm, owner, consultant):
    client.force_login(owner)
    page = client.get(reverse("invitations:settings")).content.decode()
    assert reverse("intake:link") in page and 'id="intake-link-settings"' in page
    services.set_intake_link(firm=firm, by=owner, publish=True, consultant=consultant)
    assert (
        "text-bg-success"
        in client.get(reverse("invitations:settings")).content.decode().split('id="intake-link-settings"')[1]
    )


def test_the_portal_home_leads_to_the_questionnaire(client, client_with_facts):
    sign_in_portal(client, client_with_facts)
    assert reverse("portal:facts") in client.get(reverse("portal:home")).content.decode()


def test_the_dashboard_counts_changes_to_review_in_its_scope_and_links_to_them(
    client, client_with_facts, firm, owner, consultant
):
    _submit(client_with_facts, phone="+1 555 0199")
    owners_client = Client.objects.create(
        firm=firm, consultant=owner, first_name="Ben", last_name="Li", date_of_birth="1990-01-01"
    )
    _submit(owners_client, phone="+1 555 0123")
    client.force_login(consultant)
    mine = client.get(reverse("dashboard") + "?scope=mine")
    firm_wide = client.get(reverse("dashboard") + "?scope=firm")
    assert (mine.context["changes_to_review"], firm_wide.context["changes_to_review"]) == (1, 2)
    assert f'href="{reverse("intake:to_review")}?scope=mine"' in mine.content.decode()


def test_the_owners_audit_pages_show_the_review_and_the_profile_change(
    client, client_with_facts, owner, consultant
):
    change = _submit(client_with_facts, phone="+1 555 0199")
    client.force_login(consultant)
    client.post(reverse("intake:accept", args=[client_with_facts.pk, change.pk]), {"revision": "1"})
    assert FactChange.objects.get(pk=change.pk).history.first().history_user == consultant
    client.force_login(owner)
    for url in (reverse("audit:log"), reverse("audit:client_history", args=[client_with_facts.pk])):
        page = client.get(url)
        assert page.status_code == 200
        assert "+1 555 0199" in page.content.decode()


def test_the_questionnaire_reads_a_constant_number_of_queries(client, client_with_facts):
    sign_in_portal(client, client_with_facts)
    url = reverse("portal:facts")
    _submit(client_with_facts, phone="+1 555 0199")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for year in (2010, 2012, 2014):
        EducationFactory(client=client_with_facts, completed_on=f"{year}-06-01")
        JobFactory(client=client_with_facts, start_on=f"{year}-01-01", end_on=f"{year}-12-31")
    _submit(client_with_facts, phone="+1 555 0111", **{"jobs-1-DELETE": "on"})
    with CaptureQueriesContext(connection) as many:
        page = client.get(url)
    assert page.status_code == 200 and 'value="+1 555 0111"' in page.content.decode()
    assert len(many) == len(few), [q["sql"][:80] for q in many.captured_queries]
