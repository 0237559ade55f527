"""Bridge between client records and the rules engine; the only writer of assessments."""

from __future__ import annotations

import gc
import hashlib
import json
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import orjson
from django.db import connection, transaction
from django.db.models import F, Lookup, Prefetch
from django.utils import timezone

from clients.models import Client, Education, Job, LanguageTest, Noc, Spouse
from draws.models import Category, Draw
from eligibility import reports, rules
from eligibility.models import Alert, ClientAssessment, RefreshRun, Report
from eligibility.rules import verdict


def _categories(as_of: date | None):
    qs = Category.objects.prefetch_related("nocs")
    if as_of is not None:
        qs = qs.filter(effective_from__lte=as_of).exclude(effective_to__lt=as_of)
    return qs


def _category_rule(c: Category) -> rules.CategoryRule:
    return rules.CategoryRule(
        slug=c.slug,
        name=c.name_en,
        effective_from=c.effective_from,
        effective_to=c.effective_to,
        experience_rule=c.experience_rule,
        nocs=frozenset(n.code for n in c.nocs.all()),
        list_unconfirmed=c.is_list_unconfirmed,
    )


def category_rules(*, as_of: date | None = None) -> list[rules.CategoryRule]:
    """Every category (or those in force on as_of) as engine input, in 2 queries."""
    return [_category_rule(c) for c in _categories(as_of)]


def category_rules_and_names(*, as_of: date) -> tuple[list[rules.CategoryRule], dict[str, str]]:
    """category_rules(as_of=...) and {slug: the name in the page's language} (Category.name: the
    recorded French name on French pages), from the same 2 queries."""
    rows = list(_categories(as_of))
    return [_category_rule(c) for c in rows], {c.slug: c.name for c in rows}


def clients_with_facts(qs):
    """The queryset with everything facts_for() reads, in a fixed number of queries."""
    return qs.select_related("spouse", "certificate_noc", "job_offer_noc").prefetch_related(
        Prefetch("educations", queryset=Education.objects.order_by("id")),
        Prefetch("languagetests", queryset=LanguageTest.objects.order_by("id")),
        Prefetch("jobs", queryset=Job.objects.order_by("id")),
    )


# The fields the engine reads, per table, in the order of the rows facts_from_rows takes: facts_for
# (one client, model instances) and the bulk refresh (plain tuples from one SQL query per table) both
# go through facts_from_rows, the one mapping to rules.Facts.
CLIENT_FACT_FIELDS = (
    "id", "firm_id", "consultant_id", "date_of_birth", "marital_status", "has_certificate",
    "certificate_noc_id", "certificate_province", "has_provincial_nomination", "has_job_offer",
    "job_offer_noc_id", "job_offer_years", "has_sibling_in_canada", "family_size",
    "settlement_funds_cad", "ee_submitted_at",
)
SPOUSE_FACT_FIELDS = ("is_accompanying", "is_canadian_citizen_or_pr")
EDUCATION_FACT_FIELDS = ("of_spouse", "level", "is_canadian", "completed_on", "eca_on")
TEST_FACT_FIELDS = ("of_spouse", "test", "taken_on", "listening", "reading", "writing", "speaking")
JOB_FACT_FIELDS = ("of_spouse", "noc_id", "country", "start_on", "end_on", "hours_per_week", "is_paid",
                   "is_self_employed", "was_full_time_student")
# Positions in a client row (CLIENT_FACT_FIELDS order) that the refresh reads besides the facts.
CLIENT_ID, CLIENT_FIRM, CLIENT_CONSULTANT = 0, 1, 2
CLIENT_PNP = CLIENT_FACT_FIELDS.index("has_provincial_nomination")
CLIENT_SUBMITTED_AT = CLIENT_FACT_FIELDS.index("ee_submitted_at")

_Credential, _LanguageTest, _Job = rules.Credential, rules.LanguageTest, rules.Job


def _credential(e: Sequence) -> rules.Credential:
    _, level, canadian, completed_on, eca_on = e
    return _Credential(level=level, canadian=canadian, completed_on=completed_on, eca_on=eca_on)


def _test(t: Sequence) -> rules.LanguageTest:
    _, test, taken_on, listening, reading, writing, speaking = t
    return _LanguageTest(test=test, taken_on=taken_on, listening=float(listening), reading=float(reading),
                         writing=float(writing), speaking=float(speaking))


def _job(j: Sequence) -> rules.Job:
    _, noc, country, start, end, hours, paid, self_employed, student = j
    return _Job(noc=noc, country=country.upper(), start=start, end=end, hours_per_week=float(hours),
                paid=paid, self_employed=self_employed, full_time_student=student)


