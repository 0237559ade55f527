"""`make load`: 50 logged-in consultants mixing dashboard, client list, client page and report.

Each simulated consultant has its own logged-in session (created by ops/load_setup
as the login form would: 50 simultaneous PBKDF2 hashes would measure the password
hasher, not the pages), then browses with think times of 0.5-2 s. Users and the ids
of their clients and reports come from load_setup's file (LOAD_USERS_FILE).
"""

from __future__ import annotations

import itertools
import json
import os
import random

from locust import HttpUser, between, task

USERS = json.loads(open(os.environ.get("LOAD_USERS_FILE", ".load-users.json"), encoding="utf-8").read())
NEXT_ACCOUNT = itertools.count()


class Consultant(HttpUser):
    wait_time = between(0.5, 2)

    def on_start(self) -> None:
        account = USERS["users"][next(NEXT_ACCOUNT) % len(USERS["users"])]
        self.client.cookies.set(USERS["cookie"], account["session"])
        response = self.client.get("/", name="dashboard", allow_redirects=False)
        if response.status_code != 200:
            raise RuntimeError(f"{account['username']} is not logged in: {response.status_code} "
                               f"{response.headers.get('Location')}")

    @task(4)
    def dashboard(self) -> None:
        self.client.get("/", name="dashboard")

    @task(3)
    def client_list(self) -> None:
        self.client.get("/clients/", name="client list")

    @task(1)
    def client_search(self) -> None:
        self.client.get(f"/clients/?q={random.choice(USERS['surnames'])}", name="client search")

    @task(4)
    def client_page(self) -> None:
        self.client.get(f"/clients/{random.choice(USERS['client_ids'])}/", name="client page")

    @task(2)
    def report(self) -> None:
        self.client.get(f"/reports/{random.choice(USERS['report_ids'])}/", name="report")
