"""CRS point tables and rule sets (Ministerial Instructions respecting Express Entry, s.11-30).

Literal copies of shared/reference/crs-tables.json (express-entry.md sections 2-3); the tests
compare them row by row with eligibility/data/crs-tables.json. Below the literals, flat tuples
are precomputed for crs.py's hot path (index = CLB level, years or age; column 0 = without
spouse, 1 = with spouse).
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from datetime import date
from types import MappingProxyType

from .facts import EDUCATION_LEVELS

# --- Core / human capital (MI s.11-15) ------------------------------------------------------

# (age, with_spouse, without_spouse); 17 means 17 or younger, 45 means 45 or older.
AGE_ROWS: tuple[tuple[int, int, int], ...] = (
    (17, 0, 0),
    (18, 90, 99),
    (19, 95, 105),
    (20, 100, 110),
    (21, 100, 110),
    (22, 100, 110),
    (23, 100, 110),
    (24, 100, 110),
    (25, 100, 110),
    (26, 100, 110),
    (27, 100, 110),
    (28, 100, 110),
    (29, 100, 110),
    (30, 95, 105),
    (31, 90, 99),
    (32, 85, 94),
    (33, 80, 88),
    (34, 75, 83),
    (35, 70, 77),
    (36, 65, 72),
    (37, 60, 66),
    (38, 55, 61),
    (39, 50, 55),
    (40, 45, 50),
    (41, 35, 39),
    (42, 25, 28),
    (43, 15, 17),
    (44, 5, 6),
    (45, 0, 0),
)

# level -> (with_spouse, without_spouse)
EDUCATION: MappingProxyType[str, tuple[int, int]] = MappingProxyType(
    {
        "none": (0, 0),
        "secondary": (28, 30),
        "one_year": (84, 90),
        "two_year": (91, 98),
        "bachelors": (112, 120),
        "two_or_more": (119, 128),
        "masters": (126, 135),
        "doctoral": (140, 150),
    }
)

# (clb_min, clb_max or None for open-ended, with_spouse, without_spouse), per ability
FIRST_LANGUAGE_ROWS: tuple[tuple[int, int | None, int, int], ...] = (
    (10, None, 32, 34),
    (9, 9, 29, 31),
    (8, 8, 22, 23),
    (7, 7, 16, 17),
    (6, 6, 8, 9),
    (4, 5, 6, 6),
    (0, 3, 0, 0),
)
SECOND_LANGUAGE_ROWS: tuple[tuple[int, int | None, int, int], ...] = (
    (9, None, 6, 6),
    (7, 8, 3, 3),
    (5, 6, 1, 1),
    (0, 4, 0, 0),
)
SECOND_LANGUAGE_CAP = MappingProxyType({"with_spouse": 22, "without_spouse": 24})

# (years, with_spouse, without_spouse); 5 means 5 or more
CANADIAN_WORK_ROWS: tuple[tuple[int, int, int], ...] = (
    (0, 0, 0),
    (1, 35, 40),
    (2, 46, 53),
    (3, 56, 64),
    (4, 63, 72),
    (5, 70, 80),
)

# --- Spouse or common-law partner factors (MI s.16-18; accompanying, non-citizen/PR) ---------

SPOUSE_EDUCATION = MappingProxyType(
    {
        "none": 0,
        "secondary": 2,
        "one_year": 6,
        "two_year": 7,
        "bachelors": 8,
        "two_or_more": 9,
        "masters": 10,
        "doctoral": 10,
    }
)
# (clb_min, clb_max, points) per ability of the spouse's first official language
SPOUSE_LANGUAGE_ROWS: tuple[tuple[int, int | None, int], ...] = (
    (9, None, 5),
    (7, 8, 3),
    (5, 6, 1),
    (0, 4, 0),
)
SPOUSE_CANADIAN_WORK_ROWS: tuple[tuple[int, int], ...] = (
    (0, 0),
    (1, 5),
    (2, 7),
    (3, 8),
    (4, 9),
    (5, 10),
)

# --- Skill transferability (MI s.19-25) -------------------------------------------------------

TRANSFER_EDUCATION_CLASS = MappingProxyType(
    {
        "none": "none",
        "secondary": "none",
        "one_year": "post_secondary_1yr_plus",
        "two_year": "post_secondary_1yr_plus",
        "bachelors": "post_secondary_1yr_plus",
        "two_or_more": "two_or_more_or_masters_or_phd",
        "masters": "two_or_more_or_masters_or_phd",
        "doctoral": "two_or_more_or_masters_or_phd",
    }
)
TRANSFER_EDUCATION_LANGUAGE = MappingProxyType(
    {
        "none": {"clb7_all_some_below_9": 0, "clb9_all": 0},
        "post_secondary_1yr_plus": {"clb7_all_some_below_9": 13, "clb9_all": 25},
        "two_or_more_or_masters_or_phd": {"clb7_all_some_below_9": 25, "clb9_all": 50},
    }
)
TRANSFER_EDUCATION_CANADIAN_WORK = MappingProxyType(
    {
        "none": {"cdn_1yr": 0, "cdn_2yr_plus": 0},
        "post_secondary_1yr_plus": {"cdn_1yr": 13, "cdn_2yr_plus": 25},
        "two_or_more_or_masters_or_phd": {"cdn_1yr": 25, "cdn_2yr_plus": 50},
    }
)
FOREIGN_WORK_CLASS = MappingProxyType(
    {"0": "none", "1": "1_or_2_years", "2": "1_or_2_years", "3+": "3_years_plus"}
)
TRANSFER_FOREIGN_LANGUAGE = MappingProxyType(
    {
        "none": {"clb7_all_some_below_9": 0, "clb9_all": 0},
        "1_or_2_years": {"clb7_all_some_below_9": 13, "clb9_all": 25},
        "3_years_plus": {"clb7_all_some_below_9": 25, "clb9_all": 50},
    }
)
TRANSFER_FOREIGN_CANADIAN_WORK = MappingProxyType(
    {
        "none": {"cdn_1yr": 0, "cdn_2yr_plus": 0},
        "1_or_2_years": {"cdn_1yr": 13, "cdn_2yr_plus": 25},
        "3_years_plus": {"cdn_1yr": 25, "cdn_2yr_plus": 50},
    }
)
CERTIFICATE = MappingProxyType({"clb5_all_some_below_7": 25, "clb7_all": 50})
TRANSFER_GROUP_CAP = 50
TRANSFER_CAP = 100

# --- Additional points and rule sets (MI s.26-30) ---------------------------------------------

ADDITIONAL_CAP = 600
SPOUSE_FACTORS_CAP = 40


@dataclass(frozen=True, slots=True)
class RuleSet:
    """Additional-points values in force for a period (crs-tables.json rule_sets[]).

    arranged_employment and canadian_education are keyed by the crs-profile.md enums.
    french = (bonus with English CLB 4 or lower / no English, bonus with English CLB 5+ all).
    """

    id: str
    effective_from: date
    effective_to: date | None
    provincial_nomination: int
    arranged_employment: MappingProxyType[str, int]
    canadian_education: MappingProxyType[str, int]
    french: tuple[int, int]
    sibling: int


def _m(**kw: int) -> MappingProxyType[str, int]:
    return MappingProxyType(kw)


_NO_CDN_EDU = _m(none=0, one_or_two_year=0, three_year_or_more=0)
_CDN_EDU = _m(none=0, one_or_two_year=15, three_year_or_more=30)
_AE_2016 = _m(none=0, teer_00=200, other=50)

RULE_SETS: tuple[RuleSet, ...] = (
    # Launch: 600 for a PN or an LMIA-backed job offer; nothing else.
    RuleSet(
        "2015-01-01",
        date(2015, 1, 1),
        date(2016, 11, 18),
        600,
        _m(none=0, teer_00=600, other=600),
        _NO_CDN_EDU,
        (0, 0),
        0,
    ),
    # Job offer 200/50, Canadian education 15/30.
    RuleSet("2016-11-19", date(2016, 11, 19), date(2017, 6, 5), 600, _AE_2016, _CDN_EDU, (0, 0), 0),
    # French bonus 15/30 and sibling 15.
    RuleSet(
        "2017-06-06", date(2017, 6, 6), date(2020, 10, 19), 600, _AE_2016, _CDN_EDU, (15, 30), 15
    ),
    # French bonus 25/50 (IRCC: "as of October 20, 2020"; announced 2020-10-27).
    RuleSet(
        "2020-10-20", date(2020, 10, 20), date(2025, 3, 24), 600, _AE_2016, _CDN_EDU, (25, 50), 15
    ),
    # Arranged-employment points removed.
    RuleSet(
        "2025-03-25",
        date(2025, 3, 25),
        None,
        600,
        _m(none=0, teer_00=0, other=0),
        _CDN_EDU,
        (25, 50),
        15,
    ),
)
EXPRESS_ENTRY_START = RULE_SETS[0].effective_from
_STARTS = tuple(r.effective_from for r in RULE_SETS)


def rule_set_for(as_of: date) -> RuleSet:
    """The CRS rule set in force on a date (ValueError before Express Entry began, 2015-01-01)."""
    i = bisect_right(_STARTS, as_of) - 1
    if i < 0:
        raise ValueError(f"Express Entry began on {EXPRESS_ENTRY_START.isoformat()}; no CRS before")
    return RULE_SETS[i]


# --- Precomputed lookups for the hot path (built once at import) ------------------------------

MAX_CLB = 12  # the CLB scale ends at 12; points stop rising at 10


def _by_level(rows, col: int, top: int) -> tuple[int, ...]:
    out = []
    for level in range(top + 1):
        for row in rows:
            if level >= row[0] and (row[1] is None or level <= row[1]):
                out.append(row[col])
                break
    return tuple(out)


# [spouse][clb] with spouse = 1 (the JSON column order is with, without; ours is 0=without)
FIRST_LANGUAGE_BY_CLB = (
    _by_level(FIRST_LANGUAGE_ROWS, 3, MAX_CLB),
    _by_level(FIRST_LANGUAGE_ROWS, 2, MAX_CLB),
)
SECOND_LANGUAGE_BY_CLB = (
    _by_level(SECOND_LANGUAGE_ROWS, 3, MAX_CLB),
    _by_level(SECOND_LANGUAGE_ROWS, 2, MAX_CLB),
)
SECOND_LANGUAGE_CAP_BY_SPOUSE = (
    SECOND_LANGUAGE_CAP["without_spouse"],
    SECOND_LANGUAGE_CAP["with_spouse"],
)
SPOUSE_LANGUAGE_BY_CLB = _by_level(SPOUSE_LANGUAGE_ROWS, 2, MAX_CLB)

MAX_AGE_INDEX = AGE_ROWS[-1][0]
AGE_BY_YEARS = (
    tuple(next(r[2] for r in AGE_ROWS if r[0] == max(17, a)) for a in range(MAX_AGE_INDEX + 1)),
    tuple(next(r[1] for r in AGE_ROWS if r[0] == max(17, a)) for a in range(MAX_AGE_INDEX + 1)),
)
CANADIAN_WORK_BY_YEARS = (
    tuple(r[2] for r in CANADIAN_WORK_ROWS),
    tuple(r[1] for r in CANADIAN_WORK_ROWS),
)
SPOUSE_CANADIAN_WORK_BY_YEARS = tuple(r[1] for r in SPOUSE_CANADIAN_WORK_ROWS)
EDUCATION_BY_LEVEL = MappingProxyType({k: (v[1], v[0]) for k, v in EDUCATION.items()})

# Transferability: condition index 0 = not met, 1 = lower band, 2 = upper band.
_EDU_CLASSES = ("none", "post_secondary_1yr_plus", "two_or_more_or_masters_or_phd")
_FOREIGN_CLASSES = ("none", "1_or_2_years", "3_years_plus")
EDUCATION_CLASS_INDEX = MappingProxyType(
    {lvl: _EDU_CLASSES.index(TRANSFER_EDUCATION_CLASS[lvl]) for lvl in EDUCATION_LEVELS}
)
TRANSFER_EDU_LANG = tuple(
    (
        0,
        TRANSFER_EDUCATION_LANGUAGE[c]["clb7_all_some_below_9"],
        TRANSFER_EDUCATION_LANGUAGE[c]["clb9_all"],
    )
    for c in _EDU_CLASSES
)
TRANSFER_EDU_CDN = tuple(
    (
        0,
        TRANSFER_EDUCATION_CANADIAN_WORK[c]["cdn_1yr"],
        TRANSFER_EDUCATION_CANADIAN_WORK[c]["cdn_2yr_plus"],
    )
    for c in _EDU_CLASSES
)
TRANSFER_FOREIGN_LANG = tuple(
    (
        0,
        TRANSFER_FOREIGN_LANGUAGE[c]["clb7_all_some_below_9"],
        TRANSFER_FOREIGN_LANGUAGE[c]["clb9_all"],
    )
    for c in _FOREIGN_CLASSES
)
TRANSFER_FOREIGN_CDN = tuple(
    (
        0,
        TRANSFER_FOREIGN_CANADIAN_WORK[c]["cdn_1yr"],
        TRANSFER_FOREIGN_CANADIAN_WORK[c]["cdn_2yr_plus"],
    )
    for c in _FOREIGN_CLASSES
)
CERTIFICATE_BY_CONDITION = (0, CERTIFICATE["clb5_all_some_below_7"], CERTIFICATE["clb7_all"])
