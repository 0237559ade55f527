"""One serial reminder scan (the per-invitation path of the Celery delivery tasks), for cron installations."""

from __future__ import annotations

import socket

from django.core.management.base import BaseCommand, CommandError

from invitations import clock, delivery


class Command(BaseCommand):
    help = "Send the ITA deadline reminders that are due now (one scan), and expire lapsed invitations."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--now", help="Scan as of this ISO 8601 date-time (default: the current time).")

    def handle(self, *args, **options) -> str:
        try:
            now = clock.parse_now(options["now"])
        except ValueError as exc:
            raise CommandError(f"--now: {exc}", returncode=2) from exc
        result = delivery.send_due_reminders(now=now, worker=f"manage.py@{socket.gethostname()}")
        failures = "; ".join(result.failures)
        failed = f" ({failures}; the reason is in each reminder's note)" if failures else ""
        return (f"Sent {result.sent} reminder(s); skipped {result.skipped}, retrying {result.retrying}, "
                f"failed {result.failed}{failed}; expired {result.expired} invitation(s).")
