"""Writes of client data: the only code that creates, changes or deletes a client.

Views, the admin and commands call these; each runs in one transaction and sends
clients.signals.facts_saved once the client and its facts are saved: the apps above
listen (eligibility refreshes the stored assessment once the transaction has committed,
invitations updates an open ITA's checklist), so this module imports none of them.
"""

from __future__ import annotations

from typing import Protocol

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from clients.models import Client, Membership
from clients.permissions import can_delete_client
from clients.selectors import membership_for
from clients.signals import facts_saved


class ProfileWriter(Protocol):
    """What the services need from the profile forms (clients.forms.ClientProfileForms)."""

    def build_client(self) -> Client: ...

    def save_facts(self, client: Client) -> None: ...


def set_member_language(*, user, language: str) -> str | None:
    """Remember the language `user` chose on their membership: the emails sent to them use it.

    The code is matched against settings.LANGUAGES ("fr-CA" is kept as "fr"). An unknown code,
    or a user without a membership, changes nothing and returns None.
    """
    membership = membership_for(user)
    if membership is None:
        return None
    try:
        code = translation.get_supported_language_variant(language)
    except LookupError:
        return None
    if membership.language != code:
        membership.language = code
        membership.save(update_fields=["language"])
    return code


def _check_consultant(client: Client) -> None:
    if not Membership.objects.filter(
        user_id=client.consultant_id, firm_id=client.firm_id,
        role__in=[Membership.Role.OWNER, Membership.Role.CONSULTANT],
    ).exists():
        raise ValidationError({"consultant": _("The assigned consultant must be a consultant of the firm.")})


def create_client(*, by, profile: ProfileWriter) -> Client:
    """Create a client in `by`'s firm (from the membership, never from the input), with all facts."""
    membership = membership_for(by)
    if membership is None:
        raise PermissionDenied(_("Your account does not belong to a firm."))
    with transaction.atomic():
        client = profile.build_client()
        client.firm_id = membership.firm_id
        _check_consultant(client)
        client.save()
        profile.save_facts(client)
        facts_saved.send(sender=Client, client=client, by=by)  # e.g. the stored assessment follows
    return client


def update_client(*, by, client: Client, profile: ProfileWriter) -> Client:
    """Save the changes to a client of `by`'s firm and its facts, all or nothing."""
    membership = membership_for(by)
    if membership is None or client.firm_id != membership.firm_id:
        raise PermissionDenied(_("This client belongs to another firm."))
    with transaction.atomic():
        client = profile.build_client()
        client.firm_id = membership.firm_id
        _check_consultant(client)
        client.save()
        profile.save_facts(client)
        # e.g. the open ITA's checklist and the stored assessment follow
        facts_saved.send(sender=Client, client=client, by=by)
    return client


def save_client_in_admin(*, by, profile: ProfileWriter) -> Client:
    """A superuser's save of any firm's client in the admin (which no one else reaches), all or nothing.

    The same steps as update_client, the firm taken from the form rather than a membership: the
    consultant rule, the client, its facts, then facts_saved, so the apps above follow as they do
    for a save from the client's page.
    """
    if not getattr(by, "is_superuser", False):
        raise PermissionDenied
    with transaction.atomic():
        client = profile.build_client()
        _check_consultant(client)
        client.save()
        profile.save_facts(client)
        facts_saved.send(sender=Client, client=client, by=by)
    return client


def check_consultant(*, firm_id: int, consultant_id: int) -> None:
    """The consultant rule of every save, for a form to show before saving: a ValidationError on
    `consultant` unless they are an owner or consultant of the firm."""
    _check_consultant(Client(firm_id=firm_id, consultant_id=consultant_id))


def delete_client(*, by, client: Client) -> None:
    """Delete a client of `by`'s firm with its facts and stored assessment (owners and consultants)."""
    membership = membership_for(by)
    if membership is None or client.firm_id != membership.firm_id or not can_delete_client(by):
        raise PermissionDenied(_("You may not delete this client."))
    with transaction.atomic():
        client.delete()
