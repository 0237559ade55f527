"""Reads for the dashboard: every widget is a fixed number of queries, aggregated in the database.

Nothing here loops over clients in Python: counts and the CRS histogram are GROUP BY
queries, lists are LIMITed in SQL (per round with a window function), so the page
costs the same number of queries for 3 clients or 100,000.

Firm isolation comes from the other apps' selectors (clients_for, invitations_for,
alerts_for), all built on clients.selectors.clients_for; the "my clients" scope then
narrows to the clients assigned to the user.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.db.models import Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.expressions import Window
from django.db.models.functions import Coalesce, RowNumber
from django.utils.translation import gettext_lazy as _

from clients.models import Client, Membership
from clients.selectors import clients_for, membership_for
from draws.models import Draw, DrawMatch
from draws.selectors import CATEGORY_COLOURS, TYPE_COLOURS, kind_of, latest_by_kind
from eligibility.models import Alert, ClientAssessment
from eligibility.selectors import alerts_for
from invitations.models import ChecklistItem, Invitation
from invitations.selectors import invitations_for, overdue_items

MINE, FIRM = "mine", "firm"
SCOPES = {MINE: _("My clients"), FIRM: _("Whole firm")}

DEADLINE_ROWS = 12
OVERDUE_ROWS = 8
ALERT_ROWS = 10
MATCH_ROUNDS = 5  # rounds shown in "New matches"...
MATCH_DAYS = 30  # ...among those held in the last 30 days
MATCHES_PER_ROUND = 8
URGENT_DAYS = 7  # days left: red at or under this, amber at or under SOON_DAYS, green above
SOON_DAYS = 14
HISTOGRAM_BIN = 10  # CRS points per bar
HISTOGRAM_TOP = 700  # scores from here up (provincial nominees' 600 extra points) share the last bar
STALE_ROUND_DAYS = 365  # a type whose latest round is older than this is listed, greyed, not charted


def default_scope(user) -> str:
    """Consultants start on their own clients; owners and assistants on the whole firm.

    An owner runs the firm and an assistant works for every consultant; neither has
    a book of clients of their own that would make a useful default.
    """
    membership = membership_for(user)
    return MINE if membership is not None and membership.role == Membership.Role.CONSULTANT else FIRM


def parse_scope(user, value: str | None) -> str:
    """The scope asked for in the query string, or the user's default when absent or unknown."""
    return value if value in SCOPES else default_scope(user)


def scoped_clients(user, *, scope: str):
    """The firm's clients (clients_for), or only those assigned to `user` for the "mine" scope."""
    qs = clients_for(user)
    return qs.filter(consultant=user) if scope == MINE else qs


def _mine(qs: QuerySet, user, scope: str, client_path: str = "client") -> QuerySet:
    """Narrow an already firm-scoped queryset to the user's own clients for the "mine" scope."""
    return qs.filter(**{f"{client_path}__consultant": user}) if scope == MINE else qs


# --- counts by status ------------------------------------------------------------------------------

@dataclass(frozen=True)
class StatusCount:
    status: str
    label: str
    count: int


def status_counts(user, *, scope: str) -> list[StatusCount]:
    """Clients per status, every status listed (zeros too), in the model's order: one GROUP BY."""
    rows = dict(scoped_clients(user, scope=scope).order_by().values_list("status").annotate(n=Count("id")))
    return [StatusCount(value, str(label), rows.get(value, 0)) for value, label in Client.Status.choices]


# --- deadlines -------------------------------------------------------------------------------------

@dataclass
class Deadlines:
    rows: list[Invitation]  # each with .days_left, .urgency and .overdue_items
    total: int
    urgent: int  # URGENT_DAYS or fewer days left
    soon: int  # SOON_DAYS or fewer (urgent included)
    overdue: list[ChecklistItem]
    overdue_total: int


def urgency(days_left: int) -> str:
    """'urgent' (red), 'soon' (amber) or 'ok' (green) for a number of days left."""
    if days_left <= URGENT_DAYS:
        return "urgent"
    if days_left <= SOON_DAYS:
        return "soon"
    return "ok"


def _local_midnight(day: dt.date, zone: ZoneInfo) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=zone)


