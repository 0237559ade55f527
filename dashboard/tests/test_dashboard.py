"""The dashboard ("/"): each widget shows the right clients, never another firm's, per scope."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import time_machine
from django.urls import reverse

from clients.models import Client
from dashboard import selectors
from dashboard.tests.helpers import NOW, alert, client, invite, match, office, other_firm, round_
from draws.models import Draw
from draws.tests.factories import category
from eligibility.models import Alert
from invitations.models import ChecklistItem

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def team():
    return office()


def get(django_client, user, **params):
    django_client.force_login(user)
    response = django_client.get(reverse("dashboard"), params)
    assert response.status_code == 200
    return response


# --- the page and its scope ------------------------------------------------------------------------

def test_anonymous_visitors_go_to_the_login_page(client):
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_the_root_url_is_the_dashboard_app(client, team):
    response = get(client, team.claire)
    assert response.resolver_match.func.__module__ == "dashboard.views"
    assert [t.name for t in response.templates][0] == "dashboard/dashboard.html"


@pytest.mark.parametrize(("who", "scope"), [("claire", "mine"), ("olivia", "firm"), ("assistant", "firm")])
def test_consultants_start_on_their_own_clients_owners_and_assistants_on_the_firm(client, team, who, scope):
    assert get(client, getattr(team, who)).context["scope"] == scope


def test_an_unknown_scope_falls_back_to_the_default(client, team):
    assert get(client, team.claire, scope="<everyone>").context["scope"] == "mine"


def test_the_scope_links_mark_the_current_one(client, team):
    html = get(client, team.claire, scope="firm").content.decode()
    assert 'href="?scope=firm" aria-current="page"' in html
    assert 'href="?scope=mine" aria-current' not in html


def test_a_user_without_a_firm_sees_an_empty_dashboard_and_why(client, django_user_model):
    user = django_user_model.objects.create_user("staffer", password="x-long-password-1")
    response = get(client, user)
    assert "does not belong to a firm" in response.content.decode()
    assert response.context["deadlines"].total == 0


# --- counts by status ------------------------------------------------------------------------------

def test_counts_by_status_follow_the_scope_and_never_include_another_firm(client, team):
    for status in ["prospect", "in_pool", "in_pool", "landed"]:
        client_of(team.firm, team.claire, status=status)
    client_of(team.firm, team.marc, status="in_pool")
    rival, eve = other_firm()
    client_of(rival, eve, status="in_pool")
    mine = {s.status: s.count for s in get(client, team.claire).context["status_counts"]}
    firm = {s.status: s.count for s in get(client, team.claire, scope="firm").context["status_counts"]}
    assert mine == {"prospect": 1, "in_pool": 2, "invited": 0, "applied": 0, "landed": 1, "closed": 0}
    assert firm == {**mine, "in_pool": 3}


def client_of(firm, consultant, **kwargs) -> Client:
    return client(firm, consultant, **kwargs)


def test_status_counts_link_to_the_filtered_client_list(client, team):
    html = get(client, team.claire).content.decode()
    assert f'href="/clients/?status=in_pool&amp;consultant={team.claire.pk}"' in html
    html = get(client, team.claire, scope="firm").content.decode()
    assert 'href="/clients/?status=in_pool"' in html


# --- deadlines -------------------------------------------------------------------------------------

def test_deadlines_are_sorted_by_days_left_and_coloured_by_urgency(client, team):
    relaxed = invite(client_of(team.firm, team.claire, first_name="Relaxed"), days_ago=10)  # 50 days left
    urgent = invite(client_of(team.firm, team.claire, first_name="Urgent"), days_ago=55)  # 5 days left
    soon = invite(client_of(team.firm, team.claire, first_name="Soon"), days_ago=48)  # 12 days left
    deadlines = get(client, team.claire).context["deadlines"]
    assert [(i.pk, i.days_left, i.urgency) for i in deadlines.rows] == [
        (urgent.pk, 5, "urgent"), (soon.pk, 12, "soon"), (relaxed.pk, 50, "ok")]
    assert (deadlines.total, deadlines.urgent, deadlines.soon) == (3, 1, 2)
    html = client.get(reverse("dashboard")).content.decode()
    assert 'class="dash-deadline dash-urgent" data-days-left="5"' in html
    assert f'href="/clients/{urgent.client_id}/"' in html


def test_days_left_are_counted_in_the_firms_time_zone(client, team):
    # Issued 2026-10-03 03:30 UTC = 2 Oct 23:30 in Toronto: the deadline's local date is 1 Dec, 6 days ahead.
    c = client_of(team.firm, team.claire)
    from invitations import services

    services.record_invitation(client=c, issued_at=dt.datetime(2026, 10, 3, 3, 30, tzinfo=dt.UTC),
                               by=team.claire, now=NOW)
    (row,) = get(client, team.claire).context["deadlines"].rows
    assert (row.days_left, row.urgency) == (6, "urgent")
    assert get(client, team.claire).context["deadlines"].urgent == 1


def test_overdue_checklist_items_are_flagged_on_their_invitation(client, team):
    late = invite(client_of(team.firm, team.claire, first_name="Late", residence_countries="IN, AE"),
                  days_ago=50)
    fresh = invite(client_of(team.firm, team.claire, first_name="Fresh"), days_ago=1)
    expected = ChecklistItem.objects.filter(invitation=late, status="not_started", start_by__lt=NOW.date())
    assert expected.count() > 0
    expected.filter(pk=expected.first().pk).update(status="requested")  # requested: no longer overdue
    still_overdue = expected.count()
    deadlines = get(client, team.claire).context["deadlines"]
    by_pk = {i.pk: i.overdue_items for i in deadlines.rows}
    assert by_pk == {late.pk: still_overdue, fresh.pk: 0}
    assert deadlines.overdue_total == still_overdue
    assert {item.invitation_id for item in deadlines.overdue} == {late.pk}
    html = client.get(reverse("dashboard")).content.decode()
    assert f"{still_overdue} overdue" in html and 'id="dash-overdue"' in html


def test_deadlines_show_only_open_invitations_of_the_scope_and_never_another_firm(client, team):
    mine = invite(client_of(team.firm, team.claire), days_ago=30)
    colleague = invite(client_of(team.firm, team.marc), days_ago=30)
    closed = invite(client_of(team.firm, team.claire), days_ago=30)
    from invitations import services

    services.change_status(invitation=closed, status="declined", by=team.claire, now=NOW)
    rival, eve = other_firm()
    theirs = invite(client_of(rival, eve), days_ago=30)
    assert [i.pk for i in get(client, team.claire).context["deadlines"].rows] == [mine.pk]
    assert {i.pk for i in get(client, team.claire, scope="firm").context["deadlines"].rows} == {
        mine.pk, colleague.pk}
    assert [i.pk for i in get(client, eve, scope="firm").context["deadlines"].rows] == [theirs.pk]


def test_the_deadline_list_is_cut_with_a_link_to_all_invitations(client, team):
    for n in range(selectors.DEADLINE_ROWS + 2):
        invite(client_of(team.firm, team.claire), days_ago=n)
    response = get(client, team.claire)
    deadlines = response.context["deadlines"]
    assert len(deadlines.rows) == selectors.DEADLINE_ROWS and deadlines.total == selectors.DEADLINE_ROWS + 2
    assert f"The {selectors.DEADLINE_ROWS} nearest of {selectors.DEADLINE_ROWS + 2} deadlines." in (
        response.content.decode())


# --- new matches -----------------------------------------------------------------------------------

def test_new_matches_list_the_latest_rounds_with_their_clients_highest_first(client, team):
    cec = round_("901", days_ago=6, lowest_crs=520)
    general = round_("900", days_ago=20, lowest_crs=480, type=Draw.Type.GENERAL)
    old = round_("850", days_ago=45, lowest_crs=470)
    a = client_of(team.firm, team.claire, first_name="Amal", crs=540)
    b = client_of(team.firm, team.claire, first_name="Bao", crs=530)
    match(cec, b, 530)
    match(cec, a, 540)
    match(general, a, 540)
    match(old, a, 540)
    rounds = get(client, team.claire).context["new_matches"]
    assert [(r.draw.round_number, r.count) for r in rounds] == [("901", 2), ("900", 1)]
    assert [(m.client.first_name, m.crs, m.margin) for m in rounds[0].matches] == [("Amal", 540, 20),
                                                                                 ("Bao", 530, 10)]
    html = client.get(reverse("dashboard")).content.decode()
    assert "#901" in html and "Canadian Experience Class" in html and "+20" in html
    assert "#850" not in html  # held 45 days ago


def test_new_matches_follow_the_scope_and_never_show_another_firm(client, team):
    draw = round_("901", days_ago=3)
    mine = client_of(team.firm, team.claire, first_name="Mine", crs=530)
    colleague = client_of(team.firm, team.marc, first_name="Colleague", crs=560)
    rival, eve = other_firm()
    theirs = client_of(rival, eve, first_name="Theirs", crs=600)
    for c in (mine, colleague, theirs):
        match(draw, c, c.assessment.crs_total)
    (r,) = get(client, team.claire).context["new_matches"]
    assert (r.count, [m.client_id for m in r.matches]) == (1, [mine.pk])
    (r,) = get(client, team.claire, scope="firm").context["new_matches"]
    assert (r.count, [m.client_id for m in r.matches]) == (2, [colleague.pk, mine.pk])
    html = client.get(reverse("dashboard"), {"scope": "firm"}).content.decode()
    assert "Theirs" not in html


def test_each_round_shows_its_highest_matches_and_the_total(client, team):
    draw = round_("901", days_ago=3, lowest_crs=500)
    for n in range(selectors.MATCHES_PER_ROUND + 3):
        match(draw, client_of(team.firm, team.claire, crs=500 + n), 500 + n)
    (r,) = get(client, team.claire).context["new_matches"]
    assert r.count == selectors.MATCHES_PER_ROUND + 3
    assert [m.crs for m in r.matches] == list(range(510, 510 - selectors.MATCHES_PER_ROUND, -1))


def test_the_window_function_fallback_picks_the_same_matches_as_the_union(team):
    """SQLite (the demo) cannot LIMIT each branch of a UNION; the window-function query is its fallback."""
    draws = [round_("901", days_ago=3, lowest_crs=500), round_("902", days_ago=1, lowest_crs=520)]
    for n in range(12):
        c = client_of(team.firm, team.claire if n % 3 else team.marc, crs=500 + 3 * n)
        for draw in draws:
            if c.assessment.crs_total >= draw.lowest_crs:
                match(draw, c, c.assessment.crs_total)
    history = selectors.rounds_shown(today=NOW.date())
    for name in ("mine", "firm"):
        scope = selectors.Scope(name=name, user_id=team.claire.pk, firm_id=team.firm.pk)
        union = selectors.new_matches(scope, draws=history, today=NOW.date(), per_round=4, compound=True)
        window = selectors.new_matches(scope, draws=history, today=NOW.date(), per_round=4, compound=False)
        assert [(r.draw.pk, r.count, r.matches) for r in union] == [(r.draw.pk, r.count, r.matches)
                                                                    for r in window]
        assert [r.draw.round_number for r in union] == ["902", "901"]
        assert all(len(r.matches) == 4 for r in union)


def test_only_the_latest_rounds_with_matches_are_shown(client, team):
    c = client_of(team.firm, team.claire, crs=600)
    for n in range(selectors.MATCH_ROUNDS + 2):
        match(round_(str(700 + n), days_ago=20 - n), c, 600)
    round_("799", days_ago=0)  # newest, but nobody matched
    rounds = get(client, team.claire).context["new_matches"]
    assert [r.draw.round_number for r in rounds] == [str(700 + n) for n in range(6, 1, -1)]


# --- alerts ----------------------------------------------------------------------------------------

def test_alerts_show_the_scopes_undismissed_alerts_newest_first(client, team):
    c = client_of(team.firm, team.claire, first_name="Ines")
    older = alert(c, days_ago=3)
    newer = alert(c, kind=Alert.Kind.NEWLY_ELIGIBLE, program="cec")
    alert(c, kind=Alert.Kind.DOCUMENT_EXPIRING, dismissed=True, document="eca", expires_on="2026-12-20")
    colleague = alert(client_of(team.firm, team.marc), kind=Alert.Kind.DOCUMENT_EXPIRING,
                      document="language_test", expires_on="2026-12-31")
    rival, eve = other_firm()
    alert(client_of(rival, eve, first_name="Theirs"))
    alerts = get(client, team.claire).context["alerts"]
    assert [a.pk for a in alerts.rows] == [newer.pk, older.pk]
    assert alerts.total == 2
    assert [(kind, n) for kind, _, n in alerts.by_kind] == [("score_change", 1), ("newly_eligible", 1)]
    firm = get(client, team.claire, scope="firm")
    assert {a.pk for a in firm.context["alerts"].rows} == {newer.pk, older.pk, colleague.pk}
    html = firm.content.decode()
    assert "CRS score changed from 480 to 470" in html and "Newly eligible: Canadian Experience Class" in html
    assert "Language test expires on 2026-12-31" in html
    assert "Theirs" not in html


def test_the_dismiss_button_posts_to_the_alert_and_comes_back_to_the_same_view(client, team):
    a = alert(client_of(team.firm, team.claire))
    html = get(client, team.claire, scope="firm").content.decode()
    action = reverse("eligibility:dismiss_alert", args=[a.pk])
    assert f'action="{action}"' in html and 'name="next" value="/?scope=firm"' in html
    response = client.post(action, {"next": "/?scope=firm"})
    assert response.status_code == 302 and response["Location"] == "/?scope=firm"
    a.refresh_from_db()
    assert a.dismissed_at is not None
    assert get(client, team.claire, scope="firm").context["alerts"].rows == []


def test_the_dismiss_button_shows_only_to_roles_that_may_dismiss(client, team, monkeypatch):
    from clients import permissions

    a = alert(client_of(team.firm, team.claire))
    action = reverse("eligibility:dismiss_alert", args=[a.pk])
    assert action in get(client, team.assistant).content.decode()
    monkeypatch.setitem(permissions.ROLE_ACTIONS, "assistant", frozenset({permissions.VIEW_CLIENTS}))
    html = get(client, team.assistant).content.decode()
    assert f'id="alert-{a.pk}"' in html and action not in html


# --- latest rounds, the histogram and the cut-offs --------------------------------------------------

def test_latest_round_of_each_type_with_clients_at_or_above_the_cut_off(client, team):
    round_("500", days_ago=30, lowest_crs=530)
    cec = round_("501", days_ago=10, lowest_crs=520)
    pnp = round_("502", days_ago=11, lowest_crs=760, type=Draw.Type.PNP)
    fsw = round_("300", days_ago=800, lowest_crs=470, type=Draw.Type.FSW)
    for crs in (450, 519, 520, 600):
        client_of(team.firm, team.claire, crs=crs)
    client_of(team.firm, team.claire, crs=610, status=Client.Status.LANDED)  # not active: not counted
    client_of(team.firm, team.marc, crs=650)
    rounds = get(client, team.claire).context["rounds"]
    assert [(r.draw.pk, r.at_or_above, r.is_stale) for r in rounds] == [
        (cec.pk, 2, False), (pnp.pk, 0, False), (fsw.pk, 3, True)]
    firm = get(client, team.claire, scope="firm").context["rounds"]
    assert [r.at_or_above for r in firm] == [3, 0, 4]


def test_the_latest_rounds_are_those_of_the_history_page_over_the_real_feed():
    """The window function picks, per type and category, the round draws.selectors.latest_by_kind picks."""
    from pathlib import Path

    from draws import selectors as draw_selectors
    from draws.services import import_ircc_rounds

    feed = Path(__file__).resolve().parents[2] / "draws" / "data" / "ircc-rounds-full.json"
    import_ircc_rounds(feed.read_bytes(), today=NOW.date())
    shown = selectors.latest_rounds(selectors.rounds_shown(today=NOW.date()), today=NOW.date())
    expected = draw_selectors.latest_by_kind(draw_selectors.all_draws())
    assert [r.draw.round_number for r in shown] == [d.round_number for d in expected]
    assert len(shown) >= 12


def test_the_histogram_counts_active_clients_per_band_in_the_database(client, team):
    for crs in (451, 455, 470, 489, 720):
        client_of(team.firm, team.claire, crs=crs)
    client_of(team.firm, team.claire, crs=480, status=Client.Status.CLOSED)
    client_of(team.firm, team.marc, crs=500)
    rival, eve = other_firm()
    client_of(rival, eve, crs=300)
    h = get(client, team.claire).context["histogram"]
    assert h["bins"] == [{"from": 450, "count": 2}, {"from": 460, "count": 0}, {"from": 470, "count": 1},
                         {"from": 480, "count": 1}]
    assert (h["total"], h["above_top"]) == (5, 1)
    h = get(client, team.claire, scope="firm").context["histogram"]
    assert [b["from"] for b in h["bins"]][-1] == 500 and h["total"] == 6


def test_the_chart_gets_its_data_as_json_and_the_recent_cut_offs_below_700(client, team):
    round_("501", days_ago=10, lowest_crs=520)
    round_("502", days_ago=11, lowest_crs=760, type=Draw.Type.PNP)
    round_("300", days_ago=800, lowest_crs=470, type=Draw.Type.FSW)
    client_of(team.firm, team.claire, crs=505)
    html = get(client, team.claire).content.decode()
    assert '<script src="/static/dashboard/crs_chart.js">' in html
    assert '<script src="/static/vendor/chartjs/chart.umd.js">' in html
    cutoffs = json_data(html, "dash-cutoffs-data")
    assert [(c["round"], c["crs"], c["label"]) for c in cutoffs] == [
        ("501", 520, "Canadian Experience Class")]
    histogram = json_data(html, "dash-histogram-data")
    assert histogram["bins"] == [{"from": 500, "count": 1}]


def json_data(html: str, element_id: str):
    return json.loads(html.split(f'id="{element_id}" type="application/json">')[1].split("</script>")[0])


def test_no_inline_script_on_the_page(client, team):
    html = get(client, team.claire).content.decode()
    for chunk in html.split("<script")[1:]:
        assert chunk.lstrip().startswith(("src=", 'id="dash-')), chunk[:80]


# --- escaping --------------------------------------------------------------------------------------

def test_a_client_named_like_a_script_shows_as_text_in_every_widget(client, team):
    evil = client_of(team.firm, team.claire, first_name="<script>alert(1)</script>", last_name='"><b>x',
                     crs=530)
    invite(evil, days_ago=50)
    match(round_("901", days_ago=2), evil, 530)
    alert(evil)
    html = get(client, team.claire).content.decode()
    assert "<script>alert(1)" not in html and '"><b>x' not in html
    escaped = "&lt;script&gt;alert(1)&lt;/script&gt; &quot;&gt;&lt;b&gt;x"
    assert html.count(escaped) >= 3  # deadlines, matches, alerts


# --- a constant number of queries ------------------------------------------------------------------

QUERY_BUDGET = 21  # session, user, membership, firm + 14 for the widgets (see dashboard.selectors) + 1 for
# the round-data banner (draws.freshness.round_data_freshness) + 2 for what clients sent through the portal
# (documents to review, fact changes to review: one COUNT each)


def populate(team, rounds, start: int, count: int) -> None:
    """`count` clients of Claire and Marc, each with a score, matches and an alert; a third invited."""
    for n in range(start, start + count):
        consultant = team.claire if n % 2 else team.marc
        c = client_of(team.firm, consultant, first_name=f"Client{n}", crs=480 + n % 90,
                      residence_countries="IN")
        for draw in rounds:
            match(draw, c, 600)
        alert(c, days_ago=n % 5)
        if n % 3 == 0:
            invite(c, days_ago=n % 59)


@pytest.mark.parametrize(("who", "scope", "language"), [
    ("claire", "mine", "en"), ("claire", "firm", "en"), ("olivia", "firm", "en"), ("claire", "mine", "fr")])
def test_the_number_of_queries_does_not_grow_with_the_clients(
        client, team, who, scope, language, django_assert_num_queries, django_assert_max_num_queries):
    user = getattr(team, who)
    rounds = [round_(str(900 + n), days_ago=2 + 3 * n, lowest_crs=470 + n) for n in range(5)]
    rounds.append(round_("899", days_ago=4, lowest_crs=430, type=Draw.Type.CATEGORY,
                         category=category("healthcare_social", NOW.date())))
    round_("800", days_ago=400, type=Draw.Type.FSW)
    round_("801", days_ago=500, type=Draw.Type.CATEGORY, category=category("stem", dt.date(2025, 6, 1)))
    populate(team, rounds, 0, 3)
    client.force_login(user)
    headers = {"HTTP_ACCEPT_LANGUAGE": language}
    client.get(reverse("dashboard"), {"scope": scope}, **headers)  # the session is warm
    with django_assert_max_num_queries(QUERY_BUDGET) as few:
        small = client.get(reverse("dashboard"), {"scope": scope}, **headers)
    populate(team, rounds, 3, 57)
    with django_assert_num_queries(len(few.captured_queries)):
        large = client.get(reverse("dashboard"), {"scope": scope}, **headers)
    assert f'<html lang="{language}">' in large.content.decode()
    # The bigger firm really is on the page: full lists, more matches, more alerts.
    assert len(large.context["deadlines"].rows) > len(small.context["deadlines"].rows)
    assert large.context["new_matches"][0].count > small.context["new_matches"][0].count
    assert len(large.context["alerts"].rows) == selectors.ALERT_ROWS
