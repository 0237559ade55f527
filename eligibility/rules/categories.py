"""Category-based selection (MI on category-based selection; express-entry.md section 6).

A category applies on as_of when effective_from <= as_of <= effective_to (or open-ended). Every
category also requires eligibility for FSW, CEC or FSTP.

Occupation categories (experience rule by as_of, whatever id the category carries):
* before 2026-02-18 ("occupation_2023_2025"): 6 months (780 h) of continuous full-time work, or
  an equal amount of part-time, in one listed occupation within the past 3 years;
* from 2026-02-18 ("occupation_2026"): 12 months (1,560 h) in one listed occupation within the
  past 3 years, not necessarily continuous.
Work must be paid; in Canada or abroad.
"canadian_experience_2026" (physicians / senior managers / researchers): 12 months (1,560 h) in
one listed occupation in Canada (paid, not self-employed, not as a full-time student) within
3 years, treated as not necessarily continuous (UNCONFIRMED whether "continuous" still applies).
"skilled_military_2026": needs a Canadian Armed Forces job offer, which is not recorded: never
eligible. "language" (French): NCLC 7+ in all four abilities on a valid TEF/TCF Canada result.
An empty NOC list (UNCONFIRMED list) cannot be judged: not eligible, and the reason says so.

months = FTE months (130 h each, one decimal, at most 36) counted for the best listed occupation:
the longest continuous span under the 2023-2025 rule, all work in the window otherwise.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from .derive import Derived, derive
from .facts import ABILITIES, CategoryRule, Facts, Job
from .programs import ProgramResults, program_results
from .work import (
    HOURS_PER_MONTH,
    HOURS_PER_YEAR,
    best_continuous_hours,
    fmt_months,
    fte_hours,
    months,
    window,
)

OCCUPATION_2026_FROM = date(2026, 2, 18)
CATEGORY_WINDOW_YEARS = 3
OCCUPATION_RULES = ("occupation_2023_2025", "occupation_2026")


@dataclass(frozen=True)
class CategoryResult:
    """One category in force on as_of.

    rule: the experience rule actually applied ("occupation_2023_2025", "occupation_2026",
    "canadian_experience_2026", "skilled_military_2026", "language" or the unknown id given).
    occupation/months: best listed occupation and its qualifying FTE months (None for "language").
    """

    slug: str
    eligible: bool
    occupation: str | None
    months: float | None
    reasons: tuple[str, ...]
    rule: str
    name: str = ""

    def to_dict(self) -> dict[str, Any]:
        """A categories[] entry of shared/spec/assessment.md (no occupation/months for French)."""
        if self.rule == "language":
            return {"slug": self.slug, "eligible": self.eligible, "reasons": list(self.reasons)}
        return {
            "slug": self.slug,
            "eligible": self.eligible,
            "occupation": self.occupation,
            "months": self.months,
            "reasons": list(self.reasons),
        }


def in_force(rule: CategoryRule, as_of: date) -> bool:
    return rule.effective_from <= as_of and (
        rule.effective_to is None or as_of <= rule.effective_to
    )


def _canadian(job: Job) -> bool:
    return job.country == "CA" and job.paid and not job.self_employed and not job.full_time_student


def _occupation(rule: CategoryRule, facts: Facts, as_of: date, applied: str):
    """(qualifies, best noc, months, reasons) for an occupation rule."""
    start, end = window(as_of, CATEGORY_WINDOW_YEARS)
    if applied == "canadian_experience_2026":
        keep, where = _canadian, " in Canada"
    else:
        keep, where = (lambda j: j.paid), ""
    by: dict[str, list[Job]] = {}
    for j in facts.work_history:
        if j.noc in rule.nocs and keep(j):
            by.setdefault(j.noc, []).append(j)
    continuous = applied == "occupation_2023_2025"
    needed = 6 * HOURS_PER_MONTH if continuous else HOURS_PER_YEAR
    best_noc, best = None, 0.0
    for noc in sorted(by):
        jobs = by[noc]
        h = best_continuous_hours(jobs, start, end) if continuous else fte_hours(jobs, start, end)
        if h > best + 1e-9:
            best_noc, best = noc, h
    m = months(best, CATEGORY_WINDOW_YEARS)
    if best_noc is None:
        return False, None, 0.0, [f"no paid work{where} in a listed occupation in the last 3 years"]
    if continuous:
        text = (
            f"{fmt_months(m)} months of continuous work in listed occupation NOC {best_noc} "
            "in the last 3 years (6 needed)"
        )
    else:
        text = (
            f"{fmt_months(m)} months of work{where} in listed occupation NOC {best_noc} "
            "in the last 3 years (12 needed)"
        )
    return best + 1e-6 >= needed, best_noc, m, [text]


def category_result(
    rule: CategoryRule, facts: Facts, *, as_of: date, programs: ProgramResults, derived: Derived
) -> CategoryResult:
    """One category's result (see module doc)."""
    applied = rule.experience_rule
    if applied in OCCUPATION_RULES:
        applied = "occupation_2026" if as_of >= OCCUPATION_2026_FROM else "occupation_2023_2025"
    occupation: str | None = None
    m: float | None = None
    notes: list[str] = []
    if applied == "language":
        french = [t for t in derived.valid_tests if t.language == "fr"]
        if any(all(getattr(t.levels, a) >= 7 for a in ABILITIES) for t in french):
            met, reasons = True, ["NCLC 7 or higher in all four abilities"]
        elif not french:
            met, reasons = (
                False,
                ["no valid TEF Canada or TCF Canada result (NCLC 7 needed in all four abilities)"],
            )
        else:
            t = derived.french or max(french, key=lambda x: min(x.clb().values()))
            shown = "/".join(str(v) for v in t.clb().values())
            met, reasons = (
                False,
                [f"NCLC 7 needed in all four abilities (best valid result NCLC {shown})"],
            )
    elif applied == "skilled_military_2026":
        met, reasons, m = False, ["requires a Canadian Armed Forces job offer (not recorded)"], 0.0
    elif applied in ("occupation_2023_2025", "occupation_2026", "canadian_experience_2026"):
        if not rule.nocs:
            met, m = False, 0.0
            reasons = [
                "the occupation list for this category is unconfirmed, so eligibility "
                "cannot be judged"
            ]
        else:
            met, occupation, m, reasons = _occupation(rule, facts, as_of, applied)
            if rule.list_unconfirmed:
                notes.append("the occupation list used is unconfirmed; check it on canada.ca")
    else:
        met, reasons = False, [f"unknown experience rule {rule.experience_rule!r}"]
    if not programs.any_eligible:
        met = False
        reasons.append("not eligible for FSW, CEC or FSTP (category draws also require a program)")
    return CategoryResult(rule.slug, met, occupation, m, tuple(reasons + notes), applied, rule.name)


def category_results(
    facts: Facts,
    *,
    as_of: date,
    categories: Sequence[CategoryRule],
    programs: ProgramResults | None = None,
    derived: Derived | None = None,
) -> list[CategoryResult]:
    """Results for every category in force on as_of, in the order given."""
    d = derived or derive(facts, as_of=as_of)
    p = programs or program_results(facts, as_of=as_of, derived=d)
    return [
        category_result(r, facts, as_of=as_of, programs=p, derived=d)
        for r in categories
        if in_force(r, as_of)
    ]
