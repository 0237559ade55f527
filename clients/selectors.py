"""Reads of client data, always scoped to the user's firm."""

from __future__ import annotations

from contextlib import contextmanager

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import OperationalError, connection, transaction
from django.db.models import Prefetch, Q, QuerySet, Value
from django.db.models.functions import Concat
from django.utils.translation import gettext as _
from psycopg.errors import QueryCanceled

from clients.models import Client, ClientQuerySet, Education, Job, LanguageTest, Membership, Noc
from clients.validators import SEARCH_MAX_LENGTH


def clients_for(user) -> ClientQuerySet:
    """Every read of client data starts here: only the user's own firm's clients."""
    return Client.objects.for_user(user)


def membership_for(user) -> Membership | None:
    return getattr(user, "membership", None) if getattr(user, "is_authenticated", False) else None


def email_language_for(user) -> str:
    """The language of the emails sent to a member: their Membership.language, else the site's."""
    membership = getattr(user, "membership", None)
    return membership.language if membership is not None else settings.LANGUAGE_CODE


def consultants_for(user) -> QuerySet:
    """Users of the user's firm who can be a client's assigned consultant (owners and consultants)."""
    membership = membership_for(user)
    if membership is None:
        return get_user_model().objects.none()
    return (
        get_user_model()
        .objects.filter(
            membership__firm_id=membership.firm_id,
            membership__role__in=[Membership.Role.OWNER, Membership.Role.CONSULTANT],
            is_active=True,
        )
        .order_by("first_name", "last_name", "username")
    )


# A search is a few words of a name, an email or a profile number; more is not a search but load:
# each word is one more condition on every candidate row. (Characters: the search box's own bound.)
SEARCH_MAX_WORDS = 10


class SearchTooLong(ValueError):
    """A client search of more than SEARCH_MAX_WORDS words or SEARCH_MAX_LENGTH characters."""


def search_limit_message() -> str:
    """What a user is told when a search passes the bounds (client list and admin searches)."""
    return _("Search is limited to %(words)s words and %(chars)s characters; shorten it to search.") % {
        "words": SEARCH_MAX_WORDS, "chars": SEARCH_MAX_LENGTH}


class SearchTooSlow(RuntimeError):
    """A client search that PostgreSQL stopped at settings.CLIENT_SEARCH_TIMEOUT_MS."""


def search_slow_message() -> str:
    """What a user is told when a search within its bounds still takes too long (a very large firm)."""
    return _("This search took too long and was stopped; add a longer word (a full name, an email or a "
             "profile number) to narrow it.")


@contextmanager
def search_time_limit(enabled: bool = True):
    """Run the queries of the body with PostgreSQL's statement_timeout at CLIENT_SEARCH_TIMEOUT_MS.

    Within its bounds a search stays cheap up to a few hundred thousand clients, but at 1,000,000
    the worst allowed search took 16.6 s (p95 32.8 s, past gunicorn's 30 s: a 502, not an answer;
    ops/results/bench-1m-2026-12-03.txt). Stopped here instead, it raises SearchTooSlow and the view
    says so. Set in a transaction of its own (a savepoint under an outer one) and restored before it
    ends, so nothing after the body runs with the limit. Elsewhere than PostgreSQL, or at 0: no limit.
    """
    limit = settings.CLIENT_SEARCH_TIMEOUT_MS
    if not enabled or not limit or connection.vendor != "postgresql":
        yield
        return
    outermost = not connection.in_atomic_block  # a request's case: the commit ends the setting
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SELECT current_setting('statement_timeout'), "
                               "set_config('statement_timeout', %s, true)", [f"{int(limit)}ms"])
                previous = cursor.fetchone()[0]
            yield
            if not outermost:  # a savepoint's release keeps it: put the caller's back
                with connection.cursor() as cursor:
                    cursor.execute("SELECT set_config('statement_timeout', %s, true)", [previous])
    except OperationalError as exc:
        if isinstance(exc.__cause__, QueryCanceled):
            raise SearchTooSlow(str(exc.__cause__)) from exc
        raise


