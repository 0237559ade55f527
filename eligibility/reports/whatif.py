"""The engine's what-if changes ranked by points, and its dated score changes ahead."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from eligibility import rules

from .diff import flat_diff
from .snapshot import facts_to_dict, iso


def what_if_ranked(facts: rules.Facts, *, as_of: date, categories: Sequence[rules.CategoryRule],
                   total: int) -> list[dict[str, Any]]:
    """The engine's what-if changes, highest gain first: each computed by re-running the engine
    on the changed facts (which are kept as a diff against the client's facts)."""
    base = facts_to_dict(facts)
    rows = [{
        "key": getattr(w, "key", ""),
        "label": w.label,
        "points_gained": w.points_gained,
        "new_total": getattr(w, "new_total", 0) or total + w.points_gained,
        "on_date": iso(w.on_date),
        "changed_facts": flat_diff(base, facts_to_dict(w.changed_facts)),
    } for w in rules.what_if(facts, as_of=as_of, categories=categories)]
    rows.sort(key=lambda r: (-r["points_gained"], r["on_date"] or "", r["label"]))
    return rows


def changes_ahead(facts: rules.Facts, *, as_of: date, categories: Sequence[rules.CategoryRule],
                  horizon_days: int) -> list[dict[str, Any]]:
    """The engine's dated score changes ahead (birthdays, expiries, experience), in date order."""
    items = rules.score_changes_ahead(facts, as_of=as_of, categories=categories, horizon_days=horizon_days)
    rows = [{"date": iso(d), "label": label, "delta": delta} for d, label, delta in items]
    rows.sort(key=lambda r: r["date"])
    return rows