def deadlines(user, *, scope: str, now: dt.datetime, zone: ZoneInfo, limit: int = DEADLINE_ROWS) -> Deadlines:
    """Open invitations by deadline (the first `limit`), totals by urgency, overdue documents: 4 queries.

    The overdue-document count of each row is a correlated subquery, which PostgreSQL
    evaluates only for the rows that survive the LIMIT.
    """
    today = now.astimezone(zone).date()
    open_qs = _mine(invitations_for(user).filter(status__in=Invitation.OPEN), user, scope)
    overdue_per_row = (
        ChecklistItem.objects.filter(invitation=OuterRef("pk"), status=ChecklistItem.Status.NOT_STARTED,
                                     start_by__lt=today)
        .order_by().values("invitation").annotate(n=Count("id")).values("n")
    )
    rows = list(
        open_qs.select_related("client__consultant", "draw__category")
        .annotate(overdue_items=Coalesce(Subquery(overdue_per_row, output_field=IntegerField()), 0))
        .order_by("deadline_at", "pk")[:limit]
    )
    for inv in rows:
        inv.days_left = (inv.deadline_at.astimezone(zone).date() - today).days
        inv.urgency = urgency(inv.days_left)
    # days_left <= N  <=>  the deadline falls before local midnight starting day today+N+1.
    urgent_before = _local_midnight(today + dt.timedelta(days=URGENT_DAYS + 1), zone)
    soon_before = _local_midnight(today + dt.timedelta(days=SOON_DAYS + 1), zone)
    totals = open_qs.aggregate(total=Count("id"), urgent=Count("id", filter=Q(deadline_at__lt=urgent_before)),
                               soon=Count("id", filter=Q(deadline_at__lt=soon_before)))
    items = _mine(overdue_items(user, today=today), user, scope, "invitation__client")
    return Deadlines(
        rows=rows, total=totals["total"], urgent=totals["urgent"], soon=totals["soon"],
        overdue=list(items.select_related("invitation__client")[:OVERDUE_ROWS]),
        overdue_total=items.count(),
    )


# --- new matches -----------------------------------------------------------------------------------

@dataclass
class RoundMatches:
    draw: Draw
    count: int  # clients in scope the round would have invited
    matches: list[DrawMatch]  # the first MATCHES_PER_ROUND, highest score first


def new_matches(user, *, scope: str, today: dt.date, rounds: int = MATCH_ROUNDS,
                per_round: int = MATCHES_PER_ROUND) -> list[RoundMatches]:
    """The latest rounds (held in the last MATCH_DAYS) that would have invited clients in scope: 2 queries.

    The rounds come with their match count (one GROUP BY); the matches of all of them
    in one query, ranked per round by a window function and cut in SQL.
    """
    in_scope = scoped_clients(user, scope=scope)
    draws = list(
        Draw.objects.filter(drawn_on__gte=today - dt.timedelta(days=MATCH_DAYS))
        .annotate(match_count=Count("matches", filter=Q(matches__client__in=in_scope)))
        .filter(match_count__gt=0).select_related("category")
        .order_by("-drawn_on", "-round_number")[:rounds]
    )
    if not draws:
        return []
    ranked = (
        DrawMatch.objects.filter(draw__in=[d.pk for d in draws], client__in=in_scope)
        .select_related("client__consultant")
        .annotate(rank=Window(RowNumber(), partition_by=[F("draw_id")],
                              order_by=[F("crs").desc(), F("client_id").asc()]))
        .filter(rank__lte=per_round).order_by("draw_id", "rank")
    )
    by_draw: dict[int, list[DrawMatch]] = {d.pk: [] for d in draws}
    for match in ranked:
        by_draw[match.draw_id].append(match)
    return [RoundMatches(draw=d, count=d.match_count, matches=by_draw[d.pk]) for d in draws]


# --- alerts ----------------------------------------------------------------------------------------

@dataclass
class Alerts:
    rows: list[Alert]
    total: int
    by_kind: list[tuple[str, str, int]] = field(default_factory=list)  # (kind, label, count), non-zero


