"""IRCC's rounds feed (ee_rounds_123_en.json) as plain Python values.

Pure functions, no Django and no I/O: `parse_feed(text, today=..., categories=...)`
turns the published JSON into `IrccRound` values or raises `FeedError` naming the
round and the field. draws.services.import_ircc_rounds writes them.

What the feed holds (all 435 rounds to #434 were checked, see draws/tests):
- every value is a string; numbers carry thousands separators ("3,000");
- round "numbers" are strings and two have letters ("91a", "91b");
- dates come as ISO `drawDate` ("2026-08-07") and as English text in
  `drawDateTime` / `drawCutOff`, written a dozen ways: "August 7, 2026 at
  10:08:20 UTC", "August 05, 2026 at ...", "July 3rd 2026 at 21:35:13 UTC",
  "March 02. 2024 at ...", "April 26,2023 18:10:04 UTC", "March 01, 2023, at
  ...", "May 31, 2024 at12:48:30 UTC", "January 23, 2025 at 2025-01-23 15:30:04
  UTC", a 24-hour time with a stray "AM"/"PM" ("15:48:39 AM"), no "UTC", stray
  spaces, and once no year at all ("October 7 at 16:38:21 UTC", round 208);
- `drawCutOff` is empty for 76 early rounds (no tie-break rule before 2017);
- `drawDateTime` disagrees with `drawDate`: by one day on rounds held near
  midnight UTC (kept as is), and by ten days on round 357 (a typo: drawDate wins,
  with the time of day from drawDateTime);
- the pool distribution (dd1..dd18) is all zeros before IRCC published it: stored
  as unknown;
- names may hold HTML entities ("&amp;"); several names have no entry in
  categories.json (program names, "No Program Specified", "General").
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

# The program types of draws.models.Draw.Type (kept here as plain strings: no Django).
GENERAL, CEC, FSW, FSTP, PNP, CATEGORY, OTHER = "general", "cec", "fsw", "fstp", "pnp", "category", "other"

MONTHS = {
    name: number
    for number, names in enumerate(
        [("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",),
         ("june", "jun"), ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"),
         ("october", "oct"), ("november", "nov"), ("december", "dec")],
        start=1,
    )
    for name in names
}
DISTRIBUTION_KEYS = tuple(f"dd{i}" for i in range(1, 19))
MAX_CRS = 1200
# drawDateTime further than this from drawDate is a typo (round 357), not a midnight-UTC round.
DATE_TIME_TOLERANCE = timedelta(days=1)


class FeedError(ValueError):
    """The feed cannot be imported; `problems` are (round, field, message) triples."""

    def __init__(self, problems: Sequence[tuple[str, str, str]]):
        self.problems = list(problems)
        super().__init__("; ".join(format_problem(*p) for p in self.problems[:10])
                         + (f" (and {len(self.problems) - 10} more)" if len(self.problems) > 10 else ""))


def format_problem(round_label: str, field_name: str, message: str) -> str:
    """'Round 434, field drawCRS: "abc" is not a number'."""
    where = f"Round {round_label}" if round_label else "The file"
    return f"{where}, field {field_name}: {message}" if field_name else f"{where}: {message}"


class _FieldError(ValueError):
    def __init__(self, field_name: str, message: str):
        self.field_name = field_name
        super().__init__(message)


@dataclass(frozen=True)
class CategoryRef:
    """What name mapping needs of a draws.Category."""

    id: int
    slug: str
    effective_from: date
    effective_to: date | None
    draw_names: tuple[str, ...] = ()

    def applies_on(self, day: date) -> bool:
        return self.effective_from <= day and (self.effective_to is None or day <= self.effective_to)


@dataclass(frozen=True)
class IrccRound:
    """One round as the Draw model stores it (type/category already mapped)."""

    round_number: str
    drawn_on: date
    drawn_at: datetime | None
    tie_break_at: datetime | None
    type: str
    category_id: int | None
    ircc_name: str
    programs_text: str
    invitations_issued: int
    lowest_crs: int
    distribution_on: date | None
    distribution: dict[str, int] | None
    warnings: tuple[str, ...] = field(default=())


# --- values ------------------------------------------------------------------------------------

def parse_number(value: object) -> int | None:
    """'3,000' -> 3000; '' or None -> None; anything else that is not a whole number raises ValueError."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not a number")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    text = re.sub(r"[\s\u00a0\u202f]", "", str(value))
    if text == "":
        return None
    if re.fullmatch(r"\d{1,3}(,\d{3})+|\d+", text):
        return int(text.replace(",", ""))
    raise ValueError(f"{value!r} is not a number")


