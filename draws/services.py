"""Writes for rounds: recording a round, importing IRCC's feed, matching clients, digests.

The admin, the import command and the Celery task call these; none re-implements them.

Matching after a round (`match_draw`, then `send_draw_digests`) reads each client's
stored assessment (eligibility.ClientAssessment, refreshed when a profile changes),
which is the client's score and eligibility *today*. That is right for a round
entered on the day it is held; for an old round it would be wrong (scores drift,
categories change), so only rounds dated within MATCH_WINDOW_DAYS of today are
matched: a hand-entered round, or an imported one that is new or changed. Importing
the history never emails anyone.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import connection as db_connection
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import format_html_join
from django.utils.translation import gettext, ngettext

from clients.models import Client
from clients.selectors import email_language_for
from draws import importer
from draws.models import Category, Draw, DrawDigest, DrawMatch, local_today
from draws.selectors import kind_of
from eligibility.rules import round_type_key, verdict

log = logging.getLogger(__name__)

# Rounds dated more than this many days before today are stored but never matched (see above).
MATCH_WINDOW_DAYS = 7
# match_draw on PostgreSQL: insert the matches in the database, count found and added in one go.
MATCH_SQL = (
    "WITH invited(client_id, firm_id, crs) AS ({invited}), "
    "stored AS (INSERT INTO {table} (draw_id, client_id, firm_id, crs, margin, created) "
    "SELECT %s, client_id, firm_id, crs, crs - %s, NOW() FROM invited "
    "ON CONFLICT (draw_id, client_id) DO NOTHING RETURNING 1) "
    "SELECT (SELECT COUNT(*) FROM invited), (SELECT COUNT(*) FROM stored)"
)
# A digest claimed longer ago than this and still unsent (its worker died) may be claimed again.
CLAIM_LEASE = timedelta(minutes=15)
# The fields an import compares and writes (everything IRCC publishes).
IMPORT_FIELDS = (
    "drawn_on", "drawn_at", "tie_break_at", "type", "category_id", "ircc_name", "programs_text",
    "invitations_issued", "lowest_crs", "distribution_on", "distribution",
)


# --- recording a round ---------------------------------------------------------------------------

def is_within_match_window(drawn_on: date, *, today: date | None = None) -> bool:
    """Whether a round is recent enough for today's stored scores to stand for its date."""
    today = today or local_today()
    return today - timedelta(days=MATCH_WINDOW_DAYS) <= drawn_on <= today


def schedule_matching(draw_ids: Iterable[int]) -> None:
    """Run the after-draw job for these rounds once the current transaction commits."""
    from draws import tasks  # tasks import services

    for draw_id in draw_ids:
        # robust: a broker outage is logged, never turned into an error after the round is saved
        transaction.on_commit(lambda draw_id=draw_id: tasks.match_draw.delay(draw_id), robust=True)


# The Category fields the engine judges by: a change to any of them changes who is eligible.
CATEGORY_RULE_FIELDS = ("slug", "effective_from", "effective_to", "experience_rule", "nocs")


def schedule_refresh_after_category_change(*, nocs: Iterable[str] | None = None) -> None:
    """Refresh every active client's stored assessment, with alerts, once the edit commits.

    nocs: when only a category's occupation list changed (non-empty before and after), the NOC
    codes added or removed; only the active clients who worked in one of them are refreshed (no
    other client's result changes: a client's category result reads the listed codes they worked
    in). None refreshes every active client (new category, dates, rule, an emptied list).

    The stored assessments (client list, dashboard, round matching) judge categories by these
    lists; without this they would follow an admin's edit only at the nightly refresh. It is the
    nightly job itself (eligibility.tasks.nightly_refresh: idempotent, alerts deduplicated per
    day), so a client the new list makes eligible raises a "newly eligible" alert for their
    consultant.
    """
    from eligibility import tasks  # eligibility reads the categories: imported when used

    codes = sorted(nocs) if nocs is not None else None
    if codes == []:
        return
    transaction.on_commit(lambda: tasks.nightly_refresh.delay(nocs=codes), robust=True)