def facts_from_rows(client: Sequence, spouse: Sequence | None, educations: Sequence[Sequence],
                    tests: Sequence[Sequence], jobs: Sequence[Sequence]) -> rules.Facts:
    """The engine's input from plain rows: client in CLIENT_FACT_FIELDS order, spouse the
    SPOUSE_FACT_FIELDS of the Spouse row or None, and the *_FACT_FIELDS rows of each table (the
    person's facts in id order)."""
    (_, _, _, date_of_birth, marital_status, has_certificate, certificate_noc, certificate_province,
     nomination, has_job_offer, job_offer_noc, job_offer_years, sibling, family_size, funds,
     submitted_at) = client
    partner = None
    if spouse is not None and marital_status in rules.PARTNERED_STATUSES:
        partner = rules.Spouse(
            accompanying=spouse[0],
            canadian_citizen_or_pr=spouse[1],
            education=tuple(_credential(e) for e in educations if e[0]),
            language_tests=tuple(_test(t) for t in tests if t[0]),
            work_history=tuple(_job(j) for j in jobs if j[0]),
        )
    return rules.Facts(
        date_of_birth=date_of_birth,
        marital_status=marital_status,
        spouse=partner,
        education=tuple(_credential(e) for e in educations if not e[0]),
        language_tests=tuple(_test(t) for t in tests if not t[0]),
        work_history=tuple(_job(j) for j in jobs if not j[0]),
        certificate_of_qualification=(
            rules.Certificate(noc=certificate_noc or "", province=certificate_province)
            if has_certificate else None
        ),
        provincial_nomination=nomination,
        job_offer=rules.JobOffer(noc=job_offer_noc or "", years=job_offer_years) if has_job_offer else None,
        sibling_in_canada=sibling,
        family_size=family_size,
        settlement_funds_cad=funds,
        profile_submitted_on=submitted_at.date() if submitted_at else None,
    )


def _fields(obj, names: Sequence[str]) -> tuple:
    return tuple(getattr(obj, name) for name in names)


def facts_for(client: Client) -> rules.Facts:
    """The engine's input for a client (use clients_with_facts to avoid per-client queries)."""
    spouse = getattr(client, "spouse", None) if _has_spouse_row(client) else None
    return facts_from_rows(
        _fields(client, CLIENT_FACT_FIELDS),
        _fields(spouse, SPOUSE_FACT_FIELDS) if spouse is not None else None,
        [_fields(e, EDUCATION_FACT_FIELDS) for e in client.educations.all()],
        [_fields(t, TEST_FACT_FIELDS) for t in client.languagetests.all()],
        [_fields(j, JOB_FACT_FIELDS) for j in client.jobs.all()],
    )


def _has_spouse_row(client: Client) -> bool:
    try:
        client.spouse  # noqa: B018 - triggers the select_related cache
    except Client.spouse.RelatedObjectDoesNotExist:
        return False
    return True


def assess_client(client: Client, *, as_of: date | None = None,
                  categories: Sequence[rules.CategoryRule] | None = None) -> rules.Assessment:
    """The engine's assessment of one client as of a date (default today)."""
    as_of = as_of or timezone.localdate()
    if categories is None:
        categories = category_rules(as_of=as_of)
    return rules.assess(facts_for(client), as_of=as_of, categories=categories)


def _columns(data: dict, *, provincial_nomination: bool) -> dict:
    """The stored assessment's columns from Assessment.to_dict() (besides client, firm, as_of)."""
    programs = data["programs"]
    return {
        "rules": data["crs"]["rules"], "crs_total": data["crs"]["total"],
        "fsw": programs["fsw"]["eligible"], "cec": programs["cec"]["eligible"],
        "fstp": programs["fstp"]["eligible"],
        "fsw_status": verdict.of(programs["fsw"]), "cec_status": verdict.of(programs["cec"]),
        "fstp_status": verdict.of(programs["fstp"]),
        "categories": [c["slug"] for c in data["categories"] if c["eligible"]],
        "categories_check": [c["slug"] for c in data["categories"] if verdict.of(c) == verdict.CANNOT_JUDGE],
        "open_round_types": rules.open_round_types(data, provincial_nomination=provincial_nomination),
        "result": data,
    }


# The upserted columns, in the order of the COPY rows (client_id first; computed_at is now()).
_UPSERT_COLUMNS = ("client_id", "firm_id", "as_of", "rules", "crs_total", "fsw", "cec", "fstp",
                   "fsw_status", "cec_status", "fstp_status", "categories", "categories_check",
                   "open_round_types", "result", "result_digest")
_JSON_COLUMNS = frozenset({"categories", "categories_check", "open_round_types", "result"})


def _select(model, fields: Sequence[str], *, floats: Sequence[str] = (), order: str = "id") -> str:
    """SELECT client_id and `fields` (decimals read as float8) of the rows of the clients in the
    array parameter, in client and `order` order: plain tuples, one round trip."""
    columns = ", ".join(f"{model._meta.get_field(f).column}::float8" if f in floats
                        else model._meta.get_field(f).column for f in fields)
    return (f"SELECT client_id, {columns} FROM {model._meta.db_table}"  # noqa: S608 - our names
            f" WHERE client_id = ANY(%s) ORDER BY client_id, {order}")


