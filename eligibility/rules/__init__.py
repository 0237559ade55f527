"""ITA Desk Express Entry rules engine: pure Python, no Django, no I/O.

This package's names are the engine's public face: the Django side imports only these
(`from eligibility.rules import assess, crs_maxima`), never a module inside the package.
The engine's own tests may reach the modules they test.

Entry points (see each module's docstring for the rules and decisions):

    assess(facts, *, as_of, categories) -> Assessment          (assessment.md)
    assess_json(data, *, today, categories, known_nocs) -> dict  the `assess` command's document
    crs_score(profile, *, as_of) -> CrsResult                   (crs-profile.md)
    crs_score_json(data, *, today) -> dict                      the `crs_score` command's document
    crs_profile_from_facts(facts, as_of) -> CrsProfile          the CRS input of recorded facts
    facts_from_json(data, *, known_nocs=None) -> Facts          raises SpecError
    as_of_from_json(data, *, default) -> date                   raises SpecError
    what_if(facts, *, as_of, categories) -> list[WhatIf]
    score_changes_ahead(facts, *, as_of, categories, horizon_days=365) -> list[ScoreChange]

Facts of Express Entry, each defined once in the engine and read everywhere else:

    crs_maxima(rules, *, with_spouse) -> CrsMaxima, CRS_SECTIONS, CRS_MAX_TOTAL   (maxima.py)
    FSW_PASS_MARK, FSW_GRID_MAX                                                 (programs.py)
    spouse_is_scored(facts), PARTNERED_STATUSES, PROGRAMS, FRENCH_TESTS          (facts.py)
    LANGUAGE_TEST_VALID_YEARS, ECA_VALID_YEARS, PROFILE_VALID_MONTHS and
    language_test_expires_on / eca_expires_on / profile_expires_on              (validity.py)
    in_force(period, day), categories_in_force(periods, day)                    (categories.py)
    open_round_types(assessment, *, provincial_nomination), round_type_key      (rounds.py)
    score_range(test, ability, taken_on), TEF_NEW_SCALE_FROM                     (clb.py)
    TEST_NAMES, LEVEL_NAMES: the names the engine's sentences use               (derive.py)
    add_years(day, years): the engine's calendar arithmetic                     (dates.py)

Vocabularies, as namespaces: `verdict` (ELIGIBLE, NOT_ELIGIBLE, CANNOT_JUDGE, of(); status.py)
and `reasons` (Reason, TEMPLATES, parse(); reasons.py).

Speed (the nightly refresh assesses every client): assess() derives once and shares it with the
programs and categories; the facts' jobs are grouped once per part; objects are built without
re-validating values valid by construction (unchecked.py); pure, immutable results are
remembered in small bounded memos (CLB conversions, LanguageLevels, proof-of-funds texts, and
category results that depend only on the rule, the date, whether a program is met and the French
reason). met_on jumps to the day the experience is reached (work.accrual_date) and re-checks the
program once. Every result is checked against eligibility/tests/data/assess_golden.json.
"""

from . import reasons
from . import status as verdict
from .assess import Assessment, assess, assess_json, facts_from_json
from .categories import categories_in_force, in_force
from .clb import TEF_NEW_SCALE_FROM, score_range
from .crs import crs_score, crs_score_json
from .dates import add_years
from .derive import LEVEL_NAMES, TEST_NAMES, crs_profile_from_facts
from .facts import (
    FRENCH_TESTS,
    PARTNERED_STATUSES,
    PROGRAMS,
    CategoryRule,
    Certificate,
    Credential,
    Facts,
    Job,
    JobOffer,
    LanguageTest,
    Spouse,
    spouse_is_scored,
)
from .maxima import CRS_MAX_TOTAL, CRS_SECTIONS, CrsMaxima, crs_maxima
from .programs import FSW_GRID_MAX, FSW_PASS_MARK
from .reasons import Reason
from .rounds import open_round_types, round_type_key
from .spec import SpecError, as_of_from_json
from .status import CANNOT_JUDGE, ELIGIBLE, NOT_ELIGIBLE
from .validity import (
    ECA_VALID_YEARS,
    LANGUAGE_TEST_VALID_YEARS,
    PROFILE_VALID_MONTHS,
    eca_expires_on,
    language_test_expires_on,
    profile_expires_on,
)
from .whatif import score_changes_ahead, what_if

__all__ = [
    # entry points
    "as_of_from_json",
    "assess",
    "assess_json",
    "crs_profile_from_facts",
    "crs_score",
    "crs_score_json",
    "facts_from_json",
    "score_changes_ahead",
    "what_if",
    # types in and out
    "Assessment",
    "CategoryRule",
    "Certificate",
    "Credential",
    "CrsMaxima",
    "Facts",
    "Job",
    "JobOffer",
    "LanguageTest",
    "Reason",
    "SpecError",
    "Spouse",
    # facts of Express Entry
    "CRS_MAX_TOTAL",
    "CRS_SECTIONS",
    "ECA_VALID_YEARS",
    "FRENCH_TESTS",
    "FSW_GRID_MAX",
    "FSW_PASS_MARK",
    "LANGUAGE_TEST_VALID_YEARS",
    "LEVEL_NAMES",
    "PARTNERED_STATUSES",
    "PROFILE_VALID_MONTHS",
    "PROGRAMS",
    "TEF_NEW_SCALE_FROM",
    "TEST_NAMES",
    "add_years",
    "categories_in_force",
    "crs_maxima",
    "eca_expires_on",
    "in_force",
    "language_test_expires_on",
    "open_round_types",
    "profile_expires_on",
    "round_type_key",
    "score_range",
    "spouse_is_scored",
    # vocabularies
    "CANNOT_JUDGE",
    "ELIGIBLE",
    "NOT_ELIGIBLE",
    "reasons",
    "verdict",
]
