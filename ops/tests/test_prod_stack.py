"""The production stack as `make prod` runs it: honcho starts the Procfile (gunicorn, worker, beat).

Production settings (DEBUG=false, a SECRET_KEY of its own) over plain HTTP on loopback
(SECURE_SSL=false), against the test database, the machine's Redis on a queue of the test's own
and a real SMTP server. A draws staff user logs in over HTTP and records a round in the admin;
the consultant's digest arrives by SMTP. Beat, not the test, queues the reminder scan: the scan's
periodic task is set to every 2 seconds (ops/periodic.py says 5 minutes) and the other periodic
tasks are disabled, so only the scan's emails can arrive; the due reminder goes out once and stays
sent once over the scans that follow.
"""

from __future__ import annotations

import datetime as dt
import http.cookiejar
import os
import re
import secrets
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection
from django.utils import timezone
from django.utils.crypto import get_random_string
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from clients.tests.factories import (
    ClientFactory,
    EducationFactory,
    FirmFactory,
    JobFactory,
    LanguageTestFactory,
    member,
)
from draws.models import Draw
from eligibility.services import refresh_assessments
from invitations import services as invitation_services
from invitations.models import Reminder
from ops.tests.helpers import wait_until
from testing.services import ROOT, free_port

pytestmark = [pytest.mark.worker, pytest.mark.stack]

SCAN = "invitations: send due ITA reminders"  # invitations/migrations/0003_periodic_tasks.py
SCAN_EVERY_SECONDS = 2
PASSWORD = "stack-test-password-8c1f"  # noqa: S105


def _descendants(pid: int) -> set[int]:
    """Every live process below `pid` (honcho's children start sessions of their own)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = set(), [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


class Stack:
    """`honcho start` on the Procfile, in a session of its own; stop() leaves no process behind."""

    def __init__(self, env: dict[str, str], port: int, log: Path):
        self.port, self.log = port, log
        self.url = f"http://127.0.0.1:{port}"
        self._log_file = log.open("wb")
        self.proc = subprocess.Popen(
            [str(Path(sys.executable).parent / "honcho"), "start", "-f", "Procfile", "-p", str(port),
             "--no-colour"],
            cwd=ROOT, env=env, stdout=self._log_file, stderr=subprocess.STDOUT, start_new_session=True,
        )
        self.pids: set[int] = set()

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def wait(self, predicate, *, timeout: float, what: str):
        """wait_until, failing with the end of the stack's output (what the three processes said)."""
        try:
            return wait_until(predicate, timeout=timeout, what=what)
        except AssertionError as exc:
            raise AssertionError(f"{exc}\n--- stack output ---\n{self.output()[-4000:]}") from None

    def remember_processes(self) -> None:
        self.pids |= _descendants(self.proc.pid)

    def stop(self) -> list[int]:
        """SIGTERM to honcho (it stops the three), then SIGKILL whatever is left; return what was left."""
        if self.proc.poll() is None:
            self.remember_processes()
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        deadline = time.monotonic() + 10
        while any(_alive(p) for p in self.pids) and time.monotonic() < deadline:
            time.sleep(0.1)
        left = sorted(p for p in self.pids if _alive(p))
        for pid in left:
            try:
                os.killpg(pid, signal.SIGKILL)
            except OSError:
                pass
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        self._log_file.close()
        return left


class Browser:
    """A cookie-keeping HTTP client (urllib): the session and CSRF cookies, as a browser keeps them."""

    def __init__(self, base_url: str):
        self.base_url = base_url
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def get(self, path: str) -> tuple[str, str]:
        with self.opener.open(self.base_url + path, timeout=20) as response:
            return response.geturl(), response.read().decode()

    def post_form(self, path: str, fields: dict[str, str]) -> tuple[str, str]:
        """GET the page, POST its form with the CSRF token it carries; follow the redirect."""
        _, page = self.get(path)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        data = urllib.parse.urlencode({"csrfmiddlewaretoken": token, **fields}).encode()
        request = urllib.request.Request(self.base_url + path, data=data,
                                         headers={"Referer": self.base_url + path})
        with self.opener.open(request, timeout=30) as response:
            return response.geturl(), response.read().decode()


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


@pytest.fixture
def stack_env(transactional_db, smtp_server, celery_queue) -> dict[str, str]:
    """Production settings pointed at the test's database, queue and SMTP server; no network."""
    db = connection.settings_dict
    env = dict(os.environ)
    env.update(
        PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        DATABASE_URL=f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        REDIS_URL=settings.REDIS_URL,
        EMAIL_URL=smtp_server.url,
        CELERY_QUEUE=celery_queue,
        DEBUG="false",
        SECURE_SSL="false",  # plain HTTP on loopback; see README (Production: one host and several)
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        IRCC_ROUNDS_URL="",
        WEB_CONCURRENCY="2",
        PYTHONUNBUFFERED="1",
    )
    env.pop("DJANGO_SETTINGS_MODULE", None)  # the Procfile's commands name config themselves
    return env


@pytest.fixture
def stack(stack_env):
    if not settings.REDIS_URL:
        pytest.fail("the production stack needs REDIS_URL (a real Redis broker)")
    port = free_port()
    (ROOT / ".pytest_cache").mkdir(exist_ok=True)
    stack_env["SITE_URL"] = f"http://127.0.0.1:{port}"
    running = Stack(stack_env, port, ROOT / f".pytest_cache/stack-{stack_env['CELERY_QUEUE']}.log")
    try:
        yield running
    finally:
        running.stop()


