"""Reads for the dashboard: every widget is a fixed number of queries, aggregated in the database.

Nothing here loops over clients in Python: counts and the score distribution are GROUP
BY queries (the distribution has at most one row per possible score, whatever the number
of clients), lists are LIMITed in SQL, so the page costs the same number of queries for
3 clients or 100,000.

Firm isolation is the rule of clients.selectors.clients_for (the user's membership's
firm). The client table is read through clients_for itself; the tables that carry their
client's firm (stored assessments, round matches, alerts) are filtered on that column,
so their (firm, ...) indexes serve the query instead of a semi-join over every client of
the firm. The "my clients" scope then narrows to the clients assigned to the user.
"""

from __future__ import annotations

import bisect
import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection
from django.db.models import Count, F, IntegerField, OuterRef, Q, Subquery
from django.db.models.expressions import Window
from django.db.models.functions import Coalesce, RowNumber
from django.utils.translation import gettext_lazy as _

from clients.counts import cache_get, cache_set, firm_version
from clients.list_filters import counts_by_category
from clients.models import Client, Membership
from clients.selectors import clients_for, membership_for
from draws.models import Category, Draw, DrawMatch
from draws.palette import draw_colour
from draws.selectors import latest_by_kind
from draws.services import ALREADY_INVITED
from eligibility.models import Alert, ClientAssessment
from invitations.models import ChecklistItem, Invitation

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
HISTOGRAM_TOP = 700  # scores from here up (provincial nominees' 600 extra points) are counted, not charted
STALE_ROUND_DAYS = 365  # a type whose latest round is older than this is listed apart, not charted
ACTIVE_STATUSES = [s for s in Client.Status.values if s not in (Client.Status.LANDED, Client.Status.CLOSED)]
# The counts that scan every client in scope (by status, by score, per round) are kept in the cache
# (Redis in production) for settings.DASHBOARD_CACHE_SECONDS; 0 turns it off.


@dataclass(frozen=True)
class Scope:
    """Whose clients the dashboard shows: the firm's, or only those assigned to the user."""

    name: str  # MINE or FIRM
    user_id: int | None
    firm_id: int | None  # None: the user belongs to no firm and sees nothing
    version: int | None = 0  # the firm's data version (clients.counts), None: the cache is down

    @property
    def is_mine(self) -> bool:
        return self.name == MINE

    def filters(self, *, firm: str = "firm_id", consultant: str = "client__consultant_id") -> dict:
        """Keyword filters for a table with a firm column (`firm`) and a path to the consultant."""
        return {firm: self.firm_id, **({consultant: self.user_id} if self.is_mine else {})}

    def cached(self, name: str, compute, *, today: dt.date):
        """`compute()`, kept DASHBOARD_CACHE_SECONDS in the cache for this scope, day and database.

        For aggregates over every client in scope (tens of milliseconds at 100,000 clients on
        a small machine). The key names the firm's data version, bumped by every saved or
        deleted client, invitation and checklist item (clients.counts), so an edit shows at
        once; bulk writes (the nightly refresh of stored scores) show within DASHBOARD_CACHE_SECONDS.
        The key names the database because one Redis may serve several databases (staging, tests).
        """
        seconds = settings.DASHBOARD_CACHE_SECONDS
        if not seconds or self.version is None:  # off, or the cache does not answer
            return compute()
        key = ":".join(str(part) for part in (
            "dashboard", connection.settings_dict["NAME"], self.firm_id, self.version, self.name,
            self.user_id if self.is_mine else "", today.isoformat(), name))
        value = cache_get(key)
        if value is None:
            value = compute()
            cache_set(key, value, seconds)
        return value


def default_scope(user) -> str:
    """Consultants start on their own clients; owners and assistants on the whole firm.

    An owner runs the firm and an assistant works for every consultant; neither has
    a book of clients of their own that would make a useful default.
    """
    membership = membership_for(user)
    return MINE if membership is not None and membership.role == Membership.Role.CONSULTANT else FIRM


