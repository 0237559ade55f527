"""Firm isolation on every client URL: another firm's client is a 404; anonymous users log in first.

The URL list is read from the URL configuration (every route of the `clients` namespace
that takes a client `pk`), so a client URL added later is covered without editing this test.
"""

from __future__ import annotations

import pytest
from django.urls import get_resolver, reverse

from clients.models import Client
from clients.tests.factories import ClientFactory, member


def client_url_names() -> list[str]:
    """Every named route of the clients app whose URL takes a client pk."""
    resolver = get_resolver().namespace_dict["clients"][1]
    found = set()
    for key in resolver.reverse_dict:
        if not isinstance(key, str):
            continue
        for possibility, _pattern, _defaults, _converters in resolver.reverse_dict.getlist(key):
            if any("pk" in params for _, params in possibility):
                found.add(key)
    return sorted(found)


CLIENT_URLS = client_url_names()


def test_the_matrix_covers_the_known_client_urls():
    assert {"detail", "edit", "delete"} <= set(CLIENT_URLS)


@pytest.mark.django_db
@pytest.mark.parametrize("name", CLIENT_URLS)
@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("role", ["owner", "consultant", "assistant"])
def test_another_firms_client_is_a_404(client, name, method, role):
    outsider = member(role=role)
    theirs = ClientFactory(first_name="Secret")
    client.force_login(outsider)
    response = getattr(client, method)(reverse(f"clients:{name}", args=[theirs.pk]), {"first_name": "Hacked"})
    assert response.status_code == 404
    assert Client.objects.get(pk=theirs.pk).first_name == "Secret"


@pytest.mark.django_db
@pytest.mark.parametrize("name", CLIENT_URLS)
def test_a_client_of_ones_own_firm_is_found(client, name):
    mine = ClientFactory()
    client.force_login(member(mine.firm, "owner"))
    assert client.get(reverse(f"clients:{name}", args=[mine.pk])).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("name", [*CLIENT_URLS, "list", "create"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_anonymous_users_are_sent_to_login(client, name, method):
    theirs = ClientFactory()
    url = reverse(f"clients:{name}", args=[theirs.pk] if name in CLIENT_URLS else [])
    response = getattr(client, method)(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login") + "?next=")
    assert Client.objects.filter(pk=theirs.pk).exists()


@pytest.mark.django_db
def test_a_user_without_a_firm_sees_no_client(client, django_user_model):
    someone = ClientFactory()
    client.force_login(django_user_model.objects.create_user("nofirm"))
    assert client.get(reverse("clients:detail", args=[someone.pk])).status_code == 404
    assert list(client.get(reverse("clients:list")).context["clients"]) == []