_DATE_TEXT = re.compile(
    r"(?P<month>[a-z]+)\.?\s*(?P<day>\d{1,2})(?:st|nd|rd|th)?\s*[,.]?\s*(?P<year>\d{4})?"
)
_TIME_TEXT = re.compile(
    r"(?P<h>\d{1,2}):(?P<m>\d{2})(?::(?P<s>\d{2}))?\s*(?P<ampm>[ap]\.?m\.?)?"
)
_DATETIME_TEXT = re.compile(
    _DATE_TEXT.pattern + r"\s*,?\s*(?:at)?\s*(?:\d{4}-\d{2}-\d{2}\s*)?" + _TIME_TEXT.pattern
    + r"\s*(?:utc|gmt|z)?"
)


def _clean_text(value: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(value)).strip().lower()


def parse_date(value: object) -> date | None:
    """'2026-08-07', 'August 7, 2026', 'July 3rd 2026', 'March 02. 2024' -> date; '' -> None."""
    if value is None:
        return None
    text = _clean_text(str(value))
    if not text:
        return None
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        try:
            return date.fromisoformat(text)
        except ValueError as exc:
            raise ValueError(f"{value!r} is not a date") from exc
    m = _DATE_TEXT.fullmatch(text)
    if not m or not m["year"]:
        raise ValueError(f"{value!r} is not a date IRCC writes (e.g. 'August 7, 2026' or '2026-08-07')")
    return _date(m, value)


def _date(m: re.Match, value: object, year: int | None = None) -> date:
    month = MONTHS.get(m["month"])
    if month is None:
        raise ValueError(f"{value!r}: {m['month']!r} is not a month")
    try:
        return date(int(m["year"]) if m["year"] else year, month, int(m["day"]))
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{value!r} is not a date") from exc


def parse_datetime(value: object, *, before: date | None = None) -> datetime | None:
    """An IRCC date-time in UTC ('August 7, 2026 at 10:08:20 UTC' and its variants); '' -> None.

    A text without a year ('October 7 at 16:38:21 UTC') takes the latest year in
    which it falls on or before `before` (a tie-break cut-off precedes its round).
    A 24-hour time with 'AM'/'PM' ('15:48:39 AM') is read as the 24-hour time.
    """
    if value is None:
        return None
    text = _clean_text(str(value))
    if not text:
        return None
    m = _DATETIME_TEXT.fullmatch(text)
    if not m:
        raise ValueError(
            f"{value!r} is not a date and time IRCC writes (e.g. 'August 7, 2026 at 10:08:20 UTC')"
        )
    if m["year"]:
        day = _date(m, value)
    elif before is not None:
        day = _date(m, value, year=before.year)
        if day > before:
            day = _date(m, value, year=before.year - 1)
    else:
        raise ValueError(f"{value!r} has no year")
    hour, minute, second = int(m["h"]), int(m["m"]), int(m["s"] or 0)
    ampm = (m["ampm"] or "").replace(".", "")
    if ampm and 1 <= hour <= 12:  # a 24-hour time ("15:48:39 AM") keeps its hour
        hour = hour % 12 + (12 if ampm == "pm" else 0)
    try:
        return datetime.combine(day, time(hour, minute, second), tzinfo=UTC)
    except ValueError as exc:
        raise ValueError(f"{value!r} has an impossible time of day") from exc


