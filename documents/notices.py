"""The client's email about a reviewed document: sent once per document (claim, then send).

The pattern is the project's send-once (shared/style.md 18): a conditional UPDATE claims the
document (`notice_claimed_at` set where it was empty and the document is reviewed); only the
caller whose UPDATE changed the row talks to SMTP, after that commit; then the outcome is
recorded (`notice_sent_at`, or `notice_error`). Two workers running the same task, or a task
delivered twice, send one email. A message no server will ever take (no address, a refused
recipient: invitations.services.is_permanent_failure) keeps its claim and its error, never retried;
any other failure (the mail server away) releases the claim and raises, and Celery retries.
"""

from __future__ import annotations

import datetime as dt
from email.utils import formataddr

from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from documents.models import Document
from invitations.checklist import display_label
from invitations.delivery import is_permanent_failure
from invitations.emails import LANGUAGES, one_line, sender_for

REVIEWED = (Document.Status.ACCEPTED, Document.Status.RETURNED)


class NoticeNotSent(Exception):
    """The mail server could not take the message now; the claim is released for a retry."""


def review_message(document: Document, *, now: dt.datetime, connection=None) -> EmailMessage:
    """The email, in the client's language, from the firm, replies going to the consultant."""
    from portal.links import portal_url

    client = document.client
    language = client.preferred_language if client.preferred_language in LANGUAGES else "en"
    consultant = client.consultant
    with translation.override(language):
        label = display_label(document.item)
        context = {
            "client": client, "firm": client.firm, "consultant": consultant, "document": document,
            "label": label, "accepted": document.status == Document.Status.ACCEPTED,
            "portal_url": portal_url(),
        }
        subject = (_("Document accepted: %(label)s") if context["accepted"]
                   else _("Document to send again: %(label)s")) % {"label": label}
        body = render_to_string("documents/email/review_notice.txt", context)
    reply_to = [formataddr((consultant.get_full_name() or consultant.get_username(), consultant.email))] \
        if consultant.email else []
    return EmailMessage(
        subject=one_line(subject), body=body, from_email=sender_for(client),
        to=[formataddr((client.full_name, client.email))], reply_to=reply_to,
        headers={"Message-ID": f"<document-review-{document.pk}@itadesk.invalid>",
                 "Content-Language": language},
        connection=connection,
    )


def send_review_notice(document_id: int, *, now: dt.datetime | None = None, connection=None) -> str:
    """Email the client about their reviewed document once: 'sent', 'taken' (sent or being sent
    by someone else, or not reviewed) or 'failed' (never sendable; recorded)."""
    now = now or timezone.now()
    claimed = Document.objects.filter(
        pk=document_id, notice_claimed_at__isnull=True, status__in=REVIEWED).update(notice_claimed_at=now)
    if claimed != 1:
        return "taken"
    document = (Document.objects.select_related("client__firm", "client__consultant", "item")
                .get(pk=document_id))
    rows = Document.objects.filter(pk=document_id)
    if not document.client.email:
        rows.update(notice_error="the client has no email address")
        return "failed"
    try:
        review_message(document, now=now, connection=connection).send()
    except Exception as exc:
        error = f"{type(exc).__name__}: {exc}"[:300]
        if is_permanent_failure(exc):
            rows.update(notice_error=error)
            return "failed"
        rows.update(notice_claimed_at=None, notice_error=error)
        raise NoticeNotSent(error) from exc
    rows.update(notice_sent_at=now, notice_error="")
    return "sent"
