"""Category lists: read a categories.json document, check it, and load it into draws.Category.

The shipped file is draws/data/categories.json (every year, 2023 on). The same code loads
it in the data migrations, in `manage.py import_categories PATH` and in the admin's upload,
so next year's lists arrive as a file of the same shape, not as a release.

The model classes are parameters (`seed_categories(Category, Noc)`) because migrations pass
their historical models; `import_categories` is the service the command and the admin call.

A year's period runs from its `effective_from` (or, for the years before the file carried
one, the start below, else its `announced` date) to the day before the next year's start;
the latest year is open-ended. A category may carry its own `effective_from` (physicians
with Canadian work experience started on 2025-12-08, before the 2026 lists).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parent / "data" / "categories.json"

# When each year's lists began (express-entry.md §1 and §6); later years say so in the file.
PERIOD_STARTS = {
    "2023": date(2023, 5, 31),
    "2024": date(2024, 1, 1),
    "2025": date(2025, 2, 27),
    "2026": date(2026, 2, 18),
}
# Physicians with Canadian work experience was created on 2025-12-08 (first round 2026-02-19).
STARTS = {("2026", "physicians_cdn"): date(2025, 12, 8)}

# Seed data only: IRCC's French names, written into Category.name_fr when a row of the file has
# none. Pages and reports read the stored name_fr (draws.selectors.category_names_fr), which an
# admin may correct.
NAMES_FR = {
    "french": "Compétence linguistique en français",
    "healthcare": "Professions de la santé",
    "healthcare_social": "Professions des soins de santé et des services sociaux",
    "stem": "Professions en sciences, technologies, génie et mathématiques (STIM)",
    "trades": "Métiers",
    "transport": "Professions du transport",
    "agriculture": "Professions de l'agriculture et de l'agroalimentaire",
    "education": "Professions de l'éducation",
    "physicians_cdn": "Médecins ayant une expérience de travail au Canada",
    "senior_managers_cdn": "Cadres supérieurs ayant une expérience de travail au Canada",
    "researchers_cdn": "Chercheurs ayant une expérience de travail au Canada",
    "skilled_military": "Recrues militaires qualifiées",
}
# The Category fields a row of the file sets (nocs: a set of codes); compared field by field.
FIELDS = ("name_en", "name_fr", "effective_to", "experience_rule", "draw_names", "is_list_unconfirmed",
          "note", "nocs")
MAX_BYTES = 2 * 1024 * 1024  # the 2023-2026 file is about 80 KB
FIRST_DAY, LAST_DAY = date(2015, 1, 1), date(2100, 12, 31)  # the dates a list can apply from or to


class CategoryDataError(ValueError):
    """The document cannot be loaded; names the entry ('2026 trades') and the field."""

    def __init__(self, entry: str, field_name: str, message: str):
        self.entry, self.field_name = entry, field_name
        where = f"{entry}, field {field_name}" if field_name else entry
        super().__init__(f"{where}: {message}")


# The loaded fields that change who is eligible (with a new category).
_RULE_FIELDS = frozenset({"effective_to", "experience_rule", "nocs"})


@dataclass
class LoadReport:
    """What a load did: labels like 'trades 2026-02-18' and, for changes, the fields changed."""

    added: list[str] = field(default_factory=list)
    changed: list[tuple[str, list[str]]] = field(default_factory=list)
    kept: list[tuple[str, list[str]]] = field(default_factory=list)  # admin-edited, left alone
    unchanged: int = 0
    # The NOC codes added to or removed from the lists changed, and whether every such list had
    # codes before and after (then only the clients who worked in one of these codes are affected).
    nocs_changed: set[str] = field(default_factory=set)
    lists_kept_codes: bool = True

    @property
    def rule_fields_changed(self) -> bool:
        """Whether who is eligible may have changed (a new category, or its dates, rule or list)."""
        return bool(self.added) or any(_RULE_FIELDS & set(fields) for _label, fields in self.changed)

    @property
    def refresh_nocs(self) -> set[str] | None:
        """The codes a refresh can be narrowed to (only lists changed, each non-empty before and
        after, as an admin edit of a list is narrowed), or None: every active client."""
        only_lists = not self.added and all(_RULE_FIELDS & set(fields) <= {"nocs"}
                                            for _label, fields in self.changed)
        return set(self.nocs_changed) if only_lists and self.lists_kept_codes else None

    def lines(self) -> list[str]:
        """One line per added, changed or kept category, then the totals."""
        out = [f"added {label}" for label in self.added]
        out += [f"changed {label}: {', '.join(fields)}" for label, fields in self.changed]
        out += [f"kept {label} (edited in the admin; differs in {', '.join(fields)})"
                for label, fields in self.kept]
        out.append(f"{len(self.added)} added, {len(self.changed)} changed, {len(self.kept)} kept as "
                   f"edited, {self.unchanged} unchanged")
        return out


# --- reading the document ------------------------------------------------------------------------

def _date(value: Any, entry: str, field_name: str) -> date:
    try:
        day = date.fromisoformat(value)
    except (TypeError, ValueError):
        message = f"{str(value)[:40]!r} is not a date (YYYY-MM-DD)"
        raise CategoryDataError(entry, field_name, message) from None
    if not FIRST_DAY <= day <= LAST_DAY:  # category-based selection began in 2023
        message = f"{day.isoformat()} is not between {FIRST_DAY} and {LAST_DAY}"
        raise CategoryDataError(entry, field_name, message)
    return day


def _plain(value: str, entry: str, field_name: str) -> str:
    """`value`, unless it holds a control character (a NUL cannot even be stored)."""
    if any(ord(ch) < 32 and ch not in "\n\t" for ch in value):
        raise CategoryDataError(entry, field_name, "contains a control character")
    return value


def _text(c: dict, key: str, entry: str, *, max_length: int, required: bool = False) -> str:
    value = c.get(key)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        raise CategoryDataError(entry, key, "must be a text" + (" (required)" if required else ""))
    if len(value) > max_length:
        raise CategoryDataError(entry, key, f"is longer than {max_length} characters")
    return _plain(value, entry, key).strip()


def category_rows(data: dict | None = None, *, rules: set[str] | None = None,
                  known_nocs: set[str] | None = None) -> list[dict]:
    """Plain dicts, one per (category, year), ready for the Category model (nocs: a list).

    `data` is the parsed document (default: the shipped file). With `rules` (the experience
    rule ids the model accepts) and `known_nocs`, every value is checked and the first
    problem raises CategoryDataError naming the entry and the field.
    """
    if data is None:
        data = json.loads(DATA.read_text(encoding="utf-8"))
    years = data.get("years") if isinstance(data, dict) else None
    if not isinstance(years, dict) or not years:
        raise CategoryDataError("The file", "years", 'missing: expected {"years": {"2026": {"categories": '
                                                     '[...]}}} as in draws/data/categories.json')
    starts: dict[str, date] = {}
    for year, block in years.items():
        if not re.fullmatch(r"\d{4}", str(year)) or not isinstance(block, dict):
            raise CategoryDataError(f"Year {year}", "", "a year is four digits with an object of categories")
        if "effective_from" in block:
            starts[year] = _date(block["effective_from"], f"Year {year}", "effective_from")
        elif year in PERIOD_STARTS:
            starts[year] = PERIOD_STARTS[year]
        elif "announced" in block:
            starts[year] = _date(block["announced"], f"Year {year}", "announced")
        else:
            raise CategoryDataError(f"Year {year}", "effective_from", "missing: when the lists apply from")
    order = sorted(starts, key=starts.get)
    for earlier, later in zip(order, order[1:], strict=False):
        if starts[earlier] == starts[later]:
            raise CategoryDataError(f"Year {later}", "effective_from", f"the same date as year {earlier}")
    ends = {y: starts[n] - timedelta(days=1) for y, n in zip(order, order[1:], strict=False)}

    rows = []
    for year in order:
        categories = years[year].get("categories")
        if not isinstance(categories, list):
            raise CategoryDataError(f"Year {year}", "categories", "must be a list")
        seen: set[str] = set()
        for position, c in enumerate(categories, start=1):
            entry = f"{year} category {position}"
            if not isinstance(c, dict):
                raise CategoryDataError(entry, "", "is not an object")
            slug = c.get("id")
            if not isinstance(slug, str) or not re.fullmatch(r"[a-z0-9_-]{1,40}", slug):
                raise CategoryDataError(entry, "id", f"{slug!r} is not a category id (a-z, 0-9, _ and -)")
            entry = f"{year} {slug}"
            if slug in seen:
                raise CategoryDataError(entry, "id", "appears twice in the year")
            seen.add(slug)
            kind = c.get("type", "occupation")
            if kind not in ("language", "occupation"):
                raise CategoryDataError(entry, "type", f"{kind!r} is neither 'language' nor 'occupation'")
            is_language = kind == "language"
            rule = "language" if is_language else c.get("experience_rule")
            if rules is not None and rule not in rules:
                raise CategoryDataError(entry, "experience_rule",
                                        f"{rule!r} is not one of {', '.join(sorted(rules))}")
            occupations = c.get("occupations")
            if occupations is not None and not isinstance(occupations, list):
                raise CategoryDataError(entry, "occupations", "must be a list (or null: list not known)")
            nocs = []
            for i, o in enumerate(occupations or []):
                code, where = (o.get("noc") if isinstance(o, dict) else None), f"occupations[{i}].noc"
                if not isinstance(code, str) or not re.fullmatch(r"\d{5}", code):
                    raise CategoryDataError(entry, where, f"{code!r} is not a 5-digit NOC code")
                if known_nocs is not None and code not in known_nocs:
                    raise CategoryDataError(entry, where, f"{code} is not a NOC 2021 unit group")
                nocs.append(code)
            names = c.get("draw_names_in_ircc_data", [])
            if not isinstance(names, list) or not all(isinstance(n, str) and len(n) <= 200 for n in names):
                raise CategoryDataError(entry, "draw_names_in_ircc_data", "must be a list of texts "
                                                                          "(200 characters each at most)")
            for n in names:
                _plain(n, entry, "draw_names_in_ircc_data")
            start = (_date(c["effective_from"], entry, "effective_from") if "effective_from" in c
                     else STARTS.get((year, slug), starts[year]))
            rows.append({
                "slug": slug,
                "name_en": _text(c, "name", entry, max_length=200, required=True),
                "name_fr": _text(c, "name_fr", entry, max_length=200) or NAMES_FR.get(slug, ""),
                "effective_from": start,
                "effective_to": ends.get(year),
                "experience_rule": rule,
                "draw_names": names,
                "is_list_unconfirmed": "UNCONFIRMED" in _text(c, "list_status", entry, max_length=500)
                or (not is_language and occupations is None),
                "note": _text(c, "note", entry, max_length=2000),
                "nocs": nocs,
            })
    return rows


def parse_document(data: str | bytes) -> dict:
    """The JSON document of an upload or a file; CategoryDataError when it is not JSON."""
    if len(data) > MAX_BYTES:
        raise CategoryDataError("The file", "", f"is larger than {MAX_BYTES // 1024 // 1024} MB")
    try:
        return json.loads(data.decode("utf-8-sig") if isinstance(data, bytes) else data)
    except UnicodeDecodeError as exc:
        raise CategoryDataError("The file", "", f"is not UTF-8 text ({exc.reason})") from exc
    except json.JSONDecodeError as exc:
        raise CategoryDataError("The file", "", f"is not valid JSON ({exc.msg} at line {exc.lineno} "
                                                f"column {exc.colno})") from exc
    except (ValueError, RecursionError) as exc:  # a number of thousands of digits, nesting thousands deep
        raise CategoryDataError("The file", "", "is not JSON this import reads (a number too long or "
                                                "lists nested too deep)") from exc


# --- loading -------------------------------------------------------------------------------------

def _values(obj) -> dict:
    """A saved Category's values of FIELDS (nocs as a set of codes)."""
    values = {f: getattr(obj, f) for f in FIELDS if f != "nocs"}
    values["nocs"] = {n.code for n in obj.nocs.all()}
    return values


