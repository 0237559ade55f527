"""`manage.py bench [--clients N] [--json]`: how fast ITA Desk is at N clients (see ops/bench.py)."""

from __future__ import annotations

import argparse
import json
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test.utils import override_settings
from django.utils import timezone

from ops import bench

SMALL = 1000
FULL_ROUNDS = Path(__file__).resolve().parents[3] / "draws" / "data" / "ircc-rounds-full.json"
TARGETS = {
    "crs_scores_per_s": 50_000,
    "matching_s": 5.0,
    "reminder_scan_s": 1.0,
    "page_median_vs_floor": 5.0,
    "page_median_vs_small": 1.3,
}


class Command(BaseCommand):
    help = "Seed N clients (default 100,000) in bulk and measure the engine, the jobs and the pages."

    def add_arguments(self, parser):
        parser.add_argument("--clients", type=int, default=100_000)
        parser.add_argument("--seed", type=int, default=7)
        parser.add_argument("--json", action="store_true", help="print one JSON document")
        parser.add_argument("--requests", type=int, default=bench.PAGE_REQUESTS)
        parser.add_argument(
            "--refresh-workers", default="1,2",
            help="worker process counts the fanned-out nightly refresh is timed with (comma-separated; "
                 "'' for none)",
        )
        parser.add_argument(
            "--refresh-in-process", action=argparse.BooleanOptionalAction, default=True,
            help="time the nightly refresh in this process too (--no-refresh-in-process: only fanned out)",
        )
        parser.add_argument(
            "--refresh-timeout", type=float, default=bench.REFRESH_TIMEOUT_S,
            help="seconds a fanned-out refresh may take before the bench fails (raise it past 100,000)",
        )

    def log(self, text: str) -> None:
        if not self.as_json:
            self.stdout.write(text)
        else:
            self.stderr.write(text)

    def handle(self, *args, clients: int, seed: int, json: bool, requests: int,  # noqa: A002
               refresh_workers: str, refresh_timeout: float, refresh_in_process: bool, **options):
        self.as_json = json
        if clients < SMALL:
            raise CommandError(f"--clients must be at least {SMALL}", returncode=2)
        if requests < 30:
            raise CommandError("--requests must be at least 30", returncode=2)
        try:
            fan_out = [int(n) for n in refresh_workers.split(",") if n.strip()]
        except ValueError:
            fan_out = [0]
        if any(n < 1 for n in fan_out):
            raise CommandError("--refresh-workers must be positive whole numbers separated by commas",
                               returncode=2)
        if refresh_timeout <= 0:
            raise CommandError("--refresh-timeout must be a positive number of seconds", returncode=2)
        self.fan_out, self.refresh_timeout = fan_out, refresh_timeout
        self.refresh_in_process = refresh_in_process
        report: dict = {
            "database": connection.vendor,
            "clients": clients,
            "started_at": timezone.now().isoformat(),
        }
        with override_settings(
            EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
            ALLOWED_HOSTS=["*"],
            CELERY_TASK_ALWAYS_EAGER=False,
        ):
            self._run(report, clients=clients, seed=seed, requests=requests)
        self._print(report)

    def _run(self, report: dict, *, clients: int, seed: int, requests: int) -> None:
        from draws.models import Draw
        from draws.services import match_draw, send_draw_digests
        from eligibility.services import refresh_and_raise_alerts
        from invitations.delivery import DELIVERY_CHUNK, ScanResult, deliver_reminders, scan_due_reminders
        from invitations.models import Reminder

        self.log("IRCC import (the whole feed) ...")
        feed = str(FULL_ROUNDS)
        seconds, _ = bench.timed(lambda: call_command("import_ircc_rounds", feed, stdout=self.stderr))
        report["import_full_feed_s"] = round(seconds, 3)
        small = bench.seed_firm(SMALL, seed=seed, log=self.log)
        big = bench.seed_firm(clients, seed=seed + 1, log=self.log)
        report["seed_s"] = round(small.seconds + big.seconds, 1)
        report["seed_reused"] = big.reused  # then seed_s is the look-up, not the seeding
        if connection.vendor == "postgresql":
            # Planner statistics for the freshly bulk-loaded tables, as autovacuum would gather them
            # within a minute of a real import; without them PostgreSQL plans for empty tables.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")

        if self.refresh_in_process:
            self.log("nightly refresh (every active client, all firms) ...")
            seconds, result = bench.timed(refresh_and_raise_alerts)
            report["nightly_refresh"] = {
                "seconds": round(seconds, 2),
                "refreshed": result.refreshed,
                "alerts": result.alerts,
            }
        else:
            report["nightly_refresh"] = {"skipped": "--no-refresh-in-process"}

        for workers in self.fan_out:
            self.log(f"nightly refresh fanned out over {workers} worker process(es) ...")
            report[f"refresh_{workers}_worker"] = bench.fanned_out_refresh(
                workers, timeout=self.refresh_timeout
            )

        self.log("rules engine ...")
        report["engine"] = bench.engine_rates(big.client_ids)

        self.log("after-draw matching ...")
        draw = Draw.objects.create(
            round_number=f"B{int(time.time()) % 10**8}",
            drawn_on=timezone.localdate(),
            type=Draw.Type.GENERAL,
            invitations_issued=3000,
            lowest_crs=470,
        )
        try:
            match_s, match = bench.timed(lambda: match_draw(draw_id=draw.pk))
            digest_s, digests = bench.timed(lambda: send_draw_digests(draw_id=draw.pk))
        finally:
            draw.delete()
        report["matching"] = {
            "seconds": round(match_s, 3),
            "matched": match.found,
            "digest_seconds": round(digest_s, 3),
            "digests": digests,
        }

        self.log("reminder scan (dispatch, as beat runs it) ...")
        now = timezone.now()
        with _throwaway_queue() as queue:  # the tasks really go to the broker; no worker takes them
            scan_s, scan = bench.timed(lambda: scan_due_reminders(now=now, clock_pinned=False))
            published = queue.purge()
        report["reminder_scan"] = {
            "seconds": round(scan_s, 3),
            "open_invitations": clients // 10 + SMALL // 10,
            **scan.as_dict(),
            "tasks_published": published,
        }

        self.log("reminder delivery (the dispatched chunks, in this process) ...")
        leased = Reminder.objects.filter(dispatched_at=now).values_list("invitation_id", flat=True)
        dispatched = sorted(set(leased))

        def deliver() -> ScanResult:
            total = ScanResult()
            for start in range(0, len(dispatched), DELIVERY_CHUNK):
                part = deliver_reminders(invitation_ids=dispatched[start:start + DELIVERY_CHUNK],
                                         now=timezone.now(), worker="bench")
                for field, value in part.as_dict().items():
                    setattr(total, field, getattr(total, field) + value)
            return total

        deliver_s, delivered = bench.timed(deliver)
        report["reminder_delivery"] = {
            "seconds": round(deliver_s, 3),
            "invitations": len(dispatched),
            **delivered.as_dict(),
            "emails_per_s": round(delivered.sent / deliver_s) if deliver_s and delivered.sent else 0,
        }

        self.log("pages ...")
        at_n = bench.page_latencies(big.demo.consultants[1], bench.pages_for(big), requests=requests)
        at_small = bench.page_latencies(small.demo.consultants[1], bench.pages_for(small), requests=requests)
        floor = at_n["floor"]["median_ms"]
        for name, page in at_n.items():
            page["vs_floor"] = round(page["median_ms"] / floor, 2)
            page["vs_small"] = round(page["median_ms"] / at_small[name]["median_ms"], 2)
            page["queries_small"] = at_small[name]["queries"]
        report["pages"] = at_n
        report["pages_small"] = at_small
        report["targets"] = self._verdicts(report)

    def _verdicts(self, r: dict) -> dict:
        pages = {k: v for k, v in r["pages"].items() if k != "floor"}
        return {
            "engine_crs_per_s": [
                r["engine"]["crs_scores_per_s"] >= TARGETS["crs_scores_per_s"],
                f">= {TARGETS['crs_scores_per_s']}",
            ],
            "matching_s": [r["matching"]["seconds"] <= TARGETS["matching_s"], f"<= {TARGETS['matching_s']}"],
            "reminder_scan_s": [
                r["reminder_scan"]["seconds"] <= TARGETS["reminder_scan_s"],
                f"<= {TARGETS['reminder_scan_s']}",
            ],
            "queries_independent_of_n": [
                all(p["queries"] == p["queries_small"] for p in pages.values()),
                "same count at N and 1,000",
            ],
            "median_vs_floor": [
                all(p["vs_floor"] <= TARGETS["page_median_vs_floor"] for p in pages.values()),
                f"<= {TARGETS['page_median_vs_floor']}x",
            ],
            "median_vs_small": [
                all(p["vs_small"] <= TARGETS["page_median_vs_small"] for p in pages.values()),
                f"<= {TARGETS['page_median_vs_small']}x",
            ],
        }

    def _print(self, r: dict) -> None:
        if self.as_json:
            self.stdout.write(json.dumps(r, indent=2))
            return
        w = self.stdout.write
        seeding = "reused" if r.get("seed_reused") else "seeding"
        w(f"\nITA Desk benchmark: {r['clients']:,} clients on {r['database']} ({seeding} {r['seed_s']} s)")
        w(f"IRCC full feed   {r['import_full_feed_s']:>10} s   (435 rounds, upsert)")
        e = r["engine"]
        w(
            f"engine           {e['crs_scores_per_s']:>10,} CRS scores/s   "
            f"{e['assessments_per_s']:,} assessments/s"
        )
        w(
            f"matching         {r['matching']['seconds']:>10} s   ({r['matching']['matched']:,} matched; "
            f"digests {r['matching']['digest_seconds']} s)"
        )
        if "seconds" in r["nightly_refresh"]:
            w(
                f"nightly refresh  {r['nightly_refresh']['seconds']:>10} s   "
                f"({r['nightly_refresh']['refreshed']:,} clients)"
            )
        else:
            w(f"nightly refresh  {'-':>10}     (in process: {r['nightly_refresh']['skipped']})")
        fanned_runs = [v for k, v in r.items() if k.startswith("refresh_") and "seconds" in v]
        for fanned in fanned_runs:
            w(
                f"refresh {fanned['workers']} worker{'s' if fanned['workers'] > 1 else ' '}"
                f" {fanned['seconds']:>10} s   ({fanned['clients_per_s']:,} clients/s; "
                f"{fanned['clients_per_s'] / e['assessments_per_s']:.2f}x the engine's assessments/s)"
            )
        one, two = r.get("refresh_1_worker", {}), r.get("refresh_2_worker", {})
        if "seconds" in one and "seconds" in two:
            w(f"refresh scaling  {two['clients_per_s'] / one['clients_per_s']:>10.2f} x   (2 workers / 1)")
        scan, delivery = r["reminder_scan"], r["reminder_delivery"]
        w(
            f"reminder scan    {scan['seconds']:>10} s   ({scan['open_invitations']:,} open invitations: "
            f"{scan['invitations_dispatched']} dispatched in {scan['tasks_queued']} tasks; "
            f"delivery {delivery['emails_per_s']:,} emails/s per worker process, "
            f"{delivery['sent']} sent in {delivery['seconds']} s, locmem email)"
        )
        w(f"\n{'page':<15}{'median ms':>10}{'p95 ms':>9}{'queries':>9}{'x floor':>9}{'x at 1k':>9}")
        for name, p in r["pages"].items():
            w(
                f"{name:<15}{p['median_ms']:>10}{p['p95_ms']:>9}{p['queries']:>9}{p['vs_floor']:>9}{p['vs_small']:>9}"
            )
        w("\ntargets:")
        for name, (ok, target) in r["targets"].items():
            w(f"  {'PASS' if ok else 'MISS'}  {name} ({target})")


@contextmanager
def _throwaway_queue():
    """Publish this process's tasks to a queue of the bench's own, then delete it with what it holds.

    The reminder scan is timed as beat runs it, publishing included, but no worker must act on
    the bench's tasks: they are purged (the reminders stay pending; the next scan after the
    lease would queue them again) and the queue leaves nothing behind in the broker.
    """
    from config.celery import app

    name = f"bench-{uuid.uuid4().hex[:10]}"
    saved = app.conf.task_default_queue
    app.conf.task_default_queue = name
    with app.connection_for_write() as conn:
        queue = app.amqp.queues[name](conn.default_channel)
        queue.declare()
        try:
            yield queue
        finally:
            app.conf.task_default_queue = saved
            queue.purge()
            queue.delete()
