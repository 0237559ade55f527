"""The dashboard in Chromium with a realistic firm: screenshots to look at, the chart drawn, dismissing."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import pytest
from django.utils import timezone

from clients.models import Client
from demo.firms import DEMO_PASSWORD, build_clients, create_demo_firm
from draws import palette
from draws import services as draw_services
from draws.models import Draw
from draws.tests.factories import category
from eligibility.models import Alert
from eligibility.services import refresh_assessments
from invitations import services as invitation_services
from invitations.models import ChecklistItem
from invitations.tests.helpers import ensure_default_item_types
from testing.services import screenshot

pytestmark = pytest.mark.browser

FEED = Path(__file__).resolve().parents[2] / "draws" / "data" / "ircc-rounds-full.json"


def recent_round(number: str, days_ago: int, type: str, lowest_crs: int, issued: int, slug: str = "") -> Draw:
    today = timezone.localdate()
    drawn_on = today - dt.timedelta(days=days_ago)
    draw = Draw.objects.create(
        round_number=number, drawn_on=drawn_on, type=type, lowest_crs=lowest_crs, invitations_issued=issued,
        drawn_at=dt.datetime.combine(drawn_on, dt.time(15, 0), tzinfo=dt.UTC),
        category=category(slug, drawn_on) if slug else None, source=Draw.Source.MANUAL,
    )
    draw_services.match_draw(draw_id=draw.pk)
    return draw


def score_change(c: Client, delta: int, factor: str, **reason) -> dict:
    """The data of a score-change alert as the nightly job stores it."""
    new = c.assessment.crs_total
    return {"old": new - delta, "new": new, "delta": delta, "reasons": [{"factor": factor, "delta": delta,
                                                                         **reason}]}


def expiring(document: str, today: dt.date, days: int, **data) -> dict:
    return {"document": document, "expires_on": (today + dt.timedelta(days=days)).isoformat(), **data}


@pytest.fixture
def firm_with_history(db):
    """Maple Leaf Immigration: 160 clients, IRCC's history plus five rounds this month, ITAs, alerts."""
    ensure_default_item_types()
    demo = create_demo_firm()
    marc = demo.consultants[1]
    today = timezone.localdate()
    ids = build_clients(demo, count=160, seed=11, today=today)
    draw_services.import_ircc_rounds(FEED.read_bytes(), today=today)
    refresh_assessments(ids, as_of=today)
    rounds = [
        recent_round("441", 6, Draw.Type.CATEGORY, 409, 6000, "french"),
        recent_round("440", 7, Draw.Type.CEC, 509, 3000),
        recent_round("439", 20, Draw.Type.CATEGORY, 471, 2500, "healthcare_social"),
        recent_round("438", 21, Draw.Type.PNP, 742, 800),
        recent_round("437", 27, Draw.Type.GENERAL, 498, 4500),
    ]
    # ITAs: Marc's matched clients of each round, recorded the day after the round (a few days late).
    now = timezone.now()
    invited = []
    for draw in rounds:
        candidates = Client.objects.filter(draw_matches__draw=draw, consultant=marc).exclude(status="invited")
        for c in candidates.order_by("-draw_matches__crs")[:3]:
            issued = dt.datetime.combine(draw.drawn_on, dt.time(16, 30), tzinfo=dt.UTC)
            invited.append(invitation_services.record_invitation(
                client=c, issued_at=issued, by=marc, draw=draw, now=now))
    # Two older ITAs, close to their deadline, with no round recorded.
    others = Client.objects.filter(firm=demo.firm, consultant=marc, status="in_pool").order_by("id")[:2]
    for c, days_ago in zip(others, (56, 49), strict=True):
        invited.append(invitation_services.record_invitation(
            client=c, issued_at=now - dt.timedelta(days=days_ago), by=marc, now=now))
    # Some documents already requested: the rest of what should have started is overdue.
    ChecklistItem.objects.filter(invitation__in=invited[::2], start_by__lt=today).update(
        status="requested", requested_on=today)
    rng = random.Random(3)
    clients = list(Client.objects.filter(firm=demo.firm, status="in_pool").select_related("assessment")
                   .order_by("id")[:40])
    kinds = [
        (Alert.Kind.SCORE_CHANGE, lambda c: score_change(c, -6, "age", age=31)),
        (Alert.Kind.NEWLY_ELIGIBLE, lambda c: {"program": "cec"}),
        (Alert.Kind.DOCUMENT_EXPIRING, lambda c: expiring("language_test", today, 40, test="ielts_general")),
        (Alert.Kind.NEWLY_ELIGIBLE, lambda c: {"category": "healthcare_social",
                                               "name": "Healthcare and social services occupations"}),
        (Alert.Kind.DOCUMENT_EXPIRING, lambda c: expiring("eca", today, 75, level="bachelors")),
        (Alert.Kind.SCORE_CHANGE, lambda c: score_change(c, 15, "canadian_work")),
    ]
    Alert.objects.bulk_create([
        Alert(firm=demo.firm, client=c, consultant=c.consultant, kind=kind, key=f"demo-{c.pk}-{n}",
              data=data(c), raised_on=today - dt.timedelta(days=rng.randint(0, 9)))
        for n, c in enumerate(clients) for kind, data in [kinds[n % len(kinds)]]
    ])
    return demo, marc


