"""Which rounds of invitations a client is open to (defined once here).

A round's type key is "general", a program ("cec", "fsw", "fstp"), "pnp", or "category:<slug>"
for a category round. A client is open to a round when eligible for at least one program
(every round invites from the pool, which needs FSW, CEC or FSTP), and then: any general round,
a program round for each program met, PNP rounds when nominated by a province, and the round of
each category the client is eligible for. The stored assessment keeps this list
(ClientAssessment.open_round_types) so the after-draw matching reads it instead of re-deriving it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

PROGRAM_ROUND_TYPES = ("cec", "fsw", "fstp")
GENERAL = "general"
PNP = "pnp"
CATEGORY = "category"
CATEGORY_PREFIX = "category:"


def open_round_types(assessment: Mapping[str, Any], *, provincial_nomination: bool) -> list[str]:
    """The round type keys an assessment document (Assessment.to_dict()) is open to, in order:
    "general", the programs met, "pnp", then "category:<slug>" per eligible category."""
    programs = [p for p in PROGRAM_ROUND_TYPES if assessment["programs"][p]["eligible"]]
    types: list[str] = []
    if programs:
        types.append(GENERAL)
        types.extend(programs)
        if provincial_nomination:
            types.append(PNP)
        types.extend(
            f"{CATEGORY_PREFIX}{c['slug']}" for c in assessment["categories"] if c["eligible"]
        )
    return types


def round_type_key(round_type: str, category_slug: str | None = None) -> str | None:
    """The type key of a round ("category:<slug>" for category rounds); None when unknown
    (a category round without its category, or a type IRCC used that we could not map)."""
    if round_type == CATEGORY:
        return f"{CATEGORY_PREFIX}{category_slug}" if category_slug else None
    if round_type in (GENERAL, PNP, *PROGRAM_ROUND_TYPES):
        return round_type
    return None
