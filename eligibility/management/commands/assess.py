"""`manage.py assess PATH.json`: shared/spec/assessment.md, in and out. Writes nothing.

Category lists come from the categories loaded in the database (draws.Category).
"""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.utils import timezone

from clients.models import Noc
from eligibility import rules
from eligibility.management.commands._spec_io import read_document, run
from eligibility.services import category_rules


class Command(BaseCommand):
    help = "Assess a candidate from recorded facts (JSON, see shared/spec/assessment.md)."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--many", action="store_true", help="a JSON array of documents in, an array out")

    def handle(self, *args, path: str, many: bool, **options):
        today = timezone.localdate()
        known_nocs = frozenset(Noc.objects.values_list("code", flat=True))
        all_categories = category_rules()

        def one(data) -> dict:
            as_of = rules.as_of_from_json(data, default=today) if isinstance(data, dict) else today
            in_force = rules.categories_in_force(all_categories, as_of)
            return rules.assess_json(data, today=today, categories=in_force, known_nocs=known_nocs)

        self.stdout.write(run(read_document(path), many=many, one=one))
