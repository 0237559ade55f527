from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    """Audit history of client data, export log, and the owner's audit pages."""

    default = True  # audit/apps.py holds two configs: this one is the app's
    default_auto_field = "django.db.models.BigAutoField"
    name = "audit"
    verbose_name = _("Audit")

    def ready(self) -> None:
        from audit import signals

        signals.connect()


class AdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin with the project's site: superuser-only unless a ModelAdmin opens itself
    to the staff who manage draws (audit/admin_access.py). Listed in INSTALLED_APPS in its place."""

    default = False
    default_site = "audit.admin_access.AdminSite"
