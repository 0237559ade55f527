"""Tools of the fault drills (ops/tests/test_drills.py): real services, broken on purpose.

- PrivateRedis: a redis-server of the drill's own on a free port, to stop and restart
  (the machine's Redis on 6379 is shared with other test runs and is never touched).
- celery_broker(url): point this process's Celery app (what .delay() publishes to) at it.
- GateSmtpHandler: an SMTP server that can hold one message at DATA (content received,
  no "250 OK" yet) so a worker can be killed exactly there; a message whose client went
  away before the 250 is not kept, as a real relay would not deliver it.
- fast_forward_unacked: what an hour does to a killed worker's unacknowledged message
  (Redis redelivers it after the visibility timeout), without waiting the hour.
- DropConnectionAfter: a database execute wrapper that terminates its own PostgreSQL
  backend (pg_terminate_backend from another connection) right after a chosen write.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import email
import email.policy
import re
import signal
import socket
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import kombu.pools
import redis

from testing.services import ROOT, free_port

SIM_TICK = dt.timedelta(minutes=5)  # beat's reminder scan interval


def say(drill: str, text: str) -> None:
    """One line of the drill's report (visible with pytest -s)."""
    print(f"DRILL {drill}: {text}", flush=True)


def wait_until(predicate: Callable[[], object], *, timeout: float, what: str, step: float = 0.1):
    """Poll until `predicate()` is truthy; return its value, or fail naming what did not happen."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not after {timeout:.0f} s")
        time.sleep(step)


# --- Redis ------------------------------------------------------------------------------------

@dataclass
class PrivateRedis:
    """A throwaway redis-server (no persistence): stop() loses everything it held, like a crash."""

    port: int = field(default_factory=free_port)
    proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def client(self) -> redis.Redis:
        return redis.Redis.from_url(self.url, socket_connect_timeout=2, socket_timeout=5)

    def start(self, timeout: float = 20.0) -> None:
        log = open(ROOT / f".pytest_cache/redis-{self.port}.log", "ab")  # noqa: SIM115
        self.proc = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--daemonize", "no", "--loglevel", "warning"],
            stdout=log, stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + timeout
        while True:
            try:
                if self.client().ping():
                    return
            except redis.exceptions.ConnectionError:
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"redis-server on :{self.port} did not start (see {log.name})")
            time.sleep(0.05)

    def stop(self) -> None:
        """SIGTERM, as an orderly service stop would do; with --save '' nothing is kept."""
        if self.proc is not None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
            self.proc = None

    def is_up(self) -> bool:
        try:
            return bool(self.client().ping())
        except redis.exceptions.ConnectionError:
            return False


def _reset_celery_pools(app, url: str) -> None:
    # app.pool and app.producer_pool are entries of kombu's process-wide registries, keyed by
    # connection: closing one in place leaves a closed pool behind for the next test on that URL
    # ("Acquire on closed pool"). Reset the registries so each URL gets a fresh pool.
    kombu.pools.reset()
    app.conf.broker_url = url
    app._pool = None
    app.amqp._producer_pool = None


@contextmanager
def celery_broker(url: str) -> Iterator[None]:
    """Publish this process's tasks (and control commands) to `url`; restore the broker afterwards."""
    from config.celery import app

    saved = app.conf.broker_url
    _reset_celery_pools(app, url)
    try:
        yield
    finally:
        _reset_celery_pools(app, saved)


@dataclass
class Workers:
    """The harness's celery_workers, every worker connected to the drill's own Redis."""

    harness: object  # testing.services.CeleryWorkers
    redis: PrivateRedis

    @property
    def queue(self) -> str:
        return self.harness.queue

    @property
    def procs(self) -> dict:
        return self.harness.procs

    def start(self, name: str) -> float:
        """Start a worker; return how long it took to be ready (seconds)."""
        began = time.monotonic()
        self.harness.start(name, REDIS_URL=self.redis.url)
        return time.monotonic() - began

    def kill(self, name: str) -> None:
        self.harness.kill(name)

    def log(self, name: str) -> str:
        path = ROOT / f".pytest_cache/celery-{self.queue}-{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""


def drain(queue: str, worker_names: list[str], redis_url: str, timeout: float = 90.0) -> None:
    """Wait until the queue is empty and no worker holds a task (solo pool, FIFO)."""
    from config.celery import app

    conn = redis.Redis.from_url(redis_url)
    names = [f"{name}-{queue}@{socket.gethostname()}" for name in worker_names]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if conn.llen(queue) == 0:
            inspect = app.control.inspect(destination=names, timeout=2, limit=len(names))
            active, reserved = inspect.active() or {}, inspect.reserved() or {}
            if len(active) == len(names) and not any(active.values()) and not any(reserved.values()):
                return
        time.sleep(0.1)
    raise AssertionError(f"queue {queue} not drained after {timeout:.0f} s")


