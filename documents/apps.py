from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    """Documents clients upload to their checklist items, and their review by the firm."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "documents"
    verbose_name = _("Documents")