def _candidate(firm, consultant):
    """A bachelor's graduate with IELTS and 3.5 years of Canadian work: CEC eligible."""
    today = timezone.localdate()
    client = ClientFactory(firm=firm, consultant=consultant, last_name="Stackmatch")
    EducationFactory(client=client, level="bachelors")
    LanguageTestFactory(client=client, taken_on=today - dt.timedelta(days=200),
                        listening=8.5, reading=7.5, writing=7.0, speaking=7.5)
    JobFactory(client=client, noc_id="31301", start_on=today - dt.timedelta(days=3 * 365 + 180))
    return client


def _scan_beat_only_every(seconds: int) -> None:
    """Beat's schedule as the test needs it: the reminder scan every few seconds, nothing else."""
    every, _ = IntervalSchedule.objects.get_or_create(every=seconds, period=IntervalSchedule.SECONDS)
    PeriodicTask.objects.filter(name=SCAN).update(interval=every, crontab=None, last_run_at=None,
                                                  enabled=True)
    PeriodicTask.objects.exclude(name=SCAN).update(enabled=False)


def _is_reminder(message) -> bool:
    return (message["Message-ID"] or "").startswith("<ita-reminder-")


def test_the_procfile_stack_serves_logins_sends_the_digest_and_the_reminder_once(stack, smtp_server):
    now = timezone.now()
    firm = FirmFactory(name="Maple Immigration")
    ana = member(firm, email="ana@maple.example", first_name="Ana")
    matched = _candidate(firm, ana)
    assert refresh_assessments(client_ids=[matched.pk], as_of=timezone.localdate()) == 1
    matched.refresh_from_db()
    assert matched.assessment.cec and matched.assessment.crs_total >= 300

    invited = ClientFactory(firm=firm, consultant=ana, last_name="Stackreminder", email="sam@mail.example")
    invitation = invitation_services.record_invitation(client=invited, issued_at=now - dt.timedelta(hours=1),
                                                       by=ana, now=now)
    pending = list(invitation.reminders.filter(status=Reminder.Status.PENDING))
    assert pending and all(r.due_at > now for r in pending)
    due = pending[0]
    Reminder.objects.filter(pk=due.pk).update(due_at=now - dt.timedelta(minutes=1))
    # The stack's hashers are production's (ops/tests/conftest.py makes this process's MD5, for speed).
    get_user_model().objects.create(username="draws-staff", is_staff=True,
                                    password=PBKDF2PasswordHasher().encode(PASSWORD, get_random_string(22)))
    _scan_beat_only_every(SCAN_EVERY_SECONDS)

    try:
        stack.remember_processes()
        stack.wait(lambda: _answers(stack.url + "/login/") or stack.proc.poll() is not None,
                   timeout=40, what="gunicorn answering /login/")
        assert stack.proc.poll() is None, stack.output()[-3000:]
        stack.remember_processes()
        # DEBUG=false, production settings: an unknown page is the plain 404, not Django's debug page.
        with pytest.raises(urllib.error.HTTPError) as missing:
            urllib.request.urlopen(stack.url + "/no-such-page/", timeout=10)
        assert missing.value.code == 404 and b"URLconf" not in missing.value.read()

        browser = Browser(stack.url)
        url, page = browser.post_form("/login/", {"username": "draws-staff", "password": PASSWORD})
        assert not url.endswith("/login/"), page[-3000:] + stack.output()[-3000:]
        url, page = browser.post_form("/admin/draws/draw/add/", {
            "category": "cec", "invitations_issued": "3,000", "lowest_crs": "300",
            "drawn_on": timezone.localdate().isoformat(), "round_number": "9001",
            "tie_break_at_0": "", "tie_break_at_1": "", "drawn_at_0": "", "drawn_at_1": "",
            "ircc_name": "", "programs_text": "", "distribution_on": "", "distribution": "", "_save": "Save",
        })
        assert url.endswith("/admin/draws/draw/"), page[:2000]
        draw = Draw.objects.get(round_number="9001")
        assert draw.entered_by.username == "draws-staff" and draw.lowest_crs == 300

        digests = stack.wait(lambda: [m for m in smtp_server.messages
                                      if not _is_reminder(m) and "ana@maple.example" in m["To"]],
                             timeout=40, what="the digest of round 9001 by SMTP")
        assert len(digests) == 1
        body = digests[0].get_body(("plain",)).get_content()
        assert "Stackmatch" in body and "9001" in (digests[0]["Subject"] + body)

        reminders = stack.wait(lambda: [m for m in smtp_server.messages if _is_reminder(m)],
                               timeout=30, what="the reminder sent by beat's scan")
        assert len(reminders) == 1 and f"-{due.pk}-" in reminders[0]["Message-ID"]
        scans = stack.output().count("invitations.tasks.scan_due_reminders[")
        # Two more scans queued by beat and run by the worker: the reminder is not sent again.
        stack.wait(lambda: stack.output().count("invitations.tasks.scan_due_reminders[") >= scans + 4,
                   timeout=20, what="two more reminder scans")
        time.sleep(1)
        sent = [m["Message-ID"] for m in smtp_server.messages if _is_reminder(m)]
        assert sent == [reminders[0]["Message-ID"]]
        due.refresh_from_db()
        assert due.status == Reminder.Status.SENT and due.attempts == 1
        assert stack.proc.poll() is None, "the stack stopped by itself"
        stack.remember_processes()
        assert len(stack.pids) >= 5  # gunicorn master + 2 workers, celery worker, beat (and their pools)
    finally:
        left = stack.stop()
    assert left == [], f"processes left behind after honcho stopped: {left}"