def _differs(current: dict, wanted: dict) -> list[str]:
    return [f for f in FIELDS if current[f] != (set(wanted[f]) if f == "nocs" else wanted[f])]


def load_categories(Category, Noc, rows: list[dict], *,  # noqa: N803 - model classes
                    shipped_before: dict[tuple[str, date], dict] | None = None) -> LoadReport:
    """Create or update a Category per row (by slug and period start); returns what changed.

    With `shipped_before` ({(slug, start): the values an earlier release loaded}, only the
    fields that differ from `rows`), a row whose stored values match neither that earlier
    release nor `rows` was edited in the admin: it is left as it is and reported as kept.
    Without it (an import a person asked for) every row is written.
    """
    report = LoadReport()
    existing = {(c.slug, c.effective_from): c
                for c in Category.objects.prefetch_related("nocs").filter(slug__in={r["slug"] for r in rows})}
    for row in rows:
        key = (row["slug"], row["effective_from"])
        label = f"{row['slug']} {row['effective_from'].isoformat()}"
        wanted = {k: v for k, v in row.items() if k not in ("slug", "effective_from")}
        obj = existing.get(key)
        if obj is None:
            obj = Category.objects.create(slug=row["slug"], effective_from=row["effective_from"],
                                          **{k: v for k, v in wanted.items() if k != "nocs"})
            obj.nocs.set(row["nocs"])
            report.added.append(label)
            continue
        current = _values(obj)
        changed = _differs(current, wanted)
        if not changed:
            report.unchanged += 1
            continue
        if shipped_before is not None:
            before = {**wanted, **shipped_before.get(key, {})}
            edited = _differs(current, before)
            if edited:
                report.kept.append((label, edited))
                continue
        for f in changed:
            if f != "nocs":
                setattr(obj, f, wanted[f])
        obj.save()
        if "nocs" in changed:
            obj.nocs.set(row["nocs"])
            report.nocs_changed |= current["nocs"] ^ set(row["nocs"])
            report.lists_kept_codes &= bool(current["nocs"]) and bool(row["nocs"])
        report.changed.append((label, changed))
    return report


