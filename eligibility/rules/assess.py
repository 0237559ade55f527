"""Full assessment from recorded facts (shared/spec/assessment.md) and its JSON input parser."""

from __future__ import annotations

from collections.abc import Container, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from . import spec as S
from .categories import CategoryResult, category_results
from .clb import clb_for
from .crs import CrsResult, crs_score
from .derive import Derived, derive_scored
from .facts import (
    ABILITIES,
    EDUCATION_LEVELS,
    LANGUAGE_TESTS,
    MARITAL_STATUSES,
    CategoryRule,
    Certificate,
    Credential,
    Facts,
    Job,
    JobOffer,
    LanguageTest,
    Spouse,
)
from .programs import ProgramResults, program_results
from .reasons import Reason
from .spec import SpecError
from .status import CANNOT_JUDGE
from .unchecked import unchecked
from .validity import profile_expires_on

PROVINCES = ("AB", "BC", "MB", "NB", "NL", "NS", "NT", "NU", "ON", "PE", "QC", "SK", "YT")


@dataclass(frozen=True)
class Assessment:
    """CRS, derived values, programs and categories for one set of facts on one date."""

    as_of: date
    crs: CrsResult
    derived: Derived
    programs: ProgramResults
    categories: tuple[CategoryResult, ...]
    warnings: tuple[str, ...]

    @property
    def eligible_categories(self) -> tuple[str, ...]:
        return tuple(c.slug for c in self.categories if c.eligible)

    @property
    def check_categories(self) -> tuple[str, ...]:
        """Slugs of the categories that cannot be judged (never "not eligible")."""
        return tuple(c.slug for c in self.categories if c.verdict == CANNOT_JUDGE)

    def to_dict(self) -> dict[str, Any]:
        """Exactly the output document of shared/spec/assessment.md."""
        return {
            "as_of": self.as_of.isoformat(),
            "crs": self.crs.to_dict(),
            "derived": self.derived.to_dict(),
            "programs": self.programs.to_dict(),
            "categories": [c.to_dict() for c in self.categories],
            "warnings": list(self.warnings),
        }


_assessment = unchecked(Assessment)  # built without its frozen __init__ (unchecked.py)


def assess(facts: Facts, *, as_of: date, categories: Sequence[CategoryRule] = ()) -> Assessment:
    """Assess facts on as_of: CRS (rules in force then), FSW/CEC/FSTP, categories in force."""
    d, crs = derive_scored(facts, as_of)
    if crs is None:
        crs = crs_score(d.profile, as_of=as_of)
    programs = program_results(facts, as_of=as_of, derived=d)
    cats = category_results(facts, as_of=as_of, categories=categories, programs=programs, derived=d)
    warnings = list(d.warnings)
    for p in (programs.fsw, programs.cec, programs.fstp):
        for w in p.warnings:
            if w not in warnings:
                warnings.append(w)
    if facts.profile_submitted_on is not None:
        expiry = profile_expires_on(facts.profile_submitted_on)
        if as_of >= expiry:
            warnings.append(Reason("profile.expired", day=facts.profile_submitted_on.isoformat(),
                                   expired=expiry.isoformat()))
    return _assessment(as_of, crs, d, programs, tuple(cats), tuple(warnings))


# --- JSON input -------------------------------------------------------------------------------

_FACTS_KEYS = frozenset(
    {
        "as_of",
        "date_of_birth",
        "marital_status",
        "spouse",
        "education",
        "language_tests",
        "work_history",
        "certificate_of_qualification",
        "provincial_nomination",
        "job_offer",
        "sibling_in_canada",
        "family_size",
        "settlement_funds_cad",
        "profile_submitted_on",
    }
)
_SPOUSE_KEYS = frozenset(
    {"accompanying", "canadian_citizen_or_pr", "education", "language_tests", "work_history"}
)
_CREDENTIAL_KEYS = frozenset({"level", "canadian", "completed", "eca"})
_TEST_KEYS = frozenset({"test", "date", *ABILITIES})
_JOB_KEYS = frozenset(
    {
        "noc",
        "country",
        "start",
        "end",
        "hours_per_week",
        "paid",
        "self_employed",
        "full_time_student",
    }
)


def _credentials(value: Any, path: str) -> tuple[Credential, ...]:
    out = []
    for i, item in enumerate(S.array(value, path)):
        p = S.join(path, i)
        c = S.obj(item, p, _CREDENTIAL_KEYS)
        out.append(
            Credential(
                level=S.enum(S.required(c, "level", p), S.join(p, "level"), EDUCATION_LEVELS),
                canadian=S.boolean(c.get("canadian", False), S.join(p, "canadian")),
                completed_on=S.optional_date(c.get("completed"), S.join(p, "completed")),
                eca_on=S.optional_date(c.get("eca"), S.join(p, "eca")),
            )
        )
    return tuple(out)


def _tests(value: Any, path: str) -> tuple[LanguageTest, ...]:
    out = []
    for i, item in enumerate(S.array(value, path)):
        p = S.join(path, i)
        t = S.obj(item, p, _TEST_KEYS)
        test = S.enum(S.required(t, "test", p), S.join(p, "test"), LANGUAGE_TESTS)
        taken = S.iso_date(S.required(t, "date", p), S.join(p, "date"))
        scores = {}
        for a in ABILITIES:
            ap = S.join(p, a)
            raw = S.required(t, a, p)
            if test == "celpip_general" and raw == "M":
                raw = 0
            scores[a] = S.number(raw, ap)
            try:
                clb_for(test, a, scores[a], taken)
            except ValueError as exc:
                raise SpecError(ap, str(exc)) from None
        out.append(LanguageTest(test=test, taken_on=taken, **scores))
    return tuple(out)


