"""The content of an eligibility report, as plain data (pure Python: no Django, no I/O).

build_report() takes the engine's input (Facts), every category period and the
draw history (plain DrawRecord values) and returns a JSON-ready dict: the
assessment, the CRS breakdown against each factor's maximum, when unmet
programs and categories would be met if nothing changes, the backtest against
the last twelve months of rounds, the pool position from the latest published
distribution, the engine's what-if changes ranked by points, what will lower
the score and when, document expiries and warnings.

Sentences are left to the templates (translated there); this module returns
numbers, dates, codes and the engine's own reason strings. Dates are ISO strings
in the output so a stored report round-trips through JSON unchanged.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from eligibility import rules
from eligibility.rules import facts as F
from eligibility.rules import status as verdict
from eligibility.rules.dates import add_years

REPORT_VERSION = 1
PROGRAMS = ("fsw", "cec", "fstp")
EXPIRY_ALERT_DAYS = 30

# IRCC's published pool distribution: the finest buckets (dd3 and dd9 are sub-totals, dd18 the total).
DD_BUCKETS: tuple[tuple[str, int, int], ...] = (
    ("dd1", 601, rules.CRS_MAX_TOTAL), ("dd2", 501, 600),
    ("dd4", 491, 500), ("dd5", 481, 490), ("dd6", 471, 480), ("dd7", 461, 470), ("dd8", 451, 460),
    ("dd10", 441, 450), ("dd11", 431, 440), ("dd12", 421, 430), ("dd13", 411, 420), ("dd14", 401, 410),
    ("dd15", 351, 400), ("dd16", 301, 350), ("dd17", 0, 300),
)


@dataclass(frozen=True)
class DrawRecord:
    """One round of invitations as the report reads it (from draws.Draw)."""

    round_number: str
    drawn_on: date
    type: str  # general, cec, fsw, fstp, pnp, category, other
    lowest_crs: int
    invitations_issued: int
    category_slug: str | None = None
    name: str = ""
    distribution_on: date | None = None
    distribution: Mapping[str, Any] | None = None


# ---------------------------------------------------------------------------- facts <-> JSON


def facts_to_dict(facts: F.Facts) -> dict[str, Any]:
    """The facts in the input shape of shared/spec/assessment.md (plus ECA and profile dates)."""

    def credential(c: F.Credential) -> dict[str, Any]:
        return {"level": c.level, "canadian": c.canadian, "completed": _iso(c.completed_on),
                "eca": _iso(c.eca_on)}

    def test(t: F.LanguageTest) -> dict[str, Any]:
        return {"test": t.test, "date": _iso(t.taken_on), "listening": t.listening,
                "reading": t.reading, "writing": t.writing, "speaking": t.speaking}

    def job(j: F.Job) -> dict[str, Any]:
        return {"noc": j.noc, "country": j.country, "start": _iso(j.start), "end": _iso(j.end),
                "hours_per_week": j.hours_per_week, "paid": j.paid, "self_employed": j.self_employed,
                "full_time_student": j.full_time_student}

    spouse = None
    if facts.spouse is not None:
        s = facts.spouse
        spouse = {
            "accompanying": s.accompanying,
            "canadian_citizen_or_pr": s.canadian_citizen_or_pr,
            "education": [credential(c) for c in s.education],
            "language_tests": [test(t) for t in s.language_tests],
            "work_history": [job(j) for j in s.work_history],
        }
    coq = facts.certificate_of_qualification
    offer = facts.job_offer
    return {
        "date_of_birth": _iso(facts.date_of_birth),
        "marital_status": facts.marital_status,
        "spouse": spouse,
        "education": [credential(c) for c in facts.education],
        "language_tests": [test(t) for t in facts.language_tests],
        "work_history": [job(j) for j in facts.work_history],
        "certificate_of_qualification": {"noc": coq.noc, "province": coq.province} if coq else None,
        "provincial_nomination": facts.provincial_nomination,
        "job_offer": {"noc": offer.noc, "years": offer.years} if offer else None,
        "sibling_in_canada": facts.sibling_in_canada,
        "family_size": facts.family_size,
        "settlement_funds_cad": facts.settlement_funds_cad,
        "profile_submitted_on": _iso(facts.profile_submitted_on),
    }


def facts_from_dict(data: Mapping[str, Any]) -> F.Facts:
    """The inverse of facts_to_dict (for stored snapshots, which are trusted)."""

    def credential(c: Mapping[str, Any]) -> F.Credential:
        return F.Credential(level=c["level"], canadian=c.get("canadian", False),
                            completed_on=_date(c.get("completed")), eca_on=_date(c.get("eca")))

    def test(t: Mapping[str, Any]) -> F.LanguageTest:
        return F.LanguageTest(test=t["test"], taken_on=_date(t["date"]), listening=t["listening"],
                              reading=t["reading"], writing=t["writing"], speaking=t["speaking"])

    def job(j: Mapping[str, Any]) -> F.Job:
        return F.Job(noc=j["noc"], country=j["country"], start=_date(j["start"]), end=_date(j.get("end")),
                     hours_per_week=j["hours_per_week"], paid=j.get("paid", True),
                     self_employed=j.get("self_employed", False),
                     full_time_student=j.get("full_time_student", False))

    s = data.get("spouse")
    coq = data.get("certificate_of_qualification")
    offer = data.get("job_offer")
    return F.Facts(
        date_of_birth=_date(data["date_of_birth"]),
        marital_status=data.get("marital_status", "single"),
        spouse=F.Spouse(
            accompanying=s["accompanying"], canadian_citizen_or_pr=s["canadian_citizen_or_pr"],
            education=tuple(credential(c) for c in s.get("education", ())),
            language_tests=tuple(test(t) for t in s.get("language_tests", ())),
            work_history=tuple(job(j) for j in s.get("work_history", ())),
        ) if s else None,
        education=tuple(credential(c) for c in data.get("education", ())),
        language_tests=tuple(test(t) for t in data.get("language_tests", ())),
        work_history=tuple(job(j) for j in data.get("work_history", ())),
        certificate_of_qualification=F.Certificate(noc=coq["noc"], province=coq["province"]) if coq else None,
        provincial_nomination=data.get("provincial_nomination", False),
        job_offer=F.JobOffer(noc=offer["noc"], years=offer.get("years", 1)) if offer else None,
        sibling_in_canada=data.get("sibling_in_canada", False),
        family_size=data.get("family_size", 1),
        settlement_funds_cad=data.get("settlement_funds_cad"),
        profile_submitted_on=_date(data.get("profile_submitted_on")),
    )


def facts_known_on(facts: F.Facts, day: date) -> F.Facts:
    """The facts as they stood on `day`: tests, credentials and jobs dated later are dropped,
    a job that started earlier keeps running only up to that day (the engine counts to as_of)."""

    def known_credentials(items: tuple[F.Credential, ...]) -> tuple[F.Credential, ...]:
        kept = []
        for c in items:
            if c.completed_on is not None and c.completed_on > day:
                continue
            if c.eca_on is not None and c.eca_on > day:
                c = dataclasses.replace(c, eca_on=None)
            kept.append(c)
        return tuple(kept)

    def known_tests(items: tuple[F.LanguageTest, ...]) -> tuple[F.LanguageTest, ...]:
        return tuple(t for t in items if t.taken_on <= day)

    def known_jobs(items: tuple[F.Job, ...]) -> tuple[F.Job, ...]:
        return tuple(j for j in items if j.start <= day)

    spouse = facts.spouse
    if spouse is not None:
        spouse = dataclasses.replace(
            spouse, education=known_credentials(spouse.education),
            language_tests=known_tests(spouse.language_tests), work_history=known_jobs(spouse.work_history),
        )
    return dataclasses.replace(
        facts, spouse=spouse, education=known_credentials(facts.education),
        language_tests=known_tests(facts.language_tests), work_history=known_jobs(facts.work_history),
        profile_submitted_on=(facts.profile_submitted_on
                              if facts.profile_submitted_on and facts.profile_submitted_on <= day else None),
    )


# ---------------------------------------------------------------------------- categories by date


class _Assessor:
    """assess() with a cache per date, and categories chosen by date from every period."""

    def __init__(self, facts: F.Facts, categories: Sequence[F.CategoryRule]):
        self.facts = facts
        self.categories = list(categories)
        self._cache: dict[tuple[date, bool], Any] = {}

    def __call__(self, day: date, *, known_on: bool = False) -> Any:
        key = (day, known_on)
        if key not in self._cache:
            facts = facts_known_on(self.facts, day) if known_on else self.facts
            categories = rules.categories_in_force(self.categories, day)
            self._cache[key] = rules.assess(facts, as_of=day, categories=categories)
        return self._cache[key]


# ---------------------------------------------------------------------------- the report


def build_report(facts: F.Facts, *, as_of: date, categories: Sequence[F.CategoryRule],
                 draws: Sequence[DrawRecord], horizon_days: int = 365,
                 occupation_titles: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Everything a report shows, as JSON-ready plain data (see the module docstring).

    categories: every category period known (not only those in force), so past rounds
    and future dates are judged with the lists in force then.
    draws: the rounds to compare against (at least the last twelve months and the latest
    round with a distribution); any order.
    occupation_titles: NOC code -> title, to name the qualifying occupation of a category.
    """
    assess = _Assessor(facts, categories)
    assessment = assess(as_of)
    data = assessment.to_dict()
    now_in_force = rules.categories_in_force(categories, as_of)
    names = {c.slug: c.name for c in categories}
    draws = sorted(draws, key=lambda d: (d.drawn_on, d.round_number))
    horizon = as_of + timedelta(days=horizon_days)

    backtest = _backtest(assess, data, as_of=as_of, draws=draws, names=names)
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


