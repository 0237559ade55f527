"""A realistic firm for the French tests: demo clients, IRCC's rounds, ITAs, alerts and a report."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from django.utils import timezone

from clients.models import Client
from demo.firms import DemoFirm, build_clients, create_demo_firm
from draws import services as draw_services
from draws.models import Draw
from draws.tests.factories import category
from eligibility.models import Alert, Report
from eligibility.services import generate_report, refresh_assessments
from invitations import services as invitation_services
from invitations.tests.helpers import ensure_default_item_types

FEED = Path(__file__).resolve().parents[2] / "draws" / "data" / "ircc-rounds-full.json"


@dataclass
class FrenchOffice:
    demo: DemoFirm
    consultant: object
    client: Client  # invited, with a report
    report: Report


def _round(number: str, days_ago: int, type: str, lowest_crs: int, issued: int, slug: str = "") -> Draw:
    drawn_on = timezone.localdate() - dt.timedelta(days=days_ago)
    draw = Draw.objects.create(
        round_number=number, drawn_on=drawn_on, type=type, lowest_crs=lowest_crs, invitations_issued=issued,
        drawn_at=dt.datetime.combine(drawn_on, dt.time(15, 0), tzinfo=dt.UTC),
        category=category(slug, drawn_on) if slug else None, source=Draw.Source.MANUAL,
    )
    draw_services.match_draw(draw_id=draw.pk)
    return draw


def french_office(*, clients: int = 40) -> FrenchOffice:
    """Maple Leaf Immigration with `clients` demo clients, the full IRCC history and this month's rounds."""
    ensure_default_item_types()
    demo = create_demo_firm()
    marc = demo.consultants[1]
    today, now = timezone.localdate(), timezone.now()
    ids = build_clients(demo, count=clients, seed=11, today=today)
    draw_services.import_ircc_rounds(FEED.read_bytes(), today=today)
    refresh_assessments(ids, as_of=today)
    rounds = [_round("441", 6, Draw.Type.CATEGORY, 409, 6000, "french"),
              _round("440", 7, Draw.Type.CEC, 450, 3000),
              _round("437", 27, Draw.Type.GENERAL, 440, 4500)]
    mine = Client.objects.filter(firm=demo.firm, consultant=marc).order_by("id")
    invited = None
    for draw, c in zip(rounds, mine.filter(status="in_pool")[:3], strict=False):
        issued = dt.datetime.combine(draw.drawn_on, dt.time(16, 30), tzinfo=dt.UTC)
        invited = invited or invitation_services.record_invitation(
            client=c, issued_at=issued, by=marc, draw=draw, now=now)
        if invited.client_id != c.pk:
            invitation_services.record_invitation(client=c, issued_at=issued, by=marc, draw=draw, now=now)
    c = invited.client
    for n, other in enumerate(mine[:6]):
        Alert.objects.create(
            firm=demo.firm, client=other, consultant=marc, key=f"fr-{n}", raised_on=today,
            **[{"kind": Alert.Kind.NEWLY_ELIGIBLE, "data": {"program": "cec"}},
               {"kind": Alert.Kind.DOCUMENT_EXPIRING,
                "data": {"document": "language_test", "test": "ielts_general",
                         "expires_on": (today + dt.timedelta(days=40)).isoformat()}},
               {"kind": Alert.Kind.SCORE_CHANGE,
                "data": {"old": 470, "new": 464, "delta": -6, "reasons": [{"factor": "age", "delta": -6,
                                                                          "age": 31}]}}][n % 3],
        )
    report = generate_report(client=c, by=marc)
    return FrenchOffice(demo=demo, consultant=marc, client=c, report=report)
