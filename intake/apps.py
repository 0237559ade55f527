from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntakeConfig(AppConfig):
    """Facts submitted by clients and prospects, pending the consultant's review."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "intake"
    verbose_name = _("Fact changes")

    def ready(self) -> None:
        from clients.panels import register_client_panel
        from intake import history  # noqa: F401 - registers FactChange with the audit history
        from intake.panels import changes_panel

        # What the consultant must act on comes first on the client page: above the eligibility
        # summary (slot "summary", order 100), the facts the client sent, then their documents (20).
        register_client_panel("intake/_client_changes.html", context=changes_panel, order=10, slot="summary")
