"""Checking IRCC's rounds feed: download it (conditionally), import it, record the check.

`check_ircc_feed()` is what beat runs every IRCC_ROUNDS_EVERY_MINUTES and what
`manage.py check_ircc_feed` runs at once. One check at a time, by the database: the
check's FeedCheck row is inserted as `running` first, and a partial unique constraint
refuses a second running row, so a worker polling at the same moment records `skipped`
and touches nothing (claim, then act: the download happens after the claim committed,
outside any transaction). A worker killed mid-check leaves a running row that the next
check closes as failed once it is older than CHECK_LEASE.

Whatever goes wrong changes nothing: the body is read whole (size cap, overall deadline)
before services.import_ircc_rounds parses it, and that import is all or nothing. New and
changed rounds are matched by the import itself, exactly as for a hand entry; a round an
admin typed before IRCC published it has the same round number and is updated, never
duplicated (its matches and digests are unique per round, so nobody hears of it twice).

The standard library's urllib is enough here: one GET with two request headers, and the
stricter limits we need (total time, size) are a loop around read() either way.
"""

from __future__ import annotations

import http.client
import logging
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from draws import importer, services
from draws.models import FeedCheck

log = logging.getLogger(__name__)

TIMEOUT_SECONDS = 30  # the whole answer, headers to last byte (IRCC's ~700 KB takes about a second)
MAX_BYTES = 10 * 1024 * 1024  # IRCC's feed is about 0.7 MB; anything 14 times that is not it
CHUNK_BYTES = 64 * 1024
# A running check older than this was abandoned (its worker died): the task's hard time limit
# (draws.tasks.check_ircc_feed) is well inside it.
CHECK_LEASE = timedelta(minutes=10)
# Checks are kept this long for staff to read (two a hour: about 4,300 rows), then deleted, except
# the last successful one of each address (the next request's ETag, the freshness banner).
CHECKS_KEPT = timedelta(days=90)
SHIPPED_FEED = Path(__file__).resolve().parent / "data" / "ircc-rounds-full.json"


class FetchError(Exception):
    """The feed could not be read whole (network, HTTP status, time, size); `http_status` if any."""

    def __init__(self, message: str, *, http_status: int | None = None):
        super().__init__(message)
        self.http_status = http_status


@dataclass(frozen=True)
class Fetched:
    http_status: int
    body: bytes | None  # None: 304 Not Modified
    etag: str
    last_modified: str


def fetch(url: str, *, etag: str = "", last_modified: str = "", timeout: float = TIMEOUT_SECONDS,
          max_bytes: int = MAX_BYTES) -> Fetched:
    """GET `url` with If-None-Match / If-Modified-Since; the whole body or FetchError.

    `timeout` bounds the whole exchange, not only each socket read, so a server that
    trickles its answer is given up on as one that does not answer.
    """
    if not url.startswith(("http://", "https://")):
        raise FetchError(f"{url!r} is not an http(s) address")
    headers = {"User-Agent": "ITA Desk rounds check", "Accept": "application/json"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 - http(s) only, checked above
    deadline = time.monotonic() + timeout
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            status = response.status
            declared = response.headers.get("Content-Length")
            if declared and declared.isdigit() and int(declared) > max_bytes:
                raise FetchError(f"the answer is {int(declared):,} bytes, more than the {max_bytes:,} "
                                 "accepted", http_status=status)
            chunks, size = [], 0
            while chunk := response.read(CHUNK_BYTES):
                size += len(chunk)
                if size > max_bytes:
                    raise FetchError(f"the answer is larger than {max_bytes:,} bytes", http_status=status)
                if time.monotonic() > deadline:
                    raise FetchError(f"the answer took longer than {timeout:g} s", http_status=status)
                chunks.append(chunk)
            if declared and declared.isdigit() and size < int(declared):
                # http.client's read(n) returns what arrived when the server closes early; it does
                # not raise IncompleteRead as read() does.
                raise FetchError(f"the answer was cut off after {size:,} of {int(declared):,} bytes",
                                 http_status=status)
            return Fetched(http_status=status, body=b"".join(chunks),
                           etag=response.headers.get("ETag", "")[:500],
                           last_modified=response.headers.get("Last-Modified", "")[:100])
    except urllib.error.HTTPError as exc:
        if exc.code == 304:
            return Fetched(http_status=304, body=None, etag=exc.headers.get("ETag", "")[:500] or etag,
                           last_modified=exc.headers.get("Last-Modified", "")[:100] or last_modified)
        raise FetchError(f"HTTP {exc.code} {exc.reason}", http_status=exc.code) from exc
    except http.client.IncompleteRead as exc:
        raise FetchError(f"the answer was cut off after {len(exc.partial):,} bytes") from exc
    except TimeoutError as exc:
        raise FetchError(f"no answer within {timeout:g} s") from exc
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, TimeoutError):
            raise FetchError(f"no answer within {timeout:g} s") from exc
        raise FetchError(f"could not connect ({reason})") from exc
    except (http.client.HTTPException, OSError) as exc:
        raise FetchError(f"the connection failed ({exc.__class__.__name__}: {exc})") from exc


