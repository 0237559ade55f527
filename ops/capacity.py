"""`make capacity`: the highest request rate the web tier sustains, for the floor and the consultants' mix.

Run by ops/capacity.sh against gunicorn on loopback (the worker count the README recommends for
the machine). Locust runs in this process without waits, stepping the number of concurrent users
up (1, 2, 4, 8, ...); at each number of users the floor and the mix are measured one after the
other (so both see the same background load on a shared machine), each step warming up, then
measuring for a fixed time (longer when it has too few requests). A profile stops at its first
step whose p95 passes the limit (250 ms) or that has a failed request; its capacity is the best
requests per second among the steps before it, printed with its p50/p95/p99.

Profiles:
- floor: `/ping/`, the cheapest authenticated page (session and user, nothing else);
- mix: the consultants' pages of `make load` (ops/locustfile.py's weights), as many users.

The mix's capacity is printed as a fraction of the floor's: what the pages themselves cost beyond
Django's own request cycle on this machine. Locust shares the machine with gunicorn, so both
figures are lower than on separate hosts. Each step also measures where the CPU went, in CPU
milliseconds per request: gunicorn's processes (web), this database's PostgreSQL backends (db)
and locust itself, and how busy the whole machine was. Requests per second move with whatever else
the machine runs; CPU per request hardly does, so the fraction is also given by CPU cost
(floor's web+db CPU per request / the mix's): the capacity ratio of a host where they are the bound.
"""

from __future__ import annotations

from gevent import monkey

monkey.patch_all()

import argparse  # noqa: E402 - gevent must patch the standard library before anything imports it
import json  # noqa: E402
import os  # noqa: E402
import resource  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from dataclasses import asdict, dataclass, field  # noqa: E402
from http.cookiejar import Cookie  # noqa: E402
from urllib.parse import urlsplit  # noqa: E402

import gevent  # noqa: E402
import psutil  # noqa: E402
from locust import FastHttpUser, constant, task  # noqa: E402
from locust.env import Environment  # noqa: E402

P95_LIMIT_MS = 250
# A step measures for --seconds, then on until it has MIN_REQUESTS requests or lasted MAX_SECONDS: at
# 10 s a mix step on a busy 2-core machine had 10-20 requests and its CPU per request moved by 20%.
MIN_REQUESTS = 100
MAX_SECONDS = 60
STEPS = (1, 2, 4, 8, 16, 32, 64, 128)
PROFILES = ("floor", "mix")


def _accounts() -> dict:
    with open(os.environ.get("LOAD_USERS_FILE", ".load-users.json"), encoding="utf-8") as fh:
        return json.load(fh)


USERS = _accounts()
_next_account = iter(range(10**9))


class _SignedIn(FastHttpUser):
    """geventhttpclient rather than requests: a third of the CPU per request, which locust takes
    from the 2 cores it shares with the server (ops/results/capacity-*.txt: locust's CPU ms/req)."""

    abstract = True
    wait_time = constant(0)

    def on_start(self) -> None:
        account = USERS["users"][next(_next_account) % len(USERS["users"])]
        host = urlsplit(self.host).hostname
        self.client.cookiejar.set_cookie(Cookie(
            0, USERS["cookie"], account["session"], None, False, host, False, False, "/", True,
            False, None, False, None, None, {}))


class Floor(_SignedIn):
    @task
    def ping(self) -> None:
        self.client.get("/ping/", name="floor")


# The consultants' mix: ops/locustfile.py's pages and weights, without the think times.
os.environ.setdefault("LOAD_USERS_FILE", ".load-users.json")
from ops.locustfile import Consultant  # noqa: E402


class Mix(_SignedIn):
    tasks = Consultant.tasks


USER_CLASSES = {"floor": Floor, "mix": Mix}


