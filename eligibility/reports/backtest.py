"""The rounds of the last twelve months replayed against the facts known on each round's day."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from eligibility import rules

from .snapshot import DatedAssessor


@dataclass(frozen=True)
class DrawRecord:
    """One round of invitations as the report reads it (from draws.Draw)."""

    round_number: str
    drawn_on: date
    type: str  # general, cec, fsw, fstp, pnp, category, other
    lowest_crs: int
    invitations_issued: int
    category_slug: str | None = None
    name: str = ""
    distribution_on: date | None = None
    distribution: Mapping[str, Any] | None = None


def draw_key(draw: DrawRecord) -> str | None:
    """The type key of a round ("category:<slug>" for category rounds), None when unknown."""
    return rules.round_type_key(draw.type, draw.category_slug)


def backtest_rounds(assess: DatedAssessor, data: Mapping[str, Any], *, as_of: date,
                    draws: Sequence[DrawRecord], names: Mapping[str, str]) -> dict[str, Any]:
    """Each round of the twelve months to as_of: open to the facts known that day, and met or not;
    the round types open now, and the gap to the latest round of each."""
    since = rules.add_years(as_of, -1)
    rounds = []
    for d in draws:
        if not since <= d.drawn_on <= as_of:
            continue
        key = draw_key(d)
        then = assess(d.drawn_on, known_on=True)
        then_data = then.to_dict()
        nominated = assess.facts.provincial_nomination
        open_types = rules.open_round_types(then_data, provincial_nomination=nominated)
        is_open = key is not None and key in open_types
        score = then_data["crs"]["total"]
        rounds.append({
            **draw_dict(d, names), "key": key, "open": is_open, "score": score,
            "met": is_open and score >= d.lowest_crs, "tie": is_open and score == d.lowest_crs,
            "margin": score - d.lowest_crs,
        })
    open_rounds = [r for r in rounds if r["open"]]
    types_now = rules.open_round_types(data, provincial_nomination=assess.facts.provincial_nomination)
    total = data["crs"]["total"]
    gaps = []
    for key in types_now:
        latest = next((d for d in reversed(draws) if draw_key(d) == key and d.drawn_on <= as_of), None)
        if latest is not None:
            gaps.append({"key": key, "label": type_label(key, names), **draw_dict(latest, names),
                         "score": total, "gap": total - latest.lowest_crs})
    return {
        "since": since.isoformat(),
        "rounds": rounds,
        "open_count": len(open_rounds),
        "met_count": sum(1 for r in open_rounds if r["met"]),
        "eligible_types": types_now,
        "gaps": gaps,
    }


def type_label(key: str, names: Mapping[str, str]) -> str:
    """A short label for a type key; categories by name, others by code (templates translate)."""
    if key.startswith("category:"):
        slug = key.split(":", 1)[1]
        return names.get(slug, slug)
    return key


def draw_dict(d: DrawRecord, names: Mapping[str, str]) -> dict[str, Any]:
    return {"round_number": d.round_number, "drawn_on": d.drawn_on.isoformat(), "type": d.type,
            "category_slug": d.category_slug,
            "name": d.name or (names.get(d.category_slug or "", "") if d.category_slug else ""),
            "lowest_crs": d.lowest_crs, "invitations_issued": d.invitations_issued}
