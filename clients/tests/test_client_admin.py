"""The admin keeps the stored assessment fresh; a firm's staff member (not superuser) reaches no client."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from clients.models import Client
from clients.tests.factories import ClientFactory, member

pytestmark = pytest.mark.django_db


def test_client_saved_in_the_admin_gets_a_stored_assessment(client, firm, consultant, caplog,
                                                            django_capture_on_commit_callbacks):
    admin_user = member(firm, "owner", is_staff=True, is_superuser=True)
    client.force_login(admin_user)
    target = ClientFactory(firm=firm, consultant=consultant)
    data = {
        "firm": firm.pk, "consultant": consultant.pk, "status": "in_pool", "first_name": "Ana",
        "last_name": "Reyes", "date_of_birth": "1995-04-02", "marital_status": "single",
        "preferred_language": "en", "family_size": 1, "job_offer_years": 1,
    }
    for prefix in ("spouse", "educations", "languagetests", "jobs"):
        data |= {f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin:clients_client_change", args=[target.pk]), data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    assert "could not refresh" not in caplog.text
    assert Client.objects.filter(pk=target.pk, assessment__isnull=False).exists()  # eligibility followed


def test_a_staff_member_of_a_firm_reaches_no_client_in_the_admin(client, firm):
    # The admin lists every firm's rows: clients are for superusers (audit/admin_access.py),
    # whatever model permissions a firm's staff member holds; their own firm's included.
    staff = member(firm, "owner", is_staff=True)
    staff.user_permissions.add(*Permission.objects.filter(codename__in=["view_client", "change_client"]))
    mine = ClientFactory(firm=firm, first_name="Mine")
    theirs = ClientFactory(first_name="Theirs")
    client.force_login(staff)
    assert client.get(reverse("admin:clients_client_changelist")).status_code == 403
    for target in (mine, theirs):
        assert client.get(reverse("admin:clients_client_change", args=[target.pk])).status_code == 403
    assert Client.objects.count() == 2


def test_noc_codes_are_read_only_in_the_admin(client, firm):
    client.force_login(member(firm, "owner", is_staff=True, is_superuser=True))
    assert client.get(reverse("admin:clients_noc_changelist"), {"q": "nurses"}).status_code == 200
    assert client.get(reverse("admin:clients_noc_add")).status_code == 403


def test_a_members_email_language_is_shown_and_edited_in_the_admin(client, firm):
    client.force_login(member(firm, "owner", is_staff=True, is_superuser=True))
    consultant = member(firm)
    membership = consultant.membership
    changelist = client.get(reverse("admin:clients_membership_changelist"), {"language__exact": "en"})
    assert membership in changelist.context["cl"].result_list
    url = reverse("admin:clients_membership_change", args=[membership.pk])
    assert 'name="language"' in client.get(url).content.decode()
    response = client.post(url, {"user": consultant.pk, "firm": firm.pk, "role": "consultant",
                                 "rcic_number": "", "language": "fr"})
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.language == "fr"
    response = client.post(url, {"user": consultant.pk, "firm": firm.pk, "role": "consultant",
                                 "rcic_number": "", "language": "de"})
    assert response.status_code == 200  # not a language of the site: the form says so
    membership.refresh_from_db()
    assert membership.language == "fr"


def _admin_post(firm, consultant, **fields) -> dict:
    data = {
        "firm": firm.pk, "consultant": consultant.pk, "status": "in_pool", "first_name": "Ana",
        "last_name": "Reyes", "date_of_birth": "1995-04-02", "marital_status": "single",
        "preferred_language": "en", "family_size": 1, "job_offer_years": 1, **fields,
    }
    for prefix in ("spouse", "educations", "languagetests", "jobs"):
        data |= {f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0}
    return data


@pytest.fixture
def facts_saved_calls():
    """What clients.signals.facts_saved carried, receiver by receiver as the apps above see it."""
    from clients.signals import facts_saved

    calls = []

    def receiver(sender, *, client, by, **kwargs):
        calls.append((client.pk, client.first_name, client.educations.count(), by))

    facts_saved.connect(receiver, dispatch_uid="test-client-admin")
    yield calls
    facts_saved.disconnect(dispatch_uid="test-client-admin")


def test_an_admin_save_goes_through_the_service_facts_saved_once_after_the_facts(
        client, firm, consultant, facts_saved_calls):
    admin_user = member(firm, "owner", is_staff=True, is_superuser=True)
    client.force_login(admin_user)
    target = ClientFactory(firm=firm, consultant=consultant)
    data = _admin_post(firm, consultant, first_name="Renamed") | {
        "educations-TOTAL_FORMS": 1, "educations-0-level": "bachelors",
        "educations-0-completed_on": "2017-06-01", "educations-0-is_canadian": "",
    }

    response = client.post(reverse("admin:clients_client_change", args=[target.pk]), data)

    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    # One signal, sent once the client and its inline facts were saved, naming the admin user.
    assert facts_saved_calls == [(target.pk, "Renamed", 1, admin_user)]


def test_a_client_added_in_the_admin_gets_its_stored_assessment(client, firm, consultant,
                                                                django_capture_on_commit_callbacks,
                                                                facts_saved_calls):
    admin_user = member(firm, "owner", is_staff=True, is_superuser=True)
    client.force_login(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin:clients_client_add"), _admin_post(firm, consultant))
    assert response.status_code == 302
    added = Client.objects.get(first_name="Ana", firm=firm)
    assert facts_saved_calls == [(added.pk, "Ana", 0, admin_user)]
    assert Client.objects.filter(pk=added.pk, assessment__isnull=False).exists()


def test_a_consultant_of_another_firm_is_a_field_message_in_the_admin(client, firm, consultant,
                                                                      facts_saved_calls):
    client.force_login(member(firm, "owner", is_staff=True, is_superuser=True))
    target = ClientFactory(firm=firm, consultant=consultant, first_name="Kept")
    stranger = member()  # a consultant of another firm

    response = client.post(reverse("admin:clients_client_change", args=[target.pk]),
                           _admin_post(firm, stranger, first_name="Changed"))

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["consultant"]
    target.refresh_from_db()
    assert (target.first_name, target.consultant_id) == ("Kept", consultant.pk)
    assert facts_saved_calls == []
