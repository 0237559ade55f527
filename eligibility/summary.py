"""The eligibility summary of the client page: the engine's assessment, arranged for reading.

No rule is decided here: the numbers and reasons are the engine's (eligibility.services.
assess_client), the maxima and the FSW pass mark too (eligibility.rules), the names are
eligibility.labels'. This module pairs each CRS factor with its maximum so the page can
highlight factors at the maximum, and names the programs, categories and occupations.
The client page shows it as a panel (registered in EligibilityConfig.ready, clients/panels.py).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clients.formatting import level_scale
from clients.models import Client
from eligibility import labels, rules
from eligibility.rules import verdict


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
    """What the client page shows of an assessment (eligibility/_score_card.html, _programs, _categories)."""

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
    maxima = rules.crs_maxima(crs["rules"], with_spouse=with_spouse)
    sections = []
    for key, factors in rules.CRS_SECTIONS:
        if key == "spouse_factors" and not with_spouse:
            continue
        section = SectionRow(key=key, label=labels.CRS_SECTION_NAMES[key], points=crs.get(key, 0),
                             maximum=maxima.sections[key])
        for fkey in factors:
            section.factors.append(FactorRow(key=fkey, label=labels.CRS_FACTOR_NAMES[fkey],
                                             points=details.get(fkey, 0), maximum=maxima.factors[fkey]))
        sections.append(section)
    programs = []
    for key, name in labels.PROGRAM_NAMES.items():
        program = result["programs"].get(key, {})
        programs.append({
            "key": key, "name": name, "short": labels.PROGRAM_SHORT_NAMES[key],
            "eligible": program.get("eligible", False), "status": verdict.of(program),
            "points": program.get("points"), "reasons": program.get("reasons", []),
            "pass_mark": rules.FSW_PASS_MARK if key == "fsw" else None,
            "grid_max": rules.FSW_GRID_MAX if key == "fsw" else None,
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
            "test": labels.language_test_name(scored["test"]) if scored else "",
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


def client_summary_panel(request: HttpRequest, client: Client) -> dict[str, Any]:
    """The client page's eligibility panel: a live summary computed as of today, and the stored
    assessment it is compared with. `client` comes with its facts (clients.selectors.client_profiles_for)."""
    from eligibility.services import (  # noqa: PLC0415 - apps.ready imports this module
        assess_client,
        category_rules_and_names,
        facts_for,
    )

    today = timezone.localdate()
    categories, names = category_rules_and_names(as_of=today)
    result = assess_client(client, as_of=today, categories=categories).to_dict()
    summary = build_summary(
        result, as_of=today, with_spouse=rules.spouse_is_scored(facts_for(client)),
        category_names=names,
        noc_titles={job.noc_id: job.noc.local_title for job in client.jobs.all()},
    )
    return {"summary": summary, "stored": getattr(client, "assessment", None)}
