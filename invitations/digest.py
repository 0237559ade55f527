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
from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone

from invitations import emails
from invitations.clock import firm_zone
from invitations.delivery import SMTP_TIMEOUT_SECONDS, close_quietly, is_permanent_failure
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
    """Send each consultant with something to act on one summary a day (a unique row per day).

    Each consultant is on their own: a summary that cannot be sent (a name or address no mail
    server takes: is_permanent_failure) is recorded as that consultant's row for the day, with
    the error and no sent_at, and the loop goes on with the next; any other failure (an SMTP
    outage, an error in our code) leaves no row, so the next hourly run tries again.
    """
    now = now or timezone.now()
    consultant_ids = (Invitation.objects.filter(status__in=Invitation.OPEN)
                      .values_list("client__consultant_id", flat=True).distinct())
    sent = 0
    for user in get_user_model().objects.filter(pk__in=consultant_ids, is_active=True).exclude(email=""):
        membership = getattr(user, "membership", None)
        zone = firm_zone(membership.firm) if membership else ZoneInfo(settings.TIME_ZONE)
        today = now.astimezone(zone).date()
        if ConsultantDigest.objects.filter(user=user, sent_on=today).exists():
            continue  # sent (or found unsendable) earlier today
        rows = digest_rows(user, now=now)
        if not rows:
            continue
        overdue = sum(len(r["overdue"]) for r in rows)
        connection = mail.get_connection(timeout=SMTP_TIMEOUT_SECONDS)
        try:
            with transaction.atomic():
                ConsultantDigest.objects.create(user=user, sent_on=today, sent_at=now, overdue_items=overdue)
                connection.open()
                connection.send_messages([emails.digest_message(user, rows, today=today)])
            sent += 1
        except IntegrityError:
            continue  # another run sent it a moment ago
        except DatabaseError:
            raise
        except Exception as exc:  # noqa: BLE001 - one consultant's failure must not stop the others
            if not is_permanent_failure(exc):
                log.warning("daily summary for user %s not sent, next run retries: %s", user.pk, exc)
                continue
            error = f"{type(exc).__name__}: {exc}"[:300]
            ConsultantDigest.objects.get_or_create(user=user, sent_on=today, defaults={
                "sent_at": None, "overdue_items": overdue, "error": error})
            log.warning("daily summary for user %s cannot be sent, recorded: %s: %s", user.pk,
                        type(exc).__name__, exc)
        finally:
            close_quietly(connection)
    return sent