_CLIENTS_SQL = (
    f"SELECT {', '.join(Client._meta.get_field(f).column for f in CLIENT_FACT_FIELDS)}"  # noqa: S608
    f" FROM {Client._meta.db_table} WHERE id = ANY(%s) ORDER BY id"
)
_SPOUSES_SQL = _select(Spouse, SPOUSE_FACT_FIELDS)
_FACT_SQL = (
    _select(Education, EDUCATION_FACT_FIELDS),
    _select(LanguageTest, TEST_FACT_FIELDS, floats=("listening", "reading", "writing", "speaking")),
    _select(Job, JOB_FACT_FIELDS, floats=("hours_per_week",)),
)


def _grouped(rows: Iterable[tuple]) -> dict[int, list[tuple]]:
    """{client_id: [the row without its client_id, ...]} of rows that start with client_id."""
    by_client: dict[int, list[tuple]] = {}
    for row in rows:
        by_client.setdefault(row[0], []).append(row[1:])
    return by_client


def _read_rows_portable(ids: list[int]) -> tuple[list[tuple], dict[int, tuple], list[dict]]:
    """_read_facts' rows through the ORM (any database)."""
    clients = list(Client.objects.filter(id__in=ids).order_by("id").values_list(*CLIENT_FACT_FIELDS))
    spouses = {row[0]: row[1:] for row in Spouse.objects.filter(client_id__in=ids).values_list(
        "client_id", *SPOUSE_FACT_FIELDS)}
    tables = ((Education, EDUCATION_FACT_FIELDS), (LanguageTest, TEST_FACT_FIELDS), (Job, JOB_FACT_FIELDS))
    grouped = [_grouped(model.objects.filter(client_id__in=ids).order_by("client_id", "id").values_list(
        "client_id", *fields)) for model, fields in tables]
    return clients, spouses, grouped


def _read_facts(client_ids: Sequence[int]) -> list[tuple[tuple, rules.Facts]]:
    """(client row in CLIENT_FACT_FIELDS order, facts) of the given clients in id order, in five
    queries of plain tuples (no model instances, the ids as one array parameter): the clients, their
    spouses, credentials, language tests and jobs."""
    ids = list(client_ids)
    if connection.vendor != "postgresql":  # `make demo`'s SQLite: the same rows through the ORM
        clients, spouses, grouped = _read_rows_portable(ids)
    else:
        with connection.cursor() as cursor:
            cursor.execute(_CLIENTS_SQL, [ids])
            clients = cursor.fetchall()
            cursor.execute(_SPOUSES_SQL, [ids])
            spouses = {row[0]: row[1:] for row in cursor.fetchall()}
            grouped = []
            for sql in _FACT_SQL:
                cursor.execute(sql, [ids])
                grouped.append(_grouped(cursor.fetchall()))
    educations, tests, jobs = grouped
    empty: tuple = ()
    return [(c, facts_from_rows(c, spouses.get(c[0]), educations.get(c[0], empty), tests.get(c[0], empty),
                                jobs.get(c[0], empty)))
            for c in clients]


def _upsert(rows: list[tuple], *, now: datetime | None = None) -> None:
    """Insert or update the stored assessments (rows in _UPSERT_COLUMNS order, JSON already encoded):
    COPY into a temporary table, then one INSERT ... ON CONFLICT (client_id) DO UPDATE.

    COPY is PostgreSQL's; on another database (`make demo`'s SQLite) the same upsert goes through
    the ORM (_upsert_portable)."""
    if connection.vendor != "postgresql":
        _upsert_portable(rows, now=now)
        return
    table = ClientAssessment._meta.db_table
    columns = ", ".join(_UPSERT_COLUMNS)
    selected = ", ".join(f"{c}::jsonb" if c in _JSON_COLUMNS else c for c in _UPSERT_COLUMNS)
    updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in (*_UPSERT_COLUMNS[1:], "computed_at"))
    with transaction.atomic(), connection.cursor() as cursor:
        # The JSON document (~4 KB) is compressed in the temporary table too: with the stored column's
        # method (lz4 since eligibility 0009 where PostgreSQL has it; pglz cost twice as much).
        cursor.execute("SELECT to_regclass('pg_temp.refresh_assessment_rows') IS NULL, attcompression"
                       " FROM pg_attribute WHERE attrelid = %s::regclass AND attname = 'result'", [table])
        missing, method = cursor.fetchone()
        if missing:
            compression = " COMPRESSION lz4" if method == "l" else ""
            cursor.execute(
                "CREATE TEMPORARY TABLE refresh_assessment_rows (client_id bigint, firm_id bigint,"
                " as_of date, rules text, crs_total smallint, fsw boolean, cec boolean, fstp boolean,"
                " fsw_status text, cec_status text, fstp_status text, categories text, categories_check text,"
                f" open_round_types text, result text{compression}, result_digest text) ON COMMIT DELETE ROWS"
            )
        with cursor.cursor.copy(f"COPY refresh_assessment_rows ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        cursor.execute(
            f"INSERT INTO {table} ({columns}, computed_at) SELECT {selected}, %s"  # noqa: S608 - our names
            " FROM refresh_assessment_rows ORDER BY client_id"
            f" ON CONFLICT (client_id) DO UPDATE SET {updates}",
            [now or timezone.now()],
        )
        cursor.execute("TRUNCATE refresh_assessment_rows")


