"""The demo's client portal: one client with an open ITA who can sign in, with work waiting on both sides.

Everything goes through the services a client's own actions use: portal access (portal.services.invite,
which emails a sign-in link), a PDF sent for a checklist document (documents.services.upload_documents:
checked, stored, the item moves to "received, to review") and a change to their details
(intake.services.submit_change: pending until the consultant reviews it). So the consultant's
dashboard shows a document and a fact change to review.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.db import transaction

from clients.models import Client, Firm
from documents import services as documents
from documents.models import Document
from documents.validation import Incoming
from intake import services as intake
from intake.models import FactChange
from intake.testing import current_post, questionnaire
from invitations.models import ChecklistItem, Invitation
from portal import services as portal

NEW_PHONE = "+1 514 555 0142"  # the change the demo client sends for review


@dataclass(frozen=True)
class PortalDemo:
    client: Client
    document: Document
    change: FactChange


def scanned_pdf(title: str) -> bytes:
    """A small, valid one-page PDF standing for a client's scan (made now: nothing is shipped)."""
    from weasyprint import HTML  # noqa: PLC0415 - heavy import, only while seeding

    return HTML(string=f"<h1 style='font-family: sans-serif'>{title}</h1><p>Demo scan.</p>").write_pdf()


def demo_portal_client(firm: Firm, consultant) -> Client | None:
    """The client the demo opens the portal to: one of `consultant`'s with an open ITA, French-speaking
    if there is one (else any language, else any consultant's), with an email to send the link to."""
    with_ita = (Client.objects.filter(firm=firm, invitations__status__in=Invitation.OPEN).exclude(email="")
                .select_related("firm", "consultant").distinct())
    for narrowed in (with_ita.filter(consultant=consultant, preferred_language="fr"),
                     with_ita.filter(preferred_language="fr"),
                     with_ita.filter(consultant=consultant), with_ita):
        client = narrowed.order_by("pk").first()
        if client is not None:
            return client
    return None


def seed_portal(firm: Firm, consultant) -> PortalDemo | None:
    """Give the demo client portal access, one PDF awaiting review and one pending fact change."""
    client = demo_portal_client(firm, consultant)
    if client is None:
        return None
    portal.invite(client=client, by=client.consultant)  # emails a first sign-in link
    item = (documents.uploadable_items(client).exclude(status=ChecklistItem.Status.RECEIVED)
            .order_by("start_by", "id").first())
    if item is None:
        return None
    data = scanned_pdf(item.label)
    name = "passeport.pdf" if client.preferred_language == "fr" else "passport.pdf"
    document = documents.upload_documents(client=client, item=item, files=[
        Incoming(name=name, size=len(data), file=io.BytesIO(data))])[0]
    with transaction.atomic():
        post = current_post(client)  # the profile as recorded, as the client's browser posts it
        post["phone"] = NEW_PHONE
        profile = questionnaire(client, post)
        if not profile.is_valid():
            raise ValueError(f"demo client {client.pk}: {intake.form_errors(profile)}")
        change = intake.submit_change(client=client, profile=profile)
    return PortalDemo(client=client, document=document, change=change)

