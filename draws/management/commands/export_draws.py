"""`manage.py export_draws --format csv|json`: the whole round history on stdout."""

from __future__ import annotations

import csv
import json

from django.core.management.base import BaseCommand

from draws import selectors


class Command(BaseCommand):
    help = "Write every recorded round (oldest first) to stdout as CSV or JSON."

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=["csv", "json"], default="csv")

    def handle(self, *args, format: str, **options):  # noqa: A002 - the option's name
        rows = selectors.export_rows(selectors.draws_oldest_first())
        if format == "json":
            self.stdout.write(json.dumps(rows, indent=1))
            return
        writer = csv.DictWriter(self.stdout, fieldnames=selectors.EXPORT_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
