"""The export log: who took client data out of the application, and how much."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ExportLog(models.Model):
    """One row per export; holds no personal data, only who, when, what and how many rows."""

    class Kind(models.TextChoices):
        CLIENTS_CSV = "clients_csv", _("Clients (CSV)")

    firm = models.ForeignKey("clients.Firm", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("exported by"),
    )
    kind = models.CharField(_("export"), max_length=30, choices=Kind.choices, default=Kind.CLIENTS_CSV)
    exported_at = models.DateTimeField(_("exported at"), auto_now_add=True)
    row_count = models.PositiveIntegerField(_("rows"))

    class Meta:
        ordering = ["-exported_at", "-id"]
        indexes = [models.Index(fields=["firm", "-exported_at"])]
        verbose_name = _("export log entry")

    def __str__(self) -> str:
        return f"{self.kind} by {self.user_id} at {self.exported_at:%Y-%m-%d %H:%M}, {self.row_count} rows"