def scope_for(user, value: str | None) -> Scope:
    """The scope asked for in the query string (?scope=mine|firm), or the user's default."""
    membership = membership_for(user)
    firm_id = membership.firm_id if membership is not None else None
    return Scope(name=value if value in SCOPES else default_scope(user), user_id=user.pk, firm_id=firm_id,
                 version=firm_version(firm_id) if firm_id is not None else 0)


# --- counts by status ------------------------------------------------------------------------------

@dataclass(frozen=True)
class StatusCount:
    status: str
    label: str
    count: int


def status_counts(user, scope: Scope, *, today: dt.date) -> list[StatusCount]:
    """Clients per status, every status listed (zeros too), in the model's order: one GROUP BY (cached)."""
    qs = clients_for(user)
    if scope.is_mine:
        qs = qs.filter(consultant_id=scope.user_id)
    rows = scope.cached("status", lambda: dict(qs.order_by().values_list("status").annotate(n=Count("id"))),
                        today=today)
    return [StatusCount(value, str(label), rows.get(value, 0)) for value, label in Client.Status.choices]


# --- who is eligible, per category ----------------------------------------------------------------

@dataclass(frozen=True)
class CategoryCount:
    slug: str
    name: str
    eligible: int  # active clients in scope the stored assessment finds eligible
    check: int  # ...and those it cannot judge (a fact or the list is missing)


def category_counts(scope: Scope, *, today: dt.date) -> list[CategoryCount]:
    """Per category in force today, active clients in scope eligible and cannot be judged: 2 queries.

    One read of the categories, one aggregate over the stored assessments (cached like the other
    counts); each count links to the client list filtered the same way (clients.list_filters).
    """
    categories = [c for c in Category.objects.order_by("slug") if c.applies_on(today)]
    if scope.firm_id is None or not categories:
        return []
    slugs = [c.slug for c in categories]
    assessments = ClientAssessment.objects.filter(client__status__in=ACTIVE_STATUSES, **scope.filters())
    counts = scope.cached(f"categories:{','.join(slugs)}",
                          lambda: counts_by_category(assessments, slugs), today=today)
    return [CategoryCount(c.slug, c.name, *counts[c.slug]) for c in categories]


# --- deadlines -------------------------------------------------------------------------------------

@dataclass
class Deadlines:
    rows: list[Invitation]  # each with .days_left, .urgency and .overdue_items
    total: int
    urgent: int  # URGENT_DAYS or fewer days left
    soon: int  # SOON_DAYS or fewer (urgent included)
    overdue: list[ChecklistItem] = field(default_factory=list)
    overdue_total: int = 0


def urgency(days_left: int) -> str:
    """'urgent' (red), 'soon' (amber) or 'ok' (green) for a number of days left."""
    if days_left <= URGENT_DAYS:
        return "urgent"
    if days_left <= SOON_DAYS:
        return "soon"
    return "ok"


def _local_midnight(day: dt.date, zone: ZoneInfo) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=zone)


