"""Designated language tests -> CLB (English) / NCLC (French), per ability.

Source: IRCC language-equivalency charts as compiled in shared/reference/clb-conversion.json
(express-entry.md section 4). The tables below are Python literals; the tests check them row by
row against eligibility/data/clb-conversion.json.

Decisions:

* A score below the CLB 4 row is returned as **0** ("below CLB 4"). CRS gives 0 points for
  CLB 0-3 anyway and every program minimum is CLB 4 or higher, so 0 and 3 are equivalent here.
* TEF Canada switched to the 0-699 scale in December 2023. The exact switchover date is
  UNCONFIRMED; we use **tests taken on or after 2023-12-11** for the new scale and the old
  scale (listening 0-360, reading 0-300, writing/speaking 0-450) before that.
* Scores are validated: IELTS in 0.5 steps within 0-9, the other tests whole numbers within their
  scale; anything else raises ValueError. CELPIP "M" is accepted as 0.
* PTE Core is accepted for Express Entry only for tests taken on/after 2024-01-30; clb_for()
  converts any date (derive.py ignores earlier PTE Core results with a warning).
"""

from __future__ import annotations

from datetime import date
from types import MappingProxyType

from .facts import ABILITIES, ENGLISH_TESTS, FRENCH_TESTS, LanguageTest
from .reasons import Reason

TEF_NEW_SCALE_FROM = date(2023, 12, 11)  # UNCONFIRMED switchover ("December 2023")
PTE_CORE_ACCEPTED_FROM = date(2024, 1, 30)

# (clb, (listening min, max), (reading min, max), (writing min, max), (speaking min, max))
Row = tuple[int, tuple[float, float], tuple[float, float], tuple[float, float], tuple[float, float]]

IELTS_GENERAL: tuple[Row, ...] = (
    (10, (8.5, 9.0), (8.0, 9.0), (7.5, 9.0), (7.5, 9.0)),
    (9, (8.0, 8.0), (7.0, 7.5), (7.0, 7.0), (7.0, 7.0)),
    (8, (7.5, 7.5), (6.5, 6.5), (6.5, 6.5), (6.5, 6.5)),
    (7, (6.0, 7.0), (6.0, 6.0), (6.0, 6.0), (6.0, 6.0)),
    (6, (5.5, 5.5), (5.0, 5.5), (5.5, 5.5), (5.5, 5.5)),
    (5, (5.0, 5.0), (4.0, 4.5), (5.0, 5.0), (5.0, 5.0)),
    (4, (4.5, 4.5), (3.5, 3.5), (4.0, 4.5), (4.0, 4.5)),
)
CELPIP_GENERAL: tuple[Row, ...] = (
    (10, (10, 12), (10, 12), (10, 12), (10, 12)),
    (9, (9, 9), (9, 9), (9, 9), (9, 9)),
    (8, (8, 8), (8, 8), (8, 8), (8, 8)),
    (7, (7, 7), (7, 7), (7, 7), (7, 7)),
    (6, (6, 6), (6, 6), (6, 6), (6, 6)),
    (5, (5, 5), (5, 5), (5, 5), (5, 5)),
    (4, (4, 4), (4, 4), (4, 4), (4, 4)),
)
PTE_CORE: tuple[Row, ...] = (
    (10, (89, 90), (88, 90), (90, 90), (89, 90)),
    (9, (82, 88), (78, 87), (88, 89), (84, 88)),
    (8, (71, 81), (69, 77), (79, 87), (76, 83)),
    (7, (60, 70), (60, 68), (69, 78), (68, 75)),
    (6, (50, 59), (51, 59), (60, 68), (59, 67)),
    (5, (39, 49), (42, 50), (51, 59), (51, 58)),
    (4, (28, 38), (33, 41), (41, 50), (42, 50)),
)
TEF_CANADA_NEW_SCALE: tuple[Row, ...] = (
    (10, (546, 699), (546, 699), (558, 699), (556, 699)),
    (9, (503, 545), (503, 545), (512, 557), (518, 555)),
    (8, (462, 502), (462, 502), (472, 511), (494, 517)),
    (7, (434, 461), (434, 461), (428, 471), (456, 493)),
    (6, (393, 433), (393, 433), (379, 427), (422, 455)),
    (5, (352, 392), (352, 392), (330, 378), (387, 421)),
    (4, (306, 351), (306, 351), (268, 329), (328, 386)),
)
TEF_CANADA_OLD_SCALE: tuple[Row, ...] = (
    (10, (316, 360), (263, 300), (393, 450), (393, 450)),
    (9, (298, 315), (248, 262), (371, 392), (371, 392)),
    (8, (280, 297), (233, 247), (349, 370), (349, 370)),
    (7, (249, 279), (207, 232), (310, 348), (310, 348)),
    (6, (217, 248), (181, 206), (271, 309), (271, 309)),
    (5, (181, 216), (151, 180), (226, 270), (226, 270)),
    (4, (145, 180), (121, 150), (181, 225), (181, 225)),
)
TCF_CANADA: tuple[Row, ...] = (
    (10, (549, 699), (549, 699), (16, 20), (16, 20)),
    (9, (523, 548), (524, 548), (14, 15), (14, 15)),
    (8, (503, 522), (499, 523), (12, 13), (12, 13)),
    (7, (458, 502), (453, 498), (10, 11), (10, 11)),
    (6, (398, 457), (406, 452), (7, 9), (7, 9)),
    (5, (369, 397), (375, 405), (6, 6), (6, 6)),
    (4, (331, 368), (342, 374), (4, 5), (4, 5)),
)

