"""Recording invitations, status changes, the schedule, expiry, the command and the daily digest."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from clients.models import Client
from clients.tests.factories import ClientFactory, member
from invitations import delivery, digest, services
from invitations.models import Invitation, Reminder
from invitations.tests.helpers import ISSUED_AT, invited_client, new_client, reminder_of

pytestmark = pytest.mark.django_db
FIRST_DUE = dt.datetime(2027, 2, 16, 14, 0, tzinfo=dt.UTC)  # the 45-day reminder, 09:00 Toronto


def test_recording_an_invitation_moves_the_client_to_invited_with_seven_reminders_at_9am_firm_time():
    applicant, invitation = invited_client()
    applicant.refresh_from_db()
    assert applicant.status == Client.Status.INVITED
    assert invitation.deadline_at == dt.datetime(2027, 4, 2, 16, tzinfo=dt.UTC)
    due = {r.offset_days: r.due_at for r in invitation.reminders.all()}
    assert due[45] == FIRST_DUE  # 09:00 EST
    assert due[14] == dt.datetime(2027, 3, 19, 13, tzinfo=dt.UTC)  # 09:00 EDT, after the DST switch
    assert due[0] == dt.datetime(2027, 4, 2, 13, tzinfo=dt.UTC)
    assert set(invitation.reminders.values_list("status", flat=True)) == {"pending"}


def test_day_of_reminder_goes_an_hour_before_an_early_morning_deadline():
    issued = dt.datetime(2027, 2, 1, 12, 30, tzinfo=dt.UTC)  # 07:30 EST -> deadline 08:30 EDT
    _, invitation = invited_client(issued_at=issued)
    day0 = invitation.reminders.get(offset_days=0)
    assert day0.due_at == invitation.deadline_at - dt.timedelta(hours=1)


@pytest.mark.parametrize(("issued_at", "field", "message"), [
    (ISSUED_AT + dt.timedelta(days=1), "issued_at", "in the future"),
    (ISSUED_AT - dt.timedelta(days=61), "issued_at", "60 days ended on"),
])
def test_record_invitation_rejects_impossible_dates_naming_the_field(issued_at, field, message):
    applicant = new_client()
    with pytest.raises(ValidationError) as exc:
        services.record_invitation(client=applicant, issued_at=issued_at, by=applicant.consultant,
                                   now=ISSUED_AT)
    assert message in " ".join(exc.value.message_dict[field])
    assert not Invitation.objects.exists()


def test_a_client_has_one_open_invitation_at_a_time():
    applicant, _ = invited_client()
    with pytest.raises(ValidationError) as exc:
        services.record_invitation(client=applicant, issued_at=ISSUED_AT, by=applicant.consultant,
                                   now=ISSUED_AT)
    assert "already has an open invitation" in exc.value.message_dict["issued_at"][0]


def test_another_firm_cannot_record_or_change_an_invitation():
    applicant, invitation = invited_client()
    outsider = member()
    with pytest.raises(PermissionDenied):
        services.record_invitation(client=ClientFactory(firm=applicant.firm), issued_at=ISSUED_AT,
                                   by=outsider, now=ISSUED_AT)
    with pytest.raises(PermissionDenied):
        services.change_status(invitation=invitation, status="declined", by=outsider, now=ISSUED_AT)


def test_declining_cancels_pending_reminders_and_puts_the_client_back_in_the_pool():
    applicant, invitation = invited_client()
    services.change_status(invitation=invitation, status="declined", by=applicant.consultant,
                           now=ISSUED_AT + dt.timedelta(days=3))
    assert set(invitation.reminders.values_list("status", flat=True)) == {"cancelled"}
    applicant.refresh_from_db()
    assert applicant.status == Client.Status.IN_POOL


@pytest.mark.parametrize(("submitted_on", "message"), [
    (None, "Give the date"), (dt.date(2027, 1, 31), "before the invitation"),
    (dt.date(2027, 2, 9), "in the future"),
])
def test_submission_needs_a_plausible_date(submitted_on, message):
    applicant, invitation = invited_client()
    with pytest.raises(ValidationError) as exc:
        services.change_status(invitation=invitation, status="submitted", submitted_on=submitted_on,
                               by=applicant.consultant, now=ISSUED_AT + dt.timedelta(days=7))
    assert message in exc.value.message_dict["submitted_on"][0]


def test_closed_invitation_cannot_change_status_again():
    applicant, invitation = invited_client()
    services.change_status(invitation=invitation, status="declined", by=applicant.consultant, now=ISSUED_AT)
    with pytest.raises(ValidationError) as exc:
        services.change_status(invitation=invitation, status="in_progress", by=applicant.consultant,
                               now=ISSUED_AT)
    assert "cannot become In progress" in exc.value.message_dict["status"][0]


def test_scan_expires_an_invitation_whose_deadline_passed_unsubmitted(smtp_server):
    applicant, invitation = invited_client()
    result = delivery.send_due_reminders(now=invitation.deadline_at + dt.timedelta(minutes=1))
    invitation.refresh_from_db()
    applicant.refresh_from_db()
    assert (result.expired, result.sent) == (1, 0)  # the 7 pending ones are cancelled, none sent late
    assert invitation.status == Invitation.Status.EXPIRED
    assert set(invitation.reminders.values_list("status", flat=True)) == {"cancelled"}
    assert applicant.status == Client.Status.IN_POOL
    assert smtp_server.messages == []


def test_owner_changes_the_schedule_and_open_invitations_follow_for_what_is_ahead():
    applicant, invitation = invited_client()
    owner = member(applicant.firm, role="owner")
    now = ISSUED_AT + dt.timedelta(days=20)  # the 45-day reminder (day 15) is behind
    services.set_reminder_offsets(firm=applicant.firm, offsets=[50, 45, 21, 2], by=owner, now=now)

    statuses = dict(invitation.reminders.values_list("offset_days", "status"))
    assert statuses == {50: "skipped", 45: "pending", 21: "pending", 2: "pending", 30: "cancelled",
                        14: "cancelled", 7: "cancelled", 3: "cancelled", 1: "cancelled", 0: "cancelled"}
    assert services.reminder_offsets(applicant.firm) == [50, 45, 21, 2]
    _, later = invited_client(firm=applicant.firm)
    assert sorted(later.reminders.values_list("offset_days", flat=True)) == [2, 21, 45, 50]

    services.set_reminder_offsets(firm=applicant.firm, offsets=[30, 2], by=owner, now=now)
    assert invitation.reminders.get(offset_days=30).status == "pending"  # back, still ahead


@pytest.mark.parametrize("offsets", [[], [60], [3, 3], [-1]])
def test_schedule_must_be_distinct_days_between_0_and_59(offsets):
    applicant = new_client()
    owner = member(applicant.firm, role="owner")
    with pytest.raises(ValidationError):
        services.set_reminder_offsets(firm=applicant.firm, offsets=offsets, by=owner)


def test_only_the_owner_changes_the_schedule():
    applicant = new_client()
    with pytest.raises(PermissionDenied):
        services.set_reminder_offsets(firm=applicant.firm, offsets=[7], by=applicant.consultant)


def test_client_without_email_fails_the_reminder_without_retrying(smtp_server):
    _, invitation = invited_client(email="")
    result = delivery.send_due_reminders(now=FIRST_DUE)
    reminder = invitation.reminders.get(offset_days=45)
    assert (result.failed, reminder.status, reminder.next_attempt_at) == (1, "failed", None)
    assert reminder.attempt_log.get().error == "the client has no email address"
    assert delivery.send_due_reminders(now=FIRST_DUE + dt.timedelta(hours=1)).failed == 0


def test_send_due_reminders_command_sends_what_is_due_and_prints_the_count(smtp_server):
    _, invitation = invited_client()
    out = StringIO()
    call_command("send_due_reminders", "--now", FIRST_DUE.isoformat(), stdout=out)
    assert out.getvalue().startswith("Sent 1 reminder(s)")
    (message,) = smtp_server.wait_for(1)
    assert reminder_of(message).invitation == invitation

    out = StringIO()
    call_command("send_due_reminders", "--now", FIRST_DUE.isoformat(), stdout=out)  # cron ran twice
    assert out.getvalue().startswith("Sent 0 reminder(s)")
    assert len(smtp_server.messages) == 1


def test_send_due_reminders_command_rejects_a_bad_now_with_exit_2():
    with pytest.raises(CommandError) as exc:
        call_command("send_due_reminders", "--now", "next tuesday")
    assert exc.value.returncode == 2
    assert str(exc.value).startswith("--now: not an ISO 8601 date-time")


def test_consultant_daily_summary_lists_overdue_items_once_a_day(smtp_server):
    applicant, invitation = invited_client(residence_countries="IN")
    now = ISSUED_AT + dt.timedelta(days=20)  # police certificate start-by (2027-02-16) has passed
    assert digest.send_daily_digests(now=now) == 1
    assert digest.send_daily_digests(now=now + dt.timedelta(hours=3)) == 0  # same day
    (message,) = smtp_server.wait_for(1)
    assert message["To"] == "Claire Tremblay <claire@maple-law.example>"
    body = message.get_content()
    assert f"{applicant.full_name} — 40 days left" in body
    assert "start-by date passed (2027-02-16): Police certificate — India" in body
    assert digest.send_daily_digests(now=now + dt.timedelta(days=1)) == 1


def test_the_daily_summary_links_each_client_and_the_dashboard_at_site_url(smtp_server, settings):
    settings.SITE_URL = "https://desk.example"
    applicant, _invitation = invited_client(residence_countries="IN")
    assert digest.send_daily_digests(now=ISSUED_AT + dt.timedelta(days=20)) == 1
    body = smtp_server.wait_for(1)[0].get_content()
    assert f"https://desk.example/clients/{applicant.pk}/#ita" in body
    assert "Your dashboard: https://desk.example/\r\n" in body


def test_a_french_consultants_daily_summary_is_in_french_and_an_english_colleagues_stays_english(
        smtp_server):
    applicant, _invitation = invited_client(residence_countries="IN")
    claire = applicant.consultant.membership
    claire.language = "fr"
    claire.save()
    ben = member(applicant.firm, first_name="Ben", last_name="Martin", email="ben@maple-law.example")
    bens_client = ClientFactory(firm=applicant.firm, consultant=ben, residence_countries="IN")
    services.record_invitation(client=bens_client, issued_at=ISSUED_AT, by=ben, now=ISSUED_AT)
    now = ISSUED_AT + dt.timedelta(days=20)  # police certificate start-by (2027-02-16) has passed

    assert digest.send_daily_digests(now=now) == 2
    by_to = {m["To"]: m for m in smtp_server.wait_for(2)}
    french = by_to["Claire Tremblay <claire@maple-law.example>"]
    assert french["Subject"].strip() == "ITA Desk\u00a0: 1 invitation demande votre attention aujourd'hui"
    assert french["Content-Language"] == "fr"
    body = french.get_content()
    assert body.startswith("Bonjour Claire Tremblay,")
    assert "qui demandent votre attention (2027-02-21)" in body
    assert f"{applicant.full_name} — 40 jours restants (échéance 2027-04-02 16:00 UTC)" in body
    assert "date de début de démarche dépassée (2027-02-16)" in body
    assert "days left" not in body and "start-by" not in body

    english = by_to["Ben Martin <ben@maple-law.example>"]
    assert english["Subject"] == "ITA Desk: 1 invitation needs attention today"
    assert english["Content-Language"] == "en"
    body = english.get_content()
    assert body.startswith("Hello Ben Martin,") and f"{bens_client.full_name} — 40 days left" in body
    assert "start-by date passed (2027-02-16)" in body


def test_demo_seeds_invitations_at_different_points_with_reminders_due_now(smtp_server):
    from invitations.demo import seed_invitations

    firm_client = new_client()
    clients = [ClientFactory(firm=firm_client.firm, consultant=firm_client.consultant) for _ in range(6)]
    now = dt.datetime(2026, 11, 25, 15, 0, tzinfo=dt.UTC)
    with time_machine.travel(now, tick=False):
        invitations = seed_invitations(clients, now=now, send_due=False)
    assert len(invitations) == 6
    assert len({(now - i.issued_at).days for i in invitations}) == 6  # different points of the 60 days
    due_now = Reminder.objects.filter(status="pending", due_at__lte=now).count()
    assert due_now >= 2
    result = delivery.send_due_reminders(now=now)
    assert result.sent == due_now
    assert len(smtp_server.wait_for(due_now)) == due_now


def test_beat_runs_the_scan_every_five_minutes_and_the_digest_hourly_in_office_hours():
    from django_celery_beat.models import PeriodicTask

    scan = PeriodicTask.objects.get(task="invitations.tasks.scan_due_reminders")
    assert (scan.interval.every, scan.interval.period, scan.enabled) == (5, "minutes", True)
    digest = PeriodicTask.objects.get(task="invitations.tasks.send_daily_digests")
    assert (digest.crontab.minute, digest.crontab.hour) == ("0", "7-18")
