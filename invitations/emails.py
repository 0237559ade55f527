"""The emails of this app: client reminders (EN/FR, text + HTML + .ics) and the consultant's digest."""

from __future__ import annotations

import datetime as dt
import re
from email.mime.text import MIMEText
from email.utils import format_datetime, formataddr
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation
from icalendar import Alarm, Calendar, Event

from clients.models import Client
from clients.selectors import email_language_for
from invitations.models import ChecklistItem, Invitation, Reminder
from portal.links import portal_url

LANGUAGES = ("en", "fr")
ICS_SUMMARY = {
    "en": "Express Entry application deadline",
    "fr": "Date limite de la demande Entrée express",
}


def one_line(subject: str) -> str:
    """A rendered subject on one line. Only ASCII whitespace is collapsed: str.split() would also
    turn French no-break spaces ("ITA Desk\u00a0: 2 invitations") into breakable ones."""
    return re.sub(r"[ \t\r\n\f\v]+", " ", subject).strip()


def sender_for(client: Client) -> str:
    """The firm's address (with its name), or DEFAULT_FROM_EMAIL when the firm has none."""
    if client.firm.email:
        return formataddr((client.firm.name, client.firm.email))
    return settings.DEFAULT_FROM_EMAIL


def _person(user) -> str:
    return formataddr((user.get_full_name() or user.username, user.email))


def message_id(reminder: Reminder) -> str:
    """Stable per reminder: a duplicate of the same reminder carries the same Message-ID."""
    return f"<ita-reminder-{reminder.pk}-d{reminder.offset_days}@itadesk.invalid>"


def deadline_ics(invitation: Invitation, client: Client, *, language: str, now: dt.datetime) -> bytes:
    """An iCalendar (RFC 5545) event at the deadline, with alarms a week and a day before."""
    cal = Calendar()
    cal.add("prodid", "-//ITA Desk//Invitation deadline//EN")
    cal.add("version", "2.0")
    cal.add("method", "PUBLISH")
    event = Event()
    event.add("uid", f"ita-deadline-{invitation.pk}@itadesk.invalid")
    event.add("dtstamp", now.astimezone(dt.UTC))
    event.add("dtstart", invitation.deadline_at.astimezone(dt.UTC))
    event.add("dtend", invitation.deadline_at.astimezone(dt.UTC))
    event.add("summary", f"{ICS_SUMMARY[language]} — {client.full_name}")
    event.add("description", ICS_SUMMARY[language])
    event.add("transp", "TRANSPARENT")
    for days in (7, 1):
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", ICS_SUMMARY[language])
        alarm.add("trigger", dt.timedelta(days=-days))
        event.add_component(alarm)
    cal.add_component(event)
    return cal.to_ical()


def reminder_message(
    reminder: Reminder,
    invitation: Invitation,
    client: Client,
    *,
    open_items: list[ChecklistItem],
    zone: ZoneInfo,
    now: dt.datetime,
    connection=None,
) -> EmailMultiAlternatives:
    """The reminder email in the client's language, from the firm, replies to the consultant (in Cc)."""
    language = client.preferred_language if client.preferred_language in LANGUAGES else "en"
    consultant = client.consultant
    deadline_local = invitation.deadline_at.astimezone(zone)
    days_left = invitation.days_left_at(now, zone)
    context = {
        "client": client, "firm": client.firm, "consultant": consultant, "invitation": invitation,
        "deadline_local": deadline_local, "deadline_utc": invitation.deadline_at.astimezone(dt.UTC),
        "time_zone": str(zone), "days_left": days_left, "open_items": open_items,
        "portal_url": portal_url(),
    }
    with translation.override(language):
        subject = render_to_string(f"invitations/email/{language}/reminder_subject.txt", context)
        text = render_to_string(f"invitations/email/{language}/reminder.txt", context)
        html = render_to_string(f"invitations/email/{language}/reminder.html", context)
    consultant_addr = [_person(consultant)] if consultant.email else []
    msg = EmailMultiAlternatives(
        subject=one_line(subject), body=text, from_email=sender_for(client),
        to=[formataddr((client.full_name, client.email))], cc=consultant_addr, reply_to=consultant_addr,
        headers={"Message-ID": message_id(reminder), "Date": format_datetime(now.astimezone(dt.UTC)),
                 "Content-Language": language},
        connection=connection,
    )
    msg.attach_alternative(html, "text/html")
    ics = MIMEText(deadline_ics(invitation, client, language=language, now=now).decode(), "calendar", "utf-8")
    ics.set_param("method", "PUBLISH")
    filename = "echeance-entree-express.ics" if language == "fr" else "express-entry-deadline.ics"
    ics.add_header("Content-Disposition", "attachment", filename=filename)
    msg.attach(ics)
    return msg


def digest_message(user, rows: list[dict], *, today: dt.date, connection=None) -> EmailMultiAlternatives:
    """The consultant's daily summary, in their language (Membership.language): open invitations
    with overdue checklist items or close deadlines, each linked to its client (settings.SITE_URL).

    Client reminders link to the client portal instead (portal.links.portal_url): clients never
    reach the firm's pages."""
    language = email_language_for(user)
    context = {"user": user, "rows": rows, "today": today, "site_url": settings.SITE_URL}
    with translation.override(language):
        subject = render_to_string("invitations/email/digest_subject.txt", context)
        text = render_to_string("invitations/email/digest.txt", context)
    return EmailMultiAlternatives(
        subject=one_line(subject), body=text, from_email=settings.DEFAULT_FROM_EMAIL,
        to=[_person(user)], headers={"Content-Language": language}, connection=connection,
    )
