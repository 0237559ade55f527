"""Celery tasks of draws: thin, idempotent, by id."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings

from draws import feed, services
from draws.models import Draw


# Matching takes about 0.5 s at 100,000 clients; the digests are one email per consultant.
@shared_task(bind=True, autoretry_for=(services.DigestSendError,), retry_backoff=30, retry_backoff_max=900,
             max_retries=8, soft_time_limit=5 * 60, time_limit=6 * 60)
def match_draw(self, draw_id: int) -> dict:
    """After a round is recorded: store who would have been invited, then email the digests.

    Safe to run twice: matches are unique per (round, client) and each consultant's
    digest is claimed once per round; a failed send is retried with backoff.
    """
    if not Draw.objects.filter(pk=draw_id).exists():
        return {"draw_id": draw_id, "skipped": "round deleted"}
    result = services.match_draw(draw_id=draw_id)
    sent = services.send_draw_digests(draw_id=draw_id)
    return {"draw_id": draw_id, "found": result.found, "added": result.added, "digests_sent": sent}


@shared_task(soft_time_limit=60, time_limit=90)  # a query and a few enqueues
def match_pending_draws() -> list[int]:
    """Beat, every 5 minutes: queue the job again for recent rounds never matched (lost jobs)."""
    return services.match_pending_draws()


@shared_task(soft_time_limit=120, time_limit=180)
def check_ircc_feed() -> str:
    """Beat, every minute: check IRCC's rounds feed when IRCC_ROUNDS_EVERY_MINUTES have passed.

    Beat asks every minute and the setting decides, so changing IRCC_ROUNDS_EVERY_MINUTES
    (or emptying IRCC_ROUNDS_URL) takes effect without touching the schedule. The time limits
    stay inside draws.feed.CHECK_LEASE, after which a stuck check is closed as abandoned.
    """
    if not settings.IRCC_ROUNDS_URL:
        return "off (IRCC_ROUNDS_URL is empty)"
    if not feed.is_due():
        return "not due"
    check = feed.check_ircc_feed()
    return check.status if check else "off"
