from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EligibilityConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "eligibility"
    verbose_name = _("Eligibility")

    def ready(self) -> None:
        from clients.panels import register_client_panel
        from clients.signals import facts_saved
        from eligibility.presenters import client_reports_panel, client_summary_fragment
        from eligibility.receivers import refresh_on_facts_saved

        # Every save of a client's facts refreshes the stored assessment after the commit.
        facts_saved.connect(refresh_on_facts_saved, dispatch_uid="eligibility-refresh-assessment")

        # The client page's live eligibility summary (score, programs, categories), above the facts.
        # Kept rendered in the cache under what it is computed from (presenters.client_summary_fragment).
        register_client_panel("eligibility/_client_summary.html", context=client_summary_fragment,
                              slot="summary")
        # The client page lists the client's reports with the "Generate report" button.
        register_client_panel("eligibility/_client_reports.html", context=client_reports_panel, order=20)

        # Audit history of reports (django-simple-history; see eligibility/history.py).
        from eligibility import history  # noqa: F401
