"""Beat schedule (django-celery-beat, editable in the admin): the after-draw sweep every 5 minutes."""

from django.db import migrations

SWEEP = "draws: match recent rounds never matched"


def create(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    every_5, _ = IntervalSchedule.objects.get_or_create(every=5, period="minutes")
    PeriodicTask.objects.get_or_create(
        name=SWEEP,
        defaults={"task": "draws.tasks.match_pending_draws", "interval": every_5,
                  "description": "Queues the after-draw job again for a recent round whose matches "
                                 "were never stored (draws.services.match_pending_draws)."},
    )


def remove(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=SWEEP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("draws", "0006_draw_matched_at"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(create, remove)]
