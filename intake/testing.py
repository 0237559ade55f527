"""Test helpers: a client's questionnaire as a browser posts it, and a submitted fact change.

from intake.testing import current_post, submit
post = current_post(client)                       # the profile exactly as recorded
change = submit(client, phone="+1 555 0199")      # a pending FactChange, through the service
"""

from __future__ import annotations

from clients.models import Client
from intake import changes, services
from intake.forms import QuestionnaireForms
from intake.models import FactChange


def current_post(client: Client) -> dict[str, str]:
    """The questionnaire POST that sends `client`'s profile exactly as recorded."""
    fresh = Client.objects.select_related("spouse").get(pk=client.pk)
    unbound = QuestionnaireForms(instance=fresh)
    before = changes.snapshot(fresh, unbound)
    return changes.form_data(before, changes.with_spouse_defaults(before, unbound))


def questionnaire(client: Client, post: dict) -> QuestionnaireForms:
    """The questionnaire of `client` bound to `post`."""
    fresh = Client.objects.select_related("spouse").get(pk=client.pk)
    return QuestionnaireForms(instance=fresh, data=post)


def submit(client: Client, **post_changes: str) -> FactChange:
    """Submit the profile with `post_changes` (questionnaire field names) as the client's pending change."""
    post = current_post(client)
    post.update(post_changes)
    profile = questionnaire(client, post)
    if not profile.is_valid():
        raise AssertionError(services.form_errors(profile))
    return services.submit_change(client=client, profile=profile)
