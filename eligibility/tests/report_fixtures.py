"""Builders for the report, nightly and alert tests: known profiles and draw history.

Not a conftest (the engine's tests share this package): import what a test needs.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from clients.models import Client
from clients.tests.factories import (
    ClientFactory,
    EducationFactory,
    JobFactory,
    LanguageTestFactory,
    SpouseFactory,
)
from draws.models import Category, Draw
from draws.seed import category_rows
from eligibility import reports, rules

ROOT = Path(__file__).resolve().parents[2]
SAMPLE_ROUNDS = ROOT / "draws" / "data" / "ircc-rounds-sample.json"
FULL_ROUNDS = ROOT / "draws" / "data" / "ircc-rounds-full.json"
SPEC_AS_OF = dt.date(2026, 11, 24)


class _Apps:
    """The live app registry, in the shape a migration function expects."""

    @staticmethod
    def get_model(app_label: str, model: str):
        from django.apps import apps

        return apps.get_model(app_label, model)


def ensure_reference_data() -> None:
    """NOC codes, categories (as the migrations load them) and beat's schedule (ops/periodic.py).

    A transactional test of another module (live server, real worker) without serialized
    rollback flushes every table when it ends, migration data included; reload what is gone.
    """
    import importlib

    from django_celery_beat.models import PeriodicTask

    from clients.models import Noc
    from draws.seed import seed_categories

    if not Noc.objects.exists():
        importlib.import_module("clients.migrations.0002_load_noc").load(_Apps(), None)
    if not Category.objects.exists():
        seed_categories(Category, Noc)
    if not PeriodicTask.objects.filter(task="eligibility.tasks.nightly_refresh").exists():
        from ops.periodic import setup_periodic_tasks

        setup_periodic_tasks()


def all_category_rules() -> list[rules.CategoryRule]:
    """Every category period as engine input, straight from the seed data (no database)."""
    return [
        rules.CategoryRule(slug=r["slug"], name=r["name_en"], effective_from=r["effective_from"],
                       effective_to=r["effective_to"], experience_rule=r["experience_rule"],
                       nocs=frozenset(r["nocs"]), list_unconfirmed=r["is_list_unconfirmed"])
        for r in category_rows()
    ]


SPEC_EXAMPLE = {
    "date_of_birth": "1995-04-02",
    "marital_status": "married",
    "spouse": {
        "accompanying": True, "canadian_citizen_or_pr": False,
        "education": [{"level": "bachelors", "canadian": False}],
        "language_tests": [{"test": "celpip_general", "date": "2026-01-10",
                            "listening": 7, "reading": 7, "writing": 6, "speaking": 7}],
        "work_history": [],
    },
    "education": [
        {"level": "bachelors", "canadian": False, "completed": "2017-06-30"},
        {"level": "two_year", "canadian": True, "completed": "2023-04-30"},
    ],
    "language_tests": [
        {"test": "ielts_general", "date": "2026-03-05",
         "listening": 8.5, "reading": 7.5, "writing": 7.0, "speaking": 7.5},
        {"test": "tef_canada", "date": "2026-05-20",
         "listening": 470, "reading": 440, "writing": 430, "speaking": 460},
    ],
    "work_history": [
        {"noc": "31301", "country": "CA", "start": "2023-06-01", "end": None,
         "hours_per_week": 37.5, "paid": True, "self_employed": False, "full_time_student": False},
        {"noc": "31301", "country": "PH", "start": "2017-01-15", "end": "2021-04-30",
         "hours_per_week": 40, "paid": True, "self_employed": False, "full_time_student": False},
    ],
    "certificate_of_qualification": None,
    "provincial_nomination": False,
    "job_offer": None,
    "sibling_in_canada": False,
    "family_size": 2,
    "settlement_funds_cad": 21000,
}


def spec_example_facts(**changes) -> rules.Facts:
    """The worked example of shared/spec/assessment.md (582 points on 2026-11-24)."""
    import dataclasses

    facts = rules.facts_from_json(SPEC_EXAMPLE)
    return dataclasses.replace(facts, **changes) if changes else facts


def spec_example_client(**client_kwargs) -> Client:
    """The same example as database rows (client, spouse, credentials, tests, jobs)."""
    client = ClientFactory(first_name=client_kwargs.pop("first_name", "Maria"),
                           last_name=client_kwargs.pop("last_name", "Santos"),
                           date_of_birth=dt.date(1995, 4, 2), marital_status="married",
                           family_size=2, settlement_funds_cad=21000, **client_kwargs)
    SpouseFactory(client=client, first_name="Luis", is_accompanying=True)
    EducationFactory(client=client, of_spouse=True, level="bachelors", completed_on=None, eca_on=None)
    LanguageTestFactory(client=client, of_spouse=True, test="celpip_general", taken_on=dt.date(2026, 1, 10),
                        listening=7, reading=7, writing=6, speaking=7)
    EducationFactory(client=client, level="bachelors", completed_on=dt.date(2017, 6, 30), eca_on=None)
    EducationFactory(client=client, level="two_year", is_canadian=True, completed_on=dt.date(2023, 4, 30),
                     eca_on=None)
    LanguageTestFactory(client=client, test="ielts_general", taken_on=dt.date(2026, 3, 5),
                        listening=8.5, reading=7.5, writing=7.0, speaking=7.5)
    LanguageTestFactory(client=client, test="tef_canada", taken_on=dt.date(2026, 5, 20),
                        listening=470, reading=440, writing=430, speaking=460)
    JobFactory(client=client, noc_id="31301", country="CA", start_on=dt.date(2023, 6, 1), end_on=None,
               hours_per_week=37.5)
    JobFactory(client=client, noc_id="31301", country="PH", start_on=dt.date(2017, 1, 15),
               end_on=dt.date(2021, 4, 30), hours_per_week=40)
    return client


# ---------------------------------------------------------------------------- rounds

_TYPES = (
    ("canadian experience", "cec"), ("provincial nominee", "pnp"), ("federal skilled trades", "fstp"),
    ("federal skilled worker", "fsw"), ("no program specified", "general"), ("general", "general"),
)
_CATEGORIES = (
    ("french", "french"), ("healthcare", "healthcare_social"), ("stem", "stem"), ("trade", "trades"),
    ("transport", "transport"), ("agricult", "agriculture"), ("education", "education"),
    ("physician", "physicians_cdn"), ("senior manager", "senior_managers_cdn"),
    ("research", "researchers_cdn"), ("military", "skilled_military"),
)


def _number(value) -> int:
    return int(str(value).replace(",", "") or 0)


def kind_and_slug(name: str, day: dt.date) -> tuple[str, str | None]:
    """Round type and category slug of an IRCC round name (categories as named on that date)."""
    lowered = name.lower()
    for needle, code in _TYPES:
        if needle in lowered:
            return code, None
    for needle, slug in _CATEGORIES:
        if needle in lowered:
            if slug == "healthcare_social" and day < dt.date(2025, 2, 27):
                slug = "healthcare"
            return "category", slug
    return "other", None


def _distribution(raw: dict) -> dict[str, int] | None:
    distribution = {f"dd{i}": _number(raw.get(f"dd{i}", "0")) for i in range(1, 19)}
    return distribution if distribution["dd18"] > 0 else None


def record_from_ircc(raw: dict) -> reports.DrawRecord:
    """A round of IRCC's JSON feed as the report reads it (no database)."""
    day = dt.date.fromisoformat(raw["drawDate"])
    kind, slug = kind_and_slug(raw["drawName"], day)
    distribution = _distribution(raw)
    return reports.DrawRecord(
        round_number=raw["drawNumber"], drawn_on=day, type=kind, category_slug=slug, name=raw["drawName"],
        invitations_issued=_number(raw["drawSize"]), lowest_crs=_number(raw["drawCRS"]),
        distribution_on=_parse_long_date(raw.get("drawDistributionAsOn")) if distribution else None,
        distribution=distribution,
    )


