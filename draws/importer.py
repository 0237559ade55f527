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

A file is also untrusted input (an admin's upload, a URL): whatever it holds is refused
with a FeedError naming the round and the field, never a crash or a half-import.
The bounds: the file's size (MAX_FEED_BYTES), its nesting (MAX_JSON_DEPTH), its rounds
(MAX_ROUNDS_PER_IMPORT); every value is text or a number (FIELD_MAX_CHARS, no control
characters); every number fits the Draw columns on PostgreSQL and SQLite (MAX_INTEGER).
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from itertools import accumulate

from eligibility.rules import CRS_MAX_TOTAL, in_force

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
# Express Entry's first round was on 2015-01-31: a round dated before the system existed is a typo.
EXPRESS_ENTRY_START = date(2015, 1, 1)
# The largest whole number a Draw column holds on both databases: PostgreSQL's `integer`
# (invitations_issued); SQLite's 64-bit INTEGER holds more. Pool counts (dd1..dd18) share it.
MAX_INTEGER = 2**31 - 1
# IRCC's feed is about 0.7 MB for 435 rounds (about 50 a year): these leave decades of room
# and keep one file from filling the round history (the /draws/ page, every firm's charts).
MAX_FEED_BYTES = 5 * 1024 * 1024
MAX_ROUNDS_PER_IMPORT = 2000
# IRCC's document is 3 levels deep ({"rounds": [{...}]}); json would recurse on anything deeper.
MAX_JSON_DEPTH = 8
# Longest text read from one field; names are then held to their columns (Draw.ircc_name...).
FIELD_MAX_CHARS = {"drawName": 1000, "drawText2": 1000}
DEFAULT_FIELD_MAX_CHARS = 100
NAME_MAX_CHARS = {"drawName": 200, "drawText2": 300}  # Draw.ircc_name, Draw.programs_text
# C0/C1 control characters (tab, line feed and carriage return are whitespace) and lone
# surrogates, which PostgreSQL refuses in text (NUL) or cannot encode as UTF-8.
_FORBIDDEN_CHAR = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
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
        return in_force(self, day)


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

def shown(value: object, limit: int = 40) -> str:
    """A value quoted in a message, cut short: a hostile file can put megabytes in one field."""
    text = repr(value)
    return text if len(text) <= limit else f"{text[:limit]}… ({len(str(value)):,} characters)"


def parse_number(value: object, *, maximum: int = MAX_INTEGER) -> int | None:
    """'3,000' -> 3000; '' or None -> None; anything else that is not a whole number in 0..maximum
    (by default what every Draw column holds) raises ValueError."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError(f"{shown(value)} is not a number")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        number = value
    else:
        text = re.sub(r"[\s\u00a0\u202f]", "", str(value))
        if text == "":
            return None
        if not re.fullmatch(r"[0-9]{1,3}(,[0-9]{3})+|[0-9]+", text):
            raise ValueError(f"{shown(value)} is not a number")
        if len(text) - text.count(",") > 30:  # int() of thousands of digits is slow, or refused
            raise ValueError(f"{shown(value)} is outside 0..{maximum:,}")
        number = int(text.replace(",", ""))
    if not 0 <= number <= maximum:
        raise ValueError(f"{number:,} is outside 0..{maximum:,}" if abs(number) < 10**31
                         else f"{shown(str(value))} is outside 0..{maximum:,}")
    return number


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


def normalise_round_number(value: object) -> str:
    """The one spelling of a round number: ' #090012A ' -> '90012a', '434' -> '434'.

    IRCC writes digits and sometimes letters ('91a'); spaces, a leading '#', leading zeros
    and the letters' case are not part of the round, so two spellings of one round are one
    round. The import, the admin form, the admin search and lookups all call this, and the
    stored Draw.round_number is always its result (draws migration 0008 normalised older
    rows), so the column's unique constraint catches every duplicate. ValueError otherwise.
    """
    text = re.sub(r"\s+", "", str(value if value is not None else "")).removeprefix("#").lower()
    if not text:
        raise ValueError("is missing")
    m = re.fullmatch(r"0*([0-9]{1,6})([a-z]{0,3})", text)
    if m is None:
        raise ValueError(f"{shown(value)} is not a round number (digits, then at most 3 letters, e.g. '91a')")
    return m[1] + m[2]


def parse_round_number(value: object) -> str:
    """'434', '91a' (IRCC's string, letters kept): normalise_round_number."""
    return normalise_round_number(value)


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

def _get(raw: dict, name: str) -> object:
    """The field's value if it is text or a number: a bounded string without control characters."""
    value = raw.get(name)
    if value is None or isinstance(value, (bool, int, float)):
        return value
    if not isinstance(value, str):
        kind = "a JSON object" if isinstance(value, dict) else "a JSON array"
        raise _FieldError(name, f"is {kind}, not text or a number")
    limit = FIELD_MAX_CHARS.get(name, DEFAULT_FIELD_MAX_CHARS)
    if len(value) > limit:
        raise _FieldError(name, f"is {len(value):,} characters long; at most {limit:,}")
    if bad := _FORBIDDEN_CHAR.search(value):
        raise _FieldError(name, f"contains the control character U+{ord(bad.group()):04X}")
    return value


def _name(raw: dict, name: str) -> str:
    text = clean_name(_get(raw, name))
    if len(text) > NAME_MAX_CHARS[name]:
        raise _FieldError(name, f"is {len(text):,} characters long; at most {NAME_MAX_CHARS[name]:,}")
    return text


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
    if drawn_on < EXPRESS_ENTRY_START:
        raise _FieldError("drawDate", f"{drawn_on.isoformat()} is before Express Entry began "
                                      f"({EXPRESS_ENTRY_START.isoformat()})")
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
    if not 0 <= lowest_crs <= CRS_MAX_TOTAL:
        raise _FieldError("drawCRS", f"{lowest_crs} is outside 0..{CRS_MAX_TOTAL}")

    name = _name(raw, "drawName")
    programs_text = _name(raw, "drawText2")
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
        type=type_, category_id=category_id, ircc_name=name, programs_text=programs_text,
        invitations_issued=invitations, lowest_crs=lowest_crs, distribution_on=distribution_on,
        distribution=distribution, warnings=tuple(warnings),
    )


_JSON_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"')
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_BRACKET_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}
_JSON_TOKEN = re.compile(_JSON_STRING.pattern + r"|[\[\]{}]")


