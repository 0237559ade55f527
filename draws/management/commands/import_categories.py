"""`manage.py import_categories PATH`: load a categories.json of the shipped shape (all or nothing)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from draws.seed import CategoryDataError, import_categories


class Command(BaseCommand):
    help = ("Load category lists from a JSON file shaped like draws/data/categories.json: adds new "
            "categories, updates changed ones, prints each; nothing is written if any entry is wrong.")

    def add_arguments(self, parser):
        parser.add_argument("path", help="a categories.json file")

    def handle(self, *args, path: str, **options):
        source = Path(path)
        if not source.is_file():
            raise CommandError(f"{path}: no such file", returncode=2)
        try:
            report = import_categories(source.read_bytes())
        except CategoryDataError as exc:
            raise CommandError(f"{path}: nothing imported. {exc}", returncode=2) from exc
        for line in report.lines():
            self.stdout.write(line)
