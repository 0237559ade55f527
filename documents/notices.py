"""The client's email about a reviewed document: sent once per document.

The project's one "send once" pattern (claim, send after the commit, record), described in
invitations/delivery.py: the document row is claimed with a conditional UPDATE (`notice_claimed_at`
set while the notice is unsent and unclaimed, or claimed longer ago than CLAIM_LEASE by a sender that
recorded nothing), only the caller whose UPDATE changed the row talks to SMTP, holding no transaction,
then the outcome is recorded: `notice_sent_at`; or, for a message no server will ever take (no
address, a refused recipient: is_permanent_failure), the error, keeping the claim so it is never
retried; any other failure releases the claim with its error. Never lost: the review queues a task
after its commit, and beat's sweep (send_pending_notices, every 5 minutes) sends whatever a lost
task, a dead worker or a mail server outage left unsent.
"""

from __future__ import annotations

import datetime as dt
import logging
from email.utils import formataddr

from django.core.mail import EmailMessage
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from documents.models import Document
from invitations.checklist import display_label
from invitations.delivery import is_permanent_failure
from invitations.emails import LANGUAGES, one_line, sender_for

log = logging.getLogger(__name__)

REVIEWED = (Document.Status.ACCEPTED, Document.Status.RETURNED)
# A claim older than this, with nothing recorded, belonged to a worker that died: many times the
# longest send (the SMTP timeout), so a live sender is never overtaken.
CLAIM_LEASE = dt.timedelta(minutes=10)
SWEEP_LIMIT = 200  # notices per sweep; the next sweep takes the rest


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


def _claimable(now: dt.datetime) -> Q:
    return Q(status__in=REVIEWED, notice_sent_at__isnull=True) & (
        Q(notice_claimed_at__isnull=True) | Q(notice_claimed_at__lte=now - CLAIM_LEASE, notice_error=""))


def send_review_notice(document_id: int, *, now: dt.datetime | None = None, connection=None) -> str:
    """Email the client about their reviewed document once: 'sent', 'taken' (sent, being sent by
    another worker, or not reviewed) or 'failed' (never sendable; recorded). NoticeNotSent when
    the mail server could not take it now (the claim is released for the next try)."""
    now = now or timezone.now()
    claimed = Document.objects.filter(_claimable(now), pk=document_id).update(notice_claimed_at=now)
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
            log.warning("review notice of document %s not sendable: %s", document_id, type(exc).__name__)
            return "failed"
        rows.update(notice_claimed_at=None, notice_error=error)
        raise NoticeNotSent(error) from exc
    rows.update(notice_sent_at=now, notice_error="")
    return "sent"


def send_pending_notices(*, now: dt.datetime | None = None, limit: int = SWEEP_LIMIT) -> dict[str, int]:
    """Every review email still unsent and claimable (beat's sweep); one failure stops nobody."""
    now = now or timezone.now()
    outcomes = {"sent": 0, "taken": 0, "failed": 0, "retrying": 0}
    ids = list(Document.objects.filter(_claimable(now)).order_by("reviewed_at", "pk")
               .values_list("pk", flat=True)[:limit])
    for document_id in ids:
        try:
            outcomes[send_review_notice(document_id, now=now)] += 1
        except NoticeNotSent:
            outcomes["retrying"] += 1
    return outcomes
