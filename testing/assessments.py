"""Stored assessments written by hand in tests: the round types they are open to, from the engine."""

from __future__ import annotations

from collections.abc import Iterable

from eligibility.rules import open_round_types
from eligibility.rules.rounds import PROGRAM_ROUND_TYPES


def round_types(*, programs: Iterable[str] = (), categories: Iterable[str] = (),
                pnp: bool = False) -> list[str]:
    """ClientAssessment.open_round_types of a client meeting `programs` ("cec", "fsw", "fstp") and
    eligible for `categories` (slugs), nominated by a province when `pnp`: the engine's own answer."""
    programs = set(programs)
    document = {"programs": {p: {"eligible": p in programs} for p in PROGRAM_ROUND_TYPES},
                "categories": [{"slug": slug, "eligible": True} for slug in categories]}
    return open_round_types(document, provincial_nomination=pnp)