def deadlines(scope: Scope, *, now: dt.datetime, zone: ZoneInfo, limit: int = DEADLINE_ROWS) -> Deadlines:
    """Open invitations by deadline (the first `limit`), totals by urgency, overdue documents: 4 queries.

    Days left are calendar days in the firm's time zone (Invitation.days_left_at).
    The rows are read live, walking the open invitations' deadline index until `limit` rows
    in scope are found, so they cost the same at any size; the totals, which count every
    open invitation in scope, are cached (Scope.cached, exact after any edit). The overdue-
    document count of each row is a correlated subquery over its checklist. An overdue
    document is a checklist item whose 'start by' date passed without a request
    (invitations.selectors.overdue_items), read the same way: the first rows live, the total cached.
    """
    today = now.astimezone(zone).date()
    # days_left <= N  <=>  the deadline falls before the local midnight that starts day today+N+1.
    urgent_before = _local_midnight(today + dt.timedelta(days=URGENT_DAYS + 1), zone)
    soon_before = _local_midnight(today + dt.timedelta(days=SOON_DAYS + 1), zone)
    overdue_q = Q(status=ChecklistItem.Status.NOT_STARTED, start_by__lt=today)
    overdue_per_row = (ChecklistItem.objects.filter(overdue_q, invitation=OuterRef("pk"))
                       .order_by().values("invitation").annotate(n=Count("id")).values("n"))
    open_in_scope = Invitation.objects.filter(status__in=Invitation.OPEN,
                                              **scope.filters(firm="client__firm_id"))
    totals = scope.cached("deadlines", lambda: open_in_scope.order_by().aggregate(
        total=Count("id"), urgent=Count("id", filter=Q(deadline_at__lt=urgent_before)),
        soon=Count("id", filter=Q(deadline_at__lt=soon_before))), today=today)
    rows = list(
        open_in_scope.select_related("draw__category")
        .annotate(overdue_items=Coalesce(Subquery(overdue_per_row, output_field=IntegerField()), 0))
        .order_by("deadline_at", "pk")[:limit]
    )
    for inv in rows:
        inv.days_left = inv.days_left_at(now, zone)
        inv.urgency = urgency(inv.days_left)
    in_scope = scope.filters(firm="invitation__client__firm_id",
                             consultant="invitation__client__consultant_id")
    overdue_in_scope = ChecklistItem.objects.filter(overdue_q, invitation__status__in=Invitation.OPEN,
                                                    **in_scope)
    overdue_total = scope.cached("overdue", lambda: overdue_in_scope.order_by().count(), today=today)
    overdue = list(
        overdue_in_scope.annotate(client_id=F("invitation__client_id"))
        .order_by("start_by", "id")[:OVERDUE_ROWS]
    )
    return Deadlines(rows=rows, total=totals["total"], urgent=totals["urgent"], soon=totals["soon"],
                     overdue=overdue, overdue_total=overdue_total)


# --- rounds ----------------------------------------------------------------------------------------

def rounds_shown(*, today: dt.date) -> list[Draw]:
    """The newest round of each type and category, and every round of the last MATCH_DAYS: one query.

    Newest first, with the category. A window function ranks each kind's rounds in the
    database (partitioned as draws.selectors.kind_of: the type, and the category's slug),
    so a couple of dozen rows come back, not the whole history.
    """
    newest_first = [F("drawn_on").desc(), F("round_number").desc()]
    rank = Window(RowNumber(), partition_by=[F("type"), F("category__slug")], order_by=newest_first)
    return list(
        Draw.objects.select_related("category").defer("distribution").annotate(rank=rank)
        .filter(Q(rank=1) | Q(drawn_on__gte=today - dt.timedelta(days=MATCH_DAYS)))
        .order_by(*newest_first)
    )


@dataclass
class LatestRound:
    draw: Draw
    colour: str
    is_stale: bool  # older than STALE_ROUND_DAYS: listed apart, not charted
    at_or_above: int = 0  # active clients in scope with a stored CRS at or above the cut-off


def latest_rounds(draws: list[Draw], *, today: dt.date) -> list[LatestRound]:
    """The newest round of each program type and category (draws.selectors.latest_by_kind), newest first."""
    result = []
    for d in latest_by_kind(draws):
        # The series' own colour (draws.palette), as on the history page: a new round repaints nothing.
        result.append(LatestRound(d, draw_colour(d), (today - d.drawn_on).days > STALE_ROUND_DAYS))
    return result


# --- new matches -----------------------------------------------------------------------------------

@dataclass
class Match:
    client_id: int
    crs: int
    margin: int
    client: Client | None = None  # set by attach_clients

    @property
    def is_to_invite(self) -> bool:
        """Whether an ITA can still be recorded for this match (the digest's rule: not already invited)."""
        return self.client is not None and self.client.status not in ALREADY_INVITED


@dataclass
class RoundMatches:
    draw: Draw
    count: int  # clients in scope the round would have invited
    matches: list[Match]  # the first MATCHES_PER_ROUND, highest score first


