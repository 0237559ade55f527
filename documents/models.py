"""Files clients upload to their ITA checklist items, the firm's review of them, and who downloaded them.

Written only through documents.services. The bytes live in the "documents" storage
(settings.STORAGES, documents.storage) under a random key; a row never names a path the client chose.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from clients.models import Client, Firm
from clients.validators import single_line
from documents.validation import CONTENT_TYPES, MAX_NAME_LENGTH
from invitations.models import ChecklistItem

REVIEW_REASON_MAX_LENGTH = 1000
DEFAULT_KEEP_DAYS = 365  # after an application closes, unless the firm's owner sets otherwise
MAX_KEEP_DAYS = 3650


class Document(models.Model):
    """One uploaded file of a checklist item (an item may have several: a passport's pages)."""

    class Status(models.TextChoices):
        TO_REVIEW = "to_review", _("To review")
        ACCEPTED = "accepted", _("Accepted")
        RETURNED = "returned", _("Returned")

    # Denormalised from the item so that the firm's and the client's documents are one indexed
    # filter (dashboard counts, audit pages, the per-client storage total, deletion with the client).
    firm = models.ForeignKey(Firm, on_delete=models.CASCADE, related_name="+")
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="documents")
    item = models.ForeignKey(ChecklistItem, on_delete=models.CASCADE, related_name="documents",
                             verbose_name=_("checklist item"))
    file_key = models.CharField(max_length=100, unique=True, editable=False)
    original_name = models.CharField(_("file name"), max_length=MAX_NAME_LENGTH, validators=[single_line])
    content_type = models.CharField(_("type"), max_length=20, choices=[(t, t) for t in CONTENT_TYPES])
    size_bytes = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_at = models.DateTimeField(_("uploaded at"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.TO_REVIEW)
    review_reason = models.TextField(_("reason"), blank=True, max_length=REVIEW_REASON_MAX_LENGTH)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, related_name="+",
                                    on_delete=models.SET_NULL, verbose_name=_("reviewed by"))
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    # The client's email about the review, sent once (documents.notices: claim, then send).
    notice_claimed_at = models.DateTimeField(null=True, blank=True, editable=False)
    notice_sent_at = models.DateTimeField(_("client told at"), null=True, blank=True, editable=False)
    notice_error = models.CharField(max_length=300, blank=True, editable=False)

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("uploaded document")
        indexes = [
            models.Index(fields=["firm", "client"], condition=Q(status="to_review"),
                         name="document_to_review"),
            models.Index(fields=["client", "uploaded_at"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(status="to_review") | Q(reviewed_at__isnull=False),
                                   name="reviewed_document_has_date"),
            models.CheckConstraint(condition=~Q(status="returned") | ~Q(review_reason=""),
                                   name="returned_document_has_reason"),
        ]

    def __str__(self) -> str:
        return self.original_name


class DocumentDownload(models.Model):
    """Who took a copy of a document: a firm member, or the client (`by_client`)."""

    firm = models.ForeignKey(Firm, on_delete=models.CASCADE, related_name="+")
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="+")
    document = models.ForeignKey(Document, null=True, on_delete=models.SET_NULL, related_name="downloads")
    original_name = models.CharField(_("file name"), max_length=MAX_NAME_LENGTH)
    by_user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+", verbose_name=_("downloaded by"))
    by_client = models.BooleanField(_("by the client"), default=False)
    downloaded_at = models.DateTimeField(_("downloaded at"))

    class Meta:
        ordering = ["-downloaded_at", "-id"]
        verbose_name = _("document download")

    def __str__(self) -> str:
        return f"{self.original_name} {self.downloaded_at:%Y-%m-%d %H:%M}"


class FirmDocumentSettings(models.Model):
    """How long a firm keeps uploaded files once an application has closed; no row: DEFAULT_KEEP_DAYS."""

    firm = models.OneToOneField(Firm, on_delete=models.CASCADE, related_name="document_settings")
    keep_days_after_close = models.PositiveSmallIntegerField(
        _("days to keep files after an application closes"), default=DEFAULT_KEEP_DAYS,
        validators=[MaxValueValidator(MAX_KEEP_DAYS)],
        help_text=_("Counted from the day the invitation was submitted, declined or expired; "
                    "the files are then deleted."),
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        verbose_name = _("firm document settings")
        verbose_name_plural = _("firm document settings")

    def __str__(self) -> str:
        return f"{self.firm}: {self.keep_days_after_close} days"

    @property
    def keep_for(self) -> dt.timedelta:
        return dt.timedelta(days=self.keep_days_after_close)