def search_terms(q: str) -> list[str]:
    """The distinct words of a client search, in order (case-insensitively distinct).

    Raises SearchTooLong past the bounds, before any query is built: thousands of words made
    one request hold a worker for seconds (2,000 words: 14.5 s on PostgreSQL).
    """
    if len(q) > SEARCH_MAX_LENGTH:
        raise SearchTooLong(f"{len(q)} characters")
    distinct: dict[str, str] = {}
    for word in q.split():
        distinct.setdefault(word.casefold(), word)
    if len(distinct) > SEARCH_MAX_WORDS:
        raise SearchTooLong(f"{len(distinct)} words")
    return list(distinct.values())


def word_matches(word: str) -> Q:
    """One search word against the names, the email or the profile number (trigram-indexed on PostgreSQL)."""
    return (
        Q(first_name__icontains=word)
        | Q(last_name__icontains=word)
        | Q(email__icontains=word)
        | Q(ee_profile_number__icontains=word)
    )


def search_client_ids(
    *, user, q: str = "", consultant_id: int | None = None, status: str = ""
) -> QuerySet:
    """Ids of the firm's clients matching a free-text search and filters, in list order.

    Every word of `q` must match a name, the email or the Express Entry profile number,
    so "ana reyes" finds Ana Reyes. Ids only, from the client table alone: the list
    paginates these, then loads its page's rows with clients_in_order (two short queries
    instead of joining every match). SearchTooLong past the bounds of search_terms.
    """
    qs = clients_for(user)
    words = search_terms(q)
    if words:
        # One condition of all the words, built once: a filter() per word copies the conditions
        # before it each time (quadratic in the number of words).
        qs = qs.filter(Q(*(word_matches(word) for word in words)))
    if consultant_id:
        qs = qs.filter(consultant_id=consultant_id)
    if status:
        qs = qs.filter(status=status)
    if words:
        # With a search word, PostgreSQL would walk the (firm, last_name, first_name) index in order,
        # testing row after row until a page matched: tens of thousands of rows at 100,000 clients
        # for a name late in the alphabet. Ordering on an expression no index holds (last_name || '',
        # the same order) makes it read the matches through the trigram indexes and sort those.
        qs = qs.annotate(list_name=Concat("last_name", Value(""))).order_by("list_name", "first_name", "id")
    else:
        qs = qs.order_by("last_name", "first_name", "id")
    return qs.values_list("id", flat=True)


def clients_in_order(user, ids: list[int]) -> list[Client]:
    """The clients of `ids` (a page of search_client_ids), in that order, with consultant and stored score.

    The stored assessment (a deliberate cache) comes with the row through a join: the list
    never recomputes a score. Only the columns a list row shows are read (LIST_ROW_FIELDS): not
    the assessment's result (a large JSON document) nor the profile's facts, whose decoding
    was most of the time spent loading a page of rows.
    """
    rows = (clients_for(user).select_related("consultant", "assessment").only(*LIST_ROW_FIELDS)
            .in_bulk(ids))
    return [rows[pk] for pk in ids if pk in rows]


# What a row of the client list shows (eligibility/templatetags/client_rows.py): reading another field
# of these rows would cost one query per row (a deferred field), which the list's query-count test
# catches.
LIST_ROW_FIELDS = (
    "first_name", "last_name", "email", "ee_profile_number", "status", "updated_at",
    "consultant", "consultant__first_name", "consultant__last_name", "consultant__username",
    "assessment__crs_total", "assessment__fsw", "assessment__cec", "assessment__fstp",
    "assessment__fsw_status", "assessment__cec_status", "assessment__fstp_status",
    "assessment__categories_check",
)


def client_profiles_for(user) -> ClientQuerySet:
    """The firm's clients with every fact the client page shows and the engine reads, in fixed queries.

    The prefetches order facts by id, as eligibility.services.clients_with_facts does, so
    the live assessment on the page equals the stored one.
    """
    return clients_for(user).select_related(
        "consultant", "spouse", "certificate_noc", "job_offer_noc", "assessment"
    ).prefetch_related(
        Prefetch("educations", queryset=Education.objects.order_by("id")),
        Prefetch("languagetests", queryset=LanguageTest.objects.order_by("id")),
        Prefetch("jobs", queryset=Job.objects.select_related("noc").order_by("id")),
    )


def noc_titles() -> dict[str, str]:
    """All NOC 2021 unit groups as {code: title}, in one query (for the NOC picker)."""
    return dict(Noc.objects.order_by("code").values_list("code", "title"))
