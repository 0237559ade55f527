"""Reads of fact changes, always scoped to the user's firm (clients.selectors.clients_for)."""

from __future__ import annotations

from django.db.models import QuerySet

from clients.models import Client
from clients.selectors import clients_for, membership_for
from intake.models import FactChange, IntakeLink


def count_pending(user) -> int:
    """How many fact changes of the user's firm await review (one query; 0 without a firm)."""
    membership = membership_for(user)
    if membership is None:
        return 0
    return FactChange.objects.filter(firm_id=membership.firm_id, status=FactChange.Status.PENDING).count()


def changes_for(user) -> QuerySet[FactChange]:
    """The fact changes of the user's firm's clients."""
    return FactChange.objects.filter(client__in=clients_for(user))


def changes_of(client: Client, *, limit: int = 5) -> list[FactChange]:
    """A client's latest changes, newest first (the caller has the client from a firm-scoped read)."""
    return list(FactChange.objects.filter(client=client).select_related("reviewed_by")[:limit])


def published_link(token: str) -> IntakeLink | None:
    """The published intake link with this token, or None (unknown and unpublished alike)."""
    if not token or len(token) > 64:
        return None
    return (
        IntakeLink.objects.select_related("firm", "consultant").filter(token=token, is_published=True).first()
    )


def link_of_firm(user) -> IntakeLink | None:
    membership = membership_for(user)
    if membership is None:
        return None
    return IntakeLink.objects.select_related("consultant").filter(firm_id=membership.firm_id).first()