def _upsert_portable(rows: list[tuple], *, now: datetime | None = None) -> None:
    """_upsert through the ORM: one bulk INSERT ... ON CONFLICT DO UPDATE, on any database."""
    now = now or timezone.now()
    objects = []
    for row in rows:
        values = dict(zip(_UPSERT_COLUMNS, row, strict=True))
        for column in _JSON_COLUMNS:
            values[column] = json.loads(values[column])
        objects.append(ClientAssessment(**values, computed_at=now))
    ClientAssessment.objects.bulk_create(
        objects, update_conflicts=True, unique_fields=["client"],
        update_fields=[c.removesuffix("_id") for c in _UPSERT_COLUMNS[1:]] + ["computed_at"])


def _json(value) -> str:
    """JSON text of a stored JSON column (orjson: the refresh writes ~4 KB per client; same document
    as json.dumps, read back as jsonb)."""
    return orjson.dumps(value).decode()


def _digest(body: bytes, round_types: str, firm_id: int) -> str:
    """What a refresh writes, the day aside: the document without its as_of, the open round types
    (they also read a client fact) and the firm. Equal digests: the same row but for the day."""
    h = hashlib.blake2b(body, digest_size=16)
    h.update(b"\0" + round_types.encode() + b"\0" + str(firm_id).encode())
    return h.hexdigest()


def _refresh_chunk(client_ids: Sequence[int], *, as_of: date, categories: Sequence[rules.CategoryRule],
                   digests: dict[int, str] | None = None) -> tuple[list[tuple], dict[int, dict]]:
    """Assess and store the given clients; returns their client rows (CLIENT_FACT_FIELDS order) and,
    per client, the parts of the stored assessment the alerts compare (as _stored reads them back).

    digests: the stored rows' result_digest (the nightly refresh reads them with the old rows); a
    client whose new digest is the stored one only has its day moved (_move_day: no document sent,
    parsed or compressed again), the others are written whole (_upsert)."""
    read = _read_facts(client_ids)
    rows, compared, unchanged = [], {}, []
    dumps, assess, day = _json, rules.assess, as_of.isoformat()
    prefix = orjson.dumps({"as_of": day})[:-1] + b","  # to_dict() puts as_of first
    for client, facts in read:
        data = assess(facts, as_of=as_of, categories=categories).to_dict()
        cols = _columns(data, provincial_nomination=client[CLIENT_PNP])
        client_id, firm_id = client[CLIENT_ID], client[CLIENT_FIRM]
        document, round_types = orjson.dumps(data), dumps(cols["open_round_types"])
        digest = _digest(document[len(prefix):] if document.startswith(prefix) else document,
                         round_types, firm_id)
        if digests is not None and digests.get(client_id) == digest:
            unchanged.append((client_id, digest))
        else:
            rows.append((client_id, firm_id, day, cols["rules"], cols["crs_total"], cols["fsw"],
                         cols["cec"], cols["fstp"], cols["fsw_status"], cols["cec_status"],
                         cols["fstp_status"], dumps(cols["categories"]), dumps(cols["categories_check"]),
                         round_types, document.decode(), digest))
        # The compared parts as the JSON column gives them back (plain str -> int and int values).
        compared[client_id] = {
            "client_id": client_id, "crs_total": cols["crs_total"], "fsw_status": cols["fsw_status"],
            "cec_status": cols["cec_status"], "fstp_status": cols["fstp_status"],
            "categories": cols["categories"], "categories_check": cols["categories_check"],
            "result__crs__details": data["crs"].get("details"),
            "result__derived__age": data["derived"].get("age"),
            "result_digest": digest,
        }
    now = timezone.now()
    if rows:
        _upsert(rows, now=now)
    if unchanged:
        _move_day(unchanged, as_of=as_of, now=now)
    return [c for c, _ in read], compared


