"""Write beat's schedule (ops/periodic.py) to the database: run at every deployment, idempotent."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from ops.periodic import setup_periodic_tasks


class Command(BaseCommand):
    help = ("Create or update the periodic tasks of ops/periodic.py (django-celery-beat rows), disable "
            "the retired ones; rows it does not own are left alone. Safe to run any number of times.")

    def handle(self, *args, **options) -> None:
        result = setup_periodic_tasks()
        for name in result.created:
            self.stdout.write(f"created: {name}")
        for name in result.updated:
            self.stdout.write(f"updated: {name}")
        for name in result.disabled:
            self.stdout.write(f"disabled (retired): {name}")
        self.stdout.write(f"Periodic tasks: {result.summary()}")
