"""The report: the assessment, the CRS breakdown against each maximum, when unmet programs and
categories would be met, the backtest, the pool position, the what-if, document expiries and
warnings (see the package docstring)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date, timedelta
from typing import Any

from eligibility import rules
from eligibility.rules import verdict

from .backtest import DrawRecord, backtest_rounds
from .pool import pool_position
from .snapshot import DatedAssessor, iso
from .whatif import changes_ahead, what_if_ranked

REPORT_VERSION = 1
EXPIRY_ALERT_DAYS = 30


def build_report(facts: rules.Facts, *, as_of: date, categories: Sequence[rules.CategoryRule],
                 draws: Sequence[DrawRecord], horizon_days: int = 365,
                 occupation_titles: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Everything a report shows, as JSON-ready plain data (see the module docstring).

    categories: every category period known (not only those in force), so past rounds
    and future dates are judged with the lists in force then.
    draws: the rounds to compare against (at least the last twelve months and the latest
    round with a distribution); any order.
    occupation_titles: NOC code -> title, to name the qualifying occupation of a category.
    """
    assess = DatedAssessor(facts, categories)
    assessment = assess(as_of)
    data = assessment.to_dict()
    now_in_force = rules.categories_in_force(categories, as_of)
    names = {c.slug: c.name for c in categories}
    draws = sorted(draws, key=lambda d: (d.drawn_on, d.round_number))
    horizon = as_of + timedelta(days=horizon_days)

    backtest = backtest_rounds(assess, data, as_of=as_of, draws=draws, names=names)
    report = {
        "version": REPORT_VERSION,
        "as_of": as_of.isoformat(),
        "rules": data["crs"]["rules"],
        "assessment": data,
        "breakdown": crs_breakdown(data, with_spouse=rules.spouse_is_scored(facts)),
        "programs": _programs(assessment, data),
        "categories": _categories(assess, assessment, as_of=as_of, horizon=horizon,
                                  periods=now_in_force, names=names, titles=occupation_titles or {}),
        "backtest": backtest,
        "pool": pool_position(data["crs"]["total"], draws=draws, as_of=as_of,
                              eligible_types=backtest["eligible_types"], names=names),
        "what_if": what_if_ranked(facts, as_of=as_of, categories=now_in_force,
                                  total=data["crs"]["total"]),
        "changes_ahead": changes_ahead(facts, as_of=as_of, categories=now_in_force,
                                       horizon_days=horizon_days),
        "documents": document_expiries(facts, as_of=as_of),
        "warnings": [],
    }
    report["warnings"] = warnings(facts, data, report["documents"], as_of=as_of)
    return report


def crs_breakdown(data: Mapping[str, Any], *, with_spouse: bool) -> list[dict[str, Any]]:
    """The CRS parts and factors with their maximum under the score's rule set and whether each
    is at it (room = max - points)."""
    crs = data["crs"]
    details = crs["details"]
    maxima = rules.crs_maxima(crs["rules"], with_spouse=with_spouse)
    sections = []
    for section, factors in rules.CRS_SECTIONS:
        if section == "spouse_factors" and not with_spouse:
            continue
        rows = []
        for factor in factors:
            points = details.get(factor, 0)
            maximum = maxima.factors[factor]
            if maximum == 0 and points == 0:
                continue
            maximum = max(maximum, points)
            rows.append({"factor": factor, "points": points, "max": maximum,
                         "at_max": points >= maximum, "room": maximum - points})
        section_max = maxima.sections[section]
        sections.append({"section": section, "points": crs[section], "max": section_max,
                         "at_max": crs[section] >= section_max, "factors": rows})
    return sections


def _first_met(assess: DatedAssessor, test: Callable[[Any], bool], *, after: date,
               until: date) -> date | None:
    """The first day in (after, until] on which test(assessment) holds: weekly scan, then day by day."""
    previous = after
    day = after
    while day < until:
        day = min(day + timedelta(days=7), until)
        if test(assess(day)):
            for d in range(1, (day - previous).days + 1):
                candidate = previous + timedelta(days=d)
                if test(assess(candidate)):
                    return candidate
        previous = day
    return None


def _programs(assessment: Any, data: Mapping[str, Any]) -> list[dict]:
    """FSW, CEC, FSTP with the engine's reasons, its progress line ("10 of 12 months of Canadian
    experience") and, when not met, the day it will be met if ongoing work simply continues."""
    out = []
    for code in rules.PROGRAMS:
        result = getattr(assessment.programs, code)
        p = dict(data["programs"][code])
        p["code"] = code
        progress = getattr(result, "progress", None)
        # Shown only when it adds to the reasons: the engine's reason often starts with the same
        # count ("9.7 of 12 months of skilled Canadian work..." / "9.7 of 12 months of ...").
        head = " ".join((progress or "").split()[:4])
        p["progress"] = progress if progress and not any(head in r for r in p["reasons"]) else None
        p["met_on"] = None if p["eligible"] else iso(getattr(result, "met_on", None))
        out.append(p)
    return out


