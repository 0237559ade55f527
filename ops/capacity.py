"""`make capacity`: the highest request rate the web tier sustains, for the floor and the consultants' mix.

Run by ops/capacity.sh against gunicorn on loopback (the worker count the README recommends for
the machine). For each profile, locust runs in this process without waits, stepping the number of
concurrent users up (1, 2, 4, 8, ...); each step warms up, then measures for a fixed time. The
run stops at the first step whose p95 passes the limit (250 ms) or that has a failed request; the
capacity is the best requests per second among the steps before it, printed with its p50/p95/p99.

Profiles:
- floor: `/ping/`, the cheapest authenticated page (session and user, nothing else);
- mix: the consultants' pages of `make load` (ops/locustfile.py's weights), as many users.

The mix's capacity is also printed as a fraction of the floor's: what the pages themselves cost
beyond Django's own request cycle on this machine. Locust shares the machine with gunicorn here,
so both figures are lower than on separate hosts; the fraction is the comparable figure.
"""

from __future__ import annotations

from gevent import monkey

monkey.patch_all()

import argparse  # noqa: E402 - gevent must patch the standard library before anything imports it
import json  # noqa: E402
import os  # noqa: E402
import sys  # noqa: E402
from dataclasses import asdict, dataclass  # noqa: E402

import gevent  # noqa: E402
from locust import HttpUser, constant, task  # noqa: E402
from locust.env import Environment  # noqa: E402

P95_LIMIT_MS = 250
STEPS = (1, 2, 4, 8, 16, 32, 64, 128)


def _accounts() -> dict:
    with open(os.environ.get("LOAD_USERS_FILE", ".load-users.json"), encoding="utf-8") as fh:
        return json.load(fh)


USERS = _accounts()
_next_account = iter(range(10**9))


class _SignedIn(HttpUser):
    abstract = True
    wait_time = constant(0)

    def on_start(self) -> None:
        account = USERS["users"][next(_next_account) % len(USERS["users"])]
        self.client.cookies.set(USERS["cookie"], account["session"])


class Floor(_SignedIn):
    @task
    def ping(self) -> None:
        self.client.get("/ping/", name="floor")


# The consultants' mix: ops/locustfile.py's pages and weights, without the think times.
os.environ.setdefault("LOAD_USERS_FILE", ".load-users.json")
from ops.locustfile import Consultant  # noqa: E402


class Mix(_SignedIn):
    tasks = Consultant.tasks


@dataclass
class Step:
    users: int
    requests: int
    failures: int
    rps: float
    p50: float
    p95: float
    p99: float

    @property
    def within(self) -> bool:
        return self.failures == 0 and self.p95 <= P95_LIMIT_MS


def measure(user_class: type[HttpUser], host: str, users: int, *, warmup: float, seconds: float) -> Step:
    env = Environment(user_classes=[user_class], host=host)
    runner = env.create_local_runner()
    runner.start(users, spawn_rate=users)
    gevent.sleep(warmup)
    env.stats.reset_all()
    gevent.sleep(seconds)
    total = env.stats.total
    step = Step(users=users, requests=total.num_requests, failures=total.num_failures,
                rps=total.num_requests / seconds, p50=total.get_response_time_percentile(0.5) or 0,
                p95=total.get_response_time_percentile(0.95) or 0,
                p99=total.get_response_time_percentile(0.99) or 0)
    runner.quit()
    return step


def capacity(name: str, user_class: type[HttpUser], host: str, *, warmup: float, seconds: float,
             max_users: int) -> Step | None:
    """Step users up until p95 passes the limit or a request fails; the best step within them."""
    best = None
    for users in (n for n in STEPS if n <= max_users):
        step = measure(user_class, host, users, warmup=warmup, seconds=seconds)
        print(f"  {name:5} {users:4d} users: {step.rps:8.1f} req/s  p50 {step.p50:5.0f} ms  "
              f"p95 {step.p95:5.0f} ms  p99 {step.p99:5.0f} ms  failures {step.failures}", flush=True)
        if not step.within:
            break
        if best is None or step.rps > best.rps:
            best = step
    return best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", required=True)
    parser.add_argument("--warmup", type=float, default=3.0)
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--max-users", type=int, default=STEPS[-1])
    parser.add_argument("--json", help="also write the results to this file")
    args = parser.parse_args(argv)
    results = {}
    for name, user_class in (("floor", Floor), ("mix", Mix)):
        print(f"{name}: stepping users until p95 > {P95_LIMIT_MS} ms or an error", flush=True)
        results[name] = capacity(name, user_class, args.host, warmup=args.warmup, seconds=args.seconds,
                                 max_users=args.max_users)
    print()
    for name, best in results.items():
        if best is None:
            print(f"{name}: no step stayed within p95 <= {P95_LIMIT_MS} ms without errors")
        else:
            print(f"{name}: capacity {best.rps:.1f} req/s at {best.users} users "
                  f"(p50 {best.p50:.0f} ms, p95 {best.p95:.0f} ms, p99 {best.p99:.0f} ms)")
    floor, mix = results["floor"], results["mix"]
    if floor and mix:
        print(f"mix / floor: {mix.rps / floor.rps:.2f}")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump({k: asdict(v) if v else None for k, v in results.items()}, fh, indent=2)
    return 0 if floor and mix else 1


if __name__ == "__main__":
    sys.exit(main())
