from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    """The client portal: passwordless sign-in, the client's own ITA and checklist."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "portal"
    verbose_name = _("Client portal")

    def ready(self) -> None:
        from clients.panels import register_client_panel
        from portal import access, history, signals  # noqa: F401 - receivers and the audit registration
        from portal.panels import client_panel_context

        # The portal's settings after the invitation (10) and the reports (20): nothing here waits.
        register_client_panel("portal/_client_panel.html", context=client_panel_context, order=30)
