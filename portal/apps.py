from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    """The client portal: passwordless sign-in, the client's own ITA and checklist."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "portal"
    verbose_name = _("Client portal")
