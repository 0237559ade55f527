"""Helpers for the delivery tests: drive real workers with an explicit clock, slow SMTP on demand."""

from __future__ import annotations

import asyncio
import datetime as dt
import email
import email.policy
import json
import socket
import time

import redis
from django.conf import settings

from clients.tests.factories import ClientFactory, FirmFactory, member
from invitations import services
from invitations.models import Invitation, Reminder
from invitations.tasks import scan_due_reminders

UTC = dt.UTC
# An ITA issued on 2027-02-01 at 16:00 UTC (11:00 in Toronto): the 60 days cross the
# switch to daylight time on 2027-03-14, so the schedule is checked on both sides of it.
ISSUED_AT = dt.datetime(2027, 2, 1, 16, 0, tzinfo=UTC)


def ensure_default_item_types() -> None:
    """The default checklist types come from a data migration; a transactional test's flush removes them."""
    import importlib

    from django.apps import apps

    from invitations.models import ChecklistItemType

    if not ChecklistItemType.objects.filter(firm=None).exists():
        importlib.import_module("invitations.migrations.0002_default_checklist_types").create(apps, None)


def toronto_firm():
    ensure_default_item_types()
    return FirmFactory(time_zone="America/Toronto", email="office@maple-law.example",
                       name="Maple Immigration Law")


def new_client(*, firm=None, language: str = "en", **client_kwargs):
    """A client of a Toronto firm, with their consultant Claire Tremblay."""
    firm = firm or toronto_firm()
    consultant = member(firm, first_name="Claire", last_name="Tremblay", email="claire@maple-law.example")
    return ClientFactory(firm=firm, consultant=consultant, preferred_language=language, **client_kwargs)


def invited_client(*, language: str = "en", issued_at: dt.datetime = ISSUED_AT, recorded_at=None,
                   firm=None, **client_kwargs):
    """A client with an ITA recorded (at `recorded_at`, default: when issued)."""
    client = new_client(firm=firm, language=language, **client_kwargs)
    consultant = client.consultant
    invitation = services.record_invitation(client=client, issued_at=issued_at, by=consultant,
                                            now=recorded_at or issued_at)
    return client, invitation


def scan(now: dt.datetime) -> None:
    """Queue one scan, as beat would, with the worker's clock pinned to `now`."""
    scan_due_reminders.delay(now_iso=now.isoformat())


def tick(now: dt.datetime, timeout: float = 60.0) -> None:
    """One beat tick: queue a scan at `now`, wait until it and the delivery tasks it queued are done.

    Beat's ticks are 5 minutes apart, so a tick's deliveries run before the next tick; a test's
    ticks are not, and a scan queued ahead of earlier ticks' deliveries would run first (expiring
    an invitation whose reminders are still queued, say). Idle = the test's queue empty and no
    message of it unacknowledged (acks_late), seen twice in a row: a message just taken by a
    worker is in neither for an instant.
    """
    from config.celery import app

    queue = app.conf.task_default_queue
    conn = redis.Redis.from_url(settings.REDIS_URL)
    scan(now)
    deadline, idle_checks = time.monotonic() + timeout, 0
    while idle_checks < 2:
        busy = conn.llen(queue) > 0 or any(json.loads(v)[2] == queue for v in conn.hvals("unacked"))
        idle_checks = 0 if busy else idle_checks + 1
        if time.monotonic() > deadline:
            raise AssertionError(f"scan at {now:%Y-%m-%d %H:%M} and its deliveries: not done in {timeout}s")
        time.sleep(0.01)


def hours(start: dt.datetime, end: dt.datetime, step: dt.timedelta = dt.timedelta(hours=1)):
    moment = start
    while moment <= end:
        yield moment
        moment += step


def drain(celery_workers, timeout: float = 120.0) -> None:
    """Wait until the test's queue is empty and no worker holds a task (FIFO, solo pool)."""
    from config.celery import app

    conn = redis.Redis.from_url(settings.REDIS_URL)
    names = [f"{name}-{celery_workers.queue}@{socket.gethostname()}" for name in celery_workers.procs]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if conn.llen(celery_workers.queue) == 0:
            inspect = app.control.inspect(destination=names, timeout=2, limit=len(names))
            active, reserved = inspect.active() or {}, inspect.reserved() or {}
            if len(active) == len(names) and not any(active.values()) and not any(reserved.values()):
                return
        time.sleep(0.1)
    raise AssertionError(f"queue {celery_workers.queue} not drained after {timeout}s")


def reminder_of(message) -> Reminder:
    """The Reminder a received email is for, by its stable Message-ID."""
    msg_id = message["Message-ID"].strip("<>")
    pk = int(msg_id.split("-")[2])
    return Reminder.objects.get(pk=pk)


def sent_offsets(invitation: Invitation) -> list[int]:
    return list(invitation.reminders.filter(status=Reminder.Status.SENT).order_by("due_at")
                .values_list("offset_days", flat=True))


def local(moment: dt.datetime, zone: str = "America/Toronto") -> dt.datetime:
    from zoneinfo import ZoneInfo

    return moment.astimezone(ZoneInfo(zone))


class SlowSmtpHandler:
    """Stores messages like the harness's handler, but waits `delay` seconds at MAIL FROM.

    A worker killed during that wait has not handed over its message, as with a slow relay.
    """

    def __init__(self, sink: list, delay: float):
        self.sink, self.delay, self.mail_started = sink, delay, 0

    async def handle_MAIL(self, server, session, envelope, address, mail_options):  # noqa: N802
        self.mail_started += 1
        await asyncio.sleep(self.delay)
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        self.sink.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 OK"


def slow_smtp(smtp_server, delay: float) -> SlowSmtpHandler:
    handler = SlowSmtpHandler(smtp_server.messages, delay)
    smtp_server._controller.handler = handler  # used for each new SMTP session
    return handler