def json_depth(text: str) -> int:
    """How deeply arrays and objects nest in a JSON text (brackets inside strings not counted).

    Checked before json.loads, whose parser recurses once per level: 100,000 levels would
    end in a RecursionError rather than a message.
    """
    brackets = _NOT_BRACKET.sub("", _JSON_STRING.sub("", text))
    return max(accumulate(map(_BRACKET_STEP.__getitem__, brackets)), default=0)


def _too_deep(text: str) -> FeedError:
    """Name the round and field where a text nests deeper than MAX_JSON_DEPTH (as far as it can)."""
    round_depth = 3 if text.lstrip()[:1] == "{" else 2  # {"rounds": [{...}]} or a bare [{...}]
    depth = position = 0
    round_start = field_start = 0
    for token in _JSON_TOKEN.finditer(text):
        bracket = token.group()
        if bracket[0] == '"':
            continue
        if bracket in "]}":
            depth -= 1
            continue
        depth += 1
        if depth == round_depth:
            position, round_start = position + 1, token.start()
        elif depth == round_depth + 1:
            field_start = token.start()
        elif depth > MAX_JSON_DEPTH:
            break
    message = (f"is nested more than {MAX_JSON_DEPTH} levels deep "
               "(IRCC's feed is 3: {\"rounds\": [{...}]})")
    if not position or field_start < round_start:
        return FeedError([("", "", message)])
    in_round = text[round_start:field_start]
    field_name = re.search(r'"([A-Za-z0-9_]{1,40})"\s*:\s*$', in_round)
    number = re.search(r'"drawNumber"\s*:\s*"?([#0-9A-Za-z ]{1,20})', in_round)
    label = f"at position {position}"
    if number:
        try:
            label = normalise_round_number(number[1])
        except ValueError:
            pass
    return FeedError([(label, field_name[1] if field_name else "", message)])


