"""Reads of the portal: always through the signed-in client (request.portal_client), never an id alone."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Prefetch
from django.utils import timezone

from clients.models import Client
from documents.models import Document
from invitations.models import ChecklistItem, Invitation
from invitations.services import firm_zone


@dataclass(frozen=True)
class PortalItem:
    item: ChecklistItem
    is_overdue: bool
    was_returned: bool = False  # the consultant returned a file of it (read in the checklist's query)

    @property
    def action(self) -> str:
        """What the client can do with the item on the home page: "send", "send_again" (a file was
        returned and nothing new is waiting), "to_review", "accepted" or "" (not needed)."""
        status = self.item.status
        if status == ChecklistItem.Status.NOT_NEEDED:
            return ""
        if status == ChecklistItem.Status.RECEIVED:
            return "accepted"
        if status == ChecklistItem.Status.TO_REVIEW:
            return "to_review"
        return "send_again" if self.was_returned else "send"


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
    """The client's open invitations (newest first) with their checklists (each item's returned files
    read in the same query): two queries whatever the size."""
    now = now or timezone.now()
    zone = firm_zone(client.firm)
    today = now.astimezone(zone).date()
    invitations = (
        Invitation.objects.filter(client=client, status__in=Invitation.OPEN)
        .select_related("draw")
        .prefetch_related(Prefetch("checklist", queryset=ChecklistItem.objects.select_related("client_note")
                                   .annotate(was_returned=Exists(Document.objects.filter(
                                       item=OuterRef("pk"), status=Document.Status.RETURNED)))
                                   .order_by("start_by", "id")))
    )
    found = []
    for invitation in invitations:
        items = [PortalItem(item=i, is_overdue=i.is_overdue(today), was_returned=i.was_returned)
                 for i in invitation.checklist.all()]
        items.sort(key=lambda i: not i.is_overdue)  # stable: each group stays in start-by order
        found.append(PortalInvitation(
            invitation=invitation, deadline_local=invitation.deadline_at.astimezone(zone),
            time_zone=str(zone), days_left=invitation.days_left_at(now, zone), items=items,
        ))
    return found
