"""SpecError and small validators for the JSON exchange formats (shared/spec/*.md).

Every problem is reported with the JSON path of the field (e.g. "work_history[2].noc") so the
management commands can print "PATH: message" and exit 2.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import date
from typing import Any

from .tables import EXPRESS_ENTRY_START


class SpecError(ValueError):
    """A document does not fit the format: `path` names the field, `message` the problem."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}" if path else message)
        self.path = path
        self.message = message


def join(path: str, key: str | int) -> str:
    """JSON path of a child: join("a", "b") == "a.b", join("a", 2) == "a[2]"."""
    if isinstance(key, int):
        return f"{path}[{key}]"
    if not key.isidentifier():
        return f"{path}[{json.dumps(key)}]"
    return f"{path}.{key}" if path else key


def obj(value: Any, path: str, allowed: frozenset[str] | set[str]) -> Mapping[str, Any]:
    """An object with only known keys."""
    if not isinstance(value, Mapping):
        raise SpecError(path or "(document)", f"must be an object, not {_kind(value)}")
    for key in value:
        if key not in allowed:
            raise SpecError(join(path, str(key)), "unknown field")
    return value


def array(value: Any, path: str) -> list[Any]:
    if not isinstance(value, list | tuple):
        raise SpecError(path, f"must be an array, not {_kind(value)}")
    return list(value)


def required(data: Mapping[str, Any], key: str, path: str) -> Any:
    if key not in data:
        raise SpecError(join(path, key), "is required")
    return data[key]


def boolean(value: Any, path: str) -> bool:
    if not isinstance(value, bool):
        raise SpecError(path, f"must be true or false, not {_kind(value)}")
    return value


def integer(
    value: Any, path: str, *, minimum: int | None = None, maximum: int | None = None
) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise SpecError(path, f"must be a whole number, not {_kind(value)}")
    if isinstance(value, float):
        if not value.is_integer():
            raise SpecError(path, f"must be a whole number, not {value!r}")
        value = int(value)
    if minimum is not None and value < minimum:
        raise SpecError(path, f"must be {minimum} or more (got {value})")
    if maximum is not None and value > maximum:
        raise SpecError(path, f"must be {maximum} or less (got {value})")
    return value


def number(
    value: Any, path: str, *, minimum: float | None = None, maximum: float | None = None
) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise SpecError(path, f"must be a number, not {_kind(value)}")
    if value != value or value in (float("inf"), float("-inf")):
        raise SpecError(path, "must be a finite number")
    if minimum is not None and value < minimum:
        raise SpecError(path, f"must be {minimum:g} or more (got {value:g})")
    if maximum is not None and value > maximum:
        raise SpecError(path, f"must be {maximum:g} or less (got {value:g})")
    return float(value)


def enum(value: Any, path: str, choices: tuple[str, ...] | frozenset[str]) -> str:
    if not isinstance(value, str) or value not in choices:
        shown = ", ".join(sorted(choices) if isinstance(choices, frozenset) else choices)
        raise SpecError(path, f"must be one of {shown} (got {value!r})")
    return value


def iso_date(value: Any, path: str) -> date:
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise SpecError(path, f"must be an ISO date YYYY-MM-DD (got {value!r})")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise SpecError(path, f"is not a real date: {value!r}") from None


def optional_date(value: Any, path: str) -> date | None:
    return None if value is None else iso_date(value, path)


_NOC = re.compile(r"\d{5}")


def noc(value: Any, path: str, known_nocs: Any = None) -> str:
    """A NOC 2021 unit-group code: a string of 5 digits (and in known_nocs when given)."""
    if not isinstance(value, str) or not _NOC.fullmatch(value):
        raise SpecError(path, f"must be a NOC 2021 code as a string of 5 digits (got {value!r})")
    if known_nocs is not None and value not in known_nocs:
        raise SpecError(path, f"unknown NOC 2021 code {value!r}")
    return value


def as_of_from_json(data: Mapping[str, Any], *, default: date) -> date:
    """The document's "as_of" (optional ISO date, not before 2015-01-01), else `default`."""
    if not isinstance(data, Mapping):
        raise SpecError("(document)", f"must be an object, not {_kind(data)}")
    value = data.get("as_of")
    if value is None:
        return default
    day = iso_date(value, "as_of")
    if day < EXPRESS_ENTRY_START:
        raise SpecError("as_of", f"Express Entry began on {EXPRESS_ENTRY_START.isoformat()}")
    return day


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, Mapping):
        return "an object"
    if isinstance(value, list | tuple):
        return "an array"
    return type(value).__name__