class CpuMeter:
    """CPU seconds used during a step by gunicorn (master and workers), one database's PostgreSQL
    backends and this process less the sampling itself, sampled every half second: a backend that
    exits within the step (CONN_MAX_AGE=0) counts up to its last sample, one that starts within it
    from zero."""

    def __init__(self, server_pid: int | None, db_name: str | None) -> None:
        self.server_pid, self.db_name = server_pid, db_name
        self.first: dict[tuple[str, int], float] = {}
        self.last: dict[tuple[str, int], float] = {}

    def _processes(self) -> list[tuple[str, psutil.Process]]:
        web = []
        if self.server_pid:
            try:
                master = psutil.Process(self.server_pid)
                web = [master, *master.children(recursive=True)]
            except psutil.NoSuchProcess:
                pass
        # This server's backends: those whose client port is one of its workers' connections
        # (two servers compared side by side share one database).
        ports = set()
        for p in web:
            try:
                ports |= {c.laddr.port for c in p.net_connections(kind="tcp") if c.raddr}
            except psutil.Error:
                continue
        found = [("web", p) for p in web]
        if self.db_name:
            for p in psutil.process_iter(["cmdline"]):
                cmdline = " ".join(p.info["cmdline"] or ())
                if (cmdline.startswith("postgres:") and f" {self.db_name} " in cmdline
                        and (not web or any(f"({port})" in cmdline for port in ports))):
                    found.append(("db", p))
        return found

    def _sample(self) -> None:
        began = time.process_time()
        self._sample_processes()
        self.overhead += time.process_time() - began  # the meter's own CPU is not locust's

    def _sample_processes(self) -> None:
        for group, p in self._processes():
            try:
                with p.oneshot():
                    times = p.cpu_times()
                    created = p.create_time()
            except psutil.Error:
                continue
            key = (group, p.pid)
            if key not in self.first:
                self.first[key] = 0.0 if created > self.started else times.user + times.system
            self.last[key] = times.user + times.system

    def _run(self) -> None:
        while True:
            self._sample()
            gevent.sleep(0.5)

    def start(self) -> None:
        self.first.clear()
        self.last.clear()
        self.overhead = 0.0
        self.started = time.time()
        self.machine0 = psutil.cpu_times()
        self.self0 = resource.getrusage(resource.RUSAGE_SELF)
        self._sample()
        self.sampler = gevent.spawn(self._run)

    def stop(self) -> dict[str, float]:
        self._sample()
        self.sampler.kill()
        used = {"web": 0.0, "db": 0.0}
        for key, last in self.last.items():
            used[key[0]] += last - self.first[key]
        now = resource.getrusage(resource.RUSAGE_SELF)
        used["locust"] = (now.ru_utime + now.ru_stime - self.self0.ru_utime - self.self0.ru_stime
                          - self.overhead)
        machine = psutil.cpu_times()
        total = sum(machine) - sum(self.machine0)
        idle = (machine.idle + machine.iowait) - (self.machine0.idle + self.machine0.iowait)
        used["machine_busy"] = 1 - idle / total if total else 0.0
        used["seconds"] = time.time() - self.started
        return used


@dataclass
class Step:
    users: int
    requests: int
    failures: int
    rps: float
    p50: float
    p95: float
    p99: float
    cpu_ms: dict[str, float] = field(default_factory=dict)  # CPU ms per request: web, db, locust
    machine_busy: float = 0.0  # share of all the machine's cores busy (ours and everyone else's)
    pages: dict[str, float] = field(default_factory=dict)  # each page's median, ms

    @property
    def within(self) -> bool:
        return self.failures == 0 and self.p95 <= P95_LIMIT_MS

    @property
    def server_ms(self) -> float:
        """CPU milliseconds one request costs the server side (gunicorn and PostgreSQL)."""
        return self.cpu_ms.get("web", 0.0) + self.cpu_ms.get("db", 0.0)