def new_matches(scope: Scope, *, draws: list[Draw], today: dt.date, rounds: int = MATCH_ROUNDS,
                per_round: int = MATCHES_PER_ROUND, compound: bool | None = None) -> list[RoundMatches]:
    """The latest rounds (held in the last MATCH_DAYS) that would have invited clients in scope: 2 queries.

    The count per round is cached (Scope.cached); the matches shown are read each time.

    `draws` holds the recent rounds, newest first (rounds_shown). One GROUP BY counts the matches of
    the recent rounds on DrawMatch's (firm, draw) index; one query reads the best
    `per_round` of each chosen round, on the match table alone (clients come after, see
    attach_clients): on PostgreSQL a UNION ALL of one ORDER BY ... LIMIT per round
    (`compound`), elsewhere a window function ranking every match of those rounds.
    """
    since = today - dt.timedelta(days=MATCH_DAYS)
    recent = [d for d in draws if d.drawn_on >= since]
    if not recent or scope.firm_id is None:
        return []
    matches = DrawMatch.objects.filter(**scope.filters())
    recent_ids = [d.pk for d in recent]
    counts = scope.cached(f"matches:{','.join(map(str, recent_ids))}", lambda: dict(
        matches.filter(draw_id__in=recent_ids).order_by().values_list("draw_id").annotate(n=Count("id"))),
        today=today)
    chosen = [d for d in recent if counts.get(d.pk)][:rounds]
    if not chosen:
        return []
    if compound is None:
        compound = connection.features.supports_slicing_ordering_in_compound
    fields = ("draw_id", "client_id", "crs", "margin")
    if compound:
        ranked = matches.order_by("-crs", "client_id").values_list(*fields)
        branches = [ranked.filter(draw_id=d.pk)[:per_round] for d in chosen]
        rows = list(branches[0].union(*branches[1:], all=True)) if len(branches) > 1 else list(branches[0])
    else:
        rows = list(
            matches.filter(draw_id__in=[d.pk for d in chosen])
            .annotate(rank=Window(RowNumber(), partition_by=[F("draw_id")],
                                  order_by=[F("crs").desc(), F("client_id").asc()]))
            .filter(rank__lte=per_round).values_list(*fields)
        )
    by_draw: dict[int, list[Match]] = {d.pk: [] for d in chosen}
    for draw_id, client_id, crs, margin in sorted(rows, key=lambda r: (-r[2], r[1])):
        by_draw[draw_id].append(Match(client_id=client_id, crs=crs, margin=margin))
    return [RoundMatches(draw=d, count=counts[d.pk], matches=by_draw[d.pk]) for d in chosen]


# --- alerts ----------------------------------------------------------------------------------------

@dataclass
class Alerts:
    rows: list[Alert]
    total: int
    by_kind: list[tuple[str, str, int]] = field(default_factory=list)  # (kind, label, count), non-zero


def open_alerts(scope: Scope, *, limit: int = ALERT_ROWS) -> Alerts:
    """Undismissed alerts of the nightly job, newest first, with their count per kind: 1 query.

    The counts are window aggregates over every alert in scope, carried by each row kept.
    "Mine" is the alert's consultant, as in eligibility.selectors.alerts_for(only_mine=True),
    on the alerts' (firm, consultant, dismissed_at, -raised_on) index.
    """
    kinds = Alert.Kind.choices
    rows = list(
        Alert.objects.filter(dismissed_at__isnull=True, **scope.filters(consultant="consultant_id"))
        .annotate(**{f"n_{kind}": Window(Count("id", filter=Q(kind=kind))) for kind, _ in kinds})
        .order_by("-raised_on", "-id")[:limit]
    )
    counts = {kind: getattr(rows[0], f"n_{kind}") if rows else 0 for kind, _ in kinds}
    return Alerts(
        rows=rows, total=sum(counts.values()),
        by_kind=[(kind, str(label), counts[kind]) for kind, label in kinds if counts[kind]],
    )


# --- the clients of the lists ---------------------------------------------------------------------

