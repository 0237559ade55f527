"""Demo data of rounds: IRCC's whole shipped feed, and one labelled demo round held yesterday.

The shipped feed ends months before today, so a demo of it alone has no recent round: no
"new matches", no digest. The demo round (Healthcare and social services, 3,000
invitations, lowest CRS 434: the shape of IRCC's 2026 healthcare rounds) is recorded
through record_draw like a consultant's hand entry, so the after-draw job matches it and
emails the digests. Its number ends in "dem" and its IRCC name says it is not IRCC's, so
it reads as what it is wherever rounds are listed; an import of the real feed never
overwrites it (imports upsert by number).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from draws import services
from draws.forms import next_round_number
from draws.models import Category, Draw

FULL_FEED = Path(__file__).resolve().parent / "data" / "ircc-rounds-full.json"
DEMO_SUFFIX = "dem"  # a round number is digits and at most 3 letters (importer.normalise_round_number)
DEMO_NAME = "DEMO round, not published by IRCC: Healthcare and social services occupations"
DEMO_CATEGORY = "healthcare_social"
DEMO_INVITATIONS = 3000
DEMO_LOWEST_CRS = 434


def import_full_feed() -> services.ImportReport:
    """Every round IRCC published up to the shipped file (435 rounds); none is recent enough to match."""
    return services.import_ircc_rounds(FULL_FEED.read_bytes())


def demo_round() -> Draw | None:
    """The demo round already recorded, if any."""
    return Draw.objects.filter(ircc_name=DEMO_NAME).first()


def record_demo_round(*, today: dt.date) -> Draw:
    """Record the demo round dated the day before `today` (once; a second call returns it).

    Recorded through services.record_draw, so matching and the consultants' digests follow
    on commit (at once with Celery eager, as in `make demo`).
    """
    existing = demo_round()
    if existing is not None:
        return existing
    held_on = today - dt.timedelta(days=1)
    category = next(c for c in Category.objects.filter(slug=DEMO_CATEGORY) if c.applies_on(held_on))
    draw = Draw(round_number=f"{next_round_number()}{DEMO_SUFFIX}", drawn_on=held_on,
                type=Draw.Type.CATEGORY, category=category, ircc_name=DEMO_NAME,
                programs_text="Federal Skilled Worker, Canadian Experience Class, Federal Skilled Trades",
                invitations_issued=DEMO_INVITATIONS, lowest_crs=DEMO_LOWEST_CRS)
    return services.record_draw(draw)


def imported_rounds() -> list[Draw]:
    """Every recorded round but the demo's, newest first, with its category."""
    return list(Draw.objects.exclude(ircc_name=DEMO_NAME)
                .select_related("category").order_by("-drawn_on", "-round_number"))
