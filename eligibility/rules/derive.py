"""From recorded facts to CRS inputs as of a date (MI respecting Express Entry; IRPR 73, 80.1).

* Age: completed years on as_of.
* Work: full-time-equivalent hours (work.py: 30 h/week cap, 1,560 h = 1 year), whole years.
  Skilled = TEER 0-3 (2nd digit of the NOC 2021 code).
  Canadian (CRS): country CA, paid, not self-employed, not while a full-time student, skilled,
  within the last 10 years (IRCC tool wording; UNCONFIRMED single source).
  Foreign (CRS): outside Canada, paid, skilled, within the last 10 years.
* Language: a result counts when taken on or before as_of and less than 2 years old on as_of
  (expired results produce warnings); PTE Core only from 2024-01-30. The result used per
  language and the first vs second official language are the combination and designation that
  give the highest total CRS (candidates choose what they enter; this is the "higher CRS points"
  rule of assessment.md and, unlike ranking by first-language points alone, never lowers the
  score when a result improves); ties go to the higher first-language points, then English.
* Education: credentials completed on or before as_of (or with no completion date). A foreign
  credential needs an ECA less than 5 years old: with no ECA date recorded it is counted with a
  warning (missing fact); an ECA dated after as_of or 5+ years old excludes the credential
  (warning). Two or more post-secondary credentials whose highest is a bachelor's (3+ years)
  make "two_or_more". Canadian-education points: the highest Canadian credential.
* Spouse: scored (with-spouse columns) only when married or common-law, accompanying and not a
  citizen/PR; spouse language = best valid test in either language (spouse points).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from .clb import (
    PTE_CORE_ACCEPTED_FROM,
    TEF_NEW_SCALE_FROM,
    clb_levels,
    language_of,
)
from .crs import (
    CrsProfile,
    CrsResult,
    LanguageLevels,
    crs_score,
    trusted_levels,
    trusted_profile,
    trusted_spouse,
)
from .dates import age_on
from .facts import (
    EDUCATION_LEVELS,
    PARTNERED_STATUSES,
    Credential,
    Facts,
    Job,
    LanguageTest,
    spouse_status,
)
from .reasons import Reason, about_spouse
from .tables import FIRST_LANGUAGE_BY_CLB, SPOUSE_LANGUAGE_BY_CLB
from .unchecked import unchecked
from .validity import ECA_VALID_YEARS, LANGUAGE_TEST_VALID_YEARS, eca_expires_on, language_test_expires_on
from .work import fte_hours, is_skilled, whole_years, window

CRS_WORK_WINDOW_YEARS = 10
TEST_NAMES = {
    "ielts_general": "IELTS General Training",
    "celpip_general": "CELPIP-General",
    "pte_core": "PTE Core",
    "tef_canada": "TEF Canada",
    "tcf_canada": "TCF Canada",
}
LEVEL_NAMES = {
    "none": "less than secondary",
    "secondary": "secondary diploma",
    "one_year": "one-year post-secondary",
    "two_year": "two-year post-secondary",
    "bachelors": "bachelor's (3+ years)",
    "two_or_more": "two or more credentials",
    "masters": "master's or professional degree",
    "doctoral": "doctorate",
}
_RANK = {lvl: i for i, lvl in enumerate(EDUCATION_LEVELS)}
_POST_SECONDARY = _RANK["one_year"]


@dataclass(frozen=True, slots=True)
class ScoredTest:
    """A valid language result and its CLB/NCLC levels."""

    source: LanguageTest
    levels: LanguageLevels
    expires_on: date

    @property
    def test(self) -> str:
        return self.source.test

    @property
    def language(self) -> str:
        return self.levels.language

    def clb(self) -> dict[str, int]:
        return self.levels.as_dict()


@dataclass(frozen=True, slots=True)
class SpouseDerived:
    status: str  # "accompanying", "non_accompanying" or "canadian"
    education: str
    canadian_education: str
    language: ScoredTest | None
    canadian_work_years: int
    canadian_work_hours_ever: float  # any TEER, for FSW adaptability


@dataclass(frozen=True, slots=True)
class Derived:
    """Everything the engine derives from Facts on one date; `profile` feeds crs_score()."""

    as_of: date
    age: int
    spouse_status: str
    education: str
    canadian_education: str
    counted_credentials: tuple[Credential, ...]
    canadian_work_years: int
    foreign_work_years: int
    canadian_work_hours: float
    foreign_work_hours: float
    english: ScoredTest | None
    french: ScoredTest | None
    first_language: ScoredTest | None
    second_language: ScoredTest | None
    valid_tests: tuple[ScoredTest, ...]
    spouse: SpouseDerived | None
    arranged_employment: str
    profile: CrsProfile
    warnings: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """The "derived" object of shared/spec/assessment.md."""
        return {
            "age": self.age,
            "canadian_work_years": self.canadian_work_years,
            "foreign_work_years": self.foreign_work_years,
            "first_language": _lang_dict(self.first_language),
            "second_language": _lang_dict(self.second_language),
        }


# Built without their frozen __init__ in the hot path (unchecked.py), fields in order.
_scored = unchecked(ScoredTest)
_spouse_derived = unchecked(SpouseDerived)
_derived = unchecked(Derived)


def _lang_dict(t: ScoredTest | None) -> dict[str, Any] | None:
    return None if t is None else {"test": t.test, "clb": t.clb()}


# --- predicates -------------------------------------------------------------------------------


def counts_as_canadian(job: Job) -> bool:
    """Canadian experience (CRS, CEC): in Canada, paid, not self-employed, not as a full-time
    student, TEER 0-3."""
    return (
        job.country == "CA"
        and job.paid
        and not job.self_employed
        and not job.full_time_student
        and is_skilled(job.noc)
    )


def counts_as_foreign(job: Job) -> bool:
    """Foreign skilled experience (CRS): outside Canada, paid, TEER 0-3."""
    return job.country != "CA" and job.paid and is_skilled(job.noc)


def canadian_work_hours(
    jobs: tuple[Job, ...], as_of: date, years: int = CRS_WORK_WINDOW_YEARS
) -> float:
    start, end = window(as_of, years)
    return fte_hours([j for j in jobs if counts_as_canadian(j)], start, end)


def foreign_work_hours(
    jobs: tuple[Job, ...], as_of: date, years: int = CRS_WORK_WINDOW_YEARS
) -> float:
    start, end = window(as_of, years)
    return fte_hours([j for j in jobs if counts_as_foreign(j)], start, end)


# --- language ---------------------------------------------------------------------------------


def _said(who: str, reason: Reason) -> Reason:
    """The sentence as said about the spouse when `who` is "spouse: " (else as it is)."""
    return about_spouse(reason) if who else reason


_LEVELS: dict[tuple, LanguageLevels] = {}
_NUMBERS = frozenset({int, float})


def scored_levels(t: LanguageTest) -> LanguageLevels:
    """The CLB/NCLC levels of a result (ValueError if a score is off its scale).

    LanguageLevels are immutable, so one object per test and scores is remembered and shared
    (plain int/float scores only; the memo is emptied when it reaches 50,000 entries).
    """
    test = t.test
    scores = (t.listening, t.reading, t.writing, t.speaking)
    new_scale = test == "tef_canada" and t.taken_on >= TEF_NEW_SCALE_FROM
    key = (test, new_scale, *scores)
    levels = _LEVELS.get(key)
    if levels is not None and (
        type(scores[0]) in _NUMBERS
        and type(scores[1]) in _NUMBERS
        and type(scores[2]) in _NUMBERS
        and type(scores[3]) in _NUMBERS
    ):
        return levels
    levels = trusted_levels(test, *clb_levels(test, t.taken_on, scores), language_of(test))
    if len(_LEVELS) >= 50_000:
        _LEVELS.clear()
    _LEVELS[key] = levels
    return levels


def valid_tests(
    tests: tuple[LanguageTest, ...], as_of: date, who: str = ""
) -> tuple[list[ScoredTest], list[str]]:
    """Results usable on as_of (taken on/before it, < 2 years old) and warnings for the others."""
    ok: list[ScoredTest] = []
    warnings: list[str] = []
    for t in tests:
        taken = t.taken_on
        expires = language_test_expires_on(taken)
        if taken > as_of:
            warnings.append(_said(who, Reason("test.after_as_of", test=TEST_NAMES.get(t.test, t.test),
                                              day=taken.isoformat(), until=as_of.isoformat())))
            continue
        if as_of >= expires:
            warnings.append(_said(who, Reason("test.expired", test=TEST_NAMES.get(t.test, t.test),
                                              day=taken.isoformat(), expired=expires.isoformat(),
                                              years=str(LANGUAGE_TEST_VALID_YEARS))))
            continue
        if t.test == "pte_core" and taken < PTE_CORE_ACCEPTED_FROM:
            since = PTE_CORE_ACCEPTED_FROM.isoformat()
            warnings.append(_said(who, Reason("test.pte_core_too_early", test=TEST_NAMES[t.test],
                                              day=taken.isoformat(), since=since)))
            continue
        try:
            levels = scored_levels(t)
        except ValueError as exc:
            problem = exc.args[0] if exc.args and isinstance(exc.args[0], Reason) else str(exc)
            warnings.append(_said(who, Reason("test.not_counted", test=TEST_NAMES.get(t.test, t.test),
                                              day=taken.isoformat(), problem=problem)))
            continue
        ok.append(_scored(t, levels, expires))
    return ok, warnings


def _first_points(lv: LanguageLevels, spouse: int = 0) -> int:
    tab = FIRST_LANGUAGE_BY_CLB[spouse]
    return tab[lv.listening] + tab[lv.reading] + tab[lv.writing] + tab[lv.speaking]


def _best(tests: list[ScoredTest], points) -> ScoredTest | None:
    if not tests:
        return None
    if len(tests) == 1:
        return tests[0]

    def key(t: ScoredTest) -> tuple:
        lv = t.levels
        return (
            points(lv),
            lv.listening + lv.reading + lv.writing + lv.speaking,
            t.source.taken_on,
        )

    return max(tests, key=key)


def _spouse_points(lv: LanguageLevels) -> int:
    tab = SPOUSE_LANGUAGE_BY_CLB
    return tab[lv.listening] + tab[lv.reading] + tab[lv.writing] + tab[lv.speaking]


# --- education --------------------------------------------------------------------------------


def counted_credentials(
    creds: tuple[Credential, ...], as_of: date, who: str = ""
) -> tuple[list[Credential], list[str]]:
    """Credentials that count on as_of (see module doc for the ECA decision) and warnings."""
    out: list[Credential] = []
    warnings: list[str] = []
    for c in creds:
        if c.level not in _RANK:
            warnings.append(_said(who, Reason("education.unknown_level", education=repr(c.level))))
            continue
        if c.completed_on is not None and c.completed_on > as_of:
            continue
        if not c.canadian and c.level != "none":
            if c.eca_on is None:
                warnings.append(_said(who, Reason("eca.missing", credential=LEVEL_NAMES[c.level],
                                                  years=str(ECA_VALID_YEARS))))
            elif c.eca_on > as_of:
                warnings.append(_said(who, Reason("eca.after_as_of", credential=LEVEL_NAMES[c.level],
                                                  day=c.eca_on.isoformat(), until=as_of.isoformat())))
                continue
            else:
                expires = eca_expires_on(c.eca_on)
                if as_of >= expires:
                    warnings.append(_said(who, Reason("eca.expired", credential=LEVEL_NAMES[c.level],
                                                      day=expires.isoformat(), years=str(ECA_VALID_YEARS))))
                    continue
        out.append(c)
    return out, warnings


def highest_education(creds: list[Credential]) -> str:
    """Highest level, with two or more post-secondary credentials topped by a bachelor's (3+ years)
    counting as "two_or_more"."""
    if not creds:
        return "none"
    top = max(creds, key=lambda c: _RANK[c.level]).level
    if top == "bachelors" and sum(1 for c in creds if _RANK[c.level] >= _POST_SECONDARY) >= 2:
        return "two_or_more"
    return top


def canadian_education_level(creds: list[Credential]) -> str:
    """crs-profile.md canadian_education for the highest Canadian post-secondary credential."""
    ranks = [_RANK[c.level] for c in creds if c.canadian]
    best = max(ranks, default=-1)
    if best >= _RANK["bachelors"]:
        return "three_year_or_more"
    if best >= _POST_SECONDARY:
        return "one_or_two_year"
    return "none"


# --- main -------------------------------------------------------------------------------------


def arranged_employment(facts: Facts) -> str:
    """crs-profile.md arranged_employment from the job offer (1 year or more, TEER 0-3)."""
    offer = facts.job_offer
    if offer is None or offer.years < 1 or not is_skilled(offer.noc):
        return "none"
    return "teer_00" if offer.noc.startswith("00") else "other"


def _spouse(facts: Facts, as_of: date, warnings: list[str]) -> SpouseDerived | None:
    sp = facts.spouse
    partnered = facts.marital_status in PARTNERED_STATUSES
    if sp is None:
        if partnered:
            warnings.append(Reason("marital.no_spouse_details", status=facts.marital_status))
        return None
    if not partnered:
        warnings.append(Reason("marital.spouse_ignored", status=facts.marital_status))
        return None
    status = spouse_status(facts)
    creds, w = counted_credentials(sp.education, as_of, "spouse: ")
    tests, wt = valid_tests(sp.language_tests, as_of, "spouse: ")
    if status == "accompanying":
        warnings.extend(w)
        warnings.extend(wt)
    best = _best(tests, _spouse_points)
    start, end = window(as_of, 100)
    cdn_start, _ = window(as_of, CRS_WORK_WINDOW_YEARS)
    cdn_jobs, ever_jobs = [], []
    for j in sp.work_history:
        if j.country == "CA" and j.paid and not j.self_employed:
            ever_jobs.append(j)
            if not j.full_time_student and is_skilled(j.noc):
                cdn_jobs.append(j)
    return _spouse_derived(
        status,
        highest_education(creds),
        canadian_education_level(creds),
        best,
        whole_years(fte_hours(cdn_jobs, cdn_start, end)) if cdn_jobs else 0,
        fte_hours(ever_jobs, start, end) if ever_jobs else 0.0,
    )


def derive(facts: Facts, *, as_of: date) -> Derived:
    """All derived values as of a date (see module doc)."""
    return derive_scored(facts, as_of)[0]


def derive_scored(facts: Facts, as_of: date) -> tuple[Derived, CrsResult | None]:
    """derive(), and the CRS of its profile when choosing the language results needed it
    (None when there was a single candidate: the caller scores it)."""
    warnings: list[str] = []
    age = age_on(facts.date_of_birth, as_of)
    spouse = _spouse(facts, as_of, warnings)
    spouse_status = spouse.status if spouse is not None else "none"
    s = 1 if spouse_status == "accompanying" else 0

    creds, w = counted_credentials(facts.education, as_of)
    warnings.extend(w)
    education = highest_education(creds)
    cdn_edu = canadian_education_level(creds)

    tests, w = valid_tests(facts.language_tests, as_of)
    warnings.extend(w)
    start, end = window(as_of, CRS_WORK_WINDOW_YEARS)
    cdn_jobs, foreign_jobs = [], []
    for j in facts.work_history:
        if j.paid and is_skilled(j.noc):
            if j.country != "CA":
                foreign_jobs.append(j)
            elif not j.self_employed and not j.full_time_student:
                cdn_jobs.append(j)
    cdn_hours = fte_hours(cdn_jobs, start, end) if cdn_jobs else 0.0
    foreign_hours = fte_hours(foreign_jobs, start, end) if foreign_jobs else 0.0
    cdn_years = whole_years(cdn_hours)
    foreign_years = whole_years(foreign_hours)
    ae = arranged_employment(facts)

    sp_profile = None
    if spouse is not None and spouse_status == "accompanying":
        sp_profile = trusted_spouse(
            spouse.education,
            spouse.language.levels if spouse.language else None,
            spouse.canadian_work_years,
        )
    certificate = facts.certificate_of_qualification is not None
    capped_age = min(age, 150)

    def build(first: ScoredTest | None, second: ScoredTest | None) -> CrsProfile:
        return trusted_profile(
            capped_age,
            spouse_status,
            education,
            first.levels if first else None,
            second.levels if second else None,
            cdn_years,
            foreign_years,
            certificate,
            facts.provincial_nomination,
            ae,
            cdn_edu,
            facts.sibling_in_canada,
            sp_profile,
        )

    # Every combination of one result per language, in both designations: the highest total
    # wins (then the higher first-language points, English first, the newer results).
    english_tests: list[ScoredTest | None] = []
    french_tests: list[ScoredTest | None] = []
    for t in tests:
        (english_tests if t.levels.language == "en" else french_tests).append(t)
    if len(english_tests) + len(french_tests) <= 1:  # a single candidate: nothing to compare
        first = english_tests[0] if english_tests else french_tests[0] if french_tests else None
        second = None
        profile = build(first, None)
        crs = None
    else:
        english_tests = english_tests or [None]
        french_tests = french_tests or [None]
        best_key = None
        first = second = None
        profile = None
        for en in english_tests:
            for fr in french_tests:
                orders = (
                    [(en, fr), (fr, en)]
                    if en is not None and fr is not None
                    else [(en or fr, None)]
                )
                for a, b in orders:
                    candidate = build(a, b)
                    scored = crs_score(candidate, as_of=as_of)
                    key = (
                        scored.total,
                        _first_points(a.levels, s) if a is not None else -1,
                        a is not None and a.language == "en",
                        a.source.taken_on if a is not None else date.min,
                        b.source.taken_on if b is not None else date.min,
                    )
                    if best_key is None or key > best_key:
                        best_key, first, second, profile, crs = key, a, b, candidate, scored
    english = french = None
    if first is not None:
        if first.levels.language == "en":
            english = first
        else:
            french = first
    if second is not None:
        if second.levels.language == "en":
            english = english or second
        else:
            french = french or second

    derived = _derived(
        as_of,
        age,
        spouse_status,
        education,
        cdn_edu,
        tuple(creds),
        profile.canadian_work_years,
        profile.foreign_work_years,
        cdn_hours,
        foreign_hours,
        english,
        french,
        first,
        second,
        tuple(tests),
        spouse,
        ae,
        profile,
        tuple(warnings),
    )
    return derived, crs


def crs_profile_from_facts(facts: Facts, as_of: date) -> CrsProfile:
    """The CrsProfile of the facts as of a date."""
    return derive(facts, as_of=as_of).profile