def _first_met(assess: _Assessor, test: Callable[[Any], bool], *, after: date, until: date) -> date | None:
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
    for code in PROGRAMS:
        result = getattr(assessment.programs, code)
        p = dict(data["programs"][code])
        p["code"] = code
        progress = getattr(result, "progress", None)
        # Shown only when it adds to the reasons: the engine's reason often starts with the same
        # count ("9.7 of 12 months of skilled Canadian work..." / "9.7 of 12 months of ...").
        head = " ".join((progress or "").split()[:4])
        p["progress"] = progress if progress and not any(head in r for r in p["reasons"]) else None
        p["met_on"] = None if p["eligible"] else _iso(getattr(result, "met_on", None))
        out.append(p)
    return out


def _categories(assess: _Assessor, assessment: Any, *, as_of: date, horizon: date,
                periods: Sequence[F.CategoryRule], names: Mapping[str, str],
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
            row["met_on"] = _iso(met)
        out.append(row)
    # Eligible first, then those that cannot be judged, then the others.
    order = {verdict.ELIGIBLE: 0, verdict.CANNOT_JUDGE: 1, verdict.NOT_ELIGIBLE: 2}
    out.sort(key=lambda r: (order[r["status"]], r["met_on"] is None, r["name"]))
    return out


def _category_eligible(data: Mapping[str, Any], slug: str) -> bool:
    return any(c["slug"] == slug and c["eligible"] for c in data["categories"])


# ---------------------------------------------------------------------------- draws


def draw_key(draw: DrawRecord) -> str | None:
    """The type key of a round ("category:<slug>" for category rounds), None when unknown."""
    return rules.round_type_key(draw.type, draw.category_slug)


def _backtest(assess: _Assessor, data: Mapping[str, Any], *, as_of: date, draws: Sequence[DrawRecord],
              names: Mapping[str, str]) -> dict[str, Any]:
    since = add_years(as_of, -1)
    rounds = []
    for d in draws:
        if not since <= d.drawn_on <= as_of:
            continue
        key = draw_key(d)
        then = assess(d.drawn_on, known_on=True)
        then_data = then.to_dict()
        nominated = assess.facts.provincial_nomination
        open_types = rules.open_round_types(then_data, provincial_nomination=nominated)
        is_open = key is not None and key in open_types
        score = then_data["crs"]["total"]
        rounds.append({
            **_draw_dict(d, names), "key": key, "open": is_open, "score": score,
            "met": is_open and score >= d.lowest_crs, "tie": is_open and score == d.lowest_crs,
            "margin": score - d.lowest_crs,
        })
    open_rounds = [r for r in rounds if r["open"]]
    types_now = rules.open_round_types(data, provincial_nomination=assess.facts.provincial_nomination)
    total = data["crs"]["total"]
    gaps = []
    for key in types_now:
        latest = next((d for d in reversed(draws) if draw_key(d) == key and d.drawn_on <= as_of), None)
        if latest is not None:
            gaps.append({"key": key, "label": type_label(key, names), **_draw_dict(latest, names),
                         "score": total, "gap": total - latest.lowest_crs})
    return {
        "since": since.isoformat(),
        "rounds": rounds,
        "open_count": len(open_rounds),
        "met_count": sum(1 for r in open_rounds if r["met"]),
        "eligible_types": types_now,
        "gaps": gaps,
    }


def type_label(key: str, names: Mapping[str, str]) -> str:
    """A short label for a type key; categories by name, others by code (templates translate)."""
    if key.startswith("category:"):
        slug = key.split(":", 1)[1]
        return names.get(slug, slug)
    return key


def _draw_dict(d: DrawRecord, names: Mapping[str, str]) -> dict[str, Any]:
    return {"round_number": d.round_number, "drawn_on": d.drawn_on.isoformat(), "type": d.type,
            "category_slug": d.category_slug,
            "name": d.name or (names.get(d.category_slug or "", "") if d.category_slug else ""),
            "lowest_crs": d.lowest_crs, "invitations_issued": d.invitations_issued}


def parse_count(value: Any) -> int:
    """A distribution count as IRCC publishes it ("19,705", 19705, "" or None -> 0)."""
    if value is None or value == "":
        return 0
    if isinstance(value, int | float):
        return int(value)
    return int(str(value).replace(",", "").replace("\u00a0", "").strip() or 0)


def candidates_above(score: int, distribution: Mapping[str, Any]) -> dict[str, Any]:
    """Estimated number of candidates with a higher score than `score`.

    Buckets entirely above count in full; within the client's own bucket scores are
    assumed evenly spread over its integer values (an estimate: IRCC publishes only
    the bucket totals).
    """
    above = 0.0
    bucket = None
    counts = {}
    for name, lo, hi in DD_BUCKETS:
        count = counts[name] = parse_count(distribution.get(name))
        if lo > score:
            above += count
        elif lo <= score <= hi:
            share = (hi - score) / (hi - lo + 1)
            above += count * share
            bucket = {"name": name, "low": lo, "high": hi, "count": count}
    total = parse_count(distribution.get("dd18")) or sum(
        parse_count(distribution.get(n)) for n, *_ in DD_BUCKETS)
    estimate = int(round(above))
    return {"above": estimate, "total": total, "bucket": bucket, "counts": counts,
            "share_above": (estimate / total) if total else None}


def pool_position(score: int, *, draws: Sequence[DrawRecord], as_of: date, eligible_types: Sequence[str],
                  names: Mapping[str, str], recent: int = 3) -> dict[str, Any] | None:
    """Where the score stands in the latest published distribution, against recent round sizes.

    For each type the client is open to: the sizes of its last `recent` rounds in the twelve
    months to as_of, and how many such rounds it would take to reach the client if nobody
    else entered the pool (an estimate; category rounds only draw from the category's pool,
    so for them the pool-wide count overstates the competition).
    """
    with_dist = [d for d in draws if d.distribution and d.drawn_on <= as_of]
    if not with_dist:
        return None
    latest = max(with_dist, key=lambda d: (d.drawn_on, d.round_number))
    position = candidates_above(score, latest.distribution)
    since = add_years(as_of, -1)
    by_type = []
    for key in eligible_types:
        rounds = [d for d in draws if draw_key(d) == key and since <= d.drawn_on <= as_of]
        rounds = rounds[-recent:]
        if not rounds:
            by_type.append({"key": key, "label": type_label(key, names), "rounds": 0,
                            "average_size": None, "rounds_needed": None})
            continue
        average = sum(d.invitations_issued for d in rounds) / len(rounds)
        by_type.append({
            "key": key, "label": type_label(key, names), "rounds": len(rounds),
            "average_size": int(round(average)),
            "last_size": rounds[-1].invitations_issued, "last_drawn_on": rounds[-1].drawn_on.isoformat(),
            "within_average_round": position["above"] < average,
            "rounds_needed": max(1, math.ceil((position["above"] + 1) / average)),
        })
    return {
        "score": score,
        "round_number": latest.round_number,
        "drawn_on": latest.drawn_on.isoformat(),
        "distribution_on": _iso(latest.distribution_on),
        **position,
        "by_type": by_type,
        "is_estimate": True,
    }


# ---------------------------------------------------------------------------- forecast


def what_if_ranked(facts: F.Facts, *, as_of: date, categories: Sequence[F.CategoryRule],
                   total: int) -> list[dict[str, Any]]:
    """The engine's what-if changes, highest gain first: each computed by re-running the engine
    on the changed facts (which are kept as a diff against the client's facts)."""
    base = facts_to_dict(facts)
    rows = [{
        "key": getattr(w, "key", ""),
        "label": w.label,
        "points_gained": w.points_gained,
        "new_total": getattr(w, "new_total", 0) or total + w.points_gained,
        "on_date": _iso(w.on_date),
        "changed_facts": _flat_diff(base, facts_to_dict(w.changed_facts)),
    } for w in rules.what_if(facts, as_of=as_of, categories=categories)]
    rows.sort(key=lambda r: (-r["points_gained"], r["on_date"] or "", r["label"]))
    return rows


def changes_ahead(facts: F.Facts, *, as_of: date, categories: Sequence[F.CategoryRule],
                  horizon_days: int) -> list[dict[str, Any]]:
    """The engine's dated score changes ahead (birthdays, expiries, experience), in date order."""
    items = rules.score_changes_ahead(facts, as_of=as_of, categories=categories, horizon_days=horizon_days)
    rows = [{"date": _iso(d), "label": label, "delta": delta} for d, label, delta in items]
    rows.sort(key=lambda r: r["date"])
    return rows


def document_expiries(facts: F.Facts, *, as_of: date) -> list[dict[str, Any]]:
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


def warnings(facts: F.Facts, data: Mapping[str, Any], documents: Sequence[Mapping[str, Any]], *,
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


# ---------------------------------------------------------------------------- compare


def diff_reports(old: Mapping[str, Any], new: Mapping[str, Any]) -> dict[str, Any]:
    """What changed between two stored reports, and why.

    old/new: {"as_of", "rules", "facts", "results"} (a Report's fields). Returns the facts
    diff (scalar changes by JSON path; list items added or removed), the derived values that
    moved (age, years of work, CLB levels: the usual "why"), and the results diff (total,
    parts, factors, programs, categories).
    """
    old_a, new_a = old["results"]["assessment"], new["results"]["assessment"]
    old_crs, new_crs = old_a["crs"], new_a["crs"]
    factors = []
    for key in sorted(set(old_crs["details"]) | set(new_crs["details"]), key=_factor_order):
        o, n = old_crs["details"].get(key, 0), new_crs["details"].get(key, 0)
        if o != n:
            factors.append({"factor": key, "old": o, "new": n, "delta": n - o})
    parts = []
    for key, _factors in rules.CRS_SECTIONS:
        o, n = old_crs.get(key, 0), new_crs.get(key, 0)
        if o != n:
            parts.append({"part": key, "old": o, "new": n, "delta": n - o})
    programs = []
    for code in PROGRAMS:
        o, n = old_a["programs"][code], new_a["programs"][code]
        if verdict.of(o) != verdict.of(n) or o.get("reasons") != n.get("reasons"):
            programs.append({"code": code, "old": verdict.of(o), "new": verdict.of(n),
                             "old_reasons": o.get("reasons", []), "new_reasons": n.get("reasons", []),
                             **_reasons_diff(o.get("reasons", []), n.get("reasons", []))})
    old_cats = {c["slug"]: c for c in old_a["categories"]}
    new_cats = {c["slug"]: c for c in new_a["categories"]}
    names = {c["slug"]: c.get("name", c["slug"]) for c in old["results"].get("categories", [])}
    names.update({c["slug"]: c.get("name", c["slug"]) for c in new["results"].get("categories", [])})
    categories = []
    for slug in sorted(set(old_cats) | set(new_cats)):
        o, n = old_cats.get(slug), new_cats.get(slug)
        o_el = verdict.of(o) if o else None
        n_el = verdict.of(n) if n else None
        if o_el != n_el or (o and n and o.get("reasons") != n.get("reasons")):
            categories.append({"slug": slug, "name": names.get(slug, slug), "old": o_el, "new": n_el,
                               "old_reasons": (o or {}).get("reasons", []),
                               "new_reasons": (n or {}).get("reasons", []),
                               **_reasons_diff((o or {}).get("reasons", []), (n or {}).get("reasons", []))})
    return {
        "as_of": {"old": old["as_of"], "new": new["as_of"], "changed": old["as_of"] != new["as_of"]},
        "rules": {"old": old["rules"], "new": new["rules"], "changed": old["rules"] != new["rules"]},
        "total": {"old": old_crs["total"], "new": new_crs["total"],
                  "delta": new_crs["total"] - old_crs["total"]},
        "parts": parts,
        "factors": factors,
        "programs": programs,
        "categories": categories,
        "derived": _flat_diff(old_a.get("derived") or {}, new_a.get("derived") or {}),
        "facts": _flat_diff(old["facts"], new["facts"]),
    }


def _reasons_diff(old: Sequence[str], new: Sequence[str]) -> dict[str, list[str]]:
    """The reasons no longer given and the new ones (unchanged reasons are left out)."""
    return {"removed_reasons": [r for r in old if r not in new],
            "added_reasons": [r for r in new if r not in old]}


def _factor_order(key: str) -> int:
    order = [f for _s, fs in rules.CRS_SECTIONS for f in fs]
    return order.index(key) if key in order else len(order)


def _flat_diff(old: Any, new: Any, path: str = "") -> list[dict[str, Any]]:
    """Changes between two JSON values: scalars by path; list items compared as a multiset."""
    if isinstance(old, Mapping) and isinstance(new, Mapping):
        out = []
        for key in list(old) + [k for k in new if k not in old]:
            sub = f"{path}.{key}" if path else str(key)
            if key not in new:
                out.append({"path": sub, "change": "removed", "old": old[key], "new": None})
            elif key not in old:
                out.append({"path": sub, "change": "added", "old": None, "new": new[key]})
            else:
                out.extend(_flat_diff(old[key], new[key], sub))
        return out
    if isinstance(old, list) and isinstance(new, list):
        if len(old) == len(new):
            # Same length: compare item by item (an edited test or job shows field by field).
            return [c for i, (o, n) in enumerate(zip(old, new, strict=True))
                    for c in _flat_diff(o, n, f"{path}[{i}]")]
        remaining = list(new)
        removed = []
        for item in old:
            if item in remaining:
                remaining.remove(item)
            else:
                removed.append(item)
        return ([{"path": path, "change": "removed", "old": item, "new": None} for item in removed]
                + [{"path": path, "change": "added", "old": None, "new": item} for item in remaining])
    if old != new:
        return [{"path": path, "change": "changed", "old": old, "new": new}]
    return []


# ---------------------------------------------------------------------------- helpers


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day is not None else None


def _date(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(value)

