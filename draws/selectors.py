"""Reads of rounds (public IRCC data, the same for every firm) and the history page's figures.

The history page reads a bounded amount whatever the history holds: the filter's choices and
the latest round of each kind come from the database (one window query, one of years), the
table is a page of PAGE_SIZE rounds, and the charts take the newest CHART_MAX_ROUNDS rounds of
the filter. Only the CSV download streams every round of the filter.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date

from django.core.cache import cache
from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db import connection, transaction
from django.db.models import Count, F, Max, QuerySet, Window
from django.db.models.functions import RowNumber

from clients.counts import CACHE_DOWN, cache_delete, cache_get, cache_set
from draws.models import Category, Draw
from draws.palette import TYPE_COLOURS, series_colour

EXPORT_COLUMNS = ["round", "date", "type", "category", "invitations", "lowest_crs", "tie_break_at"]
# A series' line breaks where the type had no round for this long (in years: four months).
GAP_YEARS = 1 / 3


# The history table's page, and how many rounds (newest first) the page's charts read. IRCC's
# whole history is 435 rounds (2015 to 2026, about 50 to 100 a year): every round is charted for
# years to come, while a history swollen by imports costs every consultant's page no more.
PAGE_SIZE = 50
CHART_MAX_ROUNDS = 600
# The invitations chart has one bar per month: at most this many months, back from the newest.
CHART_MAX_MONTHS = 240


def rounds_for(*, kind: str = "", year: int | None = None) -> QuerySet[Draw]:
    """Rounds of one type or category ('cat:<slug>', '' = all) and one year (None = all), newest first.

    The filter of the history page and its CSV, in the database (as kind_of reads a round).
    """
    qs = Draw.objects.select_related("category").order_by("-drawn_on", "-round_number")
    if kind.startswith("cat:"):
        qs = qs.filter(category__slug=kind[4:])
    elif kind:
        qs = qs.filter(type=kind, category__isnull=True)
    if year is not None:
        qs = qs.filter(drawn_on__gte=date(year, 1, 1), drawn_on__lt=date(year + 1, 1, 1))
    return qs


def latest_round_of_each_kind() -> list[Draw]:
    """latest_by_kind in the database: the newest round of each type and category (one query).

    A window function ranks each kind's rounds (partitioned as kind_of: the type, and the
    category's slug), so a couple of dozen rows come back, not the whole history.
    """
    newest_first = [F("drawn_on").desc(), F("round_number").desc()]
    rank = Window(RowNumber(), partition_by=[F("type"), F("category__slug")], order_by=newest_first)
    rows = (Draw.objects.select_related("category").defer("distribution").annotate(rank=rank)
            .filter(rank=1).order_by(*newest_first))
    return latest_by_kind(list(rows))


# The history page's rendered fragments are kept in the cache (config.fragments) under the rounds'
# version: any round added, changed (every writer sets updated_at: save(), the import's
# bulk_update) or deleted changes the count, the newest id or the newest change; a category saved
# or deleted (its names label rounds) draws a new random token in the cache (draws.apps). A token
# the cache lost is drawn again, so it never matches a fragment kept under an earlier one.
def _categories_token_key() -> str:
    return f"categories:token:{connection.settings_dict['NAME']}"


def categories_token() -> str | None:
    """A token that changes whenever a category is saved or deleted (what labels rounds and
    verdicts); None when the cache does not answer."""
    key = _categories_token_key()
    try:
        token = cache.get(key)
        if token is None:
            cache.add(key, uuid.uuid4().hex, None)
            token = cache.get(key)
    except CACHE_DOWN:
        return None
    return token


def rounds_version() -> str | None:
    """The version of everything the history page shows of the rounds (one query on an index-only
    aggregate of a few hundred rows); None when the cache does not answer."""
    token = categories_token()
    if token is None:
        return None
    rounds = Draw.objects.aggregate(count=Count("id"), last_id=Max("id"), changed_at=Max("updated_at"))
    changed = rounds["changed_at"].isoformat() if rounds["changed_at"] else ""
    return f"{rounds['count']}:{rounds['last_id']}:{changed}:{token}"


def new_categories_token() -> None:
    """A category was saved or deleted: pages that name categories are rendered again, now and
    once the transaction commits (a page rendered meanwhile from the names before the commit)."""
    key = _categories_token_key()

    def draw() -> None:
        try:
            cache.set(key, uuid.uuid4().hex, None)
        except CACHE_DOWN:
            pass  # while the cache is down nothing is read from it (rounds_version() is None)

    draw()
    transaction.on_commit(draw)


def years_with_rounds() -> list[int]:
    """The years that have a round, newest first (one query)."""
    return [d.year for d in Draw.objects.dates("drawn_on", "year", order="DESC")]


def chart_rounds(rounds: QuerySet[Draw]) -> list[Draw]:
    """The newest CHART_MAX_ROUNDS of `rounds`: what the page's charts draw (one query)."""
    return list(rounds.defer("distribution")[:CHART_MAX_ROUNDS])


