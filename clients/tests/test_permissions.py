"""The role table: what owners, consultants, assistants and staff may do."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.test import RequestFactory

from clients import permissions as p
from clients.tests.factories import UserFactory, member

pytestmark = pytest.mark.django_db

EXPECTED = {
    "owner": {p.VIEW_CLIENTS, p.EDIT_CLIENTS, p.DELETE_CLIENTS, p.EXPORT_CLIENTS, p.GENERATE_REPORTS,
              p.RECORD_INVITATIONS, p.MANAGE_FIRM, p.MANAGE_REMINDER_SCHEDULE, p.VIEW_AUDIT},
    "consultant": {p.VIEW_CLIENTS, p.EDIT_CLIENTS, p.DELETE_CLIENTS, p.EXPORT_CLIENTS, p.GENERATE_REPORTS,
                   p.RECORD_INVITATIONS},
    "assistant": {p.VIEW_CLIENTS, p.EDIT_CLIENTS},
}


@pytest.mark.parametrize("role", ["owner", "consultant", "assistant"])
@pytest.mark.parametrize("action", sorted(p.ACTIONS))
def test_each_role_may_do_exactly_its_actions(role, action):
    user = member(role=role)
    assert p.can(user, action) is (action in EXPECTED[role])


def test_assistant_cannot_delete_export_or_touch_firm_settings():
    assistant = member(role="assistant")
    refused = (p.DELETE_CLIENTS, p.EXPORT_CLIENTS, p.MANAGE_FIRM, p.MANAGE_REMINDER_SCHEDULE, p.VIEW_AUDIT)
    for action in refused:
        assert not p.can(assistant, action)


def test_only_staff_manage_draws_and_categories():
    assert not p.can(member(role="owner"), p.MANAGE_DRAWS)
    staff_without_firm = UserFactory(is_staff=True)
    assert p.can(staff_without_firm, p.MANAGE_DRAWS)
    assert not p.can(staff_without_firm, p.VIEW_CLIENTS)  # staff is not a firm role
    assert p.can(member(role="assistant", is_staff=True), p.MANAGE_DRAWS)


def test_anonymous_inactive_and_firmless_users_may_do_nothing():
    assert p.allowed_actions(AnonymousUser()) == frozenset()
    assert p.allowed_actions(None) == frozenset()
    assert p.allowed_actions(UserFactory()) == frozenset()
    assert p.allowed_actions(member(role="owner", is_active=False)) == frozenset()


def test_unknown_action_is_a_programming_error():
    with pytest.raises(ValueError, match="unknown action 'delete_everything'"):
        p.can(member(), "delete_everything")
    with pytest.raises(ValueError):
        p.role_required("typo")


def test_named_checks_read_the_same_table():
    assert p.can_delete_client(member(role="consultant"))
    assert not p.can_delete_client(member(role="assistant"))
    assert p.can_create_client(member(role="assistant"))
    assert not p.can_create_client(UserFactory())


def _view(request):
    return HttpResponse("done")


def test_role_required_lets_an_allowed_role_through():
    request = RequestFactory().post("/clients/1/delete/")
    request.user = member(role="consultant")
    view = p.role_required(p.DELETE_CLIENTS)(_view)
    assert view(request).content == b"done"
    assert view.required_action == p.DELETE_CLIENTS


def test_role_required_is_403_for_a_role_without_the_action():
    request = RequestFactory().post("/clients/1/delete/")
    request.user = member(role="assistant")
    with pytest.raises(PermissionDenied):
        p.role_required(p.DELETE_CLIENTS)(_view)(request)


def test_role_required_sends_anonymous_users_to_login():
    request = RequestFactory().get("/audit/?page=2")
    request.user = AnonymousUser()
    response = p.role_required(p.VIEW_AUDIT)(_view)(request)
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/audit/%3Fpage%3D2"


def test_role_can_in_templates(client):
    owner, assistant = member(role="owner"), member(role="assistant")
    client.force_login(owner)
    assert 'href="/audit/"' in client.get("/clients/").content.decode()
    client.force_login(assistant)
    assert 'href="/audit/"' not in client.get("/clients/").content.decode()


def test_role_can_asks_no_query_until_used(django_assert_num_queries):
    user = member(role="owner")
    request = RequestFactory().get("/")
    request.user = type(user).objects.get(pk=user.pk)
    with django_assert_num_queries(0):
        helper = p.role_context(request)["role_can"]
    with django_assert_num_queries(1):  # the membership
        assert helper.view_audit
        assert helper.export_clients
