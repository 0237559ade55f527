"""The benchmark: seed N clients in bulk, then time the engine, the jobs and the pages.

Everything runs in one process against the configured database (PostgreSQL for
`make bench`). Pages are requested through Django's test client, authenticated,
so a latency is the whole Django stack (middleware, session, views, templates,
SQL) without the network. Email goes to the in-memory backend while measuring,
so the figures are our code's, not an SMTP server's.
"""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlencode

from django.db import connection, transaction
from django.test import Client as HttpClient
from django.utils import timezone

from clients.models import Client, Firm
from clients.selectors import SEARCH_MAX_WORDS
from demo.firms import DemoFirm, build_clients, create_demo_firm

PAGE_REQUESTS = 30
REFRESH_TIMEOUT_S = 3600.0  # a fanned-out refresh of 100,000 clients takes minutes; 1,000,000 may need more
OFFSETS = (45, 30, 14, 7, 3, 1, 0)


@dataclass
class Seeded:
    demo: DemoFirm
    client_ids: list[int]
    seconds: float
    reused: bool


def seed_firm(n: int, *, seed: int, log: Callable[[str], None]) -> Seeded:
    """A firm named "Bench N" with N clients and N/10 open invitations (reused if already there)."""
    started = time.monotonic()
    name = f"Bench {n}"
    existing = Firm.objects.filter(name=name).first()
    if existing is not None and Client.objects.filter(firm=existing).count() == n:
        demo = create_demo_firm(name=name, prefix=f"bench{n}-")
        ids = list(Client.objects.filter(firm=existing).order_by("id").values_list("id", flat=True))
        log(f"reusing {name}: {n} clients")
        return Seeded(demo, ids, time.monotonic() - started, True)
    if existing is not None:
        raise SystemExit(f"firm {name!r} exists with another number of clients; drop the database first")
    demo = create_demo_firm(name=name, prefix=f"bench{n}-")
    log(f"seeding {n} clients into {name} ...")
    ids = build_clients(demo, count=n, seed=seed, today=timezone.localdate())
    _open_invitations(demo, ids[: max(1, n // 10)], seed=seed)
    return Seeded(demo, ids, time.monotonic() - started, False)


def _open_invitations(demo: DemoFirm, client_ids: list[int], *, seed: int) -> None:
    """Open invitations at every point of their 60 days, with their reminder rows, in bulk."""
    from invitations.models import Invitation, Reminder

    rng = random.Random(seed)
    now = timezone.now()
    with transaction.atomic():
        invitations = []
        for cid in client_ids:
            issued = now - timedelta(days=rng.randint(0, 58), minutes=rng.randint(0, 1440))
            invitations.append(
                Invitation(
                    client_id=cid,
                    issued_at=issued,
                    deadline_at=Invitation.deadline_for(issued),
                    status="invited",
                    status_changed_at=issued,
                    recorded_by=demo.owner,
                )
            )
        Invitation.objects.bulk_create(invitations, batch_size=5000)
        reminders = []
        for inv in invitations:
            for offset in OFFSETS:
                due = inv.deadline_at - timedelta(days=offset)
                # Those due more than a day ago were sent already; the scan finds the rest.
                reminders.append(
                    Reminder(
                        invitation=inv,
                        offset_days=offset,
                        due_at=due,
                        status="sent" if due < now - timedelta(days=1) else "pending",
                        sent_at=due if due < now - timedelta(days=1) else None,
                    )
                )
        Reminder.objects.bulk_create(reminders, batch_size=5000)
        Client.objects.filter(id__in=client_ids).update(status="invited")


def timed(fn: Callable[[], object]) -> tuple[float, object]:
    started = time.perf_counter()
    result = fn()
    return time.perf_counter() - started, result


def engine_rates(client_ids: list[int], *, sample: int = 2000) -> dict:
    """CRS scores per second and full assessments per second, one core, on real profiles."""
    from eligibility import rules
    from eligibility.services import category_rules, clients_with_facts, facts_for

    today = timezone.localdate()
    categories = category_rules(as_of=today)
    clients = list(clients_with_facts(Client.objects.filter(id__in=client_ids[:sample])))
    facts = [facts_for(c) for c in clients]
    profiles = [rules.crs_profile_from_facts(f, as_of=today) for f in facts]
    crs_score = rules.crs_score
    calls = 0
    started = time.perf_counter()
    while time.perf_counter() - started < 2.0:
        for p in profiles:
            crs_score(p, as_of=today)
        calls += len(profiles)
    crs_per_s = calls / (time.perf_counter() - started)
    started = time.perf_counter()
    for f in facts:
        rules.assess(f, as_of=today, categories=categories)
    assess_per_s = len(facts) / (time.perf_counter() - started)
    return {
        "crs_scores_per_s": round(crs_per_s),
        "assessments_per_s": round(assess_per_s),
        "profiles": len(profiles),
    }


class QueryCounter(list):
    """A database execute wrapper that records each statement (survives reconnects)."""

    def __call__(self, execute, sql, params, many, context):
        self.append(sql)
        return execute(sql, params, many, context)


def page_latencies(user, pages: dict[str, str], *, requests: int = PAGE_REQUESTS,
                   http: HttpClient | None = None) -> dict:
    """Median and 95th percentile (ms) and the SQL query count of each page, logged in as `user`
    (or through `http`, a client already holding its session: a client signed in to the portal)."""
    if http is None:
        http = HttpClient()
        http.force_login(user)
    out = {}
    for name, url in pages.items():
        for _ in range(3):  # warm caches and connections
            response = http.get(url)
            if response.status_code != 200:
                raise SystemExit(f"{name} ({url}) answered {response.status_code}")
        queries = QueryCounter()
        with connection.execute_wrapper(queries):
            http.get(url)
        samples = []
        for _ in range(requests):
            started = time.perf_counter()
            http.get(url)
            samples.append((time.perf_counter() - started) * 1000)
        samples.sort()
        out[name] = {
            "url": url,
            "median_ms": round(statistics.median(samples), 2),
            "p95_ms": round(samples[max(0, int(round(0.95 * len(samples))) - 1)], 2),
            "queries": len(queries),
            "requests": requests,
        }
    return out


# The most work a search within its bounds asks for: as many words as allowed, each too short for
# the trigram indexes and found in every seeded client's email (first.last.N@mail.example), so every
# row of the firm is read, every condition tested and every row sorted.
WORST_SEARCH = " ".join(["@", ".", "m", "a", "i", "l", "e", "x", "p", "mail.example"][:SEARCH_MAX_WORDS])
# Far past the bounds (2,000 words once held a worker for 14.5 s): refused with a message.
REFUSED_SEARCH = " ".join(f"w{i}" for i in range(2000))


def pages_for(seeded: Seeded) -> dict[str, str]:
    """The measured pages of a firm: one client (with a report) chosen the same way at any N."""
    from eligibility.models import Report
    from eligibility.services import generate_report

    client = Client.objects.get(pk=seeded.client_ids[len(seeded.client_ids) // 2])
    report = Report.objects.filter(client=client).order_by("-id").first() or generate_report(
        client=client, by=seeded.demo.owner
    )
    return {
        "floor": "/ping/",
        "dashboard": "/",
        "client_list": "/clients/",
        "client_search": f"/clients/?q={client.last_name}",
        # "Who is eligible for healthcare right now?", best first; and the open ITAs by deadline.
        "list_eligible": "/clients/?eligible_for=healthcare_social&verdict=eligible&sort=-crs",
        "list_deadline": "/clients/?sort=deadline",
        "search_worst": "/clients/?" + urlencode({"q": WORST_SEARCH}),
        "search_refused": "/clients/?" + urlencode({"q": REFUSED_SEARCH}),
        "client_page": f"/clients/{client.pk}/",
        "report_page": f"/reports/{report.pk}/",
        "draw_history": "/draws/",
    }


CHECKLIST_ITEMS = 12  # a full checklist: the client's own documents and their family's


def portal_pages_for(seeded: Seeded) -> tuple[HttpClient, dict[str, str]]:
    """The client's checklist page in the portal, signed in as a client with an open ITA (the first
    invited one, chosen the same way at any N) whose checklist has CHECKLIST_ITEMS documents."""
    from invitations.models import ChecklistItem, Invitation
    from portal.testing import sign_in

    invitation = (Invitation.objects.filter(client_id__in=seeded.client_ids[:50], status="invited")
                  .order_by("id").first())
    if not invitation.checklist.exists():
        start = timezone.localdate()
        ChecklistItem.objects.bulk_create([
            ChecklistItem(invitation=invitation, key="bench", subject=str(n), label=f"Document {n}",
                          lead_time_days=10, start_by=start + timedelta(days=n * 4 - 8))
            for n in range(CHECKLIST_ITEMS)
        ])
    http = HttpClient()
    sign_in(http, invitation.client)
    return http, {"portal_checklist": "/portal/"}


def fanned_out_refresh(workers: int, *, as_of: str | None = None, timeout: float = REFRESH_TIMEOUT_S) -> dict:
    """The nightly refresh as production runs it: eligibility.tasks.nightly_refresh dispatches one
    chunk task per NIGHTLY_CHUNK active clients to `workers` real Celery worker processes (solo
    pool, one core each) on a throwaway queue; timed from the dispatch until every active client's
    stored assessment is rewritten (the workers are started and ready before the clock starts).

    as_of: the day to judge on; by default the night after the latest day stored, so each run finds
    what a real night finds (most documents unchanged but for their day, which only moves; the others
    rewritten), never a same-day rerun where nothing changed at all."""
    import os
    import subprocess
    import sys
    import tempfile
    import uuid
    from pathlib import Path

    from django.conf import settings

    from config.celery import app
    from eligibility.tasks import nightly_refresh

    if not settings.REDIS_URL:
        return {"skipped": "needs REDIS_URL (a real broker)"}
    queue = f"bench-refresh-{uuid.uuid4().hex[:8]}"
    logs = Path(tempfile.mkdtemp(prefix="bench-refresh-"))
    env = {**os.environ, "CELERY_QUEUE": queue, "PYTHONUNBUFFERED": "1"}
    procs = []
    try:
        for n in range(workers):
            log = logs / f"w{n}.log"
            procs.append(subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
                [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "-Q", queue,
                 "-n", f"w{n}-{queue}@%h", "--without-mingle", "--without-gossip", "--without-heartbeat",
                 "-l", "WARNING"],
                cwd=settings.BASE_DIR, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT,
            ))
        names = [f"w{n}-{queue}@{__import__('socket').gethostname()}" for n in range(workers)]
        deadline = time.monotonic() + 60
        while len(app.control.ping(destination=names, timeout=1)) < workers:
            if time.monotonic() > deadline:
                raise RuntimeError(f"bench workers not ready: see {logs}")
        if as_of is None:
            from django.db.models import Max

            from eligibility.models import ClientAssessment

            latest = ClientAssessment.objects.aggregate(day=Max("as_of"))["day"]
            as_of = (latest + timedelta(days=1) if latest else timezone.localdate()).isoformat()
        active = Client.objects.active()
        total = active.count()
        started = timezone.now()
        clock = time.perf_counter()
        nightly_refresh.apply_async(kwargs={"as_of": as_of}, queue=queue)
        with app.connection_for_read() as conn:
            redis = conn.default_channel.client
            # The database is counted only once the queue is empty (the last chunks are running): a
            # count of 100,000 joined rows every 0.25 s took CPU from the workers it was timing.
            while redis.llen(queue) or active.filter(assessment__computed_at__gte=started).count() < total:
                if time.perf_counter() - clock > timeout:
                    raise RuntimeError("fanned-out refresh did not finish")
                time.sleep(0.25)
        seconds = time.perf_counter() - clock
        return {"workers": workers, "as_of": as_of, "seconds": round(seconds, 2), "refreshed": total,
                "clients_per_s": round(total / seconds)}
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                proc.kill()
        with app.connection_for_write() as conn:  # the throwaway queue goes with its workers
            conn.default_channel.queue_delete(queue)
