"""Reads of the portal: always through the signed-in client (request.portal_client), never an id alone."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Prefetch
from django.utils import timezone

from clients.models import Client
from invitations.models import ChecklistItem, Invitation
from invitations.services import firm_zone


@dataclass(frozen=True)
class PortalItem:
    item: ChecklistItem
    is_overdue: bool


@dataclass(frozen=True)
class PortalInvitation:
    invitation: Invitation
    deadline_local: dt.datetime
    time_zone: str
    days_left: int
    items: list[PortalItem]  # overdue first, then by start-by date

    @property
    def overdue_count(self) -> int:
        return sum(1 for i in self.items if i.is_overdue)


def portal_invitations(client: Client, *, now: dt.datetime | None = None) -> list[PortalInvitation]:
    """The client's open invitations (newest first) with their checklists: two queries whatever the size."""
    now = now or timezone.now()
    zone = firm_zone(client.firm)
    today = now.astimezone(zone).date()
    invitations = (
        Invitation.objects.filter(client=client, status__in=Invitation.OPEN)
        .select_related("draw")
        .prefetch_related(Prefetch("checklist", queryset=ChecklistItem.objects.select_related("client_note")
                                   .order_by("start_by", "id")))
    )
    found = []
    for invitation in invitations:
        items = [PortalItem(item=i, is_overdue=i.is_overdue(today)) for i in invitation.checklist.all()]
        items.sort(key=lambda i: not i.is_overdue)  # stable: each group stays in start-by order
        found.append(PortalInvitation(
            invitation=invitation, deadline_local=invitation.deadline_at.astimezone(zone),
            time_zone=str(zone), days_left=invitation.days_left_at(now, zone), items=items,
        ))
    return found
