"""Each role is offered exactly the buttons and links it may use (templates read role_can)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from clients import permissions
from tests.world import World

pytestmark = pytest.mark.django_db

# What each link or button needs; the URL (or form action) is searched in the page's HTML.
OFFERS = {
    "export": ("clients:list", lambda w: reverse("audit:client_export")),
    "new client": ("clients:list", lambda w: reverse("clients:create")),
    "audit nav": ("clients:list", lambda w: 'href="/audit/"'),
    "history": ("clients:detail", lambda w: reverse("audit:client_history", args=[w.client.pk])),
    "delete": ("clients:detail", lambda w: reverse("clients:delete", args=[w.client.pk])),
    "edit": ("clients:detail", lambda w: reverse("clients:edit", args=[w.client.pk])),
    "generate report": ("clients:detail", lambda w: reverse("eligibility:generate", args=[w.client.pk])),
    "change status": ("clients:detail", lambda w: reverse("invitations:status", args=[w.invitation.pk])),
    "checklist item": ("clients:detail", lambda w: reverse("invitations:item", args=[w.item.pk])),
    "reminder settings": ("invitations:overview", lambda w: reverse("invitations:settings")),
    "dismiss alert": ("eligibility:alerts",
                      lambda w: reverse("eligibility:dismiss_alert", args=[w.alert.pk])),
}
EXPECTED = {
    "owner": set(OFFERS),
    "consultant": set(OFFERS) - {"audit nav", "history", "reminder settings"},
    "assistant": {"new client", "edit", "checklist item", "dismiss alert"},
}


def _page(client, world: World, name: str) -> str:
    args = [world.client.pk] if name == "clients:detail" else []
    query = "?mine=0" if name == "eligibility:alerts" else ""
    response = client.get(reverse(name, args=args) + query)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("role", list(EXPECTED))
def test_each_role_is_offered_what_it_may_do(client, world, role):
    client.force_login(world.users[role])
    pages = {name: _page(client, world, name) for name, _ in OFFERS.values()}
    offered = {what for what, (page, needle) in OFFERS.items() if needle(world) in pages[page]}
    assert offered == EXPECTED[role]


def test_the_table_is_what_the_buttons_follow(client, world, monkeypatch):
    """Take EDIT_CLIENTS from assistants: the checklist and dismiss controls go with it."""
    monkeypatch.setitem(permissions.ROLE_ACTIONS, "assistant", frozenset({permissions.VIEW_CLIENTS}))
    client.force_login(world.users["assistant"])
    assert reverse("invitations:item", args=[world.item.pk]) not in _page(client, world, "clients:detail")
    assert reverse("eligibility:dismiss_alert", args=[world.alert.pk]) not in _page(
        client, world, "eligibility:alerts")


@pytest.mark.parametrize("role", list(EXPECTED))
def test_a_match_row_offers_record_ita_for_its_round_to_who_may_record(client, world, role):
    """The dashboard's new matches: "Record ITA" opens the record form on that round, for owners and
    consultants, and only for a client not already invited (the world's client holds an ITA)."""
    from clients.tests.factories import ClientFactory
    from draws.models import DrawMatch

    firm = world.client.firm
    waiting = ClientFactory(firm=firm, consultant=world.client.consultant, first_name="Waiting")
    for c in (waiting, world.client):
        DrawMatch.objects.create(draw=world.draw, client=c, firm=firm, crs=480, margin=12)
    client.force_login(world.users[role])
    html = client.get(reverse("dashboard") + "?scope=firm").content.decode()
    record = reverse("invitations:client", args=[waiting.pk]) + f"?draw={world.draw.pk}#ita"
    assert (record in html) == (role != "assistant")
    assert reverse("invitations:client", args=[world.client.pk]) + "?draw=" not in html
    if role != "assistant":  # the link's page has the record form set to that round
        form = client.get(record.split("#")[0]).content.decode()
        assert f'<option value="{world.draw.pk}" selected>' in form