def _jobs(value: Any, path: str, known_nocs: Container[str] | None) -> tuple[Job, ...]:
    out = []
    for i, item in enumerate(S.array(value, path)):
        p = S.join(path, i)
        j = S.obj(item, p, _JOB_KEYS)
        country = S.required(j, "country", p)
        if not isinstance(country, str) or len(country) != 2 or not country.isalpha():
            raise SpecError(
                S.join(p, "country"), f"must be an ISO 3166 two-letter code (got {country!r})"
            )
        start = S.iso_date(S.required(j, "start", p), S.join(p, "start"))
        end = S.optional_date(j.get("end"), S.join(p, "end"))
        if end is not None and end < start:
            raise SpecError(S.join(p, "end"), f"is before start ({start.isoformat()})")
        out.append(
            Job(
                noc=S.noc(S.required(j, "noc", p), S.join(p, "noc"), known_nocs),
                country=country.upper(),
                start=start,
                end=end,
                hours_per_week=S.number(
                    S.required(j, "hours_per_week", p),
                    S.join(p, "hours_per_week"),
                    minimum=0,
                    maximum=168,
                ),
                paid=S.boolean(j.get("paid", True), S.join(p, "paid")),
                self_employed=S.boolean(j.get("self_employed", False), S.join(p, "self_employed")),
                full_time_student=S.boolean(
                    j.get("full_time_student", False), S.join(p, "full_time_student")
                ),
            )
        )
    return tuple(out)


def facts_from_json(data: Mapping[str, Any], *, known_nocs: Container[str] | None = None) -> Facts:
    """Parse and validate an assessment.md input document; SpecError(path, message) if bad.

    Paths look like "work_history[2].noc". NOC codes must be 5-digit strings and, when known_nocs
    is given, members of it. Credentials may carry "eca" (ISO date of the ECA); the document's
    "as_of" is read separately with spec.as_of_from_json.
    """
    S.obj(data, "", _FACTS_KEYS)
    if "as_of" in data:
        S.as_of_from_json(data, default=date.today())  # validated here, used by the caller
    dob = S.iso_date(S.required(data, "date_of_birth", ""), "date_of_birth")
    marital = S.enum(data.get("marital_status", "single"), "marital_status", MARITAL_STATUSES)

    spouse = None
    if data.get("spouse") is not None:
        sp = S.obj(data["spouse"], "spouse", _SPOUSE_KEYS)
        spouse = Spouse(
            accompanying=S.boolean(S.required(sp, "accompanying", "spouse"), "spouse.accompanying"),
            canadian_citizen_or_pr=S.boolean(
                S.required(sp, "canadian_citizen_or_pr", "spouse"), "spouse.canadian_citizen_or_pr"
            ),
            education=_credentials(sp.get("education", []), "spouse.education"),
            language_tests=_tests(sp.get("language_tests", []), "spouse.language_tests"),
            work_history=_jobs(sp.get("work_history", []), "spouse.work_history", known_nocs),
        )

    cert = None
    if data.get("certificate_of_qualification") is not None:
        c = S.obj(
            data["certificate_of_qualification"],
            "certificate_of_qualification",
            frozenset({"noc", "province"}),
        )
        cert = Certificate(
            noc=S.noc(
                S.required(c, "noc", "certificate_of_qualification"),
                "certificate_of_qualification.noc",
                known_nocs,
            ),
            province=S.enum(
                S.required(c, "province", "certificate_of_qualification"),
                "certificate_of_qualification.province",
                PROVINCES,
            ),
        )
    offer = None
    if data.get("job_offer") is not None:
        o = S.obj(data["job_offer"], "job_offer", frozenset({"noc", "years"}))
        offer = JobOffer(
            noc=S.noc(S.required(o, "noc", "job_offer"), "job_offer.noc", known_nocs),
            years=S.integer(o.get("years", 1), "job_offer.years", minimum=1, maximum=50),
        )
    funds = data.get("settlement_funds_cad")
    return Facts(
        date_of_birth=dob,
        marital_status=marital,
        spouse=spouse,
        education=_credentials(data.get("education", []), "education"),
        language_tests=_tests(data.get("language_tests", []), "language_tests"),
        work_history=_jobs(data.get("work_history", []), "work_history", known_nocs),
        certificate_of_qualification=cert,
        provincial_nomination=S.boolean(
            data.get("provincial_nomination", False), "provincial_nomination"
        ),
        job_offer=offer,
        sibling_in_canada=S.boolean(data.get("sibling_in_canada", False), "sibling_in_canada"),
        family_size=S.integer(data.get("family_size", 1), "family_size", minimum=1, maximum=50),
        settlement_funds_cad=(
            None
            if funds is None
            else S.integer(
                round(S.number(funds, "settlement_funds_cad", minimum=0)), "settlement_funds_cad"
            )
        ),
        profile_submitted_on=S.optional_date(
            data.get("profile_submitted_on"), "profile_submitted_on"
        ),
    )


def assess_json(
    data: Mapping[str, Any],
    *,
    today: date,
    categories: Sequence[CategoryRule] = (),
    known_nocs: Container[str] | None = None,
) -> dict[str, Any]:
    """Convenience for the assess command: parse one document, return the output dict."""
    as_of = S.as_of_from_json(data, default=today)
    facts = facts_from_json(data, known_nocs=known_nocs)
    if facts.date_of_birth > as_of:
        raise SpecError("date_of_birth", f"is after as_of ({as_of.isoformat()})")
    return assess(facts, as_of=as_of, categories=categories).to_dict()
