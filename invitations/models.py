"""Invitations to Apply (ITA), their 60-day checklist and the deadline reminders.

Written only through the app's services (invitations.services, checklist_services, delivery,
digest); how each email is sent once is described in invitations.delivery's docstring.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from clients.models import Client, Firm
from clients.validators import single_line

# Ministerial Instructions since 2018-06-26: 60 calendar days to submit a complete application.
ITA_WINDOW = dt.timedelta(days=60)
DEFAULT_REMINDER_OFFSETS = (45, 30, 14, 7, 3, 1, 0)
MAX_OFFSET_DAYS = 59


def default_offsets() -> list[int]:
    return list(DEFAULT_REMINDER_OFFSETS)


def validate_offsets(value) -> None:
    """Days before the deadline: whole numbers 0..59, no repeats, at most 15 of them."""
    if not isinstance(value, list) or not value:
        raise ValidationError(_("Give at least one number of days."))
    if len(value) > 15:
        raise ValidationError(_("At most 15 reminders per invitation."))
    for day in value:
        if not isinstance(day, int) or isinstance(day, bool) or not 0 <= day <= MAX_OFFSET_DAYS:
            raise ValidationError(
                _("%(value)s is not a number of days between 0 and %(max)s.")
                % {"value": day, "max": MAX_OFFSET_DAYS}
            )
    if len(set(value)) != len(value):
        raise ValidationError(_("Each number of days may appear only once."))


class FirmReminderSettings(models.Model):
    """A firm's reminder schedule; a firm without a row uses DEFAULT_REMINDER_OFFSETS."""

    firm = models.OneToOneField(Firm, on_delete=models.CASCADE, related_name="reminder_settings")
    offsets_days = models.JSONField(
        _("reminder days before the deadline"), default=default_offsets, validators=[validate_offsets]
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("firm reminder settings")
        verbose_name_plural = _("firm reminder settings")

    def __str__(self) -> str:
        return f"{self.firm}: {', '.join(str(d) for d in self.offsets_days)}"


class ChecklistItemType(models.Model):
    """A kind of document for the ITA checklist; rows without a firm are the defaults.

    A firm's own row with the same key replaces the default for that firm (the owner's
    settings page copies a default when it is edited).
    """

    class Rule(models.TextChoices):
        ALWAYS = "always", _("Once per invitation")
        PER_COUNTRY = "per_residence_country", _("One per country lived or worked in, outside Canada")
        PER_FAMILY_MEMBER = "per_family_member", _("One per family member")
        PER_JOB = "per_job", _("One per job of the applicant")
        IF_SPOUSE = "if_spouse", _("Only with a spouse or common-law partner")
        UNLESS_CEC = "unless_cec_or_job_offer", _("Unless invited under CEC or with a job offer")
        FSTP_ONLY = "program_fstp", _("Only when invited in a Federal Skilled Trades round")

    firm = models.ForeignKey(
        Firm, null=True, blank=True, on_delete=models.CASCADE, related_name="checklist_item_types"
    )
    key = models.SlugField(_("key"), max_length=40)
    name = models.CharField(_("name"), max_length=120, validators=[single_line])
    rule = models.CharField(_("generated"), max_length=30, choices=Rule.choices, default=Rule.ALWAYS)
    lead_time_days = models.PositiveSmallIntegerField(
        _("lead time (days)"), validators=[MaxValueValidator(365)],
        help_text=_("How long the document typically takes; 'start by' = deadline minus this."),
    )
    is_active = models.BooleanField(_("in use"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=100)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("checklist item type")
        constraints = [
            models.UniqueConstraint(fields=["firm", "key"], name="item_type_key_per_firm",
                                    condition=Q(firm__isnull=False)),
            models.UniqueConstraint(fields=["key"], name="item_type_default_key",
                                    condition=Q(firm__isnull=True)),
        ]

    def __str__(self) -> str:
        return self.name


class Invitation(models.Model):
    """An Invitation to Apply: the client has until deadline_at to submit a complete application."""

    class Status(models.TextChoices):
        INVITED = "invited", _("Invited")
        IN_PROGRESS = "in_progress", _("In progress")
        SUBMITTED = "submitted", _("Submitted")
        DECLINED = "declined", _("Declined")
        EXPIRED = "expired", _("Expired")

    OPEN = (Status.INVITED, Status.IN_PROGRESS)

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="invitations")
    draw = models.ForeignKey(
        "draws.Draw", null=True, blank=True, on_delete=models.SET_NULL, related_name="invitations",
        verbose_name=_("round"),
    )
    issued_at = models.DateTimeField(_("issued at"))
    # Always deadline_for(issued_at) (set in save()); stored so scans, the dashboard and the client
    # list can filter and sort by it through an index.
    deadline_at = models.DateTimeField(_("deadline"), editable=False)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.INVITED)
    submitted_on = models.DateField(_("submitted on"), null=True, blank=True)
    status_changed_at = models.DateTimeField(_("status changed at"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-issued_at", "-id"]
        verbose_name = _("invitation to apply")
        verbose_name_plural = _("invitations to apply")
        indexes = [
            models.Index(fields=["status", "deadline_at"]),
            # The dashboard's nearest deadlines: open invitations walked in deadline order, so the
            # first rows in scope are found without sorting every open invitation.
            models.Index(fields=["deadline_at", "id"], condition=Q(status__in=["invited", "in_progress"]),
                         name="open_invitation_by_deadline"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["client"], condition=Q(status__in=["invited", "in_progress"]),
                                    name="one_open_invitation_per_client"),
            models.CheckConstraint(condition=~Q(status="submitted") | Q(submitted_on__isnull=False),
                                   name="submitted_invitation_has_date"),
        ]

    def __str__(self) -> str:
        return f"ITA {self.client} {self.issued_at:%Y-%m-%d}"

    def save(self, *args, **kwargs) -> None:
        self.deadline_at = self.deadline_for(self.issued_at)
        if kwargs.get("update_fields") is not None and "issued_at" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "deadline_at"}
        super().save(*args, **kwargs)

    @staticmethod
    def deadline_for(issued_at: dt.datetime) -> dt.datetime:
        """The last moment to submit the application of an ITA issued at `issued_at`."""
        return issued_at + ITA_WINDOW

    def deadline_on(self, zone: ZoneInfo) -> dt.date:
        """The deadline's calendar date in `zone` (the firm's time zone)."""
        return self.deadline_at.astimezone(zone).date()

    def days_left_at(self, now: dt.datetime, zone: ZoneInfo) -> int:
        """Calendar days from `now`'s date to the deadline's date, both in `zone`: 0 on the day,
        negative after it. SQL filters compare deadline_at with a local midnight instead
        (dashboard.selectors.deadlines)."""
        return (self.deadline_on(zone) - now.astimezone(zone).date()).days

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN


class Reminder(models.Model):
    """One scheduled email: unique per (invitation, offset_days), so it can be claimed once."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        SKIPPED = "skipped", _("Skipped")
        CANCELLED = "cancelled", _("Cancelled")
        FAILED = "failed", _("Failed")

    invitation = models.ForeignKey(Invitation, on_delete=models.CASCADE, related_name="reminders")
    offset_days = models.PositiveSmallIntegerField(_("days before the deadline"))
    due_at = models.DateTimeField(_("due at"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    status_note = models.CharField(_("note"), max_length=200, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    recipients = models.CharField(_("sent to"), max_length=500, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    # The dispatch lease: when a scan last queued this reminder for delivery (see
    # delivery.scan_due_reminders); cleared when an attempt fails and will be retried.
    dispatched_at = models.DateTimeField(_("queued for delivery at"), null=True, blank=True)

    class Meta:
        ordering = ["due_at", "-offset_days"]
        verbose_name = _("reminder")
        constraints = [
            models.UniqueConstraint(fields=["invitation", "offset_days"], name="one_reminder_per_offset"),
        ]
        indexes = [models.Index(fields=["status", "due_at"])]

    def __str__(self) -> str:
        return f"{self.invitation} D-{self.offset_days} {self.status}"


class ReminderAttempt(models.Model):
    """One try at handing a reminder to the SMTP server, successful or not."""

    reminder = models.ForeignKey(Reminder, on_delete=models.CASCADE, related_name="attempt_log")
    attempted_at = models.DateTimeField(_("attempted at"))
    succeeded = models.BooleanField(_("succeeded"))
    error = models.TextField(_("error"), blank=True)
    worker = models.CharField(_("worker"), max_length=200, blank=True)

    class Meta:
        ordering = ["attempted_at", "id"]
        verbose_name = _("reminder attempt")

    def __str__(self) -> str:
        return f"{self.reminder_id} {self.attempted_at:%Y-%m-%d %H:%M} {'ok' if self.succeeded else 'error'}"


class ChecklistItem(models.Model):
    """A document to gather before the deadline, with the date to start by."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("Not started")
        REQUESTED = "requested", _("Requested")
        # The client uploaded files through the portal; the consultant has not accepted them yet
        # (documents.services moves the item here and on to received or back to requested).
        TO_REVIEW = "to_review", _("Received, to review")
        RECEIVED = "received", _("Received")
        NOT_NEEDED = "not_needed", _("Not needed")

    invitation = models.ForeignKey(Invitation, on_delete=models.CASCADE, related_name="checklist")
    item_type = models.ForeignKey(
        ChecklistItemType, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    key = models.SlugField(max_length=40)
    subject = models.CharField(_("for"), max_length=40, blank=True,
                               help_text=_("Country code, family member or job the item is for."))
    label = models.CharField(_("document"), max_length=250, validators=[single_line])
    lead_time_days = models.PositiveSmallIntegerField(_("lead time (days)"))
    start_by = models.DateField(_("start by"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.NOT_STARTED)
    requested_on = models.DateField(_("requested on"), null=True, blank=True)
    received_on = models.DateField(_("received on"), null=True, blank=True)

    class Meta:
        ordering = ["start_by", "id"]
        verbose_name = _("checklist item")
        indexes = [
            # The dashboard's overdue documents: items not started, oldest 'start by' first.
            models.Index(fields=["start_by", "id"], condition=Q(status="not_started"),
                         name="not_started_item_by_start"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["invitation", "key", "subject"], name="one_item_per_subject"),
        ]

    def __str__(self) -> str:
        return self.label

    def is_overdue(self, today: dt.date) -> bool:
        """Its 'start by' date has passed and nobody has requested it yet."""
        return self.status == self.Status.NOT_STARTED and self.start_by < today


class ConsultantDigest(models.Model):
    """A consultant's daily summary: one row per consultant and day, claimed before it is sent and
    marked sent after (invitations.delivery's send-once pattern; invitations.digest sends it).

    A summary that can never be sent (an address or a name no mail server accepts) keeps its claim
    and its error, without sent_at: the day's later runs skip it and the other consultants'
    summaries still go out. Any other failure releases the claim: the next run tries again.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    sent_on = models.DateField()
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    overdue_items = models.PositiveIntegerField(default=0)
    error = models.CharField(_("error"), max_length=300, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "sent_on"], name="one_digest_per_day")]
        verbose_name = _("consultant's daily summary")
        verbose_name_plural = _("consultants' daily summaries")

    def __str__(self) -> str:
        return f"{self.user} {self.sent_on}"
