"""The client's email about a reviewed fact change: in their language, from the firm, to the portal."""

from __future__ import annotations

from email.utils import formataddr

from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation

from intake.models import FactChange
from invitations.emails import LANGUAGES, one_line, sender_for
from portal.links import portal_url


def review_message(change: FactChange, *, connection=None) -> EmailMessage:
    """ "Your details were accepted" or "returned, with the consultant's note", with the portal's address."""
    client = change.client
    language = client.preferred_language if client.preferred_language in LANGUAGES else "en"
    context = {
        "client": client,
        "firm": client.firm,
        "change": change,
        "portal_url": portal_url(),
        "accepted": change.status == FactChange.Status.ACCEPTED,
    }
    with translation.override(language):
        subject = render_to_string("intake/email/review_subject.txt", context)
        body = render_to_string("intake/email/review.txt", context)
    return EmailMessage(
        subject=one_line(subject),
        body=body,
        from_email=sender_for(client),
        to=[formataddr((client.full_name, client.email))],
        headers={
            "Content-Language": language,
            "Auto-Submitted": "auto-generated",
            "Message-ID": f"<fact-change-{change.pk}-{change.status}@itadesk.invalid>",
        },
        connection=connection,
    )
