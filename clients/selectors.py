"""Reads of client data, always scoped to the user's firm."""

from __future__ import annotations

from clients.models import Client, ClientQuerySet, Membership


def clients_for(user) -> ClientQuerySet:
    """Every read of client data starts here: only the user's own firm's clients."""
    return Client.objects.for_user(user)


def membership_for(user) -> Membership | None:
    return getattr(user, "membership", None) if getattr(user, "is_authenticated", False) else None
