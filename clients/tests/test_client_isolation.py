"""Firm isolation on every client URL: another firm's client is a 404; anonymous users log in first.

The URL list is read from the project's URL configuration: every route with
clients/<pk or client_pk>/ and no other parameter, whichever app defines it (client
pages, history, reports, invitations...). A client URL added later is covered
without editing this test.
"""

from __future__ import annotations

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from clients.models import Client
from clients.tests.factories import ClientFactory, member

_PARAM = re.compile(r"<(?:\w+:)?(\w+)>")
_CLIENT_ID = re.compile(r"(^|/)clients/<(\w+:)?(pk|client_pk)>/")


def _routes(patterns, prefix: str = ""):
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _routes(entry.url_patterns, route)
        elif isinstance(entry, URLPattern):
            yield route


def client_routes() -> list[str]:
    """Every route with a client id after clients/ (in any app) and no other parameter."""
    found = set()
    for route in _routes(get_resolver().url_patterns):
        params = _PARAM.findall(route)
        if _CLIENT_ID.search(route) and len(params) == 1:
            found.add(route)
    return sorted(found)


def url_for(route: str, pk: int) -> str:
    return "/" + _PARAM.sub(str(pk), route)


CLIENT_ROUTES = client_routes()
OTHER_ROUTES = ["clients/", "clients/new/"]


def test_the_matrix_covers_the_known_client_urls():
    assert {"clients/<int:pk>/", "clients/<int:pk>/edit/", "clients/<int:pk>/delete/"} <= set(CLIENT_ROUTES)


@pytest.mark.django_db
@pytest.mark.parametrize("route", CLIENT_ROUTES)
@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("role", ["owner", "consultant", "assistant"])
def test_another_firms_client_is_a_404(client, route, method, role):
    """404 for another firm's client, unless the user's role or the method is refused for any client.

    A refusal that does not depend on the client (403 for the role, 405 for the method, the
    same for one's own client) tells nothing about the other firm, so it is acceptable.
    """
    outsider = member(role=role)
    theirs = ClientFactory(first_name="Secret")
    mine = ClientFactory(firm=outsider.membership.firm, first_name="Mine")
    client.force_login(outsider)
    send = getattr(client, method)
    response = send(url_for(route, theirs.pk), {"first_name": "Hacked"})
    if response.status_code != 404:
        own = send(url_for(route, mine.pk), {"first_name": "Mine"})
        assert response.status_code in (403, 405), f"{route}: {response.status_code}, another firm's client"
        assert own.status_code == response.status_code
    assert Client.objects.get(pk=theirs.pk).first_name == "Secret"


@pytest.mark.django_db
@pytest.mark.parametrize("route", CLIENT_ROUTES)
def test_a_client_of_ones_own_firm_is_found(client, route):
    mine = ClientFactory()
    client.force_login(member(mine.firm, "owner"))
    assert client.get(url_for(route, mine.pk)).status_code in (200, 302, 405)


@pytest.mark.django_db
@pytest.mark.parametrize("route", [*CLIENT_ROUTES, *OTHER_ROUTES])
@pytest.mark.parametrize("method", ["get", "post"])
def test_anonymous_users_are_sent_to_login(client, route, method):
    theirs = ClientFactory()
    response = getattr(client, method)(url_for(route, theirs.pk))
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=")
    assert Client.objects.filter(pk=theirs.pk).exists()


@pytest.mark.django_db
def test_a_user_without_a_firm_sees_no_client(client, django_user_model):
    someone = ClientFactory()
    client.force_login(django_user_model.objects.create_user("nofirm"))
    assert client.get(f"/clients/{someone.pk}/").status_code == 404
    assert list(client.get("/clients/").context["clients"]) == []