TABLES = MappingProxyType(
    {
        "ielts_general": IELTS_GENERAL,
        "celpip_general": CELPIP_GENERAL,
        "pte_core": PTE_CORE,
        "tef_canada_new_scale": TEF_CANADA_NEW_SCALE,
        "tef_canada_old_scale": TEF_CANADA_OLD_SCALE,
        "tcf_canada": TCF_CANADA,
    }
)

# Lowest valid score per ability (scale minimum). PTE Core reports 10-90.
_SCALE_MIN = {"pte_core": 10.0}
_HALF_BANDS = frozenset({"ielts_general"})


def _ability_index(ability: str) -> int:
    try:
        return ABILITIES.index(ability) + 1
    except ValueError:
        raise ValueError(
            f"unknown ability {ability!r}; expected one of {', '.join(ABILITIES)}"
        ) from None


def table_for(test: str, taken_on: date) -> tuple[Row, ...]:
    """Conversion rows for a test taken on a date (TEF Canada: scale by date, see module doc)."""
    if test == "tef_canada":
        return TEF_CANADA_NEW_SCALE if taken_on >= TEF_NEW_SCALE_FROM else TEF_CANADA_OLD_SCALE
    try:
        return TABLES[test]
    except KeyError:
        known = ", ".join(ENGLISH_TESTS + FRENCH_TESTS)
        raise ValueError(f"unknown test {test!r}; expected one of {known}") from None


def score_range(test: str, ability: str, taken_on: date) -> tuple[float, float]:
    """Valid (min, max) score for one ability of a test."""
    rows = table_for(test, taken_on)
    i = _ability_index(ability)
    return _SCALE_MIN.get(test, 0.0), float(rows[0][i][1])


def clb_for(test: str, ability: str, score: float, taken_on: date) -> int:
    """CLB/NCLC level (0 = below CLB 4, else 4..10) for one ability score (IRCC equivalency charts).

    Raises ValueError for an unknown test or ability, or a score outside the test's scale.
    """
    rows = table_for(test, taken_on)
    i = _ability_index(ability)
    if isinstance(score, bool) or not isinstance(score, int | float):
        raise ValueError(f"score must be a number, not {type(score).__name__}")
    low, high = _SCALE_MIN.get(test, 0.0), rows[0][i][1]
    if not low <= score <= high:
        raise ValueError(Reason("score.off_scale", score=f"{score:g}", test_code=test, ability=ability,
                                low=f"{low:g}", high=f"{high:g}"))
    step = 0.5 if test in _HALF_BANDS else 1.0
    if (score / step) != int(score / step):
        code = "score.half_steps" if step == 0.5 else "score.whole_number"
        raise ValueError(Reason(code, score=f"{score:g}", test_code=test))
    for row in rows:
        if score >= row[i][0]:
            return row[0]
    return 0


_LEVEL_CACHE: dict[tuple[str, bool, int, float], int] = {}


def clb_levels(test: str, taken_on: date, scores: tuple[float, ...]) -> tuple[int, ...]:
    """clb_for() of each of the four scores (ABILITIES order), memoized: the engine's hot path.

    Only valid conversions are remembered (a few thousand at most: the scales are small), so an
    invalid score raises exactly clb_for()'s ValueError, for the first invalid ability in order.
    Scores that are not plain int/float (bool, Decimal...) always go through clb_for().
    """
    new_scale = test == "tef_canada" and taken_on >= TEF_NEW_SCALE_FROM
    out = []
    cache = _LEVEL_CACHE
    for i, score in enumerate(scores):
        kind = type(score)
        key = (test, new_scale, i, score)
        if kind is float or kind is int:
            level = cache.get(key)
            if level is None:
                level = cache[key] = clb_for(test, ABILITIES[i], score, taken_on)
        else:
            level = clb_for(test, ABILITIES[i], score, taken_on)
        out.append(level)
    return tuple(out)


def levels(test: LanguageTest) -> dict[str, int]:
    """CLB/NCLC level per ability ({"listening": 9, ...}) for a recorded test result."""
    return {a: clb_for(test.test, a, getattr(test, a), test.taken_on) for a in ABILITIES}


def language_of(test: str) -> str:
    """ "en" for the English tests, "fr" for TEF/TCF Canada."""
    if test in ENGLISH_TESTS:
        return "en"
    if test in FRENCH_TESTS:
        return "fr"
    raise ValueError(f"unknown test {test!r}")