def _claim(url: str) -> FeedCheck | None:
    """Insert this check's running row, or None when another check is running (one at a time)."""
    now = timezone.now()
    abandoned = FeedCheck.objects.filter(status=FeedCheck.Status.RUNNING, started_at__lt=now - CHECK_LEASE)
    abandoned.update(status=FeedCheck.Status.FAILED, finished_at=now,
                     error="abandoned: the check did not finish (its worker stopped)")
    try:
        with transaction.atomic():
            return FeedCheck.objects.create(url=url[:500], started_at=now, status=FeedCheck.Status.RUNNING)
    except IntegrityError:
        return None


def _validators(url: str) -> tuple[str, str]:
    """ETag and Last-Modified of the last successful check of this address."""
    last = (FeedCheck.objects.filter(url=url[:500], status__in=FeedCheck.SUCCESSFUL)
            .order_by("-started_at", "-pk").values_list("etag", "last_modified").first())
    return last or ("", "")


def check_ircc_feed(*, url: str | None = None, timeout: float = TIMEOUT_SECONDS) -> FeedCheck | None:
    """Check the feed once; returns the finished FeedCheck (None when IRCC_ROUNDS_URL is empty).

    Outcomes: `imported` (the report's counts), `not_modified` (304), `failed` (not fetched:
    network, HTTP error, too slow, too large, cut off), `malformed` (fetched but refused by
    the importer, which names the round and field), `skipped` (another check running).
    Only `imported` and `not_modified` count as the feed being reachable.
    """
    url = settings.IRCC_ROUNDS_URL if url is None else url
    if not url:
        return None
    check = _claim(url)
    if check is None:
        log.info("IRCC feed: another check is running; skipped")
        now = timezone.now()
        return FeedCheck.objects.create(url=url[:500], started_at=now, finished_at=now,
                                        status=FeedCheck.Status.SKIPPED, error="another check was running")
    etag, last_modified = _validators(url)
    try:
        fetched = fetch(url, etag=etag, last_modified=last_modified, timeout=timeout)
        check.http_status = fetched.http_status
        if fetched.body is None:
            check.status = FeedCheck.Status.NOT_MODIFIED
        else:
            report = services.import_ircc_rounds(fetched.body)
            check.status = FeedCheck.Status.IMPORTED
            check.rounds_read, check.rounds_added = report.read, report.added
            check.rounds_updated = report.updated
        check.etag, check.last_modified = fetched.etag, fetched.last_modified
    except FetchError as exc:
        check.status, check.http_status, check.error = FeedCheck.Status.FAILED, exc.http_status, str(exc)
    except importer.FeedError as exc:
        check.status, check.error = FeedCheck.Status.MALFORMED, str(exc)[:5000]
    except Exception as exc:  # noqa: BLE001 - whatever it was, the check is recorded and shown to staff
        log.exception("IRCC feed check failed")
        check.status, check.error = FeedCheck.Status.FAILED, f"{exc.__class__.__name__}: {exc}"[:5000]
    check.finished_at = timezone.now()
    check.save()
    if check.status in (FeedCheck.Status.FAILED, FeedCheck.Status.MALFORMED):
        log.warning("IRCC feed check %s: %s", check.status, check.error[:300])
    prune_checks(now=check.finished_at)
    return check


def prune_checks(*, now=None) -> int:
    """Delete the finished checks older than CHECKS_KEPT, keeping each address's last successful one."""
    now = now or timezone.now()
    kept = [pk for pk in (FeedCheck.objects.filter(url=url, status__in=FeedCheck.SUCCESSFUL)
                          .order_by("-started_at", "-pk").values_list("pk", flat=True).first()
                          for url in FeedCheck.objects.values_list("url", flat=True).distinct())
            if pk is not None]
    deleted, _ = (FeedCheck.objects.exclude(status=FeedCheck.Status.RUNNING)
                  .filter(started_at__lt=now - CHECKS_KEPT).exclude(pk__in=kept).delete())
    return deleted


def is_due(*, now=None) -> bool:
    """Whether IRCC_ROUNDS_EVERY_MINUTES have passed since the last check began (beat asks every minute)."""
    now = now or timezone.now()
    every = timedelta(minutes=settings.IRCC_ROUNDS_EVERY_MINUTES)
    last = (FeedCheck.objects.exclude(status=FeedCheck.Status.SKIPPED)
            .order_by("-started_at").values_list("started_at", flat=True).first())
    # A few seconds' slack: beat's minute ticks drift, and 30 minutes must not become 31.
    return last is None or now - last >= every - timedelta(seconds=30)


def import_shipped_feed(*, by=None) -> services.ImportReport:
    """Import the feed shipped in draws/data (the demo's rounds, no network)."""
    return services.import_ircc_rounds(SHIPPED_FEED.read_bytes(), by=by)
