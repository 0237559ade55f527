"""ITA Desk Express Entry rules engine: pure Python, no Django, no I/O.

Public entry points (see each module's docstring for the rules and decisions):

    assess(facts, *, as_of, categories) -> Assessment          (assessment.md)
    crs_score(profile, *, as_of) -> CrsResult                   (crs-profile.md)
    facts_from_json(data, *, known_nocs=None) -> Facts          raises SpecError
    crs_profile_from_json(data, *, as_of=None) -> CrsProfile    raises SpecError
    as_of_from_json(data, *, default) -> date                   raises SpecError
    what_if(facts, *, as_of, categories) -> list[WhatIf]
    score_changes_ahead(facts, *, as_of, categories, horizon_days=365) -> list[ScoreChange]

Speed (the nightly refresh assesses every client): assess() derives once and shares it with the
programs and categories; the facts' jobs are grouped once per part; objects are built without
re-validating values valid by construction (unchecked.py); pure, immutable results are
remembered in small bounded memos (CLB conversions, LanguageLevels, proof-of-funds texts, and
category results that depend only on the rule, the date, whether a program is met and the French
reason). met_on jumps to the day the experience is reached (work.accrual_date) and re-checks the
program once. Every result is checked against eligibility/tests/data/assess_golden.json.
"""

from .assess import Assessment, assess, assess_json, facts_from_json
from .categories import CategoryResult, categories_in_force, category_results, in_force
from .clb import clb_for, levels
from .crs import (
    CrsProfile,
    CrsResult,
    LanguageLevels,
    SpouseProfile,
    crs_profile_from_json,
    crs_score,
    crs_score_json,
)
from .derive import Derived, ScoredTest, SpouseDerived, crs_profile_from_facts, derive
from .facts import (
    ABILITIES,
    EDUCATION_LEVELS,
    ENGLISH_TESTS,
    FRENCH_TESTS,
    LANGUAGE_TESTS,
    MARITAL_STATUSES,
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
    spouse_status,
)
from .maxima import CRS_MAX_TOTAL, CRS_SECTIONS, CrsMaxima, crs_maxima
from .programs import FSW_PASS_MARK, ProgramResult, ProgramResults, cec, fstp, fsw, program_results
from .rounds import PROGRAM_ROUND_TYPES, open_round_types, round_type_key
from .spec import SpecError, as_of_from_json
from .status import CANNOT_JUDGE, ELIGIBLE, NOT_ELIGIBLE, STATUSES
from .tables import RuleSet, rule_set_for
from .validity import (
    ECA_VALID_YEARS,
    LANGUAGE_TEST_VALID_YEARS,
    PROFILE_VALID_MONTHS,
    eca_expires_on,
    language_test_expires_on,
    profile_expires_on,
)
from .whatif import ScoreChange, WhatIf, score_changes_ahead, what_if

__all__ = [
    "CRS_MAX_TOTAL",
    "CRS_SECTIONS",
    "CrsMaxima",
    "crs_maxima",
    "FSW_PASS_MARK",
    "PROGRAM_ROUND_TYPES",
    "open_round_types",
    "round_type_key",
    "ECA_VALID_YEARS",
    "LANGUAGE_TEST_VALID_YEARS",
    "PROFILE_VALID_MONTHS",
    "eca_expires_on",
    "language_test_expires_on",
    "profile_expires_on",
    "PARTNERED_STATUSES",
    "PROGRAMS",
    "spouse_is_scored",
    "spouse_status",
    "categories_in_force",
    "in_force",
    "ABILITIES",
    "CANNOT_JUDGE",
    "ELIGIBLE",
    "NOT_ELIGIBLE",
    "STATUSES",
    "EDUCATION_LEVELS",
    "ENGLISH_TESTS",
    "FRENCH_TESTS",
    "LANGUAGE_TESTS",
    "MARITAL_STATUSES",
    "Assessment",
    "CategoryResult",
    "CategoryRule",
    "Certificate",
    "Credential",
    "CrsProfile",
    "CrsResult",
    "Derived",
    "Facts",
    "Job",
    "JobOffer",
    "LanguageLevels",
    "LanguageTest",
    "ProgramResult",
    "ProgramResults",
    "RuleSet",
    "ScoreChange",
    "ScoredTest",
    "SpecError",
    "Spouse",
    "SpouseDerived",
    "SpouseProfile",
    "WhatIf",
    "as_of_from_json",
    "assess",
    "assess_json",
    "category_results",
    "cec",
    "clb_for",
    "crs_profile_from_facts",
    "crs_profile_from_json",
    "crs_score",
    "crs_score_json",
    "derive",
    "facts_from_json",
    "fstp",
    "fsw",
    "levels",
    "program_results",
    "rule_set_for",
    "score_changes_ahead",
    "what_if",
]
