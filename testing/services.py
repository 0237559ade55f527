"""Real services for tests: an SMTP server on loopback, Celery workers as subprocesses.

Used through the fixtures in the top-level conftest.py:
- ``smtp_server``: aiosmtpd on 127.0.0.1; ``.messages`` (email.message.EmailMessage list),
  ``.stop()`` / ``.start()`` to simulate an outage (the port is kept), ``.url`` for EMAIL_URL.
- ``celery_workers``: ``start(name="w1")`` launches ``celery -A config worker`` on the test's
  own queue against the test database, Redis and the SMTP server; ``kill(name)`` sends SIGKILL,
  ``stop_all()`` runs at teardown. Requires ``@pytest.mark.django_db(transaction=True)``.
"""

from __future__ import annotations

import email
import email.policy
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from aiosmtpd.controller import Controller

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _Handler:
    def __init__(self, sink: list):
        self.sink = sink

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd API
        msg = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.sink.append(msg)
        return "250 OK"


@dataclass
class SmtpServer:
    host: str = "127.0.0.1"
    port: int = field(default_factory=free_port)
    messages: list = field(default_factory=list)
    _controller: Controller | None = None

    @property
    def url(self) -> str:
        return f"smtp://{self.host}:{self.port}"

    def start(self) -> None:
        if self._controller is None:
            self._controller = Controller(_Handler(self.messages), hostname=self.host, port=self.port)
            self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def wait_for(self, count: int, timeout: float = 20.0) -> list:
        """Wait until at least `count` messages arrived; return them."""
        deadline = time.monotonic() + timeout
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return list(self.messages)


@dataclass
class CeleryWorkers:
    queue: str
    database_url: str
    redis_url: str
    email_url: str
    procs: dict = field(default_factory=dict)

    def env(self, **extra: str) -> dict:
        env = dict(os.environ)
        env.update(
            DATABASE_URL=self.database_url,
            REDIS_URL=self.redis_url,
            EMAIL_URL=self.email_url,
            CELERY_QUEUE=self.queue,
            PYTHONUNBUFFERED="1",
        )
        env.update(extra)
        return env

    def start(self, name: str = "w1", **extra_env: str) -> subprocess.Popen:
        log = open(ROOT / f".pytest_cache/celery-{self.queue}-{name}.log", "ab")  # noqa: SIM115
        proc = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo",
             "-Q", self.queue, "-n", f"{name}-{self.queue}@%h", "--without-mingle",
             "--without-gossip", "--without-heartbeat", "-l", "INFO"],
            cwd=ROOT, env=self.env(**extra_env), stdout=log, stderr=subprocess.STDOUT,
        )
        self.procs[name] = proc
        self._wait_ready(name)
        return proc

    def _wait_ready(self, name: str, timeout: float = 30.0) -> None:
        path = ROOT / f".pytest_cache/celery-{self.queue}-{name}.log"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if path.exists() and b"ready." in path.read_bytes():
                return
            if self.procs[name].poll() is not None:
                raise RuntimeError(f"celery worker {name} exited: {path.read_text()[-2000:]}")
            time.sleep(0.1)
        raise RuntimeError(f"celery worker {name} not ready after {timeout}s")

    def kill(self, name: str = "w1") -> None:
        proc = self.procs.pop(name)
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)

    def stop_all(self) -> None:
        for name in list(self.procs):
            proc = self.procs.pop(name)
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()


_DEBIAN_CHROMIUM = Path("/usr/lib/chromium/chromium")
CHROMIUM = str(_DEBIAN_CHROMIUM) if _DEBIAN_CHROMIUM.exists() else "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage",
]
SCREENSHOTS = ROOT / "screenshots"


def login(page, base_url: str, username: str, password: str) -> None:
    """Log in through the real login form."""
    page.goto(f"{base_url}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")


def screenshot(page, name: str) -> Path:
    """Save a full-page PNG under screenshots/ (git-ignored) to look at."""
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def ensure_reference_data() -> None:
    """NOC codes, categories, default checklist types (as the migrations load them) and beat's schedule.

    A transactional test (live server, real worker) flushes every table when it ends,
    migration data included; the next test that needs the database reloads it here.
    """
    import importlib

    from django.apps import apps

    from clients.models import Noc
    from draws.models import Category
    from draws.seed import seed_categories

    if not Noc.objects.exists():
        importlib.import_module("clients.migrations.0002_load_noc").load(apps, None)
    if not Category.objects.exists():
        seed_categories(Category, Noc)
    from django_celery_beat.models import PeriodicTask

    from invitations.models import ChecklistItemType

    if not ChecklistItemType.objects.filter(firm=None).exists():
        importlib.import_module("invitations.migrations.0002_default_checklist_types").create(apps, None)
    from ops.periodic import PERIODIC_TASKS, setup_periodic_tasks

    if PeriodicTask.objects.filter(name__in=[entry.name for entry in PERIODIC_TASKS]).count() < len(
            PERIODIC_TASKS):
        setup_periodic_tasks()  # as every deployment does (ops/prod.sh)
