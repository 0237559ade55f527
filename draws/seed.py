"""Seed draw categories from draws/data/categories.json (every year, 2023 to 2026).

Used by the data migration and by `manage.py load_categories`; idempotent
(upsert by slug and period start).
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data" / "categories.json"

# The period each year's lists applied (express-entry.md §1 and §6).
PERIODS = {
    "2023": (date(2023, 5, 31), date(2023, 12, 31)),
    "2024": (date(2024, 1, 1), date(2025, 2, 26)),
    "2025": (date(2025, 2, 27), date(2026, 2, 17)),
    "2026": (date(2026, 2, 18), None),
}
# Physicians with Canadian work experience was created on 2025-12-08 (first round 2026-02-19).
STARTS = {("2026", "physicians_cdn"): date(2025, 12, 8)}

NAMES_FR = {
    "french": "Compétence linguistique en français",
    "healthcare": "Professions de la santé",
    "healthcare_social": "Professions des soins de santé et des services sociaux",
    "stem": "Professions en sciences, technologies, génie et mathématiques (STIM)",
    "trades": "Métiers",
    "transport": "Professions du transport",
    "agriculture": "Professions de l'agriculture et de l'agroalimentaire",
    "education": "Professions de l'éducation",
    "physicians_cdn": "Médecins ayant une expérience de travail au Canada",
    "senior_managers_cdn": "Cadres supérieurs ayant une expérience de travail au Canada",
    "researchers_cdn": "Chercheurs ayant une expérience de travail au Canada",
    "skilled_military": "Recrues militaires qualifiées",
}


def category_rows() -> list[dict]:
    """Plain dicts, one per (category, year), ready for the Category model."""
    data = json.loads(DATA.read_text(encoding="utf-8"))
    rows = []
    for year, block in sorted(data["years"].items()):
        start, end = PERIODS[year]
        for c in block["categories"]:
            is_language = c.get("type") == "language"
            occupations = c.get("occupations")
            rows.append(
                {
                    "slug": c["id"],
                    "name_en": c["name"],
                    "name_fr": NAMES_FR.get(c["id"], ""),
                    "effective_from": STARTS.get((year, c["id"]), start),
                    "effective_to": end,
                    "experience_rule": "language" if is_language else c["experience_rule"],
                    "draw_names": c.get("draw_names_in_ircc_data", []),
                    "is_list_unconfirmed": "UNCONFIRMED" in (c.get("list_status") or "")
                    or (not is_language and occupations is None),
                    "note": c.get("note", ""),
                    "nocs": [o["noc"] for o in occupations or []],
                }
            )
    return rows


def seed_categories(Category, Noc) -> int:  # noqa: N803 - model classes (historical in migrations)
    """Create or update every category of categories.json; returns how many rows."""
    known = set(Noc.objects.values_list("code", flat=True))
    rows = category_rows()
    for row in rows:
        nocs = [n for n in row.pop("nocs") if n in known]
        obj, _ = Category.objects.update_or_create(
            slug=row["slug"], effective_from=row["effective_from"], defaults=row
        )
        obj.nocs.set(nocs)
    return len(rows)
