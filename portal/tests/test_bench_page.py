"""`manage.py bench` measures the client's checklist page in the portal, with a constant query count."""

from __future__ import annotations

import pytest

from ops import bench

pytestmark = pytest.mark.django_db


def test_the_bench_measures_the_portal_checklist_page_at_two_sizes():
    counts = []
    for n in (20, 60):
        seeded = bench.seed_firm(n, seed=7, log=lambda line: None)
        http, pages = bench.portal_pages_for(seeded)
        assert pages == {"portal_checklist": "/portal/"}
        measured = bench.page_latencies(None, pages, requests=2, http=http)["portal_checklist"]
        assert measured["median_ms"] > 0
        counts.append(measured["queries"])
        assert "Document 11" in http.get("/portal/").content.decode()  # the full checklist is shown
    assert counts[0] == counts[1] == 4
