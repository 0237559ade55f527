from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "dashboard"
    verbose_name = _("Dashboard")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from clients.counts import invalidate_on_checklist_change, invalidate_on_invitation_change
        from invitations.models import ChecklistItem, Invitation

        # The dashboard's cached totals (deadlines, overdue documents) follow every edit at once.
        for model, receiver in ((Invitation, invalidate_on_invitation_change),
                                (ChecklistItem, invalidate_on_checklist_change)):
            post_save.connect(receiver, sender=model, dispatch_uid=f"dashboard-save-{model.__name__}")
            post_delete.connect(receiver, sender=model, dispatch_uid=f"dashboard-delete-{model.__name__}")
