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
        # An open invitation's checklist follows the client's facts when the profile is edited.
        from clients.signals import facts_saved
        from invitations import history  # noqa: F401
        from invitations.checklist_services import _sync_checklist_on_facts_saved

        facts_saved.connect(_sync_checklist_on_facts_saved, dispatch_uid="invitations-sync-checklist")
