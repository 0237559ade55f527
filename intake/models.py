"""Facts a client (or a prospect) submitted, waiting for the consultant's review, and a firm's intake link.

A FactChange never touches the profile: it holds what the client changed in the
questionnaire as data (intake.changes describes the shape), and only
intake.services.accept_change applies it, through clients.services like the staff edit form.
Written only through intake.services.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from clients.models import Client, Firm

# A returned change's note: the consultant's words to the client (shown on the portal, emailed).
RETURN_NOTE_MAX_LENGTH = 2000


class FactChange(models.Model):
    class Status(models.TextChoices):
        # A fact change ("une modification": feminine in French), apart from a document's status.
        PENDING = "pending", pgettext_lazy("fact change", "Awaiting review")
        ACCEPTED = "accepted", pgettext_lazy("fact change", "Accepted")
        RETURNED = "returned", pgettext_lazy("fact change", "Returned")

    class Source(models.TextChoices):
        PORTAL = "portal", _("Client portal")
        INTAKE = "intake", _("Intake link")

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="fact_changes")
    # Denormalised from the client for firm-scoped counts without a join (the dashboard's count).
    firm = models.ForeignKey(Firm, on_delete=models.CASCADE, related_name="+")
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.PORTAL)
    data = models.JSONField(_("submitted facts"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    # Bumped by every resubmission: a review posted against an older revision is refused.
    revision = models.PositiveIntegerField(default=1)
    note = models.TextField(
        _("note to the client"),
        blank=True,
        max_length=RETURN_NOTE_MAX_LENGTH,
        validators=[MaxLengthValidator(RETURN_NOTE_MAX_LENGTH)],
    )
    submitted_at = models.DateTimeField(_("submitted at"))
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    # The profile as it was when the change was reviewed (intake.changes snapshot): the review page
    # shows what the change did (accepted) or would have done (returned) once the profile moved on.
    before = models.JSONField(null=True, blank=True, editable=False)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    # The client's email about the review, sent once (intake.services.send_review_email).
    email_claimed_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    email_error = models.CharField(max_length=500, blank=True)
    email_given_up = models.BooleanField(default=False)  # a message no server takes: not retried

    class Meta:
        ordering = ["-submitted_at", "-id"]
        verbose_name = _("fact change")
        constraints = [
            # One pending change per client: a resubmission updates it (intake.services.submit_change).
            models.UniqueConstraint(
                fields=["client"], condition=Q(status="pending"), name="intake_one_pending_change_per_client"
            ),
        ]
        indexes = [models.Index(fields=["firm", "status"], name="intake_change_firm_status")]

    def __str__(self) -> str:
        return f"{self.client} {self.get_status_display()} {self.submitted_at:%Y-%m-%d}"

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING


def new_intake_token() -> str:
    """An unguessable token for a firm's public intake link (256 bits, URL-safe)."""
    return secrets.token_urlsafe(32)


class IntakeLink(models.Model):
    """A firm's public questionnaire for prospects, at /portal/intake/<token>/ while published."""

    firm = models.OneToOneField(Firm, on_delete=models.CASCADE, related_name="intake_link")
    token = models.CharField(max_length=64, unique=True, default=new_intake_token)
    is_published = models.BooleanField(_("published"), default=False)
    # Prospects from the link are assigned to this owner or consultant (a client needs one).
    consultant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("assigned consultant"),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("intake link")

    def __str__(self) -> str:
        return f"{self.firm} intake link"
