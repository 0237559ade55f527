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
3 years, not necessarily continuous from 2026-02-18 (IRCC's 2026 category page); before that
date (physicians, from 2025-12-08) 12 continuous months, as announced and as round #397 said.
"skilled_military_2026": needs a Canadian Armed Forces job offer and years of service, which no
recorded fact covers: cannot be judged. "language" (French): NCLC 7+ in all four abilities on a
valid TEF/TCF Canada result.

Three-way status (status.py): an occupation list that is not known (occupation_list_known(): an
empty list, whatever the UNCONFIRMED flag) cannot be judged, nor can an unknown experience rule;
a listed-occupation requirement not met while a paid job has no NOC code cannot be judged; a
category met while no program is met but one cannot be judged (programs.py) cannot be judged.
No program met or judgeable is "not eligible", whatever the category. Once a list is loaded, the
occupations are judged against it.

months = FTE months (130 h each, one decimal, at most 36) counted for the best listed occupation:
the longest continuous span under the 2023-2025 rule, all work in the window otherwise.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol, TypeVar

from .derive import Derived, derive
from .facts import ABILITIES, CategoryRule, Facts, Job
from .programs import ProgramResults, program_results
from .reasons import Reason
from .status import CANNOT_JUDGE, ELIGIBLE, NOT_ELIGIBLE
from .unchecked import unchecked
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
    status: str = ""  # status.ELIGIBLE / NOT_ELIGIBLE / CANNOT_JUDGE ("" reads from eligible)

    @property
    def verdict(self) -> str:
        """The three-way status (status.py); eligible is exactly verdict == ELIGIBLE."""
        return self.status or (ELIGIBLE if self.eligible else NOT_ELIGIBLE)

    def to_dict(self) -> dict[str, Any]:
        """A categories[] entry of shared/spec/assessment.md (no occupation/months for French)."""
        if self.rule == "language":
            return {"slug": self.slug, "status": self.verdict, "eligible": self.eligible,
                    "reasons": list(self.reasons)}
        return {
            "slug": self.slug,
            "status": self.verdict,
            "eligible": self.eligible,
            "occupation": self.occupation,
            "months": self.months,
            "reasons": list(self.reasons),
        }


def occupation_list_known(rule: CategoryRule) -> bool:
    """Whether the category's occupation list is known: an empty list (not loaded yet, e.g. a
    year whose list IRCC has not published) cannot be judged against."""
    return bool(rule.nocs)


class Period(Protocol):
    """Anything in force for a period: a CategoryRule, a draws.Category row."""

    @property
    def effective_from(self) -> date: ...
    @property
    def effective_to(self) -> date | None: ...


def in_force(period: Period, as_of: date) -> bool:
    """Whether a category (period) applies on as_of: effective_from <= as_of <= effective_to,
    or open-ended."""
    return period.effective_from <= as_of and (
        period.effective_to is None or as_of <= period.effective_to
    )


P = TypeVar("P", bound=Period)


def categories_in_force(periods: Iterable[P], as_of: date) -> list[P]:
    """The category periods that apply on as_of, in their order."""
    return [p for p in periods if in_force(p, as_of)]


# CategoryResult is built without its frozen __init__ in the hot path (unchecked.py).
_category = unchecked(CategoryResult)


def _canadian(job: Job) -> bool:
    return job.country == "CA" and job.paid and not job.self_employed and not job.full_time_student


class _Work:
    """What every category of one facts/date reads, computed once: the jobs grouped by NOC,
    their hours in the 3-year window (remembered per NOC and kind), the occupation rule in
    force, whether any program is met and the French-language result.

    paid: paid jobs by NOC; canadian: paid jobs in Canada, not self-employed, not as a full-time
    student (canadian_experience_2026); both in the facts' order.
    """

    __slots__ = ("paid", "canadian", "start", "end", "occupation_rule", "any_program", "derived",
                 "unnamed", "_hours", "_french")  # fmt: skip

    def __init__(self, facts: Facts, as_of: date, programs: ProgramResults, derived: Derived):
        paid: dict[str, list[Job]] = {}
        canadian: dict[str, list[Job]] = {}
        for j in facts.work_history:
            if j.paid:
                paid.setdefault(j.noc, []).append(j)
                if _canadian(j):
                    canadian.setdefault(j.noc, []).append(j)
        self.paid = paid
        self.canadian = canadian
        self.start, self.end = window(as_of, CATEGORY_WINDOW_YEARS)
        self.occupation_rule = (
            "occupation_2026" if as_of >= OCCUPATION_2026_FROM else "occupation_2023_2025"
        )
        # The program condition's verdict (ELIGIBLE / NOT_ELIGIBLE / CANNOT_JUDGE): part of
        # every remembered result's key.
        self.any_program = programs.verdict
        # Paid work without a NOC code: it may be in a listed occupation (cache-key part too).
        self.unnamed = "" in paid
        self.derived = derived
        self._hours: dict[tuple[str, str], float] = {}
        self._french: tuple[bool, str] | None = None

    def hours(self, kind: str, noc: str) -> float:
        """kind "continuous" (longest continuous span of paid work), "canadian_continuous" (of
        Canadian work), "paid" or "canadian"."""
        key = (kind, noc)
        h = self._hours.get(key)
        if h is None:
            if kind == "continuous":
                h = best_continuous_hours(self.paid[noc], self.start, self.end)
            elif kind == "canadian_continuous":
                h = best_continuous_hours(self.canadian[noc], self.start, self.end)
            else:
                jobs = self.paid[noc] if kind == "paid" else self.canadian[noc]
                h = fte_hours(jobs, self.start, self.end)
            self._hours[key] = h
        return h

    def french(self) -> tuple[bool, str]:
        """(met, reason) of the French-language category."""
        if self._french is None:
            derived = self.derived
            french = [t for t in derived.valid_tests if t.language == "fr"]
            if any(all(getattr(t.levels, a) >= 7 for a in ABILITIES) for t in french):
                self._french = True, Reason("french.met", level="7")
            elif not french:
                self._french = False, Reason("french.no_result", level="7")
            else:
                t = derived.french or max(french, key=lambda x: min(x.clb().values()))
                shown = "/".join(str(v) for v in t.clb().values())
                self._french = False, Reason("french.not_met", level="7", scores=shown)
        return self._french


def _occupation(rule: CategoryRule, work: _Work, applied: str):
    """(qualifies, best noc, months, reasons) for an occupation rule."""
    if applied == "canadian_experience_2026":
        groups, kind, in_canada = work.canadian, "canadian", True
    else:
        groups, kind, in_canada = work.paid, "paid", False
    years = str(CATEGORY_WINDOW_YEARS)
    no_work = Reason("category.no_work_in_canada" if in_canada else "category.no_work", years=years)
    listed = rule.nocs
    nocs = [n for n in groups if n in listed]
    if not nocs:  # months(0.0) is 0.0
        return False, None, 0.0, [no_work]
    continuous = applied == "occupation_2023_2025"
    if continuous:
        kind = "continuous"
    # Physicians before 2026-02-18: 12 continuous months in Canada (express-entry.md section 6).
    canadian_continuous = applied == "canadian_experience_2026" and work.occupation_rule != "occupation_2026"
    if canadian_continuous:
        kind = "canadian_continuous"
    needed = 6 * HOURS_PER_MONTH if continuous else HOURS_PER_YEAR
    best_noc, best = None, 0.0
    if len(nocs) > 1:
        nocs.sort()
    for noc in nocs:
        h = work.hours(kind, noc)
        if h > best + 1e-9:
            best_noc, best = noc, h
    m = months(best, CATEGORY_WINDOW_YEARS)
    if best_noc is None:
        return False, None, 0.0, [no_work]
    if continuous:
        code, months_needed = "category.continuous", "6"
    elif canadian_continuous:
        code, months_needed = "category.continuous_in_canada", "12"
    else:
        code, months_needed = ("category.in_canada" if in_canada else "category.work"), "12"
    text = Reason(code, months=fmt_months(m), noc=best_noc, years=years, needed=months_needed)
    return best + 1e-6 >= needed, best_noc, m, [text]


_EXPERIENCE_RULES = frozenset({"occupation_2023_2025", "occupation_2026", "canadian_experience_2026"})
_NO_PROGRAM = Reason("category.no_program")
_UNCONFIRMED_NOTE = Reason("category.list_unconfirmed")
_UNNAMED = Reason("category.job_without_noc")
_MILITARY = Reason("category.military_service")
_PROGRAM_UNKNOWN = Reason("category.program_unknown")


# Results that depend on nothing but the rule, the experience rule applied, whether a program
# is met and the French-language reason (no listed occupation worked, unconfirmed list, military,
# unknown rule, the French category) are immutable and the same for many clients: they are
# remembered per rule object (held, so its id cannot be reused while remembered).
_SHARED: dict[tuple[int, str, str, str], tuple[CategoryRule, CategoryResult]] = {}
_SHARED_MAX = 10_000


def _category_result(rule: CategoryRule, work: _Work) -> CategoryResult:
    applied = rule.experience_rule
    if applied in OCCUPATION_RULES:
        applied = work.occupation_rule
    variant = ""
    if applied in _EXPERIENCE_RULES:
        if rule.nocs:
            groups = work.canadian if applied == "canadian_experience_2026" else work.paid
            listed = rule.nocs
            for noc in groups:
                if noc in listed:  # worked in a listed occupation: hours decide
                    return _build(rule, work, applied)
        if work.unnamed and "" in (work.canadian if applied == "canadian_experience_2026" else work.paid):
            variant = "unnamed"
    elif applied == "language":
        variant = work.french()[1]
    key = (id(rule), applied, work.any_program, variant)
    hit = _SHARED.get(key)
    if hit is not None and hit[0] is rule:
        return hit[1]
    result = _build(rule, work, applied)
    if len(_SHARED) >= _SHARED_MAX:
        _SHARED.clear()
    _SHARED[key] = (rule, result)
    return result


def _build(rule: CategoryRule, work: _Work, applied: str) -> CategoryResult:
    occupation: str | None = None
    m: float | None = None
    note = None
    unknown = False  # the category's own condition cannot be judged
    if applied in _EXPERIENCE_RULES:
        if not occupation_list_known(rule):
            met, m, unknown = False, 0.0, True
            reasons = [Reason("category.list_unknown")]
        else:
            met, occupation, m, reasons = _occupation(rule, work, applied)
            groups = work.canadian if applied == "canadian_experience_2026" else work.paid
            if not met and "" in groups:
                unknown = True
                reasons.append(_UNNAMED)
            if rule.list_unconfirmed:
                note = _UNCONFIRMED_NOTE
    elif applied == "language":
        met, reason = work.french()
        reasons = [reason]
    elif applied == "skilled_military_2026":
        met, m, unknown = False, 0.0, True
        reasons = [Reason("category.military_offer"), _MILITARY]
    else:
        met, unknown = False, True
        reasons = [Reason("category.unknown_rule", rule=repr(rule.experience_rule))]
    program = work.any_program
    if program == NOT_ELIGIBLE:
        met, status = False, NOT_ELIGIBLE
        reasons.append(_NO_PROGRAM)
    elif unknown:
        status = CANNOT_JUDGE
    elif not met:
        status = NOT_ELIGIBLE
    elif program == CANNOT_JUDGE:
        met, status = False, CANNOT_JUDGE
        reasons.append(_PROGRAM_UNKNOWN)
    else:
        status = ELIGIBLE
    if note is not None:
        reasons.append(note)
    return _category(rule.slug, met, occupation, m, tuple(reasons), applied, rule.name, status)


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
    work = _Work(facts, as_of, p, d)
    rules, listed, has_language = _plan(categories)
    for noc in work.paid:
        if noc in listed:  # worked in a listed occupation of some category: compute them all
            return _results(rules, work, as_of)
    # Otherwise every result depends only on the date, whether a program is met and the French
    # reason: the whole list is remembered for that combination.
    variant = work.french()[1] if has_language else ""
    key = (id(categories), as_of, work.any_program, variant, work.unnamed)
    hit = _LISTS.get(key)
    if hit is not None and hit[0] is rules:
        return list(hit[1])
    out = _results(rules, work, as_of)
    if len(_LISTS) >= _SHARED_MAX:
        _LISTS.clear()
    _LISTS[key] = (rules, tuple(out))
    return out


# category_results() remembers, per categories sequence (by id, checked against a copy of its
# items), the NOCs listed by any occupation category and whether a language category is there,
# and, per (sequence, date, program met, French reason), the results of clients who worked in
# none of those NOCs. A changed sequence gets a new plan, so stale results are never returned.
_PLANS: dict[int, tuple[tuple[CategoryRule, ...], frozenset[str], bool]] = {}
_ListKey = tuple[int, date, str, str, bool]
_LISTS: dict[_ListKey, tuple[tuple[CategoryRule, ...], tuple[CategoryResult, ...]]] = {}


def _plan(categories: Sequence[CategoryRule]) -> tuple[tuple[CategoryRule, ...], frozenset[str], bool]:
    rules = tuple(categories)
    plan = _PLANS.get(id(categories))
    if plan is not None and plan[0] == rules:
        return plan
    listed = frozenset(
        noc
        for r in rules
        if r.experience_rule in _EXPERIENCE_RULES  # (OCCUPATION_RULES are among them)
        for noc in r.nocs
    )
    plan = (rules, listed, any(r.experience_rule == "language" for r in rules))
    if len(_PLANS) >= 64:
        _PLANS.clear()
    _PLANS[id(categories)] = plan
    return plan


def _results(rules: tuple[CategoryRule, ...], work: _Work, as_of: date) -> list[CategoryResult]:
    """Every category in force on as_of, in order (_category_result(), inlined)."""
    occupation_rule, any_program = work.occupation_rule, work.any_program
    paid, canadian = work.paid, work.canadian
    shared = _SHARED
    out = []
    for r in rules:
        if not in_force(r, as_of):
            continue
        applied = r.experience_rule
        if applied in OCCUPATION_RULES:
            applied = occupation_rule
        variant = ""
        if applied in _EXPERIENCE_RULES:
            listed = r.nocs
            if listed:
                worked = False
                for noc in canadian if applied == "canadian_experience_2026" else paid:
                    if noc in listed:
                        worked = True
                        break
                if worked:
                    out.append(_build(r, work, applied))
                    continue
            if work.unnamed and "" in (canadian if applied == "canadian_experience_2026" else paid):
                variant = "unnamed"
        elif applied == "language":
            variant = work.french()[1]
        hit = shared.get((id(r), applied, any_program, variant))
        out.append(hit[1] if hit is not None and hit[0] is r else _category_result(r, work))
    return out
