"""`seed_demo` shows the product on first login: IRCC's rounds, a recent round with matches and
digests, ITAs tied to rounds, a second firm, plausible clients, and the logins printed last."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from clients.models import Client, Firm
from draws.models import Draw, DrawDigest, DrawMatch
from invitations.models import Invitation

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def seeded(settings):
    from config.celery import app

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # eight logins
    saved, app.conf.task_always_eager = app.conf.task_always_eager, True  # as in make demo (no REDIS_URL)
    out = StringIO()
    try:
        call_command("seed_demo", stdout=out)
    finally:
        app.conf.task_always_eager = saved
    return out.getvalue()


def test_the_demo_has_every_ircc_round_and_a_labelled_round_held_yesterday(seeded):
    assert Draw.objects.filter(source=Draw.Source.IMPORT).count() == 435
    demo = Draw.objects.get(ircc_name__startswith="DEMO round")
    assert demo.drawn_on == timezone.localdate() - dt.timedelta(days=1)
    assert (demo.category.slug, demo.invitations_issued, demo.lowest_crs) == ("healthcare_social", 3000, 434)
    assert "not published by IRCC" in demo.ircc_name
    matched = DrawMatch.objects.filter(draw=demo).count()
    assert matched >= 3 and DrawDigest.objects.filter(draw=demo, sent_at__isnull=False).exists()
    assert f"Demo round #{demo.round_number}" in seeded


def test_seeded_itas_are_tied_to_rounds_and_statuses_follow_them(seeded):
    maple = Firm.objects.get(name="Maple Leaf Immigration")
    tied = Invitation.objects.filter(client__firm=maple, draw__isnull=False).select_related("draw")
    assert tied.filter(draw__ircc_name__startswith="DEMO round").count() == 1  # recorded the day of the round
    assert tied.filter(draw__source=Draw.Source.IMPORT).exists()  # applications on real IRCC rounds
    for invitation in tied:
        assert abs((invitation.issued_at.date() - invitation.draw.drawn_on).days) <= 1
    # "Invited" comes only from a recorded ITA; a prospect has no profile, hence no nomination.
    invited = Client.objects.filter(status=Client.Status.INVITED)
    assert invited.exists() and not invited.exclude(invitations__status__in=Invitation.OPEN).exists()
    assert not Client.objects.filter(status=Client.Status.PROSPECT, has_provincial_nomination=True).exists()


def test_a_second_small_firm_is_seeded_to_try_isolation(seeded):
    other = Firm.objects.get(name="Northern Lights Immigration")
    assert 0 < Client.objects.filter(firm=other).count() < Client.objects.exclude(firm=other).count()
    assert "north-owner" in seeded


def test_one_line_per_email_then_a_digest_then_the_logins_last(seeded):
    assert "Content-Type" not in seeded and "base64" not in seeded  # no MIME printed
    emails, rest = seeded.split(" emails sent (kept in memory, not delivered):\n", 1)
    count = int(emails.rsplit("\n", 1)[-1])
    lines = rest.split("\n")[:count]
    assert count >= 2 and all(line.startswith("  email to ") for line in lines)
    assert "The round digest sent to" in rest and "http://127.0.0.1:8000/clients/" in rest
    logins = rest.rsplit("Logins (password for all: demo-pass-2026):\n", 1)[1]
    assert "email to" not in logins and "owner" in logins


def test_a_second_run_adds_nothing_and_records_no_second_demo_round(seeded):
    before = (Client.objects.count(), Draw.objects.count(), Invitation.objects.count())
    call_command("seed_demo", stdout=StringIO())
    assert (Client.objects.count(), Draw.objects.count(), Invitation.objects.count()) == before


def test_a_french_client_with_an_open_ita_can_try_the_portal_with_work_waiting_for_review(seeded):
    from documents.models import Document
    from documents.storage import documents_storage
    from intake.models import FactChange
    from invitations.models import ChecklistItem
    from portal.models import PortalAccess

    access = PortalAccess.objects.select_related("client").get(is_enabled=True)
    client = access.client
    assert client.preferred_language == "fr" and client.firm.name == "Maple Leaf Immigration"
    assert client.invitations.filter(status__in=Invitation.OPEN).exists()
    document = Document.objects.get()  # stored through the documents service: checked, item to review
    assert (document.client, document.status) == (client, Document.Status.TO_REVIEW)
    assert document.item.status == ChecklistItem.Status.TO_REVIEW
    with documents_storage().open(document.file_key) as stored:
        data = stored.read()
    assert data.startswith(b"%PDF-") and len(data) == document.size_bytes < 100_000
    change = FactChange.objects.get()
    assert (change.client, change.status) == (client, FactChange.Status.PENDING)
    # Printed before the logins: where to ask for a link, with which address.
    portal, logins = seeded.rsplit("Logins (password for all:", 1)
    assert "http://127.0.0.1:8000/portal/" in portal and client.email in portal
    assert "email to " + client.full_name in portal  # the first sign-in link, sent by portal.services.invite
    assert client.email not in logins