def record_draw(draw: Draw, *, by=None) -> Draw:
    """Validate and save a new round entered by hand; schedule matching if it is recent.

    `draw` is an unsaved Draw (from the admin form or built by the caller).
    Raises ValidationError naming the field (date in the future, category not in
    force on the date, round number taken...).
    """
    draw.source = Draw.Source.MANUAL
    draw.entered_by = by if getattr(by, "pk", None) else None
    draw.full_clean()
    with transaction.atomic():
        draw.save()
        if is_within_match_window(draw.drawn_on):
            schedule_matching([draw.pk])
    return draw


def update_draw(draw: Draw, *, by=None) -> Draw:
    """Save corrections to a recorded round; a recent round is matched again.

    Re-matching only adds clients who now qualify: matches and digests already
    made stay (one digest per consultant per round, ever).
    """
    draw.full_clean()
    with transaction.atomic():
        draw.save()
        if is_within_match_window(draw.drawn_on):
            schedule_matching([draw.pk])
    return draw


# --- importing IRCC's feed -----------------------------------------------------------------------

@dataclass
class ImportReport:
    read: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    warnings: list[str] = field(default_factory=list)
    matching: list[str] = field(default_factory=list)  # round numbers scheduled for matching

    @property
    def summary(self) -> str:
        """The one line the command prints."""
        return (f"{self.read} rounds read, {self.added} added, {self.updated} updated, "
                f"{self.unchanged} unchanged")


def category_refs() -> list[importer.CategoryRef]:
    """Every category as the importer's name mapping needs it (one query)."""
    return [
        importer.CategoryRef(id=c.id, slug=c.slug, effective_from=c.effective_from,
                             effective_to=c.effective_to, draw_names=tuple(c.draw_names or ()))
        for c in Category.objects.order_by("effective_from", "slug")
    ]


def import_ircc_rounds(data: str | bytes, *, by=None, today: date | None = None) -> ImportReport:
    """Upsert IRCC's rounds JSON by round number, all or nothing.

    Raises importer.FeedError (naming each malformed round and field) before
    writing anything. New rounds are bulk-created and changed ones bulk-updated
    in one transaction; rounds that are new or changed and dated within
    MATCH_WINDOW_DAYS are matched after commit.
    """
    today = today or local_today()
    rounds = importer.parse_feed(data, today=today, categories=category_refs())
    report = ImportReport(read=len(rounds))
    now = timezone.now()
    with transaction.atomic():
        existing = {
            d.round_number: d
            for d in Draw.objects.select_for_update().filter(
                round_number__in=[r.round_number for r in rounds]
            )
        }
        to_create, to_update = [], []
        for r in rounds:
            report.warnings.extend(r.warnings)
            values = {f: getattr(r, f) for f in IMPORT_FIELDS}
            draw = existing.get(r.round_number)
            if draw is None:
                to_create.append(Draw(round_number=r.round_number, source=Draw.Source.IMPORT,
                                      entered_by=by if getattr(by, "pk", None) else None, **values))
            elif any(getattr(draw, f) != v for f, v in values.items()):
                for f, v in values.items():
                    setattr(draw, f, v)
                draw.updated_at = now
                to_update.append(draw)
        created = Draw.objects.bulk_create(to_create, batch_size=500)
        if to_update:
            Draw.objects.bulk_update(to_update, [*IMPORT_FIELDS, "updated_at"], batch_size=500)
        report.added, report.updated = len(created), len(to_update)
        report.unchanged = report.read - report.added - report.updated
        recent = [d for d in [*created, *to_update] if is_within_match_window(d.drawn_on, today=today)]
        report.matching = [d.round_number for d in recent]
        schedule_matching([d.pk for d in recent])
    return report


# --- after a round: matching ---------------------------------------------------------------------

@dataclass(frozen=True)
class MatchResult:
    draw_id: int
    found: int  # clients who would have been invited
    added: int  # matches stored by this run (0 when run again)


def round_key(draw: Draw) -> str | None:
    """The round's type key (eligibility.rules.round_type_key); None: it invites nobody (a type
    IRCC used that we could not map, a category round without its category)."""
    return round_type_key(draw.type, draw.category.slug if draw.category_id else None)