def sign_in(page, username: str) -> None:
    """Through the login form (its own button: the navbar may hold other forms, e.g. the language)."""
    page.goto(f"{page.base_url}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    assert page.url.rstrip("/") == page.base_url.rstrip("/"), page.url


def test_a_consultant_reads_the_dashboard_and_dismisses_an_alert(page, firm_with_history):
    demo, marc = firm_with_history
    problems = []
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error"
            and not msg.location.get("url", "").endswith("/favicon.ico") else None)
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    sign_in(page, marc.username)
    page.wait_for_function("() => window.Chart && Chart.getChart('dash-crs-chart') !== undefined")
    assert page.locator("#dash-scope [aria-current=page]").inner_text() == "My clients"
    rows = page.locator("#dash-deadlines tbody tr.dash-deadline")
    assert rows.count() >= 10
    days = [int(rows.nth(i).get_attribute("data-days-left")) for i in range(rows.count())]
    assert days == sorted(days)
    assert page.locator("#dash-deadlines .dash-days-urgent").count() >= 1
    assert page.locator("#dash-matches .dash-round").count() >= 3
    assert page.locator("#dash-rounds tbody tr").count() >= 6
    chart = page.evaluate("() => { const c = Chart.getChart('dash-crs-chart');"
                          " return [c.data.datasets.length, c.data.datasets[0].data.length]; }")
    assert chart[0] >= 4 and chart[1] >= 10  # bars plus at least three cut-off lines
    assert screenshot(page, "dashboard-consultant").stat().st_size > 50_000

    first = page.locator("#dash-alerts li.dash-alert").first
    alert_id = first.get_attribute("id")
    before = Alert.objects.filter(consultant=marc, dismissed_at__isnull=True).count()
    first.locator("button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    assert page.locator(f"#{alert_id}").count() == 0
    assert Alert.objects.filter(consultant=marc, dismissed_at__isnull=True).count() == before - 1

    page.locator("#dash-scope a", has_text="Whole firm").click()
    page.wait_for_function("() => window.Chart && Chart.getChart('dash-crs-chart') !== undefined")
    assert page.url.endswith("?scope=firm")
    assert page.locator('#dash-matches .dash-initials[title="Sara Chen"]').count() > 0  # a colleague's
    assert screenshot(page, "dashboard-firm").stat().st_size > 50_000
    page.set_viewport_size({"width": 1920, "height": 1080})
    screenshot(page, "dashboard-firm-wide")
    page.set_viewport_size({"width": 1400, "height": 900})
    page.locator("#language-switcher button[value=fr]").click()
    page.wait_for_function("() => window.Chart && Chart.getChart('dash-crs-chart') !== undefined")
    assert page.locator("html").get_attribute("lang") == "fr"
    screenshot(page, "dashboard-firm-fr")
    # The cut-off lines in the rounds' own colours (draws.palette), the same as on the history page.
    drawn = page.evaluate("() => Chart.getChart('dash-crs-chart').data.datasets.slice(1)"
                          ".map(d => d.borderColor)")
    assert drawn and set(drawn) <= set(palette.TYPE_COLOURS.values()) | set(palette.CATEGORY_COLOURS.values())
    for code in ("fr", "en"):
        if code == "en":
            page.locator("#language-switcher button[value=en]").click()
        for width in (1366, 1024):
            page.set_viewport_size({"width": width, "height": 900})
            page.wait_for_function("() => window.Chart && Chart.getChart('dash-crs-chart') !== undefined")
            shot = screenshot(page, f"dashboard-chart-{code}-{width}")
            page.locator("#dash-chart").screenshot(path=str(shot))
    assert problems == []  # no CSP violation, no script error
