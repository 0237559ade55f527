"""`manage.py load_setup --users 50 --clients 5000 --out FILE`: the firm `make load` browses."""

from __future__ import annotations

import json
from importlib import import_module

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.core.management.base import BaseCommand, CommandError

from clients.models import Client, Membership
from demo.firms import DEMO_PASSWORD, build_clients, create_demo_firm
from eligibility.models import Report
from eligibility.services import generate_report, refresh_assessments


def _session_for(user) -> str:
    """A logged-in session, as the login form would create (saves 50 simultaneous password hashes)."""
    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key


class Command(BaseCommand):
    help = "Create (once) a firm with N consultants and M clients for the load test; write their logins."

    def add_arguments(self, parser):
        parser.add_argument("--users", type=int, default=50)
        parser.add_argument("--clients", type=int, default=5000)
        parser.add_argument("--out", default=".load-users.json")

    def handle(self, *args, users: int, clients: int, out: str, **options):
        if users < 1 or clients < 10:
            raise CommandError("--users must be 1 or more and --clients 10 or more", returncode=2)
        demo = create_demo_firm(name="Load test firm", prefix="load-")
        user_model = get_user_model()
        accounts = []
        for i in range(users):
            user, created = user_model.objects.get_or_create(username=f"load-c{i:03d}")
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save()
                Membership.objects.create(user=user, firm=demo.firm, role="consultant")
            accounts.append({"username": user.username, "session": _session_for(user)})
        existing = Client.objects.filter(firm=demo.firm).count()
        if existing < clients:
            ids = build_clients(demo, count=clients - existing, seed=existing + 11)
            refresh_assessments(ids)
        sample = list(Client.objects.filter(firm=demo.firm).order_by("id")[:: max(1, clients // 200)][:200])
        reports = list(Report.objects.filter(firm=demo.firm).values_list("id", flat=True)[:20])
        for client in sample[: 20 - len(reports)]:
            reports.append(generate_report(client=client, by=demo.owner).pk)
        with open(out, "w", encoding="utf-8") as fh:
            json.dump({"password": DEMO_PASSWORD, "cookie": settings.SESSION_COOKIE_NAME, "users": accounts,
                       "client_ids": [c.pk for c in sample],
                       "surnames": sorted({c.last_name for c in sample}),
                       "report_ids": reports}, fh)
        total = max(existing, clients)
        self.stdout.write(f"{users} consultants, {total} clients, {len(reports)} reports -> {out}")
