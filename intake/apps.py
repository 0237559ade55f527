from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntakeConfig(AppConfig):
    """Facts submitted by clients and prospects, pending the consultant's review."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "intake"
    verbose_name = _("Fact changes")
