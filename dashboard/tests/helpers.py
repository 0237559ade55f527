"""Data for the dashboard tests: a firm with a consultant, a colleague, an owner, and another firm."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from clients.models import Client, Firm
from clients.tests.factories import ClientFactory, FirmFactory, member
from draws.models import Draw, DrawMatch
from draws.tests.factories import DrawFactory
from eligibility.models import Alert, ClientAssessment
from invitations import services as invitation_services
from invitations.tests.helpers import ensure_default_item_types, toronto_firm
from testing.assessments import round_types

UTC = dt.UTC
NOW = dt.datetime(2026, 11, 25, 15, 0, tzinfo=UTC)  # 10:00 in Toronto
TODAY = dt.date(2026, 11, 25)


@dataclass
class Office:
    firm: Firm
    claire: object  # consultant: the user of most tests
    marc: object  # her colleague
    olivia: object  # the owner
    assistant: object


def office(firm: Firm | None = None) -> Office:
    firm = firm or toronto_firm()
    return Office(
        firm=firm,
        claire=member(firm, username="claire", first_name="Claire", last_name="Tremblay"),
        marc=member(firm, username="marc", first_name="Marc", last_name="Gagnon"),
        olivia=member(firm, role="owner", username="olivia", first_name="Olivia", last_name="Roy"),
        assistant=member(firm, role="assistant", username="noah", first_name="Noah", last_name="Roy"),
    )


def other_firm():
    """A second firm with one consultant ("eve"), whose data must never show."""
    ensure_default_item_types()
    firm = FirmFactory(name="Rival Immigration", time_zone="America/Vancouver")
    return firm, member(firm, username="eve", first_name="Eve", last_name="Rival")


def client(firm: Firm, consultant, *, crs: int | None = None, status: str = Client.Status.IN_POOL,
           **kwargs) -> Client:
    """A client with a stored assessment of `crs` (none when None)."""
    c = ClientFactory(firm=firm, consultant=consultant, status=status, **kwargs)
    if crs is not None:
        ClientAssessment.objects.create(client=c, firm=firm, as_of=TODAY, rules="2025-03-25", crs_total=crs,
                                        cec=True, result={}, open_round_types=round_types(programs=["cec"]))
    return c


def invite(c: Client, *, days_ago: int, draw: Draw | None = None):
    """Record an ITA issued `days_ago` days before NOW (deadline = issued + 60 days)."""
    return invitation_services.record_invitation(client=c, issued_at=NOW - dt.timedelta(days=days_ago),
                                                 by=c.consultant, draw=draw, now=NOW)


def round_(number: str, *, days_ago: int, lowest_crs: int = 500, type: str = Draw.Type.CEC, **kwargs) -> Draw:
    return DrawFactory(round_number=number, drawn_on=TODAY - dt.timedelta(days=days_ago),
                       lowest_crs=lowest_crs, type=type, **kwargs)


def match(draw: Draw, c: Client, crs: int) -> DrawMatch:
    return DrawMatch.objects.create(draw=draw, client=c, firm=c.firm, crs=crs, margin=crs - draw.lowest_crs)


def alert(c: Client, *, kind: str = Alert.Kind.SCORE_CHANGE, days_ago: int = 0, key: str = "",
          dismissed: bool = False, **data) -> Alert:
    data = data or {"old": 480, "new": 470, "delta": -10, "reasons": [{"factor": "age", "delta": -5,
                                                                        "age": 31}]}
    return Alert.objects.create(
        firm=c.firm, client=c, consultant=c.consultant, kind=kind, key=key or f"k{Alert.objects.count()}",
        data=data, raised_on=TODAY - dt.timedelta(days=days_ago), dismissed_at=NOW if dismissed else None,
    )