def ircc_rounds(path: Path = SAMPLE_ROUNDS) -> list[dict]:
    raw = json.loads(path.read_text(encoding="utf-8"))
    return raw["rounds"] if isinstance(raw, dict) else raw


def sample_records(path: Path = SAMPLE_ROUNDS) -> list[reports.DrawRecord]:
    return [record_from_ircc(r) for r in ircc_rounds(path)]


def draw_from_ircc(raw: dict) -> Draw:
    """A Draw row (unsaved) from one round of IRCC's JSON feed: a test-side stand-in for the importer."""
    rec = record_from_ircc(raw)
    category = None
    if rec.category_slug:
        category = (Category.objects.filter(slug=rec.category_slug, effective_from__lte=rec.drawn_on)
                    .exclude(effective_to__lt=rec.drawn_on).first())
    kind = "other" if rec.type == "category" and category is None else rec.type
    return Draw(
        round_number=rec.round_number, drawn_on=rec.drawn_on, type=kind, category=category,
        ircc_name=rec.name, invitations_issued=rec.invitations_issued,
        lowest_crs=rec.lowest_crs, distribution_on=rec.distribution_on, distribution=rec.distribution,
        source="import",
    )


def _parse_long_date(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.datetime.strptime(value.replace(",", ""), "%B %d %Y").date()
    except ValueError:
        return None


def load_rounds(path: Path = SAMPLE_ROUNDS) -> list[Draw]:
    """Create Draw rows for every round of an IRCC JSON file (sample by default)."""
    return Draw.objects.bulk_create([draw_from_ircc(r) for r in ircc_rounds(path)])


def make_draw(round_number: str, drawn_on: dt.date, kind: str, lowest_crs: int, size: int = 1000,
              category_slug: str | None = None, **kwargs) -> Draw:
    """One Draw row; category rounds find the category period in force on the date."""
    category = None
    if category_slug:
        category = (Category.objects.filter(slug=category_slug, effective_from__lte=drawn_on)
                    .exclude(effective_to__lt=drawn_on).get())
    return Draw.objects.create(round_number=round_number, drawn_on=drawn_on, type=kind, category=category,
                               lowest_crs=lowest_crs, invitations_issued=size, **kwargs)
