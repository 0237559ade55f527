from django.apps import AppConfig


class EligibilityConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "eligibility"

    def ready(self) -> None:
        from clients.panels import register_client_panel
        from eligibility.presenters import client_reports_panel

        # The client page lists the client's reports with the "Generate report" button.
        register_client_panel("eligibility/_client_reports.html", context=client_reports_panel, order=20)

        # Audit history of reports (django-simple-history; see eligibility/history.py).
        from eligibility import history  # noqa: F401