def _move_day(unchanged: list[tuple[int, str]], *, as_of: date, now: datetime) -> None:
    """The stored rows whose digest is still the one given: as of this day, refreshed now (one UPDATE;
    the document's as_of moved in place). A row rewritten meanwhile by another refresh keeps its newer
    content (its digest differs)."""
    table = ClientAssessment._meta.db_table
    ids, digests = [c for c, _ in unchanged], [d for _, d in unchanged]
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} AS a SET as_of = %s, computed_at = %s,"  # noqa: S608 - our names
            " result = CASE WHEN a.as_of = %s THEN a.result"
            " ELSE jsonb_set(a.result, '{as_of}', to_jsonb(%s::text)) END"
            " FROM unnest(%s::bigint[], %s::text[]) AS u(client_id, digest)"
            " WHERE a.client_id = u.client_id AND a.result_digest = u.digest",
            [as_of, now, as_of, as_of.isoformat(), ids, digests],
        )


def refresh_assessments(client_ids: Iterable[int] | None = None, *, as_of: date | None = None,
                        batch_size: int = 2000) -> int:
    """Recompute and store the current assessment of the given clients (all when None).

    Bulk: a fixed number of queries per batch (five reads of plain rows, one COPY and one upsert).
    Returns the number of clients refreshed.
    """
    as_of = as_of or timezone.localdate()
    categories = category_rules(as_of=as_of)
    base = Client.objects.order_by("id")
    if client_ids is not None:
        base = base.filter(id__in=list(client_ids))
    ids = list(base.values_list("id", flat=True))
    count = 0
    for start in range(0, len(ids), batch_size):
        clients, _ = _refresh_chunk(ids[start:start + batch_size], as_of=as_of, categories=categories)
        count += len(clients)
    return count


# ---------------------------------------------------------------------------- reports and alerts
# (issue 4: stored report snapshots; nightly refresh with alerts for the consultant)


def draw_records(*, until: date) -> list[reports.DrawRecord]:
    """Every round drawn on or before `until`, as the report reads it (one query)."""
    qs = (Draw.objects.filter(drawn_on__lte=until).select_related("category")
          .order_by("drawn_on", "round_number"))
    return [
        reports.DrawRecord(
            round_number=d.round_number, drawn_on=d.drawn_on, type=d.type, lowest_crs=d.lowest_crs,
            invitations_issued=d.invitations_issued,
            category_slug=d.category.slug if d.category_id else None,
            name=d.ircc_name or (d.category.name_en if d.category_id else ""),
            distribution_on=d.distribution_on, distribution=d.distribution or None,
        )
        for d in qs
    ]


def generate_report(*, client: Client, by=None, as_of: date | None = None) -> Report:
    """Build and store a report snapshot of the client as of a date (default today).

    The caller has already checked the user may see the client (clients_for); the facts are
    re-read with everything facts_for() needs, and the draws and category lists are those
    recorded in the database now.
    """
    as_of = as_of or timezone.localdate()
    client = clients_with_facts(Client.objects.filter(pk=client.pk)).get()
    facts = facts_for(client)
    codes = {j.noc for j in facts.work_history} | ({j.noc for j in facts.spouse.work_history}
                                                   if facts.spouse else set())
    content = reports.build_report(
        facts, as_of=as_of, categories=category_rules(), draws=draw_records(until=as_of),
        occupation_titles=dict(Noc.objects.filter(code__in=codes).values_list("code", "title")),
    )
    return Report.objects.create(
        client=client, firm_id=client.firm_id, as_of=as_of, rules=content["rules"],
        crs_total=content["assessment"]["crs"]["total"], facts=reports.facts_to_dict(facts),
        results=content, generated_by=by if getattr(by, "pk", None) else None,
    )


@dataclass(frozen=True)
class NightlyResult:
    refreshed: int
    alerts: int


def refresh_and_raise_alerts(*, as_of: date | None = None, chunk_size: int = 2000) -> NightlyResult:
    """The nightly job: refresh every active client's stored assessment and raise alerts.

    Per chunk of clients (refresh_chunk), in one transaction: read the stored assessments,
    refresh them, compare old and the new rows in memory and insert the
    alerts (score change with its reasons, newly eligible or no longer eligible for a
    program or category, a language test, ECA or Express Entry profile expiring within
    EXPIRY_ALERT_DAYS). A fixed number of queries per chunk; safe to run twice (an alert is
    unique per client, kind and key, and a rerun compares against the refreshed rows).
    """
    as_of = as_of or timezone.localdate()
    ids = list(Client.objects.active().order_by("id").values_list("id", flat=True))
    names = dict(Category.objects.values_list("slug", "name_en"))
    refreshed = raised = 0
    categories = category_rules(as_of=as_of)
    for start in range(0, len(ids), chunk_size):
        result = refresh_chunk(ids[start:start + chunk_size], as_of=as_of, names=names, categories=categories)
        refreshed += result.refreshed
        raised += result.alerts
    return NightlyResult(refreshed=refreshed, alerts=raised)


