"""`manage.py crs_score PATH.json`: shared/spec/crs-profile.md, in and out. Writes nothing."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.utils import timezone

from eligibility import rules
from eligibility.management.commands._spec_io import read_document, run


class Command(BaseCommand):
    help = "Score a CRS profile (JSON, see shared/spec/crs-profile.md); PATH may be - for stdin."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--many", action="store_true", help="a JSON array of profiles in, an array out")

    def handle(self, *args, path: str, many: bool, **options):
        today = timezone.localdate()
        output = run(
            read_document(path), many=many, one=lambda data: rules.crs_score_json(data, today=today)
        )
        self.stdout.write(output)
