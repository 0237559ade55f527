"""What changed between two stored reports, and why."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from eligibility import rules
from eligibility.rules import verdict


def diff_reports(old: Mapping[str, Any], new: Mapping[str, Any]) -> dict[str, Any]:
    """What changed between two stored reports, and why.

    old/new: {"as_of", "rules", "facts", "results"} (a Report's fields). Returns the facts
    diff (scalar changes by JSON path; list items added or removed), the derived values that
    moved (age, years of work, CLB levels: the usual "why"), and the results diff (total,
    parts, factors, programs, categories).
    """
    old_a, new_a = old["results"]["assessment"], new["results"]["assessment"]
    old_crs, new_crs = old_a["crs"], new_a["crs"]
    factors = []
    for key in sorted(set(old_crs["details"]) | set(new_crs["details"]), key=_factor_order):
        o, n = old_crs["details"].get(key, 0), new_crs["details"].get(key, 0)
        if o != n:
            factors.append({"factor": key, "old": o, "new": n, "delta": n - o})
    parts = []
    for key, _factors in rules.CRS_SECTIONS:
        o, n = old_crs.get(key, 0), new_crs.get(key, 0)
        if o != n:
            parts.append({"part": key, "old": o, "new": n, "delta": n - o})
    programs = []
    for code in rules.PROGRAMS:
        o, n = old_a["programs"][code], new_a["programs"][code]
        if verdict.of(o) != verdict.of(n) or o.get("reasons") != n.get("reasons"):
            programs.append({"code": code, "old": verdict.of(o), "new": verdict.of(n),
                             "old_reasons": o.get("reasons", []), "new_reasons": n.get("reasons", []),
                             **_reasons_diff(o.get("reasons", []), n.get("reasons", []))})
    old_cats = {c["slug"]: c for c in old_a["categories"]}
    new_cats = {c["slug"]: c for c in new_a["categories"]}
    names = {c["slug"]: c.get("name", c["slug"]) for c in old["results"].get("categories", [])}
    names.update({c["slug"]: c.get("name", c["slug"]) for c in new["results"].get("categories", [])})
    categories = []
    for slug in sorted(set(old_cats) | set(new_cats)):
        o, n = old_cats.get(slug), new_cats.get(slug)
        o_el = verdict.of(o) if o else None
        n_el = verdict.of(n) if n else None
        if o_el != n_el or (o and n and o.get("reasons") != n.get("reasons")):
            categories.append({"slug": slug, "name": names.get(slug, slug), "old": o_el, "new": n_el,
                               "old_reasons": (o or {}).get("reasons", []),
                               "new_reasons": (n or {}).get("reasons", []),
                               **_reasons_diff((o or {}).get("reasons", []), (n or {}).get("reasons", []))})
    return {
        "as_of": {"old": old["as_of"], "new": new["as_of"], "changed": old["as_of"] != new["as_of"]},
        "rules": {"old": old["rules"], "new": new["rules"], "changed": old["rules"] != new["rules"]},
        "total": {"old": old_crs["total"], "new": new_crs["total"],
                  "delta": new_crs["total"] - old_crs["total"]},
        "parts": parts,
        "factors": factors,
        "programs": programs,
        "categories": categories,
        "derived": flat_diff(old_a.get("derived") or {}, new_a.get("derived") or {}),
        "facts": flat_diff(old["facts"], new["facts"]),
    }


def _reasons_diff(old: Sequence[str], new: Sequence[str]) -> dict[str, list[str]]:
    """The reasons no longer given and the new ones (unchanged reasons are left out)."""
    return {"removed_reasons": [r for r in old if r not in new],
            "added_reasons": [r for r in new if r not in old]}


def _factor_order(key: str) -> int:
    order = [f for _s, fs in rules.CRS_SECTIONS for f in fs]
    return order.index(key) if key in order else len(order)


def flat_diff(old: Any, new: Any, path: str = "") -> list[dict[str, Any]]:
    """Changes between two JSON values: scalars by path; list items compared as a multiset."""
    if isinstance(old, Mapping) and isinstance(new, Mapping):
        out = []
        for key in list(old) + [k for k in new if k not in old]:
            sub = f"{path}.{key}" if path else str(key)
            if key not in new:
                out.append({"path": sub, "change": "removed", "old": old[key], "new": None})
            elif key not in old:
                out.append({"path": sub, "change": "added", "old": None, "new": new[key]})
            else:
                out.extend(flat_diff(old[key], new[key], sub))
        return out
    if isinstance(old, list) and isinstance(new, list):
        if len(old) == len(new):
            # Same length: compare item by item (an edited test or job shows field by field).
            return [c for i, (o, n) in enumerate(zip(old, new, strict=True))
                    for c in flat_diff(o, n, f"{path}[{i}]")]
        remaining = list(new)
        removed = []
        for item in old:
            if item in remaining:
                remaining.remove(item)
            else:
                removed.append(item)
        return ([{"path": path, "change": "removed", "old": item, "new": None} for item in removed]
                + [{"path": path, "change": "added", "old": None, "new": item} for item in remaining])
    if old != new:
        return [{"path": path, "change": "changed", "old": old, "new": new}]
    return []
