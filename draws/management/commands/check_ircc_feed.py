"""`manage.py check_ircc_feed [--url URL]`: check IRCC's rounds feed now, as beat does."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from draws import feed
from draws.models import FeedCheck


class Command(BaseCommand):
    help = ("Check IRCC's rounds feed once (IRCC_ROUNDS_URL, or --url), import new and changed rounds "
            "and record the check. Exit 2 on a malformed feed (nothing changed), 1 when it could not "
            "be fetched.")

    def add_arguments(self, parser):
        parser.add_argument("--url", help="http(s) address of the feed (default: IRCC_ROUNDS_URL)")

    def handle(self, *args, url: str | None = None, **options):
        url = url or settings.IRCC_ROUNDS_URL
        if not url:
            raise CommandError("IRCC_ROUNDS_URL is empty (the check is off); give --url", returncode=2)
        check = feed.check_ircc_feed(url=url)
        if check.status == FeedCheck.Status.MALFORMED:
            raise CommandError(f"{url}: malformed feed, nothing changed. {check.error}", returncode=2)
        if check.status == FeedCheck.Status.FAILED:
            raise CommandError(f"{url}: could not be fetched ({check.error})", returncode=1)
        if check.status == FeedCheck.Status.SKIPPED:
            raise CommandError("another check of the feed is running; nothing done", returncode=1)
        if check.status == FeedCheck.Status.NOT_MODIFIED:
            self.stdout.write("The feed was not modified since the last check.")
            return
        unchanged = check.rounds_read - check.rounds_added - check.rounds_updated
        self.stdout.write(f"{check.rounds_read} rounds read, {check.rounds_added} added, "
                          f"{check.rounds_updated} updated, {unchanged} unchanged")
