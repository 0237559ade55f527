"""Dates, money and counts in the page's language: one format each, used by every page and email.

English: "Dec 15, 2026", "CAD 25,000", "1,200". French: "15 déc. 2026", "1er déc. 2026",
"25 000 $", "1 200" (a no-break space groups thousands, so a number never breaks across lines).
Templates: {% load formatting %}{{ day|local_date }}, {{ amount|money }}, {{ count|total }}.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from django.utils.formats import date_format, number_format
from django.utils.translation import get_language
from django_countries import countries

from eligibility.rules import FRENCH_TESTS

NBSP = "\u00a0"


def _is_french() -> bool:
    return (get_language() or "en").startswith("fr")


def colon() -> str:
    """The colon after a label: French puts a no-break space before it ("Âge\u00a0: 31")."""
    return f"{NBSP}:" if _is_french() else ":"


def local_date(value: dt.date | dt.datetime | None, format_name: str = "DATE_FORMAT") -> str:
    """A date in the page's named format (config/formats); French writes the first of the month "1er"."""
    if value in (None, ""):
        return ""
    text = date_format(value, format_name)
    if _is_french() and text.startswith("1 "):
        text = "1er" + text[1:]
    return text.replace(" ", NBSP, 1) if _is_french() else text


def total(value: int | float | Decimal | str | None) -> str:
    """A count or amount with its thousands grouped the page's way: "1,200" / "1 200"."""
    if value in (None, ""):
        return ""
    try:
        number = Decimal(str(value).replace(",", ""))
    except InvalidOperation:
        return str(value)
    places = max(0, -number.as_tuple().exponent)  # as many decimals as the value has: 10.4 -> 10,4
    return number_format(number, decimal_pos=places, use_l10n=True, force_grouping=True)


def money(value: int | float | Decimal | str | None) -> str:
    """Canadian dollars the page's way: "CAD 25,000" / "25 000 $"."""
    if value in (None, ""):
        return ""
    if _is_french():
        return f"{total(value)}{NBSP}$"
    return f"CAD{NBSP}{total(value)}"


def level_scale(test_code: str) -> str:
    """What a language level is called: NCLC on French pages (its French name) and for the French
    tests; CLB for the English tests on English pages."""
    return "NCLC" if _is_french() or test_code in FRENCH_TESTS else "CLB"


def country_name(code: str) -> str:
    """A country by name in the page's language (django-countries' names and translations, kept
    up to date with ISO 3166), from the ISO code the facts store; an unknown code as written."""
    return countries.name((code or "").upper()) or code


def country_names(text: str) -> str:
    """'IN, ae' (the free text of residence countries) -> 'India, United Arab Emirates'."""
    return ", ".join(country_name(code) for code in re.split(r"[\s,;/]+", text or "") if code)