def invited_queryset(draw: Draw):
    """The active clients, across all firms, the round would invite (None: nobody, e.g. 'other').

    Read from the stored assessments: CRS at or above the cut-off and the round's type among the
    round types the client is open to, which the engine decides (eligibility.rules.open_round_types)
    and the stored assessment keeps (ClientAssessment.open_round_types). JSON containment needs
    PostgreSQL: elsewhere (the SQLite demo) invited_clients filters the keys in Python.
    """
    key = round_key(draw)
    if key is None:
        return None
    return Client.objects.active().filter(assessment__crs_total__gte=draw.lowest_crs,
                                          assessment__open_round_types__contains=[key]).order_by()


def check_queryset(draw: Draw):
    """Active clients at or above the cut-off whose eligibility for the round cannot be judged.

    Read from the stored three-way statuses: a category round's clients whose category is
    "cannot judge" (its list not known yet, a condition no recorded fact covers, a job without a
    NOC code); a program round's clients whose program is; a general or PNP round's clients
    with no program met but one that cannot be judged. They are not matches (never invited, never
    counted as such) and never silently left out: the digest lists them under "Check".
    Clients already invited or who applied are left out (nothing to do). None: nobody.
    """
    cannot = verdict.CANNOT_JUDGE
    qs = (Client.objects.active().filter(assessment__crs_total__gte=draw.lowest_crs)
          .exclude(status__in=ALREADY_INVITED).order_by())
    unjudged_program = (Q(assessment__fsw=False, assessment__cec=False, assessment__fstp=False)
                        & (Q(assessment__fsw_status=cannot) | Q(assessment__cec_status=cannot)
                           | Q(assessment__fstp_status=cannot)))
    if draw.type == Draw.Type.GENERAL:
        return qs.filter(unjudged_program)
    if draw.type in (Draw.Type.CEC, Draw.Type.FSW, Draw.Type.FSTP):
        return qs.filter(**{f"assessment__{draw.type}_status": cannot})
    if draw.type == Draw.Type.PNP:
        return qs.filter(unjudged_program, has_provincial_nomination=True)
    if draw.type == Draw.Type.CATEGORY and draw.category_id:
        return qs.filter(assessment__categories_check__contains=[draw.category.slug])
    return None


_CHECK_FIELDS = ("id", "firm_id", "first_name", "last_name", "consultant_id", "status",
                 "assessment__crs_total")


def check_clients(draw: Draw) -> list[dict]:
    """The clients of check_queryset as digest rows (the keys DrawMatch rows give), best CRS first."""
    qs = check_queryset(draw)
    if qs is None:
        return []
    if draw.type == Draw.Type.CATEGORY and db_connection.vendor != "postgresql":
        # SQLite (the demo) has no JSON containment: filter the categories in Python.
        qs = Client.objects.active().filter(assessment__crs_total__gte=draw.lowest_crs).exclude(
            status__in=ALREADY_INVITED).order_by()
        rows = [r for r in qs.values(*_CHECK_FIELDS, "assessment__categories_check")
                if draw.category.slug in (r["assessment__categories_check"] or [])]
    else:
        rows = list(qs.values(*_CHECK_FIELDS))
    rows.sort(key=lambda r: (-r["assessment__crs_total"], r["last_name"], r["first_name"]))
    return [{"firm_id": r["firm_id"], "crs": r["assessment__crs_total"],
             "margin": r["assessment__crs_total"] - draw.lowest_crs, "client_id": r["id"],
             "client__first_name": r["first_name"], "client__last_name": r["last_name"],
             "client__consultant_id": r["consultant_id"], "client__status": r["status"]} for r in rows]


def invited_clients(draw: Draw) -> list[tuple[int, int, int]]:
    """(client id, firm id, CRS) of every client `invited_queryset` selects, in one query."""
    key = round_key(draw)
    if key is None:
        return []
    if db_connection.vendor != "postgresql":
        # SQLite (the demo) has no JSON containment: filter the round types in Python.
        rows = (Client.objects.active().filter(assessment__crs_total__gte=draw.lowest_crs).order_by()
                .values_list("id", "firm_id", "assessment__crs_total", "assessment__open_round_types"))
        return [(c, f, s) for c, f, s, types in rows if key in (types or [])]
    return list(invited_queryset(draw).values_list("id", "firm_id", "assessment__crs_total"))