def clean_name(value: object) -> str:
    """IRCC's round name as people read it: HTML entities decoded, tags and extra spaces removed."""
    text = html.unescape(str(value or ""))
    text = re.sub(r"<[^>]*>", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def parse_round_number(value: object) -> str:
    """'434', '91a' (IRCC's string, letters kept); a leading '#' and spaces are dropped."""
    text = re.sub(r"\s+", "", str(value if value is not None else "")).lstrip("#")
    if not text:
        raise ValueError("is missing")
    if not re.fullmatch(r"\d{1,6}[A-Za-z]{0,3}", text):
        raise ValueError(f"{value!r} is not a round number (digits, then at most 3 letters, e.g. '91a')")
    return text


# --- names -> type or category -----------------------------------------------------------------

_PROGRAM_NAMES = {
    CEC: r"canadian experience class( program)?",
    FSW: r"federal skilled workers?( program)?",
    FSTP: r"federal skilled trades?( program)?",
    PNP: r"provincial nominee program",
    GENERAL: r"no program specified|general|general round|all programs",
}
# For names categories.json does not list: first keyword found wins (order matters:
# 'physicians' before 'healthcare', 'federal skilled trades' is a program above).
_CATEGORY_KEYWORDS = [
    (r"physician", ("physicians_cdn",)),
    (r"senior manager", ("senior_managers_cdn",)),
    (r"researcher", ("researchers_cdn",)),
    (r"military", ("skilled_military",)),
    (r"french|francophone", ("french",)),
    (r"health|social services", ("healthcare_social", "healthcare")),
    (r"\bstem\b|science|technolog|engineering", ("stem",)),
    (r"\btrades?\b|trades? occupations", ("trades",)),
    (r"transport", ("transport",)),
    (r"agricultur|agri-food", ("agriculture",)),
    (r"education|teacher", ("education",)),
]
_PROGRAM_KEYWORDS = [
    (r"canadian experience", CEC),
    (r"skilled worker", FSW),
    (r"skilled trades", FSTP),
    (r"provincial nominee|\bpnp\b", PNP),
]


def _key(name: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(name).replace("&", " and ")).strip().casefold()


def map_round_name(name: str, drawn_on: date, categories: Sequence[CategoryRef]) -> tuple[str, int | None]:
    """The Draw type and category id for IRCC's drawName on a date; (OTHER, None) when unknown.

    1. program names ("Canadian Experience Class", "No Program Specified", "General"...);
    2. the draw_names of the category whose period covers the date (then of any period);
    3. keywords (healthcare, STEM, trades, transport, French...) -> that category in force;
    4. program keywords inside a longer name.
    """
    key = _key(name)
    for type_, pattern in _PROGRAM_NAMES.items():
        if re.fullmatch(pattern, key):
            return type_, None
    in_force = [c for c in categories if c.applies_on(drawn_on)]
    for pool in (in_force, categories):
        for c in pool:
            if key in {_key(n) for n in c.draw_names}:
                return (CATEGORY, c.id) if c.applies_on(drawn_on) else _in_force(c.slug, in_force)
    for pattern, slugs in _CATEGORY_KEYWORDS:
        if re.search(pattern, key):
            for slug in slugs:
                found = _in_force(slug, in_force)
                if found[1] is not None:
                    return found
            return OTHER, None
    for pattern, type_ in _PROGRAM_KEYWORDS:
        if re.search(pattern, key):
            return type_, None
    return OTHER, None


def _in_force(slug: str, in_force: Iterable[CategoryRef]) -> tuple[str, int | None]:
    for c in in_force:
        if c.slug == slug:
            return CATEGORY, c.id
    return OTHER, None


# --- rounds --------------------------------------------------------------------------------------

def _get(raw: dict, *names: str) -> object:
    for n in names:
        if n in raw and raw[n] is not None:
            return raw[n]
    return None


def parse_round(raw: object, *, today: date, categories: Sequence[CategoryRef]) -> IrccRound:
    """One element of the feed's `rounds` list; raises _FieldError naming the field."""
    if not isinstance(raw, dict):
        raise _FieldError("", "is not a JSON object")
    try:
        number = parse_round_number(_get(raw, "drawNumber"))
    except ValueError as exc:
        raise _FieldError("drawNumber", str(exc)) from exc
    warnings: list[str] = []

    def value(field_name: str, parse, *, required: bool = False, **kw):
        raw_value = _get(raw, field_name)
        try:
            parsed = parse(raw_value, **kw)
        except ValueError as exc:
            raise _FieldError(field_name, str(exc)) from exc
        if required and parsed is None:
            raise _FieldError(field_name, "is missing")
        return parsed

    # drawDate wins; drawDateFull when drawDate is missing.
    drawn_on = value("drawDate", parse_date) or value("drawDateFull", parse_date, required=True)
    if drawn_on > today:
        raise _FieldError("drawDate", f"{drawn_on.isoformat()} is in the future")
    drawn_at = value("drawDateTime", parse_datetime)
    if drawn_at is not None and abs(drawn_at.date() - drawn_on) > DATE_TIME_TOLERANCE:
        warnings.append(
            f"Round {number}: drawDateTime says {drawn_at.date().isoformat()} but drawDate "
            f"{drawn_on.isoformat()}; kept drawDate with the time of day from drawDateTime"
        )
        drawn_at = datetime.combine(drawn_on, drawn_at.timetz())
    tie_break_at = value("drawCutOff", parse_datetime, before=drawn_on)

    invitations = value("drawSize", parse_number, required=True)
    if invitations < 1:
        raise _FieldError("drawSize", f"{invitations} invitations: a round issues at least one")
    lowest_crs = value("drawCRS", parse_number, required=True)
    if not 0 <= lowest_crs <= MAX_CRS:
        raise _FieldError("drawCRS", f"{lowest_crs} is outside 0..{MAX_CRS}")

    name = clean_name(_get(raw, "drawName"))
    programs_text = clean_name(_get(raw, "drawText2"))
    type_, category_id = map_round_name(name or programs_text, drawn_on, categories)
    if type_ == OTHER:
        warnings.append(
            f"Round {number}: drawName {name or programs_text or '(empty)'!r} matches no program "
            f"or category in force on {drawn_on.isoformat()}; imported as type 'other'"
        )

    distribution = {k: value(k, parse_number) for k in DISTRIBUTION_KEYS}
    if all(v in (None, 0) for v in distribution.values()):
        distribution, distribution_on = None, None  # not published for this round
    else:
        distribution = {k: v or 0 for k, v in distribution.items()}
        distribution_on = value("drawDistributionAsOn", parse_date)

    return IrccRound(
        round_number=number, drawn_on=drawn_on, drawn_at=drawn_at, tie_break_at=tie_break_at,
        type=type_, category_id=category_id, ircc_name=name[:200], programs_text=programs_text[:300],
        invitations_issued=invitations, lowest_crs=lowest_crs, distribution_on=distribution_on,
        distribution=distribution, warnings=tuple(warnings),
    )


def load_json(data: str | bytes) -> list:
    """The `rounds` list of the feed (or a bare list); FeedError when it is not that."""
    try:
        doc = json.loads(data.decode("utf-8-sig") if isinstance(data, bytes) else data)
    except UnicodeDecodeError as exc:
        raise FeedError([("", "", f"not UTF-8 text ({exc.reason} at byte {exc.start})")]) from exc
    except json.JSONDecodeError as exc:
        message = f"not valid JSON ({exc.msg} at line {exc.lineno} column {exc.colno})"
        raise FeedError([("", "", message)]) from exc
    rounds = doc.get("rounds") if isinstance(doc, dict) else doc
    if not isinstance(rounds, list):
        raise FeedError([("", "rounds", "missing: expected IRCC's {\"rounds\": [...]} document")])
    return rounds


def parse_feed(data: str | bytes, *, today: date, categories: Sequence[CategoryRef]) -> list[IrccRound]:
    """Every round of the feed, or FeedError listing every malformed round and field."""
    parsed: list[IrccRound] = []
    problems: list[tuple[str, str, str]] = []
    seen: set[str] = set()
    for position, raw in enumerate(load_json(data), start=1):
        label = str(raw.get("drawNumber") or "").strip() if isinstance(raw, dict) else ""
        label = label or f"at position {position}"
        key = label.lstrip("#").casefold()
        if key in seen:
            problems.append((label, "drawNumber", "appears more than once in the file"))
            continue
        seen.add(key)
        try:
            parsed.append(parse_round(raw, today=today, categories=categories))
        except _FieldError as exc:
            problems.append((label, exc.field_name, str(exc)))
    if problems:
        raise FeedError(problems)
    return parsed
