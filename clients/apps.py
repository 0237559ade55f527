from django.apps import AppConfig


class ClientsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "clients"

    def ready(self) -> None:
        # Audit history of client profile data (django-simple-history; see clients/history.py).
        from clients import history  # noqa: F401
