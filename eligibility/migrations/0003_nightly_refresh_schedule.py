"""Schedule the nightly refresh with django-celery-beat (editable in the admin afterwards)."""

from django.conf import settings
from django.db import migrations

TASK_NAME = "Nightly: refresh assessments and raise alerts"


def create_schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    crontab, _ = CrontabSchedule.objects.get_or_create(
        minute="30", hour="3", day_of_week="*", day_of_month="*", month_of_year="*",
        timezone=settings.TIME_ZONE,
    )
    PeriodicTask.objects.get_or_create(
        name=TASK_NAME,
        defaults={
            "task": "eligibility.tasks.nightly_refresh",
            "crontab": crontab,
            "enabled": True,
            "description": "Recompute every active client's stored assessment; raise alerts for score "
                           "changes, new eligibility and documents expiring within 30 days.",
        },
    )


def remove_schedule(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):

    dependencies = [
        ("eligibility", "0002_alert_report"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