def attach_clients(user, *, deadlines: Deadlines, matches: list[RoundMatches], alerts: Alerts) -> None:
    """Load the clients the lists name, with their consultant, in one query through clients_for.

    The lists are read without joining the client table (so each LIMIT applies to its own
    table's index, not after a join with every client of the firm); their few dozen clients
    come here, through the firm isolation rule once more. A row whose client is not
    returned (none should be) is dropped rather than shown without a name.
    """
    ids = {inv.client_id for inv in deadlines.rows} | {item.client_id for item in deadlines.overdue}
    ids |= {m.client_id for rm in matches for m in rm.matches} | {a.client_id for a in alerts.rows}
    if not ids:
        return
    clients = clients_for(user).filter(pk__in=ids).select_related("consultant").in_bulk()
    for row in [*deadlines.rows, *alerts.rows]:
        if row.client_id in clients:
            row.client = clients[row.client_id]
    deadlines.rows = [inv for inv in deadlines.rows if inv.client_id in clients]
    alerts.rows = [a for a in alerts.rows if a.client_id in clients]
    deadlines.overdue = [item for item in deadlines.overdue if item.client_id in clients]
    for item in deadlines.overdue:
        item.client = clients[item.client_id]
    for rm in matches:
        rm.matches = [m for m in rm.matches if m.client_id in clients]
        for m in rm.matches:
            m.client = clients[m.client_id]


# --- the CRS distribution --------------------------------------------------------------------------

@dataclass
class Distribution:
    """Active clients in scope by stored CRS: the chart's bands and the count above each cut-off."""

    bins: list[dict]  # [{"from": 450, "count": 12}, ...], empty bands between the first and last included
    total: int  # active clients with a stored score
    above_top: int  # of which at HISTOGRAM_TOP or more (not charted)
    scores: dict[int, int]  # {crs: clients}, at most one entry per possible score

    def at_or_above(self, crs: int) -> int:
        """Clients scoring `crs` or more: a look-up in the running totals (asked once per round shown)."""
        ascending, from_here = self._running_totals
        return from_here[bisect.bisect_left(ascending, crs)]

    @cached_property
    def _running_totals(self) -> tuple[list[int], list[int]]:
        """The scores in ascending order, and for each position the clients at that score or above
        (one more position, 0, past the highest)."""
        ascending = sorted(self.scores)
        from_here = [0] * (len(ascending) + 1)
        for i in range(len(ascending) - 1, -1, -1):
            from_here[i] = from_here[i + 1] + self.scores[ascending[i]]
        return ascending, from_here

    def chart_data(self) -> dict:
        return {"bin": HISTOGRAM_BIN, "bins": self.bins, "top": HISTOGRAM_TOP, "above_top": self.above_top,
                "total": self.total}


def crs_distribution(scope: Scope, *, today: dt.date) -> Distribution:
    """Active clients (not landed or closed) in scope per stored CRS: one GROUP BY (cached).

    The query returns one row per distinct score (at most about 1,200), so the bands and
    the counts at or above each cut-off are sums over those rows, never over clients.
    """
    qs = ClientAssessment.objects.filter(client__status__in=ACTIVE_STATUSES, **scope.filters()).order_by()
    scores = scope.cached("scores", lambda: dict(qs.values_list("crs_total").annotate(n=Count("id"))),
                          today=today)
    bands: dict[int, int] = {}
    for score, n in scores.items():
        if score < HISTOGRAM_TOP:
            start = score // HISTOGRAM_BIN * HISTOGRAM_BIN
            bands[start] = bands.get(start, 0) + n
    bins = [{"from": start, "count": bands.get(start, 0)}
            for start in range(min(bands), max(bands) + HISTOGRAM_BIN, HISTOGRAM_BIN)] if bands else []
    return Distribution(bins=bins, total=sum(scores.values()), scores=scores,
                        above_top=sum(n for score, n in scores.items() if score >= HISTOGRAM_TOP))


def count_at_or_above(rounds: list[LatestRound], distribution: Distribution) -> None:
    """Set each round's `at_or_above` from the distribution (no query)."""
    for r in rounds:
        r.at_or_above = distribution.at_or_above(r.draw.lowest_crs)


def chart_cutoffs(rounds: list[LatestRound]) -> list[dict]:
    """The cut-offs drawn on the chart: recent rounds below HISTOGRAM_TOP, lowest first.

    Provincial nominee rounds (cut-offs of 700+) would stretch the axis; they are listed beside it.
    """
    return sorted(
        ({"crs": r.draw.lowest_crs, "label": r.draw.type_label, "colour": r.colour,
          "round": r.draw.round_number, "date": r.draw.drawn_on.isoformat()}
         for r in rounds if not r.is_stale and r.draw.lowest_crs < HISTOGRAM_TOP),
        key=lambda c: c["crs"],
    )