@contextmanager
def _gc_paused() -> Iterator[None]:
    """No cyclic garbage collection while a chunk runs: the chunk holds some 10^5 live objects (facts,
    assessments, rows), and each full collection walked them all again (it doubled the chunk's Python
    time); what the chunk leaves is freed by reference counting, any cycle at the next collection."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def refresh_chunk(client_ids: Sequence[int], *, as_of: date, names: dict[str, str] | None = None,
                  categories: Sequence[rules.CategoryRule] | None = None) -> NightlyResult:
    """One chunk of the nightly job, in one transaction: read the stored assessments, refresh them,
    compare old and new in memory and insert the alerts not raised yet. Idempotent: a rerun
    recomputes the same rows and compares against them (no alert), and an alert is unique per
    client, kind and key (ignore_conflicts covers a concurrent run of the same chunk)."""
    if names is None:
        names = dict(Category.objects.values_list("slug", "name_en"))
    if categories is None:
        categories = category_rules(as_of=as_of)
    with _gc_paused(), transaction.atomic():
        old = _stored(client_ids)
        # Unchanged rows only move their day on PostgreSQL (_move_day); elsewhere every row is written.
        postgres = connection.vendor == "postgresql"
        digests = {c: o["result_digest"] for c, o in old.items()} if postgres else None
        clients, new = _refresh_chunk(client_ids, as_of=as_of, categories=categories, digests=digests)
        owners = {c[CLIENT_ID]: c for c in clients}
        alerts = _assessment_alerts(old, new, owners, names=names, as_of=as_of)
        alerts += _document_alerts(client_ids, owners, as_of=as_of)
        alerts = _not_raised_yet(alerts)
        Alert.objects.bulk_create(alerts, ignore_conflicts=True)
    return NightlyResult(refreshed=len(clients), alerts=len(alerts))


NIGHTLY_CHUNK = 2000  # clients per chunk task: ~1 s of work on one core


def active_client_chunks(*, chunk_size: int = NIGHTLY_CHUNK, client_ids: Iterable[int] | None = None,
                         nocs: Iterable[str] | None = None) -> list[list[int]]:
    """The active clients' ids (or those of client_ids still active; or those who worked in one of
    the occupations `nocs`, theirs or their spouse's), in id order, in chunks."""
    qs = Client.objects.active().order_by("id")
    if client_ids is not None:
        qs = qs.filter(id__in=list(client_ids))
    if nocs is not None:
        qs = qs.filter(id__in=Job.objects.filter(noc_id__in=list(nocs)).values("client_id"))
    ids = list(qs.values_list("id", flat=True))
    return [ids[start:start + chunk_size] for start in range(0, len(ids), chunk_size)]


def not_refreshed_since(since: datetime, *, chunk_size: int = NIGHTLY_CHUNK) -> list[list[int]]:
    """The active clients whose stored assessment was not written at or after `since` (a lost chunk
    of a fanned-out run), in chunks, in one query."""
    ids = list(Client.objects.active().exclude(assessment__computed_at__gte=since).order_by("id")
               .values_list("id", flat=True))
    return [ids[start:start + chunk_size] for start in range(0, len(ids), chunk_size)]


# A chunk is ~1 s of one core; beat's sweep (every SWEEP_EVERY) looks for lost chunks of a run once
# SWEEP_AFTER has passed since the dispatch or its last look, SWEEP_ROUNDS times at most. A dead
# worker's unacknowledged chunk comes back from Redis only after its visibility timeout (one hour),
# so the sweep redoes it sooner; being scheduled by beat, no dead worker can hold the sweep itself.
SWEEP_AFTER = timedelta(minutes=10)
SWEEP_ROUNDS = 6


def start_refresh_run(*, as_of: date, started_at: datetime, chunk_size: int) -> RefreshRun:
    """Record a dispatched nightly run for the sweep; an earlier run still watched is closed (the new
    run refreshes its clients too)."""
    RefreshRun.objects.filter(finished_at__isnull=True).update(finished_at=started_at)
    return RefreshRun.objects.create(as_of=as_of, started_at=started_at, chunk_size=chunk_size)


def sweep_refresh_runs(*, now: datetime | None = None, after: timedelta = SWEEP_AFTER
                       ) -> list[tuple[RefreshRun, list[list[int]]]]:
    """The chunks to dispatch again: for each run still watched and not looked at for `after`, the
    active clients not refreshed since it started (not_refreshed_since). The run is closed when none
    is left or after SWEEP_ROUNDS looks. Rows are claimed with SKIP LOCKED, so two sweeps at once
    never both dispatch a run's chunks; tasks.nightly_sweep sends them once this is committed (a
    dispatch lost then is found again by the next look)."""
    now = now or timezone.now()
    due = []
    runs = (RefreshRun.objects.select_for_update(skip_locked=True)
            .filter(finished_at__isnull=True, started_at__lte=now - after)
            .exclude(swept_at__gt=now - after).order_by("started_at"))
    with transaction.atomic():
        for run in runs:
            chunks = not_refreshed_since(run.started_at, chunk_size=run.chunk_size)
            run.sweeps += 1
            run.swept_at = now
            if not chunks or run.sweeps >= SWEEP_ROUNDS:
                run.finished_at = now
            run.save(update_fields=["sweeps", "swept_at", "finished_at"])
            due.append((run, chunks))
    return due