def _json_int(text: str) -> int | str:
    # A 5,000-digit literal would raise Python's int() digit limit (a ValueError naming no
    # field): kept as text, parse_number refuses it naming its round and field.
    return int(text) if len(text) <= 30 else text


def load_json(data: str | bytes) -> list:
    """The `rounds` list of the feed (or a bare list); FeedError when it is not that.

    Bounded before parsing: at most MAX_FEED_BYTES, nested at most MAX_JSON_DEPTH levels,
    at most MAX_ROUNDS_PER_IMPORT rounds.
    """
    if len(data) > MAX_FEED_BYTES:
        raise FeedError([("", "", f"larger than {MAX_FEED_BYTES // 1024 // 1024} MB "
                                  "(IRCC's feed is about 1 MB)")])
    try:
        text = data.decode("utf-8-sig") if isinstance(data, bytes) else data
    except UnicodeDecodeError as exc:
        raise FeedError([("", "", f"not UTF-8 text ({exc.reason} at byte {exc.start})")]) from exc
    if json_depth(text) > MAX_JSON_DEPTH:
        raise _too_deep(text)
    try:
        doc = json.loads(text, parse_int=_json_int)
    except json.JSONDecodeError as exc:
        message = f"not valid JSON ({exc.msg} at line {exc.lineno} column {exc.colno})"
        raise FeedError([("", "", message)]) from exc
    except (ValueError, RecursionError) as exc:  # a backstop: the bounds above should catch it first
        raise FeedError([("", "", "not JSON IRCC writes")]) from exc
    rounds = doc.get("rounds") if isinstance(doc, dict) else doc
    if not isinstance(rounds, list):
        raise FeedError([("", "rounds", "missing: expected IRCC's {\"rounds\": [...]} document")])
    if len(rounds) > MAX_ROUNDS_PER_IMPORT:
        raise FeedError([("", "rounds", f"{len(rounds):,} rounds in one file; one import takes at most "
                                        f"{MAX_ROUNDS_PER_IMPORT:,} (IRCC's feed holds about 50 a year)")])
    return rounds


def _round_label(raw: object, position: int) -> str:
    """The round as messages name it: its normalised number, else its position in the file."""
    if isinstance(raw, dict) and isinstance(raw.get("drawNumber"), (str, int)):
        try:
            return normalise_round_number(str(raw["drawNumber"])[:DEFAULT_FIELD_MAX_CHARS])
        except ValueError:
            pass
    return f"at position {position}"


def parse_feed(data: str | bytes, *, today: date, categories: Sequence[CategoryRef]) -> list[IrccRound]:
    """Every round of the feed, or FeedError listing every malformed round and field.

    Two spellings of one round number ('90012a', '090012A') are the same round: the
    second is refused as a duplicate (normalise_round_number).
    """
    parsed: list[IrccRound] = []
    problems: list[tuple[str, str, str]] = []
    seen: dict[str, int] = {}
    for position, raw in enumerate(load_json(data), start=1):
        label = _round_label(raw, position)
        if label in seen:
            problems.append((label, "drawNumber", f"{shown(raw['drawNumber'])} is round {label} again "
                                                  f"(first at position {seen[label]} in the file)"))
            continue
        if not label.startswith("at position"):
            seen[label] = position
        try:
            parsed.append(parse_round(raw, today=today, categories=categories))
        except _FieldError as exc:
            problems.append((label, exc.field_name, str(exc)))
    if problems:
        raise FeedError(problems)
    return parsed