def match_draw(*, draw_id: int) -> MatchResult:
    """Store a DrawMatch for every client the round would have invited (idempotent).

    On PostgreSQL one INSERT ... SELECT ... ON CONFLICT DO NOTHING: the rows never
    leave the database, so 100,000 clients take well under a second. Elsewhere
    (the SQLite demo) a bulk_create(ignore_conflicts=True) of the same rows.
    """
    draw = Draw.objects.select_related("category").get(pk=draw_id)
    qs = invited_queryset(draw)
    if qs is None:
        found = added = 0
    elif db_connection.vendor == "postgresql":
        select_sql, params = qs.values_list("id", "firm_id", "assessment__crs_total").query.sql_with_params()
        table = db_connection.ops.quote_name(DrawMatch._meta.db_table)
        sql = MATCH_SQL.format(invited=select_sql, table=table)  # noqa: S608 - values are parameters
        with db_connection.cursor() as cursor:
            cursor.execute(sql, [*params, draw.pk, draw.lowest_crs])
            found, added = cursor.fetchone()
    else:
        rows = invited_clients(draw)
        before = DrawMatch.objects.filter(draw=draw).count()
        DrawMatch.objects.bulk_create(
            [DrawMatch(draw_id=draw.pk, client_id=c, firm_id=f, crs=s, margin=s - draw.lowest_crs)
             for c, f, s in rows],
            batch_size=2000, ignore_conflicts=True,
        )
        found, added = len(rows), DrawMatch.objects.filter(draw=draw).count() - before
    Draw.objects.filter(pk=draw.pk).update(matched_at=timezone.now())
    log.info("round %s: %d clients would have been invited, %d new matches", draw.round_number, found, added)
    return MatchResult(draw_id=draw.pk, found=found, added=added)


SWEEP_GRACE = timedelta(minutes=2)  # the on-commit job normally finishes well within this


def match_pending_draws(*, now: datetime | None = None) -> list[int]:
    """Queue the after-draw job again for every recent round whose matches were never stored.

    The job is queued when a round is saved (schedule_matching), but a publish refused by a
    broker that is down, or a queued job lost with Redis' memory, would leave the round
    unmatched and every firm uninformed. Beat runs this sweep every 5 minutes: a round within
    the match window, entered more than SWEEP_GRACE ago and still without matched_at, is queued
    again (the job is idempotent: matches are unique and digests claimed once per consultant).
    """
    from draws import tasks  # tasks import services

    now = now or timezone.now()
    today = timezone.localdate(now)
    pending = list(Draw.objects.filter(
        matched_at__isnull=True, entered_at__lte=now - SWEEP_GRACE,
        drawn_on__gte=today - timedelta(days=MATCH_WINDOW_DAYS), drawn_on__lte=today,
    ).order_by("drawn_on", "pk").values_list("pk", flat=True))
    for draw_id in pending:
        log.warning("round id %s was never matched: queuing the after-draw job again", draw_id)
        tasks.match_draw.delay(draw_id)
    return pending


# --- after a round: digests ----------------------------------------------------------------------

class DigestSendError(RuntimeError):
    """Some digests could not be sent (SMTP down...); they stay unsent and the task retries."""