def _not_raised_yet(alerts: list[Alert]) -> list[Alert]:
    """The alerts whose (client, kind, key) is not stored yet (one query; none when no alert)."""
    if not alerts:
        return alerts
    existing = set(Alert.objects.filter(
        client_id__in={a.client_id for a in alerts}, key__in={a.key for a in alerts},
    ).values_list("client_id", "kind", "key"))
    return [a for a in alerts if (a.client_id, a.kind, a.key) not in existing]


_STORED_KEYS = ("client_id", "crs_total", "fsw_status", "cec_status", "fstp_status", "categories",
                "categories_check", "result__crs__details", "result__derived__age", "result_digest")
_STORED_SQL = (
    "SELECT client_id, crs_total, fsw_status, cec_status, fstp_status, categories, categories_check,"  # noqa: S608
    " result->'crs'->'details', result->'derived'->'age', result_digest"
    f" FROM {ClientAssessment._meta.db_table} WHERE client_id = ANY(%s)"
)


def _stored(client_ids: Sequence[int]) -> dict[int, dict]:
    """The parts of the stored assessments the alerts compare, in one query: PostgreSQL extracts
    them from the stored JSON (read as text by Django's connection, decoded here)."""
    if connection.vendor != "postgresql":
        return {r["client_id"]: r for r in ClientAssessment.objects.filter(client_id__in=client_ids).values(
            *_STORED_KEYS)}
    loads, stored = orjson.loads, {}
    with connection.cursor() as cursor:
        cursor.execute(_STORED_SQL, [list(client_ids)])
        for client_id, crs, fsw, cec, fstp, categories, check, details, age, digest in cursor.fetchall():
            stored[client_id] = dict(zip(_STORED_KEYS, (
                client_id, crs, fsw, cec, fstp, loads(categories), loads(check),
                None if details is None else loads(details), None if age is None else loads(age), digest,
            ), strict=True))
    return stored


def _assessment_alerts(old: dict[int, dict], new: dict[int, dict], owners: dict[int, dict], *,
                       names: dict[str, str], as_of: date) -> list[Alert]:
    alerts = []
    for client_id, n in new.items():
        o = old.get(client_id)
        owner = owners.get(client_id)
        if o is None or owner is None:
            continue  # first assessment: nothing to compare with

        def alert(kind: str, key: str, data: dict, client_id=client_id, owner=owner) -> Alert:
            return Alert(firm_id=owner[CLIENT_FIRM], client_id=client_id,
                         consultant_id=owner[CLIENT_CONSULTANT], kind=kind, key=key[:120], data=data,
                         raised_on=as_of)

        if o["crs_total"] != n["crs_total"]:
            alerts.append(alert(
                Alert.Kind.SCORE_CHANGE, f"{as_of.isoformat()}:{o['crs_total']}->{n['crs_total']}",
                {"old": o["crs_total"], "new": n["crs_total"], "delta": n["crs_total"] - o["crs_total"],
                 "reasons": _score_reasons(o, n)},
            ))
        for code in rules.PROGRAMS:
            before, after = o[f"{code}_status"], n[f"{code}_status"]
            if before != after:
                kind = _verdict_alert_kind(before, after)
                data = _with_judged({"program": code}, kind, after)
                alerts.append(alert(kind, f"program:{code}:{as_of.isoformat()}", data))
        for slug in sorted(set().union(o["categories"], n["categories"], o["categories_check"],
                                       n["categories_check"])):
            before, after = _category_status(o, slug), _category_status(n, slug)
            if before != after:
                kind = _verdict_alert_kind(before, after)
                data = _with_judged({"category": slug, "name": names.get(slug, slug)}, kind, after)
                alerts.append(alert(kind, f"category:{slug}:{as_of.isoformat()}", data))
    return alerts


def _category_status(stored: dict, slug: str) -> str:
    if slug in stored["categories"]:
        return verdict.ELIGIBLE
    return verdict.CANNOT_JUDGE if slug in stored["categories_check"] else verdict.NOT_ELIGIBLE


def _with_judged(data: dict, kind: str, after: str) -> dict:
    """A "now judged" alert keeps the verdict reached (eligible or not) for its message."""
    return {**data, "status": after} if kind == Alert.Kind.NOW_JUDGED else data