def measure(user_class: type[FastHttpUser], host: str, users: int, *, warmup: float, seconds: float,
            meter: CpuMeter) -> Step:
    env = Environment(user_classes=[user_class], host=host)
    runner = env.create_local_runner()
    runner.start(users, spawn_rate=users)
    gevent.sleep(warmup)
    env.stats.reset_all()
    meter.start()
    gevent.sleep(seconds)
    # Slow pages on a busy machine: measure on until the step has enough requests for steady figures.
    while env.stats.total.num_requests < MIN_REQUESTS and time.time() - meter.started < MAX_SECONDS:
        gevent.sleep(1)
    total = env.stats.total
    used = meter.stop()
    requests = total.num_requests
    step = Step(users=users, requests=requests, failures=total.num_failures,
                rps=requests / used["seconds"], p50=total.get_response_time_percentile(0.5) or 0,
                p95=total.get_response_time_percentile(0.95) or 0,
                p99=total.get_response_time_percentile(0.99) or 0,
                cpu_ms={k: 1000 * used[k] / max(requests, 1) for k in ("web", "db", "locust")},
                machine_busy=used["machine_busy"],
                pages={name: e.median_response_time for (name, _), e in sorted(env.stats.entries.items())})
    for error in list(env.stats.errors.values())[:3]:
        print(f"    failed: {error.occurrences} x {error.method} {error.name}: {str(error.error)[:200]}",
              flush=True)
    runner.quit()
    return step


def capacity(host: str, *, warmup: float, seconds: float, max_users: int,
             meter: CpuMeter) -> dict[str, list[Step]]:
    """Step users up, floor then mix at each number, until each profile's p95 passes the limit or
    a request fails; every step measured, by profile."""
    steps: dict[str, list[Step]] = {name: [] for name in PROFILES}
    running = list(PROFILES)
    for users in (n for n in STEPS if n <= max_users):
        for name in list(running):
            step = measure(USER_CLASSES[name], host, users, warmup=warmup, seconds=seconds, meter=meter)
            steps[name].append(step)
            cpu = step.cpu_ms
            print(f"  {name:5} {users:4d} users: {step.rps:7.1f} req/s ({step.requests:4d})  "
                  f"p50 {step.p50:4.0f}  p95 {step.p95:4.0f}  p99 {step.p99:4.0f} ms  "
                  f"failures {step.failures}  CPU ms/req web {cpu['web']:5.1f} "
                  f"db {cpu['db']:4.1f} locust {cpu['locust']:4.1f}  machine {step.machine_busy:4.0%} busy",
                  flush=True)
            if not step.within:
                running.remove(name)
        if not running:
            break
    return steps


def best_within(steps: list[Step]) -> Step | None:
    """The capacity: the most requests per second among the steps before the first one over the limit."""
    best = None
    for step in steps:
        if not step.within:
            break
        if best is None or step.rps > best.rps:
            best = step
    return best


