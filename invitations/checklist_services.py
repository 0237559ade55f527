"""The only writers of ITA checklists: item statuses, documents added by hand, the checklist
following the client's facts, and the firm's document types."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clients.models import Client, Firm
from clients.permissions import EDIT_CLIENTS
from invitations.checklist import FACT_RULES, build_checklist, item_types_for, type_name
from invitations.clock import firm_zone
from invitations.models import ChecklistItem, ChecklistItemType, Invitation
from invitations.services import require_member, require_owner

CUSTOM_ITEM_KEY = "custom"  # items added by hand: never generated, never removed by sync_checklist


def update_checklist_item(
    *, item: ChecklistItem, status: str, by, received_on: dt.date | None = None,
    now: dt.datetime | None = None,
) -> ChecklistItem:
    """Set an item's status; requested/received dates default to today (firm time)."""
    now = now or timezone.now()
    item = ChecklistItem.objects.select_related("invitation__client__firm").get(pk=item.pk)
    require_member(by, item.invitation.client, EDIT_CLIENTS)
    today = now.astimezone(firm_zone(item.invitation.client.firm)).date()
    if status not in ChecklistItem.Status.values:
        raise ValidationError({"status": _("Unknown status %(status)s.") % {"status": status}})
    if received_on and received_on > today:
        raise ValidationError({"received_on": _("The date received is in the future.")})
    item.status = status
    if status == ChecklistItem.Status.REQUESTED and item.requested_on is None:
        item.requested_on = today
    item.received_on = (received_on or today) if status == ChecklistItem.Status.RECEIVED else None
    item.save(update_fields=["status", "requested_on", "received_on"])
    return item


def add_checklist_item(
    *, invitation: Invitation, label: str, start_by: dt.date, by, now: dt.datetime | None = None
) -> ChecklistItem:
    """A document the consultant adds by hand to an open invitation's checklist.

    For what the recorded facts cannot generate: a spouse's country of residence, a letter
    IRCC asked for. It is flagged like the others once `start_by` passes without a request.
    """
    now = now or timezone.now()
    label = " ".join((label or "").split())
    with transaction.atomic():
        invitation = (Invitation.objects.select_for_update(of=("self",)).select_related("client__firm")
                      .get(pk=invitation.pk))
        require_member(by, invitation.client, EDIT_CLIENTS)
        if not invitation.is_open:
            raise ValidationError({"label": _("This invitation is closed: its checklist no longer changes.")})
        if not label:
            raise ValidationError({"label": _("Name the document.")})
        deadline_on = invitation.deadline_on(firm_zone(invitation.client.firm))
        if start_by > deadline_on:
            raise ValidationError({"start_by": _("The start-by date is after the deadline, %(date)s.")
                                   % {"date": deadline_on.isoformat()}})
        return ChecklistItem.objects.create(
            invitation=invitation, item_type=None, key=CUSTOM_ITEM_KEY, subject=uuid.uuid4().hex[:12],
            label=label[:250], lead_time_days=min(max((deadline_on - start_by).days, 0), 365),
            start_by=start_by,
        )


@dataclass
class ChecklistSync:
    added: list[str]
    removed: list[str]


def sync_checklist(*, client: Client) -> ChecklistSync:
    """After the client's facts change, the open invitation's checklist follows them.

    Only the items that come from facts (clients' countries, family members, jobs, spouse, job
    offer: checklist.FACT_RULES) are re-evaluated, with the item types in use today:
    - an item the facts now call for is added, with its 'start by' counted from the deadline;
    - a generated item the facts no longer call for is removed only if it is still 'not
      started': a document requested, received or marked not needed is the consultant's record
      and stays;
    - everything else (dates, statuses, items of other rules) is left as it is.
    Runs inside the profile edit's transaction (clients.signals.facts_saved): both or neither.
    """
    invitation = (Invitation.objects.select_for_update(of=("self",)).select_related("draw")
                  .filter(client_id=client.pk, status__in=Invitation.OPEN).first())
    if invitation is None:
        return ChecklistSync([], [])
    client = (Client.objects.select_related("firm", "spouse").prefetch_related("jobs").get(pk=client.pk))
    zone = firm_zone(client.firm)
    types = [t for t in item_types_for(client.firm) if t.rule in FACT_RULES]
    wanted = build_checklist(invitation, client, types, deadline_on=invitation.deadline_on(zone))
    existing = {(i.key, i.subject): i for i in invitation.checklist.select_related("item_type")}
    wanted_keys = {(i.key, i.subject) for i in wanted}
    new = [i for i in wanted if (i.key, i.subject) not in existing]
    stale = [i for key, i in existing.items()
             if key not in wanted_keys and i.status == ChecklistItem.Status.NOT_STARTED
             and i.item_type is not None and i.item_type.is_active and i.item_type.rule in FACT_RULES]
    ChecklistItem.objects.bulk_create(new)
    ChecklistItem.objects.filter(pk__in=[i.pk for i in stale]).delete()
    return ChecklistSync(added=[i.label for i in new], removed=[i.label for i in stale])


def _sync_checklist_on_facts_saved(sender, *, client: Client, **kwargs) -> None:
    """clients.signals.facts_saved receiver (connected in InvitationsConfig.ready)."""
    sync_checklist(client=client)


def save_item_types(*, firm: Firm, rows: list[dict], by) -> list[ChecklistItemType]:
    """Apply the owner's edits: a changed default becomes the firm's own copy; new keys are added.

    Each row: key, name, rule, lead_time_days, is_active (and optionally position).
    Already generated checklists keep their dates; new invitations use the new types.
    """
    require_owner(by, firm)
    current = {t.key: t for t in item_types_for(firm)}
    fields = ("name", "rule", "lead_time_days", "is_active", "position")
    with transaction.atomic():
        for row in rows:
            existing = current.get(row["key"])
            if existing is None:
                ChecklistItemType.objects.create(
                    firm=firm, key=row["key"], position=row.get("position", 900),
                    **{f: row[f] for f in fields if f in row and f != "position"},
                )
                continue
            if "name" in row and row["name"] == type_name(existing):  # a default shown in French, unchanged
                row = {**row, "name": existing.name}
            if all(getattr(existing, f) == row[f] for f in fields if f in row):
                continue
            if existing.firm_id is None:  # copy-on-write: the default stays for other firms
                existing.pk, existing.firm = None, firm
            for f in fields:
                if f in row:
                    setattr(existing, f, row[f])
            existing.full_clean()
            existing.save()
    return item_types_for(firm)
