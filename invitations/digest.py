"""The consultants' daily summary: open invitations with overdue documents or close deadlines.

Sent once per consultant and day by the project's send-once pattern (invitations.delivery).
"""

from __future__ import annotations

import datetime as dt
import logging
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.db import DatabaseError
from django.db.models import Q
from django.utils import timezone

from invitations import emails
from invitations.clock import firm_zone
from invitations.delivery import CLAIM_LEASE, SMTP_TIMEOUT_SECONDS, close_quietly, is_permanent_failure
from invitations.models import ConsultantDigest, Invitation

log = logging.getLogger(__name__)


def digest_rows(user, *, now: dt.datetime) -> list[dict]:
    """The consultant's open invitations that need attention: overdue items or 7 days or less left."""
    invitations = (Invitation.objects.filter(client__consultant=user, status__in=Invitation.OPEN)
                   .select_related("client__firm").prefetch_related("checklist").order_by("deadline_at"))
    rows = []
    for invitation in invitations:
        zone = firm_zone(invitation.client.firm)
        today = now.astimezone(zone).date()
        overdue = [i for i in invitation.checklist.all() if i.is_overdue(today)]
        left = invitation.days_left_at(now, zone)
        if overdue or left <= 7:
            rows.append({"invitation": invitation, "client": invitation.client, "days_left": left,
                         "overdue": overdue})
    return rows


def send_daily_digests(*, now: dt.datetime | None = None) -> int:
    """Send each consultant with something to act on one summary a day; returns how many went out.

    The send-once pattern of invitations.delivery, on a ConsultantDigest row per consultant and
    day: claimed by a conditional UPDATE, sent after that commit, its outcome recorded. Each
    consultant is on their own: a summary no mail server takes (is_permanent_failure: a name or
    address that cannot be a header) keeps its claim and its error, so the day's later runs skip it
    and the loop goes on with the next; any other failure (an SMTP outage, an error in our code)
    releases the claim, and the next hourly run tries again.
    """
    now = now or timezone.now()
    consultant_ids = (Invitation.objects.filter(status__in=Invitation.OPEN)
                      .values_list("client__consultant_id", flat=True).distinct())
    sent = 0
    for user in get_user_model().objects.filter(pk__in=consultant_ids, is_active=True).exclude(email=""):
        membership = getattr(user, "membership", None)
        zone = firm_zone(membership.firm) if membership else ZoneInfo(settings.TIME_ZONE)
        today = now.astimezone(zone).date()
        todays = ConsultantDigest.objects.filter(user=user, sent_on=today)
        if todays.exclude(sent_at__isnull=True, error="").exists():
            continue  # sent, or found unsendable, earlier today
        rows = digest_rows(user, now=now)
        if not rows:
            continue
        overdue = sum(len(r["overdue"]) for r in rows)
        digest, _created = ConsultantDigest.objects.get_or_create(user=user, sent_on=today,
                                                                  defaults={"overdue_items": overdue})
        if not _claim(digest, now=now):
            continue  # another run is sending it, or has just sent it
        this_digest = ConsultantDigest.objects.filter(pk=digest.pk)
        connection = mail.get_connection(timeout=SMTP_TIMEOUT_SECONDS)
        try:
            connection.open()
            connection.send_messages([emails.digest_message(user, rows, today=today)])
        except DatabaseError:
            raise
        except Exception as exc:  # noqa: BLE001 - one consultant's failure must not stop the others
            if is_permanent_failure(exc):
                this_digest.update(error=f"{type(exc).__name__}: {exc}"[:300], overdue_items=overdue)
                log.warning("daily summary for user %s cannot be sent, recorded: %s: %s", user.pk,
                            type(exc).__name__, exc)
            else:
                this_digest.update(claimed_at=None)
                log.warning("daily summary for user %s not sent, next run retries: %s", user.pk, exc)
            continue
        else:
            this_digest.update(sent_at=now, overdue_items=overdue, error="")
            sent += 1
        finally:
            close_quietly(connection)  # QUIT after the outcome is recorded
    return sent


def _claim(digest: ConsultantDigest, *, now: dt.datetime) -> bool:
    """The conditional UPDATE of the send-once pattern: True only for the one run that changed the row."""
    unclaimed = Q(claimed_at__isnull=True) | Q(claimed_at__lte=now - CLAIM_LEASE)
    return ConsultantDigest.objects.filter(unclaimed, pk=digest.pk, sent_at__isnull=True, error="").update(
        claimed_at=now) == 1
