"""The most points each CRS factor and part can give, per rule set (derived from tables.py).

Nothing here is typed in twice: every maximum is read from the point tables and the caps of
tables.py (MI s.11-30), so a change of table or rule set changes the maxima with it. The parts
and their factors are those of the CRS document (crs.py DETAIL_KEYS, shared/spec/crs-profile.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType

from . import tables as T

# The four parts of the CRS and their factors, in the order the score document lists them.
CRS_SECTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("core_human_capital", ("age", "education", "first_language", "second_language", "canadian_work")),
    ("spouse_factors", ("spouse_education", "spouse_language", "spouse_canadian_work")),
    ("skill_transferability", ("transfer_education", "transfer_foreign_work", "transfer_certificate")),
    ("additional", ("provincial_nomination", "arranged_employment", "canadian_education", "french",
                    "sibling")),
)
ABILITIES_SCORED = 4  # listening, reading, writing, speaking


@dataclass(frozen=True, slots=True)
class CrsMaxima:
    """The maximum of each factor and part, and the total, under one rule set and spouse column."""

    rules: str
    with_spouse: bool
    total: int
    sections: MappingProxyType[str, int]
    factors: MappingProxyType[str, int]


def _factor_maxima(rs: T.RuleSet, s: int) -> dict[str, int]:
    """s = 1 with an accompanying spouse (the tables' with-spouse column), 0 without."""
    transfer_education = max(
        lang[2] + cdn[2] for lang, cdn in zip(T.TRANSFER_EDU_LANG, T.TRANSFER_EDU_CDN, strict=True)
    )
    transfer_foreign = max(
        lang[2] + cdn[2]
        for lang, cdn in zip(T.TRANSFER_FOREIGN_LANG, T.TRANSFER_FOREIGN_CDN, strict=True)
    )
    return {
        "age": max(T.AGE_BY_YEARS[s]),
        "education": max(v[s] for v in T.EDUCATION_BY_LEVEL.values()),
        "first_language": ABILITIES_SCORED * max(T.FIRST_LANGUAGE_BY_CLB[s]),
        "second_language": min(ABILITIES_SCORED * max(T.SECOND_LANGUAGE_BY_CLB[s]),
                               T.SECOND_LANGUAGE_CAP_BY_SPOUSE[s]),
        "canadian_work": max(T.CANADIAN_WORK_BY_YEARS[s]),
        "spouse_education": max(T.SPOUSE_EDUCATION.values()) if s else 0,
        "spouse_language": ABILITIES_SCORED * max(T.SPOUSE_LANGUAGE_BY_CLB) if s else 0,
        "spouse_canadian_work": max(T.SPOUSE_CANADIAN_WORK_BY_YEARS) if s else 0,
        "transfer_education": min(transfer_education, T.TRANSFER_GROUP_CAP),
        "transfer_foreign_work": min(transfer_foreign, T.TRANSFER_GROUP_CAP),
        "transfer_certificate": min(max(T.CERTIFICATE_BY_CONDITION), T.TRANSFER_GROUP_CAP),
        "provincial_nomination": rs.provincial_nomination,
        "arranged_employment": max(rs.arranged_employment.values()),
        "canadian_education": max(rs.canadian_education.values()),
        "french": max(rs.french),
        "sibling": rs.sibling,
    }


_SECTION_CAPS = {
    "spouse_factors": T.SPOUSE_FACTORS_CAP,
    "skill_transferability": T.TRANSFER_CAP,
    "additional": T.ADDITIONAL_CAP,
}


def _maxima(rs: T.RuleSet, with_spouse: bool) -> CrsMaxima:
    factors = _factor_maxima(rs, 1 if with_spouse else 0)
    sections = {}
    for section, keys in CRS_SECTIONS:
        points = sum(factors[k] for k in keys)
        cap = _SECTION_CAPS.get(section)
        sections[section] = points if cap is None else min(points, cap)
    return CrsMaxima(rs.id, with_spouse, sum(sections.values()),
                     MappingProxyType(sections), MappingProxyType(factors))


_MAXIMA = MappingProxyType({
    (rs.id, with_spouse): _maxima(rs, with_spouse)
    for rs in T.RULE_SETS for with_spouse in (True, False)
})
# The most a CRS score can be (1,200 under every rule set so far).
CRS_MAX_TOTAL = max(m.total for m in _MAXIMA.values())


def crs_maxima(rules: str, *, with_spouse: bool) -> CrsMaxima:
    """The maxima under a rule set (its id, CrsResult.rules, e.g. "2025-03-25"); KeyError for
    an unknown id."""
    return _MAXIMA[(rules, with_spouse)]
