from django.apps import AppConfig


class ClientsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "clients"

    def ready(self) -> None:
        # Audit history of client profile data (django-simple-history; see clients/history.py).
        from django.db.models.signals import post_delete, post_save

        from clients import history  # noqa: F401
        from clients.counts import invalidate_on_client_change
        from clients.models import Client

        # The client list's cached counts (clients/counts.py) follow every saved or deleted client.
        post_save.connect(invalidate_on_client_change, sender=Client, dispatch_uid="clients-count-save")
        post_delete.connect(invalidate_on_client_change, sender=Client, dispatch_uid="clients-count-delete")
