from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    """Documents clients upload to their checklist items, and their review by the firm."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "documents"
    verbose_name = _("Documents")

    def ready(self) -> None:
        from clients.panels import register_client_panel
        from documents import history, signals  # noqa: F401 - audit registration, file deletion
        from documents.panels import client_panel_context

        # Documents to review near the top, after the facts the client sent (intake, 10), above the
        # eligibility summary (100).
        register_client_panel("documents/_client_panel.html", context=client_panel_context, order=20,
                              slot="summary")