def _categories(assess: DatedAssessor, assessment: Any, *, as_of: date, horizon: date,
                periods: Sequence[rules.CategoryRule], names: Mapping[str, str],
                titles: Mapping[str, str]) -> list[dict]:
    """Each category in force: the engine's result, its name and rule, eligible ones first."""
    by_slug = {c.slug: c for c in periods}
    applied = {c.slug: c.rule for c in assessment.categories}
    out = []
    for c in assessment.to_dict()["categories"]:
        row = dict(c)
        period = by_slug.get(c["slug"])
        row["name"] = names.get(c["slug"], c["slug"])
        row["experience_rule"] = applied.get(c["slug"]) or (period.experience_rule if period else "")
        row["list_unconfirmed"] = period.list_unconfirmed if period else False
        row["occupation_title"] = titles.get(c.get("occupation") or "", "")
        row["met_on"] = None
        if c["status"] == verdict.NOT_ELIGIBLE:
            met = _first_met(assess, lambda a, s=c["slug"]: _category_eligible(a.to_dict(), s),
                             after=as_of, until=horizon)
            row["met_on"] = iso(met)
        out.append(row)
    # Eligible first, then those that cannot be judged, then the others.
    order = {verdict.ELIGIBLE: 0, verdict.CANNOT_JUDGE: 1, verdict.NOT_ELIGIBLE: 2}
    out.sort(key=lambda r: (order[r["status"]], r["met_on"] is None, r["name"]))
    return out


def _category_eligible(data: Mapping[str, Any], slug: str) -> bool:
    return any(c["slug"] == slug and c["eligible"] for c in data["categories"])


def document_expiries(facts: rules.Facts, *, as_of: date) -> list[dict[str, Any]]:
    """Language tests (2 years), ECAs (5 years) and the Express Entry profile (12 months).

    Each with its expiry date, days left (negative once expired) and whether it falls
    within the alert window; documents long expired (before the last one of the kind) are kept
    so the report can warn about them.
    """
    docs: list[dict[str, Any]] = []

    def add(kind: str, whose: str, label: str, start: date, expires_on: date) -> None:
        days_left = (expires_on - as_of).days
        docs.append({"document": kind, "whose": whose, "label": label, "issued_on": start.isoformat(),
                     "expires_on": expires_on.isoformat(), "days_left": days_left,
                     "expired": days_left < 0, "expiring_soon": 0 <= days_left <= EXPIRY_ALERT_DAYS})

    people = [("client", facts)]
    if facts.spouse is not None:
        people.append(("spouse", facts.spouse))
    for whose, person in people:
        for t in person.language_tests:
            if t.taken_on <= as_of:
                add("language_test", whose, t.test, t.taken_on, rules.language_test_expires_on(t.taken_on))
        for c in person.education:
            if c.eca_on is not None and not c.canadian and c.eca_on <= as_of:
                add("eca", whose, c.level, c.eca_on, rules.eca_expires_on(c.eca_on))
    if facts.profile_submitted_on is not None:
        add("ee_profile", "client", "", facts.profile_submitted_on,
            rules.profile_expires_on(facts.profile_submitted_on))
    docs.sort(key=lambda d: d["expires_on"])
    return docs


def warnings(facts: rules.Facts, data: Mapping[str, Any], documents: Sequence[Mapping[str, Any]], *,
             as_of: date) -> list[dict[str, Any]]:
    """Coded warnings (templates phrase them) followed by the engine's own warnings as text
    (the engine names expired documents and credentials without an ECA)."""
    out: list[dict[str, Any]] = []
    valid_tests = [t for t in facts.language_tests
                   if t.taken_on <= as_of < rules.language_test_expires_on(t.taken_on)]
    if not facts.language_tests:
        out.append({"code": "no_language_test"})
    elif not valid_tests:
        out.append({"code": "no_valid_language_test"})
    if not facts.education:
        out.append({"code": "no_education"})
    if not facts.work_history:
        out.append({"code": "no_work_history"})
    if facts.settlement_funds_cad is None and not data["programs"]["cec"]["eligible"]:
        out.append({"code": "no_settlement_funds"})
    if facts.profile_submitted_on is None:
        out.append({"code": "no_profile"})
    latest_by_kind: dict[tuple[str, str, str], Mapping[str, Any]] = {}
    for d in documents:
        latest_by_kind[(d["document"], d["whose"], d["label"])] = d
    for d in latest_by_kind.values():
        # Expired documents are named by the engine's own warnings (it ignores them).
        if d["expiring_soon"]:
            out.append({"code": "document_expiring", "document": d["document"], "whose": d["whose"],
                        "label": d["label"], "expires_on": d["expires_on"], "days_left": d["days_left"]})
    seen = set()
    for text in data.get("warnings") or []:
        if text not in seen:
            seen.add(text)
            out.append({"code": "engine", "text": text})
    return out
