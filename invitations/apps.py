from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InvitationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "invitations"
    verbose_name = _("Invitations to apply")

    def ready(self) -> None:
        """Show the invitation section on the client page (clients' panel hook)."""
        from clients.panels import register_client_panel

        # The partial computes its own data (a template tag), so any page can include it.
        register_client_panel("invitations/_client_invitations.html", order=10)

        # Audit history of invitations (django-simple-history; see invitations/history.py).
        from invitations import history  # noqa: F401
