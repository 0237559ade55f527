"""Beat schedule in the database (django-celery-beat), editable in the admin.

- the reminder scan every 5 minutes;
- the consultants' daily summary, tried hourly 07:00-18:00 (one per consultant and day).
"""

from django.db import migrations

SCAN = "invitations: send due ITA reminders"
DIGEST = "invitations: consultants' daily summary"


def create(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    every_5, _ = IntervalSchedule.objects.get_or_create(every=5, period="minutes")
    PeriodicTask.objects.get_or_create(
        name=SCAN,
        defaults={"task": "invitations.tasks.scan_due_reminders", "interval": every_5,
                  "description": "Finds due reminders and sends each once (invitations.services)."},
    )
    hourly, _ = CrontabSchedule.objects.get_or_create(
        minute="0", hour="7-18", day_of_week="*", day_of_month="*", month_of_year="*",
        timezone="America/Toronto",
    )
    PeriodicTask.objects.get_or_create(
        name=DIGEST,
        defaults={"task": "invitations.tasks.send_daily_digests", "crontab": hourly,
                  "description": "Overdue checklist items and close deadlines, once a day per consultant."},
    )


def remove(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name__in=[SCAN, DIGEST]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("invitations", "0002_default_checklist_types"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(create, remove)]
