"""`make capacity`'s measuring (ops/capacity.py) against a real HTTP server standing in for gunicorn.

ops.capacity patches the standard library with gevent when imported, so it runs in subprocesses here,
never in the test process. The stand-in is Python's http.server serving a tree with a page at every
path the floor and the mix ask for: the stepping, the capacity lines and the CPU meter are the real
ones; only the server is not Django (the production stack's test covers gunicorn with the app).
"""

from __future__ import annotations

import json
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def site(tmp_path):
    """A static server answering /ping/, /, /clients/, /clients/<id>/ and /reports/<id>/; its users file."""
    users = {"cookie": "sessionid", "users": [{"username": "u", "session": "s"}], "client_ids": [1, 2],
             "report_ids": [3], "surnames": ["Reyes"]}
    for path in ("ping", "clients/1", "clients/2", "reports/3", ""):
        (tmp_path / "www" / path).mkdir(parents=True, exist_ok=True)
        (tmp_path / "www" / path / "index.html").write_text("<p>ok</p>" * 50)
    users_file = tmp_path / "users.json"
    users_file.write_text(json.dumps(users))
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1"],
                              cwd=tmp_path / "www", stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(50):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.1)
    yield {"url": f"http://127.0.0.1:{port}", "pid": server.pid, "users": users_file}
    server.terminate()
    server.wait(timeout=10)


def _capacity(site, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "ops.capacity", "--warmup", "0.5", "--seconds", "1.5", *args],
        cwd=ROOT, env={"PATH": "/usr/bin:/bin", "LOAD_USERS_FILE": str(site["users"])},
        capture_output=True, text=True, timeout=120)


def test_stepping_prints_each_profiles_capacity_cpu_and_fraction(site, tmp_path):
    out = tmp_path / "result.json"
    run = _capacity(site, "--host", site["url"], "--server-pid", str(site["pid"]), "--max-users", "2",
                    "--json", str(out))
    assert run.returncode == 0, run.stdout + run.stderr
    # floor then mix at each number of users
    steps = re.findall(r"^\s+(floor|mix)\s+(\d+) users:", run.stdout, re.M)
    assert steps == [("floor", "1"), ("mix", "1"), ("floor", "2"), ("mix", "2")]
    assert re.search(r"^floor: capacity [\d.]+ req/s at [12] users \(p50", run.stdout, re.M)
    assert re.search(r"^mix: capacity [\d.]+ req/s", run.stdout, re.M)
    assert re.search(r"^mix / floor: [\d.]+ by requests/s; [\d.]+ by server CPU per request",
                     run.stdout, re.M)
    result = json.loads(out.read_text())
    floor = result["floor"][0]
    assert floor["requests"] > 10 and floor["failures"] == 0
    # the server's own CPU is counted (http.server spends some on every request), locust's apart
    assert floor["cpu_ms"]["web"] > 0 and floor["cpu_ms"]["locust"] > 0
    assert set(result["mix"][0]["pages"]) == {"dashboard", "client list", "client search", "client page",
                                              "report"}


def test_a_failing_page_ends_the_profile_and_is_named(site):
    (site["users"].parent / "www" / "reports" / "3" / "index.html").unlink()  # the report now 404s
    (site["users"].parent / "www" / "reports" / "3").rmdir()
    run = _capacity(site, "--host", site["url"], "--server-pid", str(site["pid"]), "--max-users", "2")
    assert run.returncode == 1  # the mix never stayed within the limit
    assert re.search(r"failed: \d+ x GET report: .*404", run.stdout)
    assert "mix: no step stayed within p95 <= 250 ms without errors" in run.stdout
    assert re.search(r"^floor: capacity", run.stdout, re.M)
    assert re.findall(r"^\s+mix\s+(\d+) users:", run.stdout, re.M) == ["1"]  # not stepped further


def test_compare_measures_two_servers_by_turns(site):
    server = f"{site['url']},{site['pid']}"
    run = _capacity(site, "--compare", f"A={server}", "--compare", f"B={server}", "--users", "1",
                    "--rounds", "2")
    assert run.returncode == 0, run.stdout + run.stderr
    turns = re.findall(r"^\s+([AB]) (floor|mix)\s*:\s+[\d.]+ req/s  p50", run.stdout, re.M)
    # round 1: A then B; round 2: B then A
    assert turns == [("A", "floor"), ("B", "floor"), ("A", "mix"), ("B", "mix"),
                     ("B", "floor"), ("A", "floor"), ("B", "mix"), ("A", "mix")]
    assert len(re.findall(r"^\s+[AB] (floor|mix)\s*:\s+[\d.]+ req/s \(mean of 2\)", run.stdout, re.M)) == 4
    assert re.search(r"^\s+A mix / floor: [\d.]+ by requests/s", run.stdout, re.M)
