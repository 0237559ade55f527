"""Demo data: a firm, its people and realistic clients (bulk; also used for benchmarks)."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings
from django.utils import timezone

from clients.models import Client, Firm
from demo import email_backend as demo_email
from demo.firms import DEMO_PASSWORD, build_clients, create_demo_firm, create_draws_admin
from demo.portal import seed_portal
from draws import demo as draws_demo
from eligibility.services import refresh_assessments
from invitations import demo as invitations_demo
from portal.links import portal_url

SECOND_FIRM, SECOND_PREFIX = "Northern Lights Immigration", "north-"
SECOND_EMAIL, SECOND_CLIENTS = "office@northernlights.example", 8
# The demo firm serves many healthcare workers (nurses, aides, practical nurses, doctors), so the demo's
# healthcare round has several clients to match.
DEMO_NOC_WEIGHTS = {"31301": 30, "33102": 8, "32101": 8, "31102": 4}


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
        # A second, smaller firm, so that isolation can be tried: neither sees the other's clients.
        other = create_demo_firm(name=SECOND_FIRM, prefix=SECOND_PREFIX)
        Firm.objects.filter(pk=other.firm.pk, email="office@mapleleaf.example").update(email=SECOND_EMAIL)
        ids = self._clients(demo, count=30 if clients is None else clients, seed=seed, asked=clients,
                            noc_weights=DEMO_NOC_WEIGHTS)
        other_ids = self._clients(other, count=SECOND_CLIENTS, seed=seed + 1, asked=clients)
        demo_email.sent.clear()
        with override_settings(EMAIL_BACKEND=demo_email.BACKEND):
            self._story(ids, other_ids, skip_assessments=skip_assessments)
            portal = seed_portal(demo.firm, demo.consultants[1]) if ids else None
        self.stdout.write(
            self.style.SUCCESS(
                f"{len(ids)} clients created for {demo.firm.name} and {len(other_ids)} for {other.firm.name} "
                f"in {time.monotonic() - started:.1f} s."
            )
        )
        self._print_emails(reader=demo.consultants[1])
        if portal is not None:
            self._print_portal(portal)
        self.stdout.write(f"Logins (password for all: {DEMO_PASSWORD}):")
        for role, user in [
            ("owner", demo.owner),
            ("consultant", demo.consultants[1]),
            ("consultant", demo.consultants[2]),
            ("assistant", demo.assistant),
            ("admin (/admin/): rounds and categories only", create_draws_admin()),
        ]:
            self.stdout.write(f"  {user.username:<12} {role}")
        self.stdout.write(f"Second firm ({other.firm.name}), to try isolation:")
        for role, user in [("owner", other.owner), ("consultant", other.consultants[1])]:
            self.stdout.write(f"  {user.username:<18} {role}")

    def _clients(self, demo, *, count: int, seed: int, asked: int | None,
                 noc_weights: dict[str, int] | None = None) -> list[int]:
        """New clients for a demo firm; none when it has some and no number was asked for."""
        if asked is None and Client.objects.filter(firm=demo.firm).exists():
            self.stdout.write(f"{demo.firm.name} already has clients; adding none "
                              "(pass --clients N to add more).")
            return []
        return build_clients(demo, count=count, seed=seed, today=timezone.localdate(),
                             noc_weights=noc_weights)

    def _story(self, ids: list[int], other_ids: list[int], *, skip_assessments: bool) -> None:
        """Scores, IRCC's rounds, applications and ITAs tied to them, then the demo round's digests."""
        now, today = timezone.now(), timezone.localdate()
        if ids + other_ids and not skip_assessments:
            refresh_assessments(ids + other_ids)
        self.stdout.write(f"IRCC rounds (the shipped feed): {draws_demo.import_full_feed().summary}.")
        if not skip_assessments:
            invitations_demo.seed_applications(Client.objects.filter(id__in=ids + other_ids),
                                               rounds=draws_demo.imported_rounds(), now=now)
        # Recorded like a consultant's entry: matched and digested at once (Celery eager).
        demo_round = draws_demo.record_demo_round(today=today)
        self.stdout.write(f"Demo round #{demo_round.round_number} ({demo_round.drawn_on}): "
                          f"{demo_round.ircc_name}, {demo_round.invitations_issued:,} invitations, "
                          f"lowest CRS {demo_round.lowest_crs}.")
        if ids:
            invitations_demo.seed_invitations(Client.objects.filter(id__in=ids), now=now, rounds=[demo_round])

    def _print_portal(self, portal) -> None:
        """How to sign in to the client portal as the demo client (their link is emailed, printed here)."""
        client = portal.client
        self.stdout.write(
            f"Client portal: {client.full_name} ({client.get_preferred_language_display()}, open ITA) sent "
            f"\"{portal.document.item.label}\" and a change of phone number; both wait for review on "
            f"the dashboard of their consultant (login: {client.consultant.username}).\n"
            f"  To sign in as this client: open {portal_url()}, ask for a link with {client.email};\n"
            f"  the email with the link is printed in this terminal (the console email backend).\n")

    def _print_emails(self, *, reader) -> None:
        """One line per email sent while seeding, then the demo round's digest to `reader` in full."""
        self.stdout.write(f"{len(demo_email.sent)} emails sent (kept in memory, not delivered):")
        for message in demo_email.sent:
            self.stdout.write(demo_email.one_line(message))
        digests = [m for m in demo_email.sent if "Round #" in m.subject]
        digest = next((m for m in digests if m.to == [reader.email]), digests[0] if digests else None)
        if digest is not None:
            self.stdout.write(f"\nThe round digest sent to {digest.to[0]}:\n{'-' * 72}")
            self.stdout.write(f"Subject: {digest.subject}\n\n{digest.body.rstrip()}\n{'-' * 72}\n")