def unacked_tags(redis_url: str) -> list[str]:
    """Delivery tags Redis holds for consumers that took a message and did not acknowledge it."""
    return [t.decode() for t in redis.Redis.from_url(redis_url).zrange("unacked_index", 0, -1)]


def fast_forward_unacked(redis_url: str, seconds: float) -> int:
    """Age every unacknowledged message by `seconds` (as if that much time had passed).

    kombu's Redis transport puts a message back on its queue once it has been
    unacknowledged for longer than the visibility timeout (1 hour by default); a worker
    does that sweep when it starts. Only for a Redis of the drill's own.
    """
    client = redis.Redis.from_url(redis_url)
    entries = client.zrange("unacked_index", 0, -1, withscores=True)
    for tag, score in entries:
        client.zadd("unacked_index", {tag: score - seconds})
    return len(entries)


def visibility_timeout() -> int:
    """The broker's visibility timeout (seconds) as the workers use it."""
    from config.celery import app

    return int((app.conf.broker_transport_options or {}).get("visibility_timeout", 3600))


# --- SMTP -------------------------------------------------------------------------------------

class GateSmtpHandler:
    """Keeps messages like the harness's handler; can slow each one and hold the `hold_at`-th at DATA.

    While held, the message content has reached the server but no "250 OK" has gone back.
    If the client disappears (worker killed), aiosmtpd cancels the handler: the message is
    dropped (`dropped` counts them), since the sender was never told it was accepted.
    """

    def __init__(self, sink: list, *, hold_at: int | None = None, delay: float = 0.0):
        self.sink, self.hold_at, self.delay = sink, hold_at, delay
        self.data_count = 0
        self.dropped = 0
        self.holding = threading.Event()
        self.released = threading.Event()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd API
        self.data_count += 1
        number = self.data_count
        try:
            if self.delay:
                await asyncio.sleep(self.delay)
            if number == self.hold_at:
                self.holding.set()
                while not self.released.is_set():
                    await asyncio.sleep(0.05)
        except asyncio.CancelledError:
            self.dropped += 1
            raise
        self.sink.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 OK"


def gate_smtp(smtp_server, **kwargs) -> GateSmtpHandler:
    """Install a GateSmtpHandler on the harness's SMTP server (used for each new session)."""
    handler = GateSmtpHandler(smtp_server.messages, **kwargs)
    smtp_server._controller.handler = handler
    return handler


def duplicates(values) -> dict:
    """{value: count} of the values seen more than once."""
    return {v: n for v, n in Counter(values).items() if n > 1}


# --- PostgreSQL -------------------------------------------------------------------------------

_WRITE = re.compile(r'^\s*(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.IGNORECASE)


def terminate_backend(settings_dict: dict, pid: int, timeout: float = 10.0) -> None:
    """pg_terminate_backend(pid) from a connection of its own; wait until the backend is gone."""
    import psycopg

    params = {"dbname": settings_dict["NAME"], "user": settings_dict["USER"] or None,
              "host": settings_dict["HOST"] or "127.0.0.1", "port": settings_dict["PORT"] or 5432,
              "password": settings_dict["PASSWORD"] or None}
    with psycopg.connect(**{k: v for k, v in params.items() if v is not None}, autocommit=True) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])
        deadline = time.monotonic() + timeout
        while other.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [pid]).fetchone():
            if time.monotonic() > deadline:
                raise AssertionError(f"backend {pid} still there {timeout:.0f} s after pg_terminate_backend")
            time.sleep(0.05)


class DropConnectionAfter:
    """Execute wrapper: after the first write to one of `tables`, kill this connection's backend.

    One shot. `writes` lists the writes that ran ("UPDATE clients_client"...), `killed_pid`
    the backend terminated, `failed` the statement that then failed on the dead connection.
    """

    def __init__(self, tables: tuple[str, ...]):
        self.tables = tables
        self.writes: list[str] = []
        self.writes_before_kill: list[str] = []
        self.killed_pid: int | None = None
        self.failed: str | None = None
        self.armed = True

    def __call__(self, execute, sql, params, many, context):
        if self.killed_pid is not None and self.failed is None:
            try:
                return execute(sql, params, many, context)
            except Exception as exc:
                self.failed = f"{sql.split(None, 1)[0]} -> {type(exc).__name__}"
                raise
        result = execute(sql, params, many, context)
        match = _WRITE.match(sql)
        if match:
            verb, table = match.group(1).split()[0].upper(), match.group(2)
            self.writes.append(f"{verb} {table}")
            if self.armed and table in self.tables:
                self.armed = False
                self.writes_before_kill = list(self.writes)
                connection = context["connection"]
                self.killed_pid = connection.connection.info.backend_pid
                terminate_backend(connection.settings_dict, self.killed_pid)
        return result