def _verdict_alert_kind(before: str, after: str) -> str:
    """Newly / no longer eligible only between two judged verdicts; a change to or from
    "cannot judge" is its own alert, never reported as a gain or a loss of eligibility."""
    if after == verdict.CANNOT_JUDGE:
        return Alert.Kind.CANNOT_JUDGE
    if before == verdict.CANNOT_JUDGE:
        return Alert.Kind.NOW_JUDGED
    return Alert.Kind.NEWLY_ELIGIBLE if after == verdict.ELIGIBLE else Alert.Kind.NO_LONGER_ELIGIBLE


def _score_reasons(old: dict, new: dict) -> list[dict]:
    """The factors that moved, with the age when the age factor did (a birthday)."""
    reasons = []
    o_details, n_details = old["result__crs__details"] or {}, new["result__crs__details"] or {}
    for key in n_details:
        delta = n_details.get(key, 0) - o_details.get(key, 0)
        if delta:
            reason = {"factor": key, "delta": delta}
            if key == "age":
                reason["age"] = new["result__derived__age"]
            reasons.append(reason)
    return reasons


class _AnyClient(Lookup):
    """client_id = ANY(%s): the chunk's ids as one array parameter (PostgreSQL), not 2,000 placeholders
    for Django to build and psycopg to parse."""

    lookup_name = "any_of"
    prepare_rhs = False

    def as_sql(self, compiler, connection) -> tuple[str, list]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(%s)", [*lhs_params, list(self.rhs)]


def _rows(qs, client_ids: Sequence[int], *fields: str) -> Iterable[dict]:
    """qs's rows of the given clients as dicts of `fields` (the ids as one array on PostgreSQL)."""
    if connection.vendor == "postgresql":
        qs = qs.filter(_AnyClient(F("client_id"), list(client_ids)))
    else:
        qs = qs.filter(client_id__in=client_ids)
    return qs.values(*fields)


def _document_alerts(client_ids: Sequence[int], owners: dict[int, dict], *, as_of: date) -> list[Alert]:
    """Alerts for the latest language test per person and language, each ECA and the EE profile
    that expire within EXPIRY_ALERT_DAYS of as_of (two queries)."""
    soon = as_of + timedelta(days=reports.EXPIRY_ALERT_DAYS)
    alerts = []

    def alert(client_id: int, key: str, data: dict) -> Alert:
        owner = owners[client_id]
        return Alert(firm_id=owner[CLIENT_FIRM], client_id=client_id, consultant_id=owner[CLIENT_CONSULTANT],
                     kind=Alert.Kind.DOCUMENT_EXPIRING, key=key[:120], data=data, raised_on=as_of)

    latest: dict[tuple[int, bool, str], dict] = {}
    tests = _rows(LanguageTest.objects.filter(
        taken_on__gt=rules.add_years(as_of, -rules.LANGUAGE_TEST_VALID_YEARS), taken_on__lte=as_of,
    ).order_by("taken_on", "id"), client_ids, "id", "client_id", "of_spouse", "test", "taken_on")
    for t in tests:
        language = "fr" if t["test"] in rules.FRENCH_TESTS else "en"
        latest[(t["client_id"], t["of_spouse"], language)] = t
    for t in latest.values():
        expires_on = rules.language_test_expires_on(t["taken_on"])
        if as_of <= expires_on <= soon and t["client_id"] in owners:
            document = "spouse_language_test" if t["of_spouse"] else "language_test"
            alerts.append(alert(t["client_id"], f"{document}:{t['id']}:{expires_on.isoformat()}",
                                {"document": document, "test": t["test"],
                                 "expires_on": expires_on.isoformat()}))
    ecas = _rows(Education.objects.filter(
        is_canadian=False, eca_on__gte=rules.add_years(as_of, -rules.ECA_VALID_YEARS),
        eca_on__lte=rules.add_years(soon, -rules.ECA_VALID_YEARS),
    ), client_ids, "id", "client_id", "of_spouse", "level", "eca_on")
    for e in ecas:
        expires_on = rules.eca_expires_on(e["eca_on"])
        if as_of <= expires_on <= soon and e["client_id"] in owners:
            alerts.append(alert(e["client_id"], f"eca:{e['id']}:{expires_on.isoformat()}",
                                {"document": "eca", "level": e["level"], "of_spouse": e["of_spouse"],
                                 "expires_on": expires_on.isoformat()}))
    for client_id, owner in owners.items():
        submitted_at = owner[CLIENT_SUBMITTED_AT]
        if submitted_at is None:
            continue
        expires_on = rules.profile_expires_on(timezone.localdate(submitted_at))
        if as_of <= expires_on <= soon:
            alerts.append(alert(client_id, f"ee_profile:{expires_on.isoformat()}",
                                {"document": "ee_profile", "expires_on": expires_on.isoformat()}))
    return alerts


def dismiss_alert(*, alert: Alert, by) -> Alert:
    """Mark an alert as dealt with (kept for the record)."""
    if alert.dismissed_at is None:
        alert.dismissed_at = timezone.now()
        alert.save(update_fields=["dismissed_at"])
    return alert
