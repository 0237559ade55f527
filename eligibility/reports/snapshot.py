"""A client's facts as stored JSON, and the facts as they stood on an earlier day.

The report keeps the engine's input (Facts) as JSON so a stored report round-trips unchanged;
the backtest re-assesses the facts known on each past round's day (DatedAssessor).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from eligibility import rules


def facts_to_dict(facts: rules.Facts) -> dict[str, Any]:
    """The facts in the input shape of shared/spec/assessment.md (plus ECA and profile dates)."""

    def credential(c: rules.Credential) -> dict[str, Any]:
        return {"level": c.level, "canadian": c.canadian, "completed": iso(c.completed_on),
                "eca": iso(c.eca_on)}

    def test(t: rules.LanguageTest) -> dict[str, Any]:
        return {"test": t.test, "date": iso(t.taken_on), "listening": t.listening,
                "reading": t.reading, "writing": t.writing, "speaking": t.speaking}

    def job(j: rules.Job) -> dict[str, Any]:
        return {"noc": j.noc, "country": j.country, "start": iso(j.start), "end": iso(j.end),
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
        "date_of_birth": iso(facts.date_of_birth),
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
        "profile_submitted_on": iso(facts.profile_submitted_on),
    }


def facts_from_dict(data: Mapping[str, Any]) -> rules.Facts:
    """The inverse of facts_to_dict (for stored snapshots, which are trusted)."""

    def credential(c: Mapping[str, Any]) -> rules.Credential:
        return rules.Credential(level=c["level"], canadian=c.get("canadian", False),
                            completed_on=to_date(c.get("completed")), eca_on=to_date(c.get("eca")))

    def test(t: Mapping[str, Any]) -> rules.LanguageTest:
        return rules.LanguageTest(test=t["test"], taken_on=to_date(t["date"]), listening=t["listening"],
                              reading=t["reading"], writing=t["writing"], speaking=t["speaking"])

    def job(j: Mapping[str, Any]) -> rules.Job:
        return rules.Job(noc=j["noc"], country=j["country"], start=to_date(j["start"]),
                         end=to_date(j.get("end")), hours_per_week=j["hours_per_week"],
                         paid=j.get("paid", True), self_employed=j.get("self_employed", False),
                         full_time_student=j.get("full_time_student", False))

    s = data.get("spouse")
    coq = data.get("certificate_of_qualification")
    offer = data.get("job_offer")
    return rules.Facts(
        date_of_birth=to_date(data["date_of_birth"]),
        marital_status=data.get("marital_status", "single"),
        spouse=rules.Spouse(
            accompanying=s["accompanying"], canadian_citizen_or_pr=s["canadian_citizen_or_pr"],
            education=tuple(credential(c) for c in s.get("education", ())),
            language_tests=tuple(test(t) for t in s.get("language_tests", ())),
            work_history=tuple(job(j) for j in s.get("work_history", ())),
        ) if s else None,
        education=tuple(credential(c) for c in data.get("education", ())),
        language_tests=tuple(test(t) for t in data.get("language_tests", ())),
        work_history=tuple(job(j) for j in data.get("work_history", ())),
        certificate_of_qualification=(rules.Certificate(noc=coq["noc"], province=coq["province"])
                                      if coq else None),
        provincial_nomination=data.get("provincial_nomination", False),
        job_offer=rules.JobOffer(noc=offer["noc"], years=offer.get("years", 1)) if offer else None,
        sibling_in_canada=data.get("sibling_in_canada", False),
        family_size=data.get("family_size", 1),
        settlement_funds_cad=data.get("settlement_funds_cad"),
        profile_submitted_on=to_date(data.get("profile_submitted_on")),
    )


def facts_known_on(facts: rules.Facts, day: date) -> rules.Facts:
    """The facts as they stood on `day`: tests, credentials and jobs dated later are dropped,
    a job that started earlier keeps running only up to that day (the engine counts to as_of)."""

    def known_credentials(items: tuple[rules.Credential, ...]) -> tuple[rules.Credential, ...]:
        kept = []
        for c in items:
            if c.completed_on is not None and c.completed_on > day:
                continue
            if c.eca_on is not None and c.eca_on > day:
                c = dataclasses.replace(c, eca_on=None)
            kept.append(c)
        return tuple(kept)

    def known_tests(items: tuple[rules.LanguageTest, ...]) -> tuple[rules.LanguageTest, ...]:
        return tuple(t for t in items if t.taken_on <= day)

    def known_jobs(items: tuple[rules.Job, ...]) -> tuple[rules.Job, ...]:
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


class DatedAssessor:
    """assess() with a cache per date, and categories chosen by date from every period."""

    def __init__(self, facts: rules.Facts, categories: Sequence[rules.CategoryRule]):
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


def iso(day: date | None) -> str | None:
    return day.isoformat() if day is not None else None


def to_date(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(value)