def send_draw_digests(*, draw_id: int) -> int:
    """Email each consultant one digest of their own clients matched in the round.

    Sent once by the project's send-once pattern (described once, in invitations.delivery's
    docstring), on one DrawDigest row per (round, consultant): the round's unsent rows are
    claimed together (SKIP LOCKED, then a claim time; a claim older than CLAIM_LEASE, a worker
    killed mid-send, is taken over), sent after that commit over one SMTP session, and each is
    marked sent right after its email is accepted; a failed one releases its claim. A consultant
    only ever sees clients of their own firm. Returns how many digests this call sent; raises
    DigestSendError while any digest of the round is still unsent, so the task retries. Links in
    the email start with settings.SITE_URL.
    """
    draw = Draw.objects.select_related("category").get(pk=draw_id)
    digests = _digests_by_consultant(draw)
    checks = _checks_by_consultant(draw)  # clients the product cannot judge for the round
    for uid, (user, firm_id, _rows) in checks.items():
        digests.setdefault(uid, (user, firm_id, []))
    DrawDigest.objects.bulk_create(
        [DrawDigest(draw=draw, consultant_id=uid, firm_id=firm_id, match_count=len(own))
         for uid, (_user, firm_id, own) in digests.items()],
        ignore_conflicts=True,
    )
    now = timezone.now()
    with transaction.atomic():
        claimed = dict(
            DrawDigest.objects.select_for_update(skip_locked=True)
            .filter(draw=draw, consultant_id__in=digests, sent_at__isnull=True)
            .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - CLAIM_LEASE))
            .values_list("pk", "consultant_id")
        )
        DrawDigest.objects.filter(pk__in=claimed).update(claimed_at=now)
    sent = 0
    if claimed:
        mail = get_connection()
        try:
            mail.open()  # one SMTP session for every digest of the round
        except Exception as exc:  # noqa: BLE001 - server down: release the claims for the retry
            DrawDigest.objects.filter(pk__in=claimed).update(
                claimed_at=None, attempts=F("attempts") + 1, last_error=str(exc)[:300]
            )
            message = f"round {draw.round_number}: {len(claimed)} digests not sent ({exc})"
            raise DigestSendError(message) from exc
        try:
            for pk, uid in sorted(claimed.items(), key=lambda item: item[1]):
                user, _firm_id, own = digests[uid]
                try:
                    _digest_message(draw, user, own, connection=mail,
                                    checks=checks[uid][2] if uid in checks else ()).send()
                except Exception as exc:  # noqa: BLE001 - any SMTP/socket failure: release, retry later
                    DrawDigest.objects.filter(pk=pk).update(
                        claimed_at=None, attempts=F("attempts") + 1, last_error=str(exc)[:300]
                    )
                    log.warning("round %s: digest to user %s failed: %s", draw.round_number, uid, exc)
                    continue
                DrawDigest.objects.filter(pk=pk).update(
                    sent_at=timezone.now(), match_count=len(own), attempts=F("attempts") + 1, last_error=""
                )
                sent += 1
        finally:
            mail.close()
    unsent = DrawDigest.objects.filter(draw=draw, sent_at__isnull=True).count()
    if unsent:
        raise DigestSendError(f"round {draw.round_number}: {unsent} digests not sent")
    return sent


# Clients who already hold an ITA (the invitation service sets "invited" when one is recorded) or
# have applied: a round's digest lists them apart, as nothing is to be done for them.
ALREADY_INVITED = (Client.Status.INVITED, Client.Status.APPLIED)


def is_actionable(match: dict) -> bool:
    """Whether a digest row's client is one to act on (not already invited or applied)."""
    return match["client__status"] not in ALREADY_INVITED


def _digests_by_consultant(draw: Draw) -> dict[int, tuple]:
    """{consultant id: (user, firm id, their matched clients of their own firm)} in two queries.

    A consultant all of whose matched clients already hold an ITA or have applied gets no digest.
    """
    rows = (
        DrawMatch.objects.filter(draw=draw)
        .order_by("-crs", "client__last_name", "client__first_name")
        .values("firm_id", "crs", "margin", "client_id", "client__first_name", "client__last_name",
                "client__consultant_id", "client__status")
    )
    by_consultant: dict[int, list[dict]] = defaultdict(list)
    for row in rows:
        by_consultant[row["client__consultant_id"]].append(row)
    consultants = {
        u.pk: u for u in get_user_model().objects.filter(pk__in=by_consultant, is_active=True)
        .select_related("membership")
    }
    digests: dict[int, tuple] = {}
    for user_id, matches in by_consultant.items():
        user = consultants.get(user_id)
        membership = getattr(user, "membership", None) if user else None
        if user is None or membership is None or not user.email:
            log.warning("round %s: consultant %s has no active firm membership or email; %d matches "
                        "not emailed", draw.round_number, user_id, len(matches))
            continue
        own = [m for m in matches if m["firm_id"] == membership.firm_id]  # never another firm's client
        if any(is_actionable(m) for m in own):
            digests[user_id] = (user, membership.firm_id, own)
    return digests


