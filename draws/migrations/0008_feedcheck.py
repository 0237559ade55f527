"""IRCC feed checks (draws.feed), and their beat entry: every minute, the task checks when due.

Beat asks every minute and IRCC_ROUNDS_EVERY_MINUTES decides (draws.tasks.check_ircc_feed), so
the setting, not this schedule, is what an operator changes; an empty IRCC_ROUNDS_URL turns it off.
"""

import django.utils.timezone
from django.db import migrations, models

CHECK = "draws: check IRCC's rounds feed"


def create(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    every_minute, _ = IntervalSchedule.objects.get_or_create(every=1, period="minutes")
    PeriodicTask.objects.get_or_create(
        name=CHECK,
        defaults={
            "task": "draws.tasks.check_ircc_feed",
            "interval": every_minute,
            "description": "Checks IRCC's rounds feed when IRCC_ROUNDS_EVERY_MINUTES have passed "
            "since the last check (draws.feed.check_ircc_feed); off when "
            "IRCC_ROUNDS_URL is empty.",
        },
    )


def remove(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=CHECK).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("draws", "0007_sweep_periodic_task"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        migrations.CreateModel(
            name="FeedCheck",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("url", models.CharField(max_length=500, verbose_name="address")),
                (
                    "started_at",
                    models.DateTimeField(
                        db_index=True, default=django.utils.timezone.now, verbose_name="started at"
                    ),
                ),
                ("finished_at", models.DateTimeField(blank=True, null=True, verbose_name="finished at")),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("running", "Running"),
                            ("imported", "Read and imported"),
                            ("not_modified", "Not modified since the last check"),
                            ("failed", "Could not be fetched"),
                            ("malformed", "Malformed feed: nothing changed"),
                            ("skipped", "Skipped: another check was running"),
                        ],
                        default="running",
                        max_length=20,
                        verbose_name="outcome",
                    ),
                ),
                (
                    "http_status",
                    models.PositiveSmallIntegerField(blank=True, null=True, verbose_name="HTTP status"),
                ),
                ("rounds_read", models.PositiveIntegerField(default=0, verbose_name="rounds read")),
                ("rounds_added", models.PositiveIntegerField(default=0, verbose_name="rounds added")),
                ("rounds_updated", models.PositiveIntegerField(default=0, verbose_name="rounds updated")),
                ("error", models.TextField(blank=True, verbose_name="error")),
                ("etag", models.CharField(blank=True, max_length=500, verbose_name="ETag")),
                ("last_modified", models.CharField(blank=True, max_length=100, verbose_name="Last-Modified")),
            ],
            options={
                "verbose_name": "IRCC feed check",
                "verbose_name_plural": "IRCC feed checks",
                "ordering": ["-started_at", "-pk"],
                "indexes": [models.Index(fields=["status", "-started_at"], name="feedcheck_status_started")],
                "constraints": [
                    models.UniqueConstraint(
                        condition=models.Q(("status", "running")),
                        fields=("status",),
                        name="feedcheck_one_running",
                    )
                ],
            },
        ),
        migrations.RunPython(create, remove),
    ]
