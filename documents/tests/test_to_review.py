"""The dashboard's "documents to review" count and the page it opens: the firm's, or the user's clients."""

from __future__ import annotations

from django.urls import reverse

from clients.tests.factories import ClientFactory, member
from documents import services
from documents.tests import samples
from documents.tests.conftest import files, upload
from invitations import services as invitation_services


def test_the_count_follows_the_scope_and_the_reviews(client, office):
    first, _second = upload(office, ("a.pdf", samples.pdf()), ("b.png", samples.png()))
    colleague = member(office.client.firm, "consultant")
    theirs = ClientFactory(firm=office.client.firm, consultant=colleague)
    invitation = invitation_services.record_invitation(client=theirs, issued_at=office.invitation.issued_at,
                                                       by=colleague)
    services.upload_documents(client=theirs, item=invitation.checklist.first(),
                              files=files(("c.pdf", samples.pdf())))
    client.force_login(office.consultant)
    assert client.get(reverse("dashboard"), {"scope": "mine"}).context["documents_to_review"] == 2
    assert client.get(reverse("dashboard"), {"scope": "firm"}).context["documents_to_review"] == 3
    services.review_document(document=first, by=office.consultant, accept=True)
    page = client.get(reverse("dashboard"), {"scope": "mine"})
    assert page.context["documents_to_review"] == 1
    assert f'{reverse("documents:to_review")}?scope=mine' in page.content.decode()


def test_the_page_lists_the_oldest_waiting_first_with_a_link_to_review(client, office):
    old, new = upload(office, ("old.pdf", samples.pdf()), ("new.png", samples.png()))
    client.force_login(office.assistant)
    with_review = client.get(reverse("documents:to_review"), {"scope": "firm"})
    body = with_review.content.decode()
    assert with_review.status_code == 200 and body.index("old.pdf") < body.index("new.png")
    assert reverse("documents:review", args=[office.client.pk, old.pk]) in body
    client.force_login(member(role="owner"))  # another firm sees nothing of it
    assert "old.pdf" not in client.get(reverse("documents:to_review")).content.decode()


def test_the_page_reads_a_fixed_number_of_queries(client, office, django_assert_num_queries):
    client.force_login(office.consultant)
    client.get(reverse("documents:to_review"))
    upload(office, *[(f"p{n}.pdf", samples.pdf()) for n in range(8)])
    with django_assert_num_queries(6) as queries:  # session, user, membership, rows, count, base.html's
        client.get(reverse("documents:to_review"))  # round-data banner
    assert sum("documents_document" in q["sql"] for q in queries.captured_queries) == 2