def _checks_by_consultant(draw: Draw) -> dict[int, tuple]:
    """{consultant id: (user, firm id, their clients of their own firm the round cannot judge)}."""
    by_consultant: dict[int, list[dict]] = defaultdict(list)
    for row in check_clients(draw):
        by_consultant[row["client__consultant_id"]].append(row)
    if not by_consultant:
        return {}
    consultants = get_user_model().objects.filter(pk__in=by_consultant, is_active=True).select_related(
        "membership")
    out = {}
    for user in consultants:
        membership = getattr(user, "membership", None)
        if membership is None or not user.email:
            continue
        own = [r for r in by_consultant[user.pk] if r["firm_id"] == membership.firm_id]
        if own:
            out[user.pk] = (user, membership.firm_id, own)
    return out


def digest_links(draw: Draw) -> dict[str, str]:
    """The absolute links of a round's digest (settings.SITE_URL): the round and the dashboard.

    The round is its row in the history, filtered to its program or category and its year.
    """
    site = settings.SITE_URL
    query = urlencode({"kind": kind_of(draw), "year": draw.drawn_on.year})
    return {
        "round": f"{site}{reverse('draws:history')}?{query}#round-{draw.round_number}",
        "dashboard": f"{site}{reverse('dashboard')}",
    }


def client_link_maker() -> Callable[[int], str]:
    """A function giving a client page's absolute link from its id, reversing the URL only once.

    A round can match thousands of clients: the URL is reversed for a placeholder id and
    the id is put in its place per row.
    """
    slot = "987654321"  # no other part of the client URL contains it
    before, after = (settings.SITE_URL + reverse("clients:detail", args=[int(slot)])).split(slot)
    return lambda pk: f"{before}{pk}{after}"


def _digest_message(draw: Draw, user, matches: Sequence[dict], *, connection,
                    checks: Sequence[dict] = ()) -> EmailMultiAlternatives:
    language = email_language_for(user)  # the consultant's own (Membership.language)
    links, client_link = digest_links(draw), client_link_maker()
    act = [m for m in matches if is_actionable(m)]
    held = [m for m in matches if not is_actionable(m)]
    with translation.override(language):
        # The client lines are built here rather than looped in the template: a round can
        # match thousands of clients and the template engine would spend seconds on them.
        crs_label = gettext("CRS")

        def lines(rows: Sequence[dict]) -> str:
            return "\n".join(f"- {m['client__first_name']} {m['client__last_name']}: {crs_label} {m['crs']} "
                             f"(+{m['margin']})  {client_link(m['client_id'])}" for m in rows)

        def table_rows(rows: Sequence[dict]) -> str:
            return format_html_join(
                "\n", '<tr style="border-top: 1px solid #dee2e6;"><td><a href="{}">{} {}</a></td>'
                '<td align="right">{}</td><td align="right">+{}</td></tr>',
                ((client_link(m["client_id"]), m["client__first_name"], m["client__last_name"], m["crs"],
                  m["margin"]) for m in rows),
            )

        context = {"draw": draw, "user": user, "count": len(act), "lines": lines(act),
                   "rows": table_rows(act), "held_count": len(held), "held_lines": lines(held),
                   "held_rows": table_rows(held), "links": links,
                   "check_count": len(checks), "check_lines": lines(checks), "check_rows": table_rows(checks)}
        subject = ngettext(  # the same English either way; French agrees "aurait été invité" with 1
            "Round #%(round)s (%(name)s, lowest CRS %(crs)s): %(count)s of your clients "
            "would have been invited",
            "Round #%(round)s (%(name)s, lowest CRS %(crs)s): %(count)s of your clients "
            "would have been invited",
            len(act)) % {
            "round": draw.round_number, "name": draw.type_label, "crs": draw.lowest_crs,
            "count": len(act)}
        text = render_to_string("draws/email/digest.txt", context)
        html = render_to_string("draws/email/digest.html", context)
    message = EmailMultiAlternatives(subject=subject, body=text, to=[user.email],
                                     headers={"Content-Language": language}, connection=connection)
    message.attach_alternative(html, "text/html")
    return message