def table_page(rounds: QuerySet[Draw], charted: Sequence[Draw], number: str | None) -> Page:
    """Page `number` of the history table (Paginator.get_page's reading of it), cut from the charted
    rounds (the filter's newest CHART_MAX_ROUNDS, already read) when it lies among them: a query
    only for pages further back. The count is the paginator's (one query)."""
    paginator = Paginator(rounds, PAGE_SIZE)
    try:
        number = paginator.validate_number(number)
    except PageNotAnInteger:
        number = 1
    except EmptyPage:
        number = paginator.num_pages
    bottom = (number - 1) * PAGE_SIZE
    if bottom + PAGE_SIZE <= len(charted) or len(charted) < CHART_MAX_ROUNDS:
        return Page(list(charted[bottom:bottom + PAGE_SIZE]), number, paginator)
    return paginator.page(number)


def draws_oldest_first() -> QuerySet[Draw]:
    """Every round, oldest first, with its category (one query)."""
    return Draw.objects.select_related("category").order_by("drawn_on", "round_number")


def all_draws() -> list[Draw]:
    """Every round, newest first, with its category (one query)."""
    return list(Draw.objects.select_related("category").order_by("-drawn_on", "-round_number"))


def export_row(d: Draw, *, with_name: bool = False) -> dict:
    """One round in the columns of `export_draws` (and of the history page's CSV, plus the name)."""
    row = {
        "round": d.round_number,
        "date": d.drawn_on.isoformat(),
        "type": d.type,
        "category": d.category.slug if d.category_id else "",
        "invitations": d.invitations_issued,
        "lowest_crs": d.lowest_crs,
        "tie_break_at": d.tie_break_at.isoformat().replace("+00:00", "Z") if d.tie_break_at else "",
    }
    if with_name:
        row["name"] = d.type_label
    return row


def export_rows(draws: Iterable[Draw], *, with_name: bool = False) -> list[dict]:
    """export_row of every round."""
    return [export_row(d, with_name=with_name) for d in draws]


def kind_of(draw: Draw) -> str:
    """The history filter's value for a round: its type, or 'cat:<slug>' for a category round."""
    return f"cat:{draw.category.slug}" if draw.category_id else draw.type


def kinds(draws: Iterable[Draw]) -> tuple[list[str], dict[str, str]]:
    """Program types and {category slug: newest name} that occur in `draws`."""
    types, categories = set(), {}
    for d in draws:  # newest first: the first name seen is the newest
        if d.category_id:
            categories.setdefault(d.category.slug, d.category.name)
        else:
            types.add(d.type)
    return sorted(types), dict(sorted(categories.items(), key=lambda kv: kv[1]))


def years(draws: Iterable[Draw]) -> list[int]:
    return sorted({d.drawn_on.year for d in draws}, reverse=True)


def filter_draws(draws: Iterable[Draw], *, kind: str = "", year: int | None = None) -> list[Draw]:
    """Rounds of one type or category slug ('' = all) and one year (None = all)."""
    return [d for d in draws
            if (not kind or kind_of(d) == kind) and (year is None or d.drawn_on.year == year)]


def latest_by_kind(draws: Sequence[Draw]) -> list[Draw]:
    """The newest round of each program type and of each category, newest first."""
    latest: dict[str, Draw] = {}
    for d in draws:  # newest first
        latest.setdefault(kind_of(d), d)
    return sorted(latest.values(), key=lambda d: (d.drawn_on, d.round_number), reverse=True)


def _year_fraction(day: date) -> float:
    start, end = date(day.year, 1, 1), date(day.year + 1, 1, 1)
    return round(day.year + (day - start).days / (end - start).days, 4)


def _series_key(d: Draw) -> tuple[str, str]:
    """A round's series: its category's (each category its own line), else its program type's."""
    if d.category_id:
        return f"cat:{d.category.slug}", d.category.name
    return d.type, str(Draw.Type(d.type).label)


