"""factory-boy factories for rounds."""

from __future__ import annotations

import datetime as dt

import factory

from draws.models import Category, Draw


def category(slug: str, on: dt.date) -> Category:
    """The seeded category `slug` in force on `on` (categories are seeded by migration)."""
    return next(c for c in Category.objects.filter(slug=slug) if c.applies_on(on))


class DrawFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Draw

    round_number = factory.Sequence(lambda n: str(1000 + n))
    drawn_on = dt.date(2026, 8, 5)
    type = Draw.Type.CEC
    invitations_issued = 3000
    lowest_crs = 516
    source = Draw.Source.IMPORT
