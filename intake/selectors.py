"""Reads of fact changes, always scoped to the user's firm (clients.selectors.clients_for)."""

from __future__ import annotations

import re

from django.db.models import QuerySet

from clients.models import Client
from clients.selectors import clients_for, membership_for
from intake.models import FactChange, IntakeLink

# What intake.models.new_intake_token makes (URL-safe base64), with room for a longer token later.
_TOKEN = re.compile(r"[A-Za-z0-9_-]{20,64}")

# Pending changes listed on the "to review" page, oldest first (the count says how many in all).
LIST_ROWS = 100


def _pending(user, consultant_id: int | None) -> QuerySet[FactChange] | None:
    membership = membership_for(user)
    if membership is None:
        return None
    qs = FactChange.objects.filter(firm_id=membership.firm_id, status=FactChange.Status.PENDING)
    return qs.filter(client__consultant_id=consultant_id) if consultant_id is not None else qs


def count_pending(user, *, consultant_id: int | None = None) -> int:
    """How many fact changes of the user's firm (or of one consultant's clients) await review.

    One COUNT query (the (firm, status) index); 0 for a user without a firm. The dashboard's
    count: its "mine" scope passes the user as `consultant_id`.
    """
    qs = _pending(user, consultant_id)
    return qs.count() if qs is not None else 0


def pending_changes(user, *, consultant_id: int | None = None, limit: int = LIST_ROWS) -> list[FactChange]:
    """The oldest pending changes of the user's firm (or of one consultant's clients): 1 query."""
    qs = _pending(user, consultant_id)
    if qs is None:
        return []
    return list(qs.select_related("client__consultant").order_by("submitted_at", "id")[:limit])


def changes_for(user) -> QuerySet[FactChange]:
    """The fact changes of the user's firm's clients."""
    return FactChange.objects.filter(client__in=clients_for(user))


def changes_of(client: Client, *, limit: int = 5) -> list[FactChange]:
    """A client's latest changes, newest first (the caller has the client from a firm-scoped read)."""
    return list(FactChange.objects.filter(client=client).select_related("reviewed_by")[:limit])


def published_link(token: str) -> IntakeLink | None:
    """The published intake link with this token, or None (unknown and unpublished alike)."""
    if not _TOKEN.fullmatch(token or ""):  # also keeps a NUL or a 5,000-character path off the database
        return None
    return (
        IntakeLink.objects.select_related("firm", "consultant").filter(token=token, is_published=True).first()
    )


def link_of_firm(user) -> IntakeLink | None:
    membership = membership_for(user)
    if membership is None:
        return None
    return IntakeLink.objects.select_related("consultant").filter(firm_id=membership.firm_id).first()
