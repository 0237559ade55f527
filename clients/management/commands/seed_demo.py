"""Demo data: a firm, its people and realistic clients (bulk; also used for benchmarks)."""

from __future__ import annotations

import importlib
import time
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from clients.demo import DEMO_PASSWORD, build_clients, create_demo_firm, create_draws_admin
from clients.models import Client

SAMPLE_ROUNDS = Path(__file__).resolve().parents[3] / "draws" / "data" / "ircc-rounds-sample.json"


def _optional(module: str):
    """A module of a feature that may not be installed yet, or None."""
    try:
        return importlib.import_module(module)
    except ImportError:
        return None


class Command(BaseCommand):
    help = "Create a demo firm (owner, two consultants, an assistant) and N realistic clients."

    def add_arguments(self, parser):
        parser.add_argument(
            "--clients",
            type=int,
            default=None,
            help="number of clients (default 30, or none if the demo firm has some)",
        )
        parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
        parser.add_argument(
            "--skip-assessments",
            action="store_true",
            help="do not compute the stored assessments (benchmarks do it themselves)",
        )

    def handle(self, *args, clients: int, seed: int, skip_assessments: bool, **options):
        if clients is not None and clients < 0:
            raise CommandError("--clients must be 0 or more", returncode=2)
        started = time.monotonic()
        demo = create_demo_firm()
        if clients is None and Client.objects.filter(firm=demo.firm).exists():
            self.stdout.write(
                "The demo firm already has clients; adding none (pass --clients N to add more)."
            )
            ids = []
        else:
            ids = build_clients(
                demo, count=30 if clients is None else clients, seed=seed, today=timezone.localdate()
            )
        if _optional("draws.importer") and SAMPLE_ROUNDS.exists():
            call_command("import_ircc_rounds", str(SAMPLE_ROUNDS), stdout=self.stdout)
        invitations_demo = _optional("invitations.demo")
        if ids and invitations_demo:
            invitations_demo.seed_invitations(Client.objects.filter(id__in=ids), now=timezone.now())
        if ids and not skip_assessments:
            from eligibility.services import refresh_assessments

            refresh_assessments(ids)
        self.stdout.write(
            self.style.SUCCESS(
                f"{len(ids)} clients created for {demo.firm.name} in {time.monotonic() - started:.1f} s."
            )
        )
        self.stdout.write(f"Logins (password for all: {DEMO_PASSWORD}):")
        for role, user in [
            ("owner", demo.owner),
            ("consultant", demo.consultants[1]),
            ("consultant", demo.consultants[2]),
            ("assistant", demo.assistant),
            ("admin (/admin/): rounds and categories only", create_draws_admin()),
        ]:
            self.stdout.write(f"  {user.username:<12} {role}")