def open_alerts(user, *, scope: str, limit: int = ALERT_ROWS) -> Alerts:
    """Undismissed alerts of the nightly job, newest first, and their count per kind: 2 queries.

    "Mine" uses the alert's consultant (alerts_for's only_mine, on the alerts' index).
    """
    qs = alerts_for(user, only_mine=scope == MINE)
    counts = dict(qs.order_by().values_list("kind").annotate(n=Count("id")))
    return Alerts(
        rows=list(qs.select_related("client__consultant")[:limit]),
        total=sum(counts.values()),
        by_kind=[(kind, str(label), counts[kind]) for kind, label in Alert.Kind.choices if counts.get(kind)],
    )


# --- latest rounds and the CRS distribution --------------------------------------------------------

@dataclass
class LatestRound:
    draw: Draw
    colour: str
    is_stale: bool  # older than STALE_ROUND_DAYS: listed, not charted
    at_or_above: int = 0  # active clients in scope with a stored CRS at or above the cut-off


def latest_rounds(*, today: dt.date) -> list[LatestRound]:
    """The newest round of each program type and category, newest first: one query over the history.

    The history is public data of about 50 rounds a year, the same for every firm,
    so reading it whole (the few columns needed) costs the same whatever the clients.
    """
    draws = list(
        Draw.objects.select_related("category")
        .only("round_number", "drawn_on", "type", "category__slug", "category__name_en", "category__name_fr",
              "ircc_name", "invitations_issued", "lowest_crs")
        .order_by("-drawn_on", "-round_number")
    )
    colours = iter(CATEGORY_COLOURS * 3)
    result = []
    for d in latest_by_kind(draws):
        colour = next(colours) if kind_of(d).startswith("cat:") else TYPE_COLOURS.get(d.type, "#212529")
        result.append(LatestRound(d, colour, (today - d.drawn_on).days > STALE_ROUND_DAYS))
    return result


def _active_assessments(user, *, scope: str) -> QuerySet[ClientAssessment]:
    """Stored scores of the active clients in scope (not landed or closed)."""
    return ClientAssessment.objects.filter(client__in=scoped_clients(user, scope=scope).active())


def count_at_or_above(user, *, scope: str, rounds: list[LatestRound]) -> None:
    """Set each round's `at_or_above`: one query with a filtered COUNT per cut-off."""
    if not rounds:
        return
    counts = _active_assessments(user, scope=scope).aggregate(**{
        f"r{i}": Count("id", filter=Q(crs_total__gte=r.draw.lowest_crs)) for i, r in enumerate(rounds)
    })
    for i, r in enumerate(rounds):
        r.at_or_above = counts[f"r{i}"]


def crs_histogram(user, *, scope: str) -> dict:
    """Active clients in scope per HISTOGRAM_BIN-point band of stored CRS: one GROUP BY.

    Returns {"bin": width, "bins": [{"from": 450, "count": 12}, ...] (empty bands between
    the first and the last included), "top": HISTOGRAM_TOP, "above_top": count at HISTOGRAM_TOP+,
    "total": clients with a stored score}.
    """
    band = F("crs_total") / HISTOGRAM_BIN * HISTOGRAM_BIN  # integer division in SQL
    rows = dict(_active_assessments(user, scope=scope).order_by().values_list(band).annotate(n=Count("id")))
    above_top = sum(n for start, n in rows.items() if start >= HISTOGRAM_TOP)
    charted = {start: n for start, n in rows.items() if start < HISTOGRAM_TOP}
    bins = []
    if charted:
        for start in range(min(charted), max(charted) + HISTOGRAM_BIN, HISTOGRAM_BIN):
            bins.append({"from": start, "count": charted.get(start, 0)})
    return {"bin": HISTOGRAM_BIN, "bins": bins, "top": HISTOGRAM_TOP, "above_top": above_top,
            "total": sum(rows.values())}


def chart_cutoffs(rounds: list[LatestRound]) -> list[dict]:
    """The cut-offs drawn on the chart: recent rounds below HISTOGRAM_TOP, lowest first.

    Provincial nominee rounds (cut-offs of 700+) would stretch the axis and are listed beside it.
    """
    return sorted(
        ({"crs": r.draw.lowest_crs, "label": r.draw.type_label, "colour": r.colour,
          "round": r.draw.round_number, "date": r.draw.drawn_on.isoformat()}
         for r in rounds if not r.is_stale and r.draw.lowest_crs < HISTOGRAM_TOP),
        key=lambda c: c["crs"],
    )