def crs_chart(draws: Sequence[Draw]) -> dict:
    """Lowest CRS over time, one series per program type and one per category.

    Category rounds are never joined into one "Category" line (healthcare 462, French 399 and
    transport 470 read as one zig-zag): each category slug is its own series, in its own
    colour (draws.palette), the same whichever rounds the page shows.

    x is the date as a fractional year (ticks fall on years); each point keeps
    its round, date and name for the tooltip. PNP rounds (cut-offs 600+ with the
    nomination's 600 points) start hidden so the other series keep a readable scale.
    """
    series: dict[str, dict] = {}
    for d in sorted(draws, key=lambda d: (d.drawn_on, d.round_number)):
        key, label = _series_key(d)
        if key not in series:
            series[key] = {"label": label, "key": key, "colour": series_colour(key),
                           "hidden": key == Draw.Type.PNP, "points": []}
        series[key]["label"] = label  # a category renamed over its periods: the newest name
        points, x = series[key]["points"], _year_fraction(d.drawn_on)
        if points and x - points[-1]["x"] > GAP_YEARS:  # no round for months: break the line
            points.append({"x": round((x + points[-1]["x"]) / 2, 4), "y": None})
        points.append({"x": x, "y": d.lowest_crs, "round": d.round_number, "date": d.drawn_on.isoformat(),
                       "name": d.type_label, "invitations": d.invitations_issued})
    return {"series": sorted(series.values(), key=_legend_order)}


def _legend_order(series: dict) -> tuple:
    """Program types in Draw.Type's order, then categories by name: the same legend on every visit."""
    types = list(TYPE_COLOURS)
    key = series["key"]
    return (0, types.index(key), "") if key in types else (1, 0, series["label"].casefold())


def invitations_chart(draws: Sequence[Draw]) -> dict:
    """Invitations issued per calendar month (every month in the range, empty ones too).

    Stacked by program type and by category, in the colours of the CRS chart.
    """
    if not draws:
        return {"months": [], "series": []}
    last = max(d.drawn_on for d in draws)
    months_back = max(last.year * 12 + last.month - CHART_MAX_MONTHS, 12)  # at most CHART_MAX_MONTHS bars
    draws = [d for d in draws if d.drawn_on >= date(months_back // 12, months_back % 12 + 1, 1)]
    totals: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    labels: dict[str, str] = {}
    for d in draws:  # newest first: a category's newest name labels its series, as on the CRS chart
        key, label = _series_key(d)
        labels.setdefault(key, label)
        totals[key][f"{d.drawn_on:%Y-%m}"] += d.invitations_issued
    first = min(d.drawn_on for d in draws)
    months, (y, m) = [], (first.year, first.month)
    while (y, m) <= (last.year, last.month):
        months.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    order = [*TYPE_COLOURS, *sorted(k for k in totals if k.startswith("cat:"))]
    series = [
        {"label": labels[k], "key": k, "colour": series_colour(k),
         "values": [totals[k].get(month, 0) for month in months]}
        for k in sorted(totals, key=order.index)
    ]
    return {"months": months, "series": series}



# The French name of each category, as recorded (name_fr, which an admin may correct), read on
# every French page that names a category (reports, the client page, alerts). Kept in the cache
# (Redis in production) under the database's name: forgotten when a category is saved or deleted,
# computed again after every migrate (draws.apps); the page that finds it missing (or a cache that
# does not answer) reads it in one query. A page reading the names while an edit is committing may
# keep the old ones: they last CATEGORY_NAMES_SECONDS at most.
CATEGORY_NAMES_SECONDS = 3600


def _category_names_key() -> str:
    return f"categories:names-fr:{connection.settings_dict['NAME']}"


def _read_category_names() -> dict[str, str]:
    names: dict[str, str] = {}
    rows = (Category.objects.exclude(name_fr="").order_by("slug", "-effective_from")
            .values_list("slug", "name_fr"))
    for slug, name_fr in rows:
        names.setdefault(slug, name_fr)  # the newest list period that has a French name
    return names


def category_names_fr() -> dict[str, str]:
    """{slug: French name as recorded}: from the cache, else one query."""
    names = cache_get(_category_names_key())
    if names is None:
        names = refresh_category_names()
    return names


def refresh_category_names() -> dict[str, str]:
    """Read the French names again and keep them in the cache."""
    names = _read_category_names()
    cache_set(_category_names_key(), names, CATEGORY_NAMES_SECONDS)
    return names


def category_names_after_migrate(**kwargs) -> None:
    """post_migrate: a data migration may have changed the names (and a partial migrate may not
    have created the table yet)."""
    if Category._meta.db_table in connection.introspection.table_names():
        refresh_category_names()
        new_categories_token()


def forget_category_names(**kwargs) -> None:
    """post_save / post_delete of a Category: the next page reads the names again (no query here,
    nothing deferred: an admin save or an import stays as it was)."""
    cache_delete(_category_names_key())
    new_categories_token()
