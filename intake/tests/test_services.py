"""Submitting, accepting and returning fact changes (intake.services)."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection

from clients.models import Client
from clients.signals import facts_saved
from clients.tests.factories import FirmFactory, member
from eligibility.models import ClientAssessment
from eligibility.services import assess_client, clients_with_facts
from intake import changes, services
from intake.models import FactChange
from intake.preview import compare
from intake.testing import current_post, questionnaire


def _submit(client, **post_changes) -> FactChange:
    post = current_post(client)
    post.update(post_changes)
    profile = questionnaire(client, post)
    assert profile.is_valid()
    return services.submit_change(client=client, profile=profile)


@pytest.fixture
def eager_tasks():
    from config.celery import app

    saved, app.conf.task_always_eager = app.conf.task_always_eager, True
    yield
    app.conf.task_always_eager = saved


@pytest.mark.django_db
def test_a_submission_never_changes_the_profile(client_with_facts):
    change = _submit(client_with_facts, phone="+1 555 0199", **{"languagetests-0-reading": "8"})
    client_with_facts.refresh_from_db()
    assert change.status == FactChange.Status.PENDING and change.revision == 1
    assert client_with_facts.phone == "+1 555 0100"
    assert client_with_facts.languagetests.get().reading == Decimal("7.5")


@pytest.mark.django_db
def test_a_new_submission_replaces_the_pending_one(client_with_facts):
    first = _submit(client_with_facts, phone="+1 555 0199")
    second = _submit(client_with_facts, phone="+1 555 0177")
    assert second.pk == first.pk and second.revision == 2
    assert FactChange.objects.filter(client=client_with_facts).count() == 1
    assert second.data == {"client": {"phone": "+1 555 0177"}}


@pytest.mark.django_db
def test_sending_the_profile_unchanged_is_refused(client_with_facts):
    profile = questionnaire(client_with_facts, current_post(client_with_facts))
    assert profile.is_valid()
    with pytest.raises(services.NothingChanged):
        services.submit_change(client=client_with_facts, profile=profile)
    assert not FactChange.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_accept_applies_through_the_client_services(client_with_facts, consultant, eager_tasks, smtp_server):
    change = _submit(client_with_facts, phone="+1 555 0199", **{"languagetests-0-reading": "8"})
    received = []

    def receiver(sender, *, client, by, **kwargs):
        received.append((client.pk, by.pk))

    facts_saved.connect(receiver, dispatch_uid="test-intake-accept")
    try:
        services.accept_change(change_id=change.pk, by=consultant, revision=change.revision)
    finally:
        facts_saved.disconnect(dispatch_uid="test-intake-accept")
    client = Client.objects.get(pk=client_with_facts.pk)
    assert client.phone == "+1 555 0199"
    assert client.languagetests.get().reading == Decimal("8")
    assert received == [(client.pk, consultant.pk)]
    change.refresh_from_db()
    assert change.status == FactChange.Status.ACCEPTED and change.reviewed_by == consultant
    # Audited: the client's history has the new phone, the change's history its acceptance.
    assert client.history.first().phone == "+1 555 0199"
    assert change.history.first().status == FactChange.Status.ACCEPTED
    # The stored assessment was refreshed from the new facts.
    fresh = clients_with_facts(Client.objects.filter(pk=client.pk)).get()
    assert (
        ClientAssessment.objects.get(client=client).crs_total
        == assess_client(fresh).to_dict()["crs"]["total"]
    )
    # One email to the client, in their language, linking to the portal.
    (message,) = smtp_server.wait_for(1)
    assert "ana@mail.example" in message["To"]
    assert "/portal/" in message.get_payload()


@pytest.mark.django_db
def test_return_leaves_the_profile_and_keeps_the_note(client_with_facts, consultant):
    change = _submit(client_with_facts, phone="+1 555 0199")
    services.return_change(change_id=change.pk, by=consultant, revision=1, note="Which phone is yours?")
    change.refresh_from_db()
    client_with_facts.refresh_from_db()
    assert change.status == FactChange.Status.RETURNED and change.note == "Which phone is yours?"
    assert client_with_facts.phone == "+1 555 0100"
    assert change.before["client"]["phone"] == "+1 555 0100"


@pytest.mark.django_db
def test_return_needs_a_note(client_with_facts, consultant):
    change = _submit(client_with_facts, phone="+1 555 0199")
    with pytest.raises(services.ChangeRefused):
        services.return_change(change_id=change.pk, by=consultant, revision=1, note="   ")
    assert FactChange.objects.get(pk=change.pk).is_pending


@pytest.mark.django_db
def test_a_second_accept_is_refused(client_with_facts, consultant):
    change = _submit(client_with_facts, phone="+1 555 0199")
    services.accept_change(change_id=change.pk, by=consultant, revision=1)
    with pytest.raises(services.ChangeRefused, match="already reviewed"):
        services.accept_change(change_id=change.pk, by=consultant, revision=1)
    with pytest.raises(services.ChangeRefused):
        services.return_change(change_id=change.pk, by=consultant, revision=1, note="late")


@pytest.mark.django_db
def test_a_review_of_an_older_revision_is_refused(client_with_facts, consultant):
    change = _submit(client_with_facts, phone="+1 555 0199")
    _submit(client_with_facts, phone="+1 555 0177")
    with pytest.raises(services.ChangeRefused, match="again"):
        services.accept_change(change_id=change.pk, by=consultant, revision=1)
    client_with_facts.refresh_from_db()
    assert client_with_facts.phone == "+1 555 0100"


@pytest.mark.django_db
def test_another_firms_staff_cannot_review(client_with_facts):
    change = _submit(client_with_facts, phone="+1 555 0199")
    stranger = member(FirmFactory(), "owner")
    with pytest.raises(PermissionDenied):
        services.accept_change(change_id=change.pk, by=stranger, revision=1)
    with pytest.raises(PermissionDenied):
        services.return_change(change_id=change.pk, by=stranger, revision=1, note="no")
    assert FactChange.objects.get(pk=change.pk).is_pending


@pytest.mark.django_db
def test_an_assistant_may_review_as_they_may_edit_clients(client_with_facts, assistant):
    change = _submit(client_with_facts, phone="+1 555 0199")
    services.accept_change(change_id=change.pk, by=assistant, revision=1)
    assert Client.objects.get(pk=client_with_facts.pk).phone == "+1 555 0199"


@pytest.mark.django_db
def test_a_change_that_no_longer_passes_the_forms_is_refused_whole(client_with_facts, consultant):
    change = _submit(client_with_facts, phone="+1 555 0199", **{"languagetests-0-reading": "8"})
    # The data now names a score off the scale (as if the rules had changed since).
    test_id = str(client_with_facts.languagetests.get().pk)
    FactChange.objects.filter(pk=change.pk).update(
        data={**change.data, "rows": {"languagetests": {"changed": {test_id: {"reading": "9.7"}}}}}
    )
    with pytest.raises(services.ChangeInvalid, match="Reading"):
        services.accept_change(change_id=change.pk, by=consultant, revision=1)
    client_with_facts.refresh_from_db()
    assert client_with_facts.phone == "+1 555 0100"  # nothing half-written
    assert FactChange.objects.get(pk=change.pk).is_pending


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_accepts_apply_once(client_with_facts, consultant, owner):
    change = _submit(client_with_facts, phone="+1 555 0199")
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def accept(user):
        try:
            barrier.wait(timeout=10)
            services.accept_change(change_id=change.pk, by=user, revision=1)
            outcomes.append("accepted")
        except services.ChangeRefused:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=accept, args=(u,)) for u in (consultant, owner)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(outcomes) == ["accepted", "refused"]
    client = Client.objects.get(pk=client_with_facts.pk)
    assert client.history.filter(phone="+1 555 0199").count() == 1  # saved once


@pytest.mark.django_db
def test_the_after_score_is_the_engines_score_of_the_accepted_profile(client_with_facts, consultant):
    change = _submit(
        client_with_facts,
        **{
            "languagetests-0-listening": "9",
            "languagetests-0-reading": "9",
            "languagetests-0-writing": "9",
            "languagetests-0-speaking": "9",
            "educations-0-level": "masters",
        },
    )
    saved = clients_with_facts(Client.objects.filter(pk=client_with_facts.pk)).get()
    fresh = Client.objects.select_related("spouse").get(pk=client_with_facts.pk)
    _before, _after, profile = changes.bind(fresh, change.data)
    assert profile.is_valid()
    comparison = compare(saved, profile)
    assert comparison.crs_before == assess_client(saved).to_dict()["crs"]["total"]
    assert comparison.crs_after > comparison.crs_before
    # Nothing was written by the preview.
    assert Client.objects.get(pk=client_with_facts.pk).educations.get().level == "bachelors"
    services.accept_change(change_id=change.pk, by=consultant, revision=1)
    accepted = clients_with_facts(Client.objects.filter(pk=client_with_facts.pk)).get()
    result = assess_client(accepted).to_dict()
    assert comparison.crs_after == result["crs"]["total"]
    assert {p.key: p.after for p in comparison.programs} == {
        k: v["status"] for k, v in result["programs"].items() if k in {p.key for p in comparison.programs}
    }
    assert {c.key: c.after for c in comparison.categories} == {
        c["slug"]: c["status"] for c in result["categories"]
    }
    assert {c.key: c.before for c in comparison.categories} == {
        c["slug"]: c["status"] for c in assess_client(saved).to_dict()["categories"]
    }


@pytest.mark.django_db
def test_a_spouse_added_by_the_client_is_scored_in_the_after_score(client_with_facts, consultant):
    change = _submit(
        client_with_facts,
        **{"marital_status": "married", "spouse-first_name": "Luis", "spouse-is_accompanying": "on"},
    )
    saved = clients_with_facts(Client.objects.filter(pk=client_with_facts.pk)).get()
    fresh = Client.objects.select_related("spouse").get(pk=client_with_facts.pk)
    _before, _after, profile = changes.bind(fresh, change.data)
    assert profile.is_valid()
    comparison = compare(saved, profile)
    services.accept_change(change_id=change.pk, by=consultant, revision=1)
    accepted = clients_with_facts(Client.objects.filter(pk=client_with_facts.pk)).get()
    assert accepted.spouse.first_name == "Luis"
    assert comparison.crs_after == assess_client(accepted).to_dict()["crs"]["total"] != comparison.crs_before


@pytest.mark.django_db(transaction=True)
def test_the_review_email_goes_once_in_the_clients_language(client_with_facts, consultant, smtp_server):
    Client.objects.filter(pk=client_with_facts.pk).update(preferred_language="fr")
    change = _submit(client_with_facts, phone="+1 555 0199")
    services.return_change(change_id=change.pk, by=consultant, revision=1, note="Quel numéro est le vôtre ?")
    assert services.send_review_email(change.pk) is True
    assert services.send_review_email(change.pk) is False  # claimed and sent: never twice
    assert services.send_unsent_review_emails() == 0
    (message,) = smtp_server.wait_for(1)
    assert message["Content-Language"] == "fr"
    body = message.get_payload(decode=True).decode()
    assert "Quel numéro est le vôtre ?" in body and "/portal/" in body
    assert FactChange.objects.get(pk=change.pk).emailed_at is not None


@pytest.mark.django_db(transaction=True)
def test_a_review_email_the_server_could_not_take_is_sent_by_the_next_sweep(
    client_with_facts, consultant, settings
):
    from testing.services import SmtpServer, free_port

    change = _submit(client_with_facts, phone="+1 555 0199")
    services.accept_change(change_id=change.pk, by=consultant, revision=1)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()  # nobody listens: refused
    assert services.send_review_email(change.pk) is False
    failed = FactChange.objects.get(pk=change.pk)
    assert failed.emailed_at is None and failed.email_claimed_at is None and failed.email_error
    server = SmtpServer(port=settings.EMAIL_PORT)
    server.start()
    try:
        assert services.send_unsent_review_emails() == 1
        assert len(server.wait_for(1)) == 1
        assert services.send_unsent_review_emails() == 0
    finally:
        server.stop()


@pytest.mark.django_db
def test_a_review_email_that_can_never_be_sent_is_given_up(client_with_facts, consultant, monkeypatch):
    from intake import emails

    change = _submit(client_with_facts, phone="+1 555 0199")
    services.accept_change(change_id=change.pk, by=consultant, revision=1)

    def refused(*args, **kwargs):
        raise ValueError("an address no server takes")

    monkeypatch.setattr(emails, "review_message", refused)
    assert services.send_review_email(change.pk) is False
    assert FactChange.objects.get(pk=change.pk).email_given_up
    assert services.send_unsent_review_emails() == 0


@pytest.mark.django_db
def test_a_category_verdict_that_changes_is_shown_as_the_engine_judges_it_after(
    client_with_facts, consultant
):
    from testing.services import ensure_reference_data

    ensure_reference_data()
    saved = clients_with_facts(Client.objects.filter(pk=client_with_facts.pk)).get()
    before = {c["slug"]: c["status"] for c in assess_client(saved).to_dict()["categories"]}
    change = _submit(client_with_facts, **{"jobs-0-noc": "21232"})  # the nurse's job becomes a developer's
    fresh = Client.objects.select_related("spouse").get(pk=client_with_facts.pk)
    _before, _after, profile = changes.bind(fresh, change.data)
    assert profile.is_valid()
    comparison = compare(saved, profile)
    changed = {c.key: (c.before, c.after) for c in comparison.categories if c.changed}
    assert changed, "a nurse who becomes a developer leaves the healthcare category"
    services.accept_change(change_id=change.pk, by=consultant, revision=1)
    accepted = clients_with_facts(Client.objects.filter(pk=client_with_facts.pk)).get()
    after = {c["slug"]: c["status"] for c in assess_client(accepted).to_dict()["categories"]}
    assert changed == {slug: (before[slug], after[slug]) for slug in before if before[slug] != after[slug]}
