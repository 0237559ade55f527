"""Login throttling behind reverse proxies: the address counted is the one the first trusted proxy saw.

Through a real gunicorn (a subprocess against the test database), as production runs it: a
lockout of one address leaves the same user free to log in from another, and without trusted
proxies a client cannot dodge a lockout by sending its own X-Forwarded-For.
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import contextmanager

import pytest
from django.db import connection
from django.test import RequestFactory

from audit.backends import client_address
from clients.tests.factories import PASSWORD, member
from testing.services import ROOT, free_port


@pytest.mark.parametrize(("count", "forwarded", "expected"), [
    (0, "203.0.113.7", "10.0.0.2"),  # no proxy trusted: the header is the client's own say
    (1, "203.0.113.7", "203.0.113.7"),
    (1, "198.51.100.9, 203.0.113.7", "203.0.113.7"),  # the left entry was sent by the client
    (2, "198.51.100.9, 203.0.113.7, 10.0.0.1", "203.0.113.7"),
    (2, "203.0.113.7", "10.0.0.2"),  # fewer entries than proxies: did not come through them all
    (1, "", "10.0.0.2"),
    (1, "not-an-address", "10.0.0.2"),
    (1, "203.0.113.7:51234", "203.0.113.7"),
    (1, "[2001:db8::7]:443", "2001:db8::7"),
    (1, "2001:DB8:0::7", "2001:db8::7"),
])
def test_client_address_is_the_entry_the_first_trusted_proxy_wrote(settings, count, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = count
    request = RequestFactory().post("/login/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_address(request) == expected


class Browser:
    """A cookie-keeping HTTP client that reports redirects instead of following them."""

    class _NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    def __init__(self, base_url: str):
        self.base_url = base_url
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar),
                                                  self._NoRedirect)

    def request(self, path: str, data: dict | None = None, headers: dict | None = None) -> tuple[int, str]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        req = urllib.request.Request(self.base_url + path, data=body, headers=headers or {})
        try:
            with self.opener.open(req, timeout=30) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def login(self, username: str, password: str, *, forwarded_for: str) -> int:
        """GET the login page for its CSRF token, then POST the credentials; the status code."""
        headers = {"X-Forwarded-For": forwarded_for}
        status, page = self.request("/login/", headers=headers)
        assert status == 200, page[:500]
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        status, _ = self.request("/login/", {"username": username, "password": password,
                                             "csrfmiddlewaretoken": token}, headers=headers)
        return status


@contextmanager
def gunicorn(**env: str):
    """gunicorn serving config.wsgi on a free loopback port against the test database."""
    db = connection.settings_dict
    host = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    port = free_port()
    environ = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{host}/{db['NAME']}",
        "PYTHONUNBUFFERED": "1",
        **env,
    }
    log_path = ROOT / f".pytest_cache/gunicorn-{port}.log"
    log_path.parent.mkdir(exist_ok=True)
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "config.wsgi", "--workers", "1",
             "--bind", f"127.0.0.1:{port}"],
            cwd=ROOT, env=environ, stdout=log, stderr=subprocess.STDOUT,
        )
    try:
        browser = Browser(f"http://127.0.0.1:{port}")
        deadline = time.monotonic() + 60
        while True:
            try:
                if browser.request("/login/")[0] == 200:
                    break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn did not start: {log_path.read_text()[-2000:]}")
            time.sleep(0.2)
        yield browser
    finally:
        proc.terminate()
        proc.wait(20)


def _lock_out(browser: Browser, username: str, *, forwarded_for) -> None:
    """Five wrong passwords (settings.AXES_FAILURE_LIMIT), each from forwarded_for(attempt)."""
    for attempt in range(5):
        assert browser.login(username, "wrong", forwarded_for=forwarded_for(attempt)) in (200, 429)


@pytest.mark.django_db(transaction=True)
def test_behind_one_proxy_a_lockout_of_one_address_leaves_the_user_free_elsewhere():
    """Without the proxy count applied, every request counted as the proxy's own address: five wrong
    passwords from anywhere locked the real user out everywhere."""
    member(role="consultant", username="priya")
    with gunicorn(TRUSTED_PROXY_COUNT="1") as browser:
        _lock_out(browser, "priya", forwarded_for=lambda attempt: "203.0.113.7")
        assert browser.login("priya", PASSWORD, forwarded_for="203.0.113.7") == 429
        # The client's own entry, left of what the proxy appended, changes nothing.
        assert browser.login("priya", PASSWORD, forwarded_for="198.51.100.2, 203.0.113.7") == 429
        assert browser.login("priya", PASSWORD, forwarded_for="198.51.100.2") == 302


@pytest.mark.django_db(transaction=True)
def test_without_trusted_proxies_a_forged_forwarded_for_does_not_dodge_a_lockout():
    member(role="consultant", username="priya")
    with gunicorn(TRUSTED_PROXY_COUNT="0") as browser:
        _lock_out(browser, "priya", forwarded_for=lambda attempt: f"198.51.100.{attempt + 1}")
        assert browser.login("priya", PASSWORD, forwarded_for="192.0.2.200") == 429