def compare(servers: list[tuple[str, str, int]], *, users: int, rounds: int, warmup: float,
            seconds: float, db_name: str | None) -> None:
    """Two servers that differ by one setting, measured by turns (A B, then B A, ...) at the same
    number of users, so that both see the same background load on a shared machine."""
    steps: dict[tuple[str, str], list[Step]] = {}
    for turn in range(rounds):
        for name in PROFILES:
            for label, host, pid in servers if turn % 2 == 0 else servers[::-1]:
                step = measure(USER_CLASSES[name], host, users, warmup=warmup, seconds=seconds,
                               meter=CpuMeter(pid, db_name))
                steps.setdefault((label, name), []).append(step)
                print(f"  {label:>10} {name:5}: {step.rps:7.1f} req/s  p50 {step.p50:4.0f}  "
                      f"p95 {step.p95:4.0f} ms  failures {step.failures}  "
                      f"CPU ms/req web {step.cpu_ms['web']:5.1f} db {step.cpu_ms['db']:4.1f}", flush=True)
    print()
    summary: dict[tuple[str, str], tuple[float, float]] = {}
    for (label, name), found in steps.items():
        requests = sum(step.requests for step in found)
        rps = sum(step.rps for step in found) / len(found)
        server = sum(step.server_ms * step.requests for step in found) / max(requests, 1)
        p95s = sorted(step.p95 for step in found)
        summary[label, name] = (rps, server)
        print(f"{label:>10} {name:5}: {rps:7.1f} req/s (mean of {len(found)})  median p95 "
              f"{p95s[len(p95s) // 2]:.0f} ms  server CPU {server:.2f} ms/req  "
              f"failures {sum(step.failures for step in found)}")
    for label, _, _ in servers:
        (floor_rps, floor_cpu), (mix_rps, mix_cpu) = summary[label, "floor"], summary[label, "mix"]
        print(f"{label:>10} mix / floor: {mix_rps / floor_rps:.3f} by requests/s; "
              f"{floor_cpu / mix_cpu:.3f} by server CPU per request")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", help="the server to step users against (or --compare twice)")
    parser.add_argument("--warmup", type=float, default=3.0)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--max-users", type=int, default=STEPS[-1])
    parser.add_argument("--server-pid", type=int, help="gunicorn's master: its CPU and its workers'")
    parser.add_argument("--db-name", help="the database whose PostgreSQL backends' CPU to count")
    parser.add_argument("--json", help="also write the results to this file")
    parser.add_argument("--compare", action="append", metavar="LABEL=URL,PID",
                        help="twice: compare two servers by turns instead of stepping users")
    parser.add_argument("--users", type=int, default=2, help="with --compare: users of every turn")
    parser.add_argument("--rounds", type=int, default=3, help="with --compare: turns of each server")
    args = parser.parse_args(argv)
    if args.compare:
        servers = []
        for server in args.compare:
            label, _, rest = server.partition("=")
            url, _, pid = rest.rpartition(",")
            servers.append((label, url, int(pid)))
        print(f"comparing {', '.join(label for label, _, _ in servers)} by turns: {args.users} users, "
              f"{args.rounds} rounds ({args.warmup:g} s warm-up, {args.seconds:g} s measured per turn)",
              flush=True)
        compare(servers, users=args.users, rounds=args.rounds, warmup=args.warmup, seconds=args.seconds,
                db_name=args.db_name)
        return 0
    if not args.host:
        parser.error("--host or --compare (twice) is needed")
    cores = psutil.cpu_count()
    print(f"stepping users, floor then mix, until p95 > {P95_LIMIT_MS} ms or an error "
          f"({args.warmup:g} s warm-up, {args.seconds:g} s measured per step)", flush=True)
    steps = capacity(args.host, warmup=args.warmup, seconds=args.seconds, max_users=args.max_users,
                     meter=CpuMeter(args.server_pid, args.db_name))
    print()
    best = {name: best_within(found) for name, found in steps.items()}
    for name, step in best.items():
        if step is None:
            print(f"{name}: no step stayed within p95 <= {P95_LIMIT_MS} ms without errors")
            step = steps[name][0]
            print(f"  at {step.users} user(s): {step.rps:.1f} req/s (p50 {step.p50:.0f} ms, "
                  f"p95 {step.p95:.0f} ms, p99 {step.p99:.0f} ms)")
        else:
            print(f"{name}: capacity {step.rps:.1f} req/s at {step.users} users "
                  f"(p50 {step.p50:.0f} ms, p95 {step.p95:.0f} ms, p99 {step.p99:.0f} ms)")
        cpu = step.cpu_ms
        print(f"  CPU ms/request: web {cpu['web']:.1f}, db {cpu['db']:.1f}, locust {cpu['locust']:.1f}; "
              f"machine {step.machine_busy:.0%} busy; server CPU alone allows at most "
              f"{cores * 1000 / step.server_ms:.0f} req/s on {cores} cores" if step.server_ms else "")
        if len(step.pages) > 1:
            print("  medians: " + ", ".join(f"{page} {ms:.0f} ms" for page, ms in step.pages.items()))
    floor, mix = best["floor"], best["mix"]
    first_floor, first_mix = steps["floor"][0], steps["mix"][0]
    by_rps = f"{mix.rps / floor.rps:.2f}" if floor and mix else "n/a (a profile never stayed within it)"
    cost_floor, cost_mix = (floor or first_floor).server_ms, (mix or first_mix).server_ms
    by_cpu = f"{cost_floor / cost_mix:.2f}" if cost_mix else "n/a"
    print(f"mix / floor: {by_rps} by requests/s; {by_cpu} by server CPU per request")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump({name: [asdict(step) for step in found] for name, found in steps.items()}, fh, indent=2)
    return 0 if floor and mix else 1


if __name__ == "__main__":
    sys.exit(main())
