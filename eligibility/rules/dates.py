"""Date helpers shared by the rules (pure functions)."""

from __future__ import annotations

from datetime import date


def add_years(day: date, years: int) -> date:
    """The same calendar day `years` later (or earlier); 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def add_months(day: date, months: int) -> date:
    """The same day of the month `months` later, clamped to the month's last day."""
    y, m = divmod(day.month - 1 + months, 12)
    year, month = day.year + y, m + 1
    for d in (day.day, 30, 29, 28):
        try:
            return date(year, month, min(day.day, d))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def age_on(date_of_birth: date, as_of: date) -> int:
    """Completed years of age on as_of (0 if not yet born)."""
    years = as_of.year - date_of_birth.year
    if (as_of.month, as_of.day) < (date_of_birth.month, date_of_birth.day):
        years -= 1
    return max(years, 0)


def next_birthday(date_of_birth: date, after: date) -> date:
    """The first day strictly after `after` on which age_on() goes up (29 Feb -> 1 Mar)."""
    year = max(after.year, date_of_birth.year + 1)
    while True:
        try:
            day = date_of_birth.replace(year=year)
        except ValueError:
            day = date(year, 3, 1)
        if day > after:
            return day
        year += 1

