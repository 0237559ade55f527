"""The client's home page: their ITA (round, deadline in the firm's time, days left), the checklist
with overdue items first, or what happens next without one; a constant number of queries."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from invitations.models import ChecklistItem
from invitations.tests.helpers import ISSUED_AT, invited_client, new_client
from portal.testing import sign_in

pytestmark = pytest.mark.django_db

HOME = "/portal/"


def _add_items(invitation, count: int, start_by: dt.date) -> None:
    ChecklistItem.objects.bulk_create([
        ChecklistItem(invitation=invitation, key="extra", subject=f"s{n}", label=f"Extra document {n}",
                      lead_time_days=10, start_by=start_by) for n in range(count)
    ])


def test_the_ita_deadline_in_the_firms_time_days_left_and_overdue_items_first(client):
    lea, invitation = invited_client(first_name="Lea")
    invitation.checklist.update(start_by=dt.date(2027, 3, 20))
    late = invitation.checklist.order_by("id").first()
    late.start_by, late.label = dt.date(2027, 2, 10), "A late document"
    late.save(update_fields=["start_by", "label"])
    received = invitation.checklist.exclude(pk=late.pk).order_by("id").first()
    received.status, received.received_on = ChecklistItem.Status.RECEIVED, dt.date(2027, 2, 12)
    received.save(update_fields=["status", "received_on"])
    # 2027-02-15 03:00 UTC is still the 14th in Toronto: the days are counted there.
    with time_machine.travel(dt.datetime(2027, 2, 15, 3, 0, tzinfo=dt.UTC), tick=False):
        sign_in(client, lea)
        html = client.get(HOME).content.decode()
    assert "Hello Lea" in html
    deadline_local = invitation.deadline_at.astimezone(dt.timezone(dt.timedelta(hours=-4)))  # EDT on Apr 2
    assert f"{deadline_local:%A} {deadline_local.day} {deadline_local:%B %Y, %H:%M} EDT" in html
    assert "America/Toronto" in html
    assert f"{(deadline_local.date() - dt.date(2027, 2, 14)).days} days left" in html
    items = html[html.index('id="ita-'):]
    first_item = items.index('class="list-group-item portal-item')
    assert items.index("A late document") < items.index(received.label)
    assert "is-overdue" in items[first_item:first_item + 80]
    assert "Late: to start by Feb 10, 2027" in html and f'id="item-{received.pk}-action">Accepted<' in html


def test_without_an_ita_the_page_says_what_happens_next_and_names_the_consultant(client):
    lea = new_client(first_name="Lea")
    sign_in(client, lea)
    html = client.get(HOME).content.decode()
    assert "No invitation to apply yet" in html
    assert "Claire Tremblay" in html and "claire@maple-law.example" in html


def test_the_page_is_in_french_for_a_french_client(client):
    lea, _ = invited_client(language="fr")
    with time_machine.travel(ISSUED_AT + dt.timedelta(days=1), tick=False):
        sign_in(client, lea)  # signing in sets the language cookie to the client's language
        html = client.get(HOME).content.decode()
    assert '<html lang="fr">' in html


def test_the_query_count_does_not_grow_with_the_checklist(client, django_assert_num_queries):
    lea, invitation = invited_client()
    sign_in(client, lea)
    counts = []
    for extra in (0, 25):
        _add_items(invitation, extra, invitation.issued_at.date())
        with django_assert_num_queries(4) as queries:  # session, access+client, invitations, checklist
            assert client.get(HOME).status_code == 200
        counts.append(len(queries.captured_queries))
    assert counts[0] == counts[1]
    assert "Extra document 24" in client.get(HOME).content.decode()


def test_portal_pages_are_never_cached(client):
    lea, _ = invited_client()
    sign_in(client, lea)
    assert "no-store" in client.get(HOME)["Cache-Control"]


def test_another_clients_ita_never_shows(client):
    lea, _ = invited_client(first_name="Lea")
    ben, _ = invited_client(first_name="Bennett", firm=lea.firm)
    sign_in(client, lea)
    html = client.get(reverse("portal:home")).content.decode()
    assert "Bennett" not in html and html.count('class="card shadow-sm mb-4"') == 1


def test_each_document_to_send_links_to_its_upload_page(client):
    """From the home page the client reaches each document's upload page (not the not-needed ones)."""
    lea, invitation = invited_client(first_name="Lea")
    skipped, *others = invitation.checklist.order_by("id")
    skipped.status = ChecklistItem.Status.NOT_NEEDED
    skipped.save(update_fields=["status"])
    sign_in(client, lea)
    html = client.get(HOME).content.decode()
    for item in others:
        assert f'href="{reverse("portal:documents:item", args=[item.pk])}"' in html
    assert reverse("portal:documents:item", args=[skipped.pk]) not in html


def test_each_document_says_what_the_client_can_do_with_it(client, django_assert_num_queries):
    """Send, send again after a return (with why to look), received to review, accepted; nothing
    for a document not needed. The files' review is read in the checklist's own query."""
    import io

    from documents import services as documents
    from documents.tests.samples import pdf
    from documents.validation import Incoming

    lea, invitation = invited_client(first_name="Lea")
    _add_items(invitation, 1, invitation.issued_at.date())
    to_send, waiting, accepted, returned, skipped = invitation.checklist.order_by("id")[:5]

    def send(item):
        data = pdf()
        return documents.upload_documents(client=lea, item=item, files=[
            Incoming(name="scan.pdf", size=len(data), file=io.BytesIO(data))])[0]

    send(waiting)
    documents.review_document(document=send(accepted), by=lea.consultant, accept=True)
    documents.review_document(document=send(returned), by=lea.consultant, accept=False, reason="Blurred")
    skipped.status = ChecklistItem.Status.NOT_NEEDED
    skipped.save(update_fields=["status"])
    sign_in(client, lea)
    with django_assert_num_queries(4):  # as without files: the review is read in the checklist's query
        html = client.get(HOME).content.decode()

    def action(item) -> str:
        start = html.index(f'id="item-{item.pk}-action"')
        return html[html.rindex("<", 0, start):html.index("</", start)]

    send_url = reverse("portal:documents:item", args=[to_send.pk])
    assert 'data-action="send"' in action(to_send) and f'href="{send_url}"' in action(to_send)
    assert ">Send<" in action(to_send)
    assert 'data-action="send_again"' in action(returned) and ">Send again<" in action(returned)
    assert f'href="{reverse("portal:documents:item", args=[returned.pk])}"' in action(returned)
    assert f'id="item-{returned.pk}-returned"' in html and f'id="item-{to_send.pk}-returned"' not in html
    assert action(waiting).endswith(">Received, to review") and "href" not in action(waiting)
    assert action(accepted).endswith(">Accepted") and "href" not in action(accepted)
    assert "data-action" not in action(skipped) and action(skipped).endswith(">Not needed")

    lea.preferred_language = "fr"
    lea.save(update_fields=["preferred_language"])
    sign_in(client, lea)  # signing in sets the language cookie to the client's language
    html = client.get(HOME).content.decode()
    assert ">Envoyer à nouveau<" in action(returned) and action(accepted).endswith(">Accepté")
