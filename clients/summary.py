"""The eligibility summary of the client page: the engine's assessment, arranged for reading.

No rule is decided here: the numbers and reasons are the engine's
(eligibility.services.assess_client). This module only labels them, pairs each
CRS factor with its maximum so the page can highlight factors at the maximum,
and names the categories and occupations.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils.translation import gettext_lazy as _

from clients.formatting import level_scale
from clients.models import LANGUAGE_TEST_CHOICES
from eligibility.rules import status as verdict

TEST_LABELS = dict(LANGUAGE_TEST_CHOICES)

# (detail key, label, max with an accompanying spouse, max without); CRS rule set 2025-03-25
# (crs-tables.json; express-entry.md section 3). None: no maximum worth highlighting.
CRS_SECTIONS: tuple[tuple[str, Any, int, int, tuple[tuple[str, Any, int | None, int | None], ...]], ...] = (
    ("core_human_capital", _("Core / human capital"), 460, 500, (
        ("age", _("Age"), 100, 110),
        ("education", _("Education"), 140, 150),
        ("first_language", _("First official language"), 128, 136),
        ("second_language", _("Second official language"), 22, 24),
        ("canadian_work", _("Canadian work experience"), 70, 80),
    )),
    ("spouse_factors", _("Spouse or partner"), 40, 0, (
        ("spouse_education", _("Spouse's education"), 10, 0),
        ("spouse_language", _("Spouse's first official language"), 20, 0),
        ("spouse_canadian_work", _("Spouse's Canadian work"), 10, 0),
    )),
    ("skill_transferability", _("Skill transferability"), 100, 100, (
        ("transfer_education", _("Education (with language or Canadian work)"), 50, 50),
        ("transfer_foreign_work", _("Foreign work (with language or Canadian work)"), 50, 50),
        ("transfer_certificate", _("Certificate of qualification"), 50, 50),
    )),
    ("additional", _("Additional points"), 600, 600, (
        ("provincial_nomination", _("Provincial nomination"), 600, 600),
        ("arranged_employment", _("Arranged employment"), None, None),
        ("canadian_education", _("Canadian education"), 30, 30),
        ("french", _("French-language skills"), 50, 50),
        ("sibling", _("Sibling in Canada"), 15, 15),
    )),
)

PROGRAMS = (
    ("fsw", _("Federal Skilled Worker"), _("FSW")),
    ("cec", _("Canadian Experience Class"), _("CEC")),
    ("fstp", _("Federal Skilled Trades"), _("FSTP")),
)
FSW_PASS_MARK = 67


@dataclass
class FactorRow:
    key: str
    label: str
    points: int
    maximum: int | None

    @property
    def at_maximum(self) -> bool:
        return bool(self.maximum) and self.points >= self.maximum


@dataclass
class SectionRow:
    key: str
    label: str
    points: int
    maximum: int
    factors: list[FactorRow] = field(default_factory=list)


@dataclass
class EligibilitySummary:
    """What the client page shows of an assessment (see the templates _score_card, _programs, _categories)."""

    as_of: date
    total: int
    rules: str
    with_spouse: bool
    sections: list[SectionRow]
    derived: Mapping[str, Any]
    programs: list[dict[str, Any]]
    categories: list[dict[str, Any]]
    warnings: Sequence[str]
    languages: list[dict[str, Any]] = field(default_factory=list)

    @property
    def eligible_categories(self) -> list[dict[str, Any]]:
        return [c for c in self.categories if c["eligible"]]

    @property
    def check_categories(self) -> list[dict[str, Any]]:
        """Categories that cannot be judged (shown as "Check", never as not eligible)."""
        return [c for c in self.categories if c["status"] == verdict.CANNOT_JUDGE]

    @property
    def any_program(self) -> bool:
        return any(p["eligible"] for p in self.programs)


def build_summary(
    result: Mapping[str, Any], *, as_of: date, with_spouse: bool,
    category_names: Mapping[str, str], noc_titles: Mapping[str, str],
) -> EligibilitySummary:
    """Arrange an assessment dict (Assessment.to_dict(), spec/assessment.md) for the page."""
    crs = result["crs"]
    details = crs.get("details", {})
    sections = []
    for key, label, max_with, max_without, factors in CRS_SECTIONS:
        if key == "spouse_factors" and not with_spouse:
            continue
        section = SectionRow(key=key, label=label, points=crs.get(key, 0),
                             maximum=max_with if with_spouse else max_without)
        for fkey, flabel, fmax_with, fmax_without in factors:
            section.factors.append(FactorRow(
                key=fkey, label=flabel, points=details.get(fkey, 0),
                maximum=fmax_with if with_spouse else fmax_without,
            ))
        sections.append(section)
    programs = []
    for key, name, short in PROGRAMS:
        program = result["programs"].get(key, {})
        programs.append({
            "key": key, "name": name, "short": short, "eligible": program.get("eligible", False),
            "status": verdict.of(program),
            "points": program.get("points"), "reasons": program.get("reasons", []),
            "pass_mark": FSW_PASS_MARK if key == "fsw" else None,
        })
    categories = []
    for category in result.get("categories", []):
        occupation = category.get("occupation")
        categories.append({
            **category,
            "status": verdict.of(category),
            "name": category_names.get(category["slug"], category["slug"]),
            "occupation_title": noc_titles.get(occupation, "") if occupation else "",
        })
    languages = []
    for key, role in (("first_language", _("First language")), ("second_language", _("Second language"))):
        scored = result.get("derived", {}).get(key)
        languages.append({
            "role": role,
            "test": TEST_LABELS.get(scored["test"], scored["test"]) if scored else "",
            "scale": level_scale(scored["test"]) if scored else "",
            "clb": scored["clb"] if scored else {},
        })
    # Eligible first, then those to check, then the others.
    order = {verdict.ELIGIBLE: 0, verdict.CANNOT_JUDGE: 1, verdict.NOT_ELIGIBLE: 2}
    categories.sort(key=lambda c: (order[c["status"]], str(c["name"])))
    return EligibilitySummary(
        as_of=as_of, total=crs["total"], rules=crs.get("rules", ""), with_spouse=with_spouse,
        sections=sections, derived=result.get("derived", {}), programs=programs,
        categories=categories, warnings=result.get("warnings", []), languages=languages,
    )
