from django.apps import AppConfig


class OpsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "ops"
    verbose_name = "Operations (benchmark, load test, drills)"

    def ready(self) -> None:
        from ops import checks  # noqa: F401 - registers the deployment checks
