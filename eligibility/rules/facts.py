"""The facts the engine reads: what a consultant records from documents.

Frozen dataclasses mirroring ../shared/spec/assessment.md (input). The engine
derives everything else (age, CLB levels, years of work) as of a date.
No Django, no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

EDUCATION_LEVELS = (
    "none",
    "secondary",
    "one_year",
    "two_year",
    "bachelors",
    "two_or_more",
    "masters",
    "doctoral",
)
ENGLISH_TESTS = ("ielts_general", "celpip_general", "pte_core")
FRENCH_TESTS = ("tef_canada", "tcf_canada")
LANGUAGE_TESTS = ENGLISH_TESTS + FRENCH_TESTS
MARITAL_STATUSES = ("single", "married", "common_law", "separated", "divorced", "widowed")
# The three Express Entry programs, in the order every page and report lists them.
PROGRAMS = ("fsw", "cec", "fstp")
# The marital statuses whose spouse or partner details count (the others ignore them).
PARTNERED_STATUSES = ("married", "common_law")
ABILITIES = ("listening", "reading", "writing", "speaking")


@dataclass(frozen=True)
class LanguageTest:
    test: str  # one of LANGUAGE_TESTS
    taken_on: date
    listening: float
    reading: float
    writing: float
    speaking: float


@dataclass(frozen=True)
class Credential:
    level: str  # one of EDUCATION_LEVELS
    canadian: bool = False
    completed_on: date | None = None
    eca_on: date | None = None  # educational credential assessment date (valid 5 years)


@dataclass(frozen=True)
class Job:
    noc: str  # NOC 2021 unit group, 5 digits; TEER is the second digit
    country: str  # ISO 3166 alpha-2; "CA" is Canada
    start: date
    end: date | None  # None: ongoing up to as_of
    hours_per_week: float
    paid: bool = True
    self_employed: bool = False
    full_time_student: bool = False


@dataclass(frozen=True)
class Spouse:
    accompanying: bool
    canadian_citizen_or_pr: bool
    education: tuple[Credential, ...] = ()
    language_tests: tuple[LanguageTest, ...] = ()
    work_history: tuple[Job, ...] = ()


@dataclass(frozen=True)
class Certificate:
    noc: str
    province: str


@dataclass(frozen=True)
class JobOffer:
    noc: str
    years: int = 1


@dataclass(frozen=True)
class Facts:
    date_of_birth: date
    marital_status: str = "single"
    spouse: Spouse | None = None
    education: tuple[Credential, ...] = ()
    language_tests: tuple[LanguageTest, ...] = ()
    work_history: tuple[Job, ...] = ()
    certificate_of_qualification: Certificate | None = None
    provincial_nomination: bool = False
    job_offer: JobOffer | None = None
    sibling_in_canada: bool = False
    family_size: int = 1
    settlement_funds_cad: int | None = None
    profile_submitted_on: date | None = None  # Express Entry profile (expires after 12 months)


@dataclass(frozen=True)
class CategoryRule:
    """A draw category in force for a period, as loaded from draws.Category.

    experience_rule is an id of categories.json's experience_rules
    ("occupation_2023_2025", "occupation_2026", "canadian_experience_2026",
    "skilled_military_2026") or "language" for French-language proficiency.
    """

    slug: str
    name: str
    effective_from: date
    effective_to: date | None
    experience_rule: str
    nocs: frozenset[str] = field(default_factory=frozenset)
    list_unconfirmed: bool = False


def spouse_status(facts: Facts) -> str:
    """How the spouse counts (crs.SPOUSE_STATUSES): "none" (no spouse details, or a marital
    status without a partner), "canadian" (a Canadian citizen or permanent resident),
    "accompanying" or "non_accompanying"."""
    sp = facts.spouse
    if sp is None or facts.marital_status not in PARTNERED_STATUSES:
        return "none"
    if sp.canadian_citizen_or_pr:
        return "canadian"
    return "accompanying" if sp.accompanying else "non_accompanying"


def spouse_is_scored(facts: Facts) -> bool:
    """True when the CRS's with-spouse columns apply (MI s.10-18): married or common-law, the
    spouse's details recorded, accompanying, and not a Canadian citizen or permanent resident."""
    return spouse_status(facts) == "accompanying"
