"""Reads of invitations, reminders and checklists, always scoped to the user's firm."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Prefetch, Q, QuerySet

from clients.selectors import clients_for
from invitations.models import ChecklistItem, Invitation, Reminder


def invitations_for(user) -> QuerySet[Invitation]:
    """The user's firm's invitations (through clients_for, the firm isolation rule)."""
    return Invitation.objects.filter(client__in=clients_for(user))


def client_invitations(user, client) -> list[Invitation]:
    """A client's invitations, newest first, with reminders, checklist and round: four queries."""
    return list(
        invitations_for(user).filter(client=client).select_related("draw", "recorded_by")
        .prefetch_related(
            Prefetch("reminders", queryset=Reminder.objects.order_by("due_at", "-offset_days")),
            Prefetch("checklist", queryset=ChecklistItem.objects.order_by("start_by", "id")),
        )
    )


def open_invitations(user, *, today: dt.date) -> QuerySet[Invitation]:
    """The firm's open invitations by deadline, with the count of overdue checklist items."""
    overdue = Q(checklist__status=ChecklistItem.Status.NOT_STARTED, checklist__start_by__lt=today)
    next_due = Q(reminders__status=Reminder.Status.PENDING)
    return (
        invitations_for(user).filter(status__in=Invitation.OPEN)
        .select_related("client__consultant", "draw")
        .annotate(overdue_items=Count("checklist", filter=overdue, distinct=True),
                  pending_reminders=Count("reminders", filter=next_due, distinct=True))
        .order_by("deadline_at", "pk")
    )


def overdue_items(user, *, today: dt.date) -> QuerySet[ChecklistItem]:
    """Checklist items of open invitations whose 'start by' date passed without a request."""
    return (
        ChecklistItem.objects.filter(invitation__in=invitations_for(user).filter(status__in=Invitation.OPEN))
        .filter(status=ChecklistItem.Status.NOT_STARTED, start_by__lt=today)
        .select_related("invitation__client").order_by("start_by", "id")
    )


def checklist_items_for(user) -> QuerySet[ChecklistItem]:
    return ChecklistItem.objects.filter(invitation__in=invitations_for(user))
