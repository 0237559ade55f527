"""`manage.py import_ircc_rounds [PATH_OR_URL]`: upsert IRCC's rounds feed (all or nothing)."""

from __future__ import annotations

import urllib.error
import urllib.request
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from draws import importer, services

MAX_BYTES = importer.MAX_FEED_BYTES  # read no more than the import would take


class Command(BaseCommand):
    help = "Import IRCC's Express Entry rounds JSON from a file or URL (default: IRCC's published feed)."

    def add_arguments(self, parser):
        default = settings.IRCC_ROUNDS_URL or settings.IRCC_PUBLISHED_FEED_URL
        parser.add_argument("source", nargs="?", default=default,
                            help="path or http(s) URL (default: IRCC_ROUNDS_URL, else IRCC's published feed)")

    def handle(self, *args, source: str, **options):
        data = read_source(source)
        try:
            report = services.import_ircc_rounds(data)
        except importer.FeedError as exc:
            raise CommandError(f"{source}: nothing imported. {exc}", returncode=2) from exc
        for warning in report.warnings:
            self.stderr.write(self.style.WARNING(f"Warning: {warning}"))
        if report.matching:
            self.stdout.write(f"Matching clients to recent rounds: {', '.join(report.matching)}")
        self.stdout.write(report.summary)


def read_source(source: str) -> bytes:
    """The bytes of a file or of a URL; CommandError (exit 2) naming the source otherwise."""
    if source.startswith(("http://", "https://")):
        request = urllib.request.Request(source, headers={"User-Agent": "ITA Desk rounds import"})  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - http(s) only
                data = response.read(MAX_BYTES + 1)
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise CommandError(f"{source}: could not download ({exc})", returncode=2) from exc
    else:
        path = Path(source)
        if not path.is_file():
            raise CommandError(f"{source}: no such file", returncode=2)
        data = path.read_bytes()
    if len(data) > MAX_BYTES:
        raise CommandError(f"{source}: nothing imported. The file is larger than "
                           f"{MAX_BYTES // 1024 // 1024} MB; IRCC's feed is about 1 MB",
                           returncode=2)
    return data
