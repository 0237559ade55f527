"""Where a score stands in IRCC's latest published pool distribution (an estimate)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from eligibility import rules

from .backtest import DrawRecord, draw_key, type_label
from .snapshot import iso

# IRCC's published pool distribution: the finest buckets (dd3 and dd9 are sub-totals, dd18 the total).
DD_BUCKETS: tuple[tuple[str, int, int], ...] = (
    ("dd1", 601, rules.CRS_MAX_TOTAL), ("dd2", 501, 600),
    ("dd4", 491, 500), ("dd5", 481, 490), ("dd6", 471, 480), ("dd7", 461, 470), ("dd8", 451, 460),
    ("dd10", 441, 450), ("dd11", 431, 440), ("dd12", 421, 430), ("dd13", 411, 420), ("dd14", 401, 410),
    ("dd15", 351, 400), ("dd16", 301, 350), ("dd17", 0, 300),
)


def parse_count(value: Any) -> int:
    """A distribution count as IRCC publishes it ("19,705", 19705, "" or None -> 0)."""
    if value is None or value == "":
        return 0
    if isinstance(value, int | float):
        return int(value)
    return int(str(value).replace(",", "").replace("\u00a0", "").strip() or 0)


def candidates_above(score: int, distribution: Mapping[str, Any]) -> dict[str, Any]:
    """Estimated number of candidates with a higher score than `score`.

    Buckets entirely above count in full; within the client's own bucket scores are
    assumed evenly spread over its integer values (an estimate: IRCC publishes only
    the bucket totals).
    """
    above = 0.0
    bucket = None
    counts = {}
    for name, lo, hi in DD_BUCKETS:
        count = counts[name] = parse_count(distribution.get(name))
        if lo > score:
            above += count
        elif lo <= score <= hi:
            share = (hi - score) / (hi - lo + 1)
            above += count * share
            bucket = {"name": name, "low": lo, "high": hi, "count": count}
    total = parse_count(distribution.get("dd18")) or sum(
        parse_count(distribution.get(n)) for n, *_ in DD_BUCKETS)
    estimate = int(round(above))
    return {"above": estimate, "total": total, "bucket": bucket, "counts": counts,
            "share_above": (estimate / total) if total else None}


def pool_position(score: int, *, draws: Sequence[DrawRecord], as_of: date, eligible_types: Sequence[str],
                  names: Mapping[str, str], recent: int = 3) -> dict[str, Any] | None:
    """Where the score stands in the latest published distribution, against recent round sizes.

    For each type the client is open to: the sizes of its last `recent` rounds in the twelve
    months to as_of, and how many such rounds it would take to reach the client if nobody
    else entered the pool (an estimate; category rounds only draw from the category's pool,
    so for them the pool-wide count overstates the competition).
    """
    with_dist = [d for d in draws if d.distribution and d.drawn_on <= as_of]
    if not with_dist:
        return None
    latest = max(with_dist, key=lambda d: (d.drawn_on, d.round_number))
    position = candidates_above(score, latest.distribution)
    since = rules.add_years(as_of, -1)
    by_type = []
    for key in eligible_types:
        rounds = [d for d in draws if draw_key(d) == key and since <= d.drawn_on <= as_of]
        rounds = rounds[-recent:]
        if not rounds:
            by_type.append({"key": key, "label": type_label(key, names), "rounds": 0,
                            "average_size": None, "rounds_needed": None})
            continue
        average = sum(d.invitations_issued for d in rounds) / len(rounds)
        by_type.append({
            "key": key, "label": type_label(key, names), "rounds": len(rounds),
            "average_size": int(round(average)),
            "last_size": rounds[-1].invitations_issued, "last_drawn_on": rounds[-1].drawn_on.isoformat(),
            "within_average_round": position["above"] < average,
            "rounds_needed": max(1, math.ceil((position["above"] + 1) / average)),
        })
    return {
        "score": score,
        "round_number": latest.round_number,
        "drawn_on": latest.drawn_on.isoformat(),
        "distribution_on": iso(latest.distribution_on),
        **position,
        "by_type": by_type,
        "is_estimate": True,
    }