def seed_categories(Category, Noc) -> int:  # noqa: N803 - model classes (historical in migrations)
    """Create or update every category of the shipped file; returns how many rows.

    NOC codes unknown to the NOC table are dropped, as the first migration did.
    """
    known = set(Noc.objects.values_list("code", flat=True))
    rows = category_rows()
    for row in rows:
        row["nocs"] = [n for n in row["nocs"] if n in known]
    load_categories(Category, Noc, rows)
    return len(rows)


def import_categories(data: str | bytes) -> LoadReport:
    """Load a categories.json document (an upload or `import_categories PATH`), all or nothing.

    Every value is checked first (CategoryDataError names the entry and the field; nothing is
    written). A change to who is eligible (a new category, its dates, rule or list) refreshes
    the stored assessments once the import commits, as an admin edit does: when only lists changed
    (each non-empty before and after), the active clients who worked in a code added or removed;
    otherwise every active client.
    """
    from django.db import transaction

    from clients.models import Noc
    from draws import services
    from draws.models import Category

    rules = {value for value, _label in Category.EXPERIENCE_RULES}
    known = set(Noc.objects.values_list("code", flat=True))
    rows = category_rows(parse_document(data), rules=rules, known_nocs=known)
    with transaction.atomic():
        report = load_categories(Category, Noc, rows)
        if report.rule_fields_changed:
            services.schedule_refresh_after_category_change(nocs=report.refresh_nocs)
    return report
