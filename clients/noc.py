"""NOC 2021 unit-group titles in the page's language.

clients/data/noc-2021.csv holds each of the 516 unit groups with its English title (``title``,
also stored in the Noc table by migration 0002) and its official French title (``title_fr``, the
CNP 2021). Source of both: Statistics Canada, National Occupational Classification (NOC) 2021
Version 1.0 / Classification nationale des professions (CNP) 2021 version 1.0, classification
structure files in English and in French, reproduced under the Statistics Canada Open Licence
(the French column as compiled by code in the public repository Nshipyard/toronto-civic-codebooks,
data/noc_2021.csv, MIT, whose 516 codes are exactly ours). This does not constitute an
endorsement by Statistics Canada of this product.

The titles are reference data shipped with the code, read once per process; pages ask for a title
here rather than reading ``Noc.title`` so that a French page shows the French title, and a code
without one (none today) falls back to the English title.
"""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

from django.utils.translation import get_language

NOC_CSV = Path(__file__).resolve().parent / "data" / "noc-2021.csv"


@cache
def french_titles() -> dict[str, str]:
    """{code: official French title} of every unit group that has one (the CSV's title_fr)."""
    with NOC_CSV.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    return {row["code"]: row["title_fr"].strip() for row in rows if (row.get("title_fr") or "").strip()}


def localized_title(code: str, title: str) -> str:
    """The unit group's title in the active language: its French title on a French page where the
    CNP 2021 gives one, else `title` (the English title, as stored)."""
    if (get_language() or "").startswith("fr"):
        return french_titles().get(code) or title
    return title
