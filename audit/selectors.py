"""Reads of the audit trail: changes to a firm's client data, newest first, with field diffs.

A constant number of queries whatever the history size: per audited model one query for
the page's rows and one for the rows just before them (to diff against), then one for
client names and one for user names.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import OuterRef, Q, Subquery
from django.utils.translation import gettext as _

from audit.history import IGNORED_FIELDS, AuditedModel, audited_models
from clients.models import Client

PAGE_SIZE = 50
MAX_SHOWN_CHARS = 200  # of one field value in a diff


@dataclass(frozen=True)
class FieldChange:
    label: str
    old: object
    new: object


@dataclass
class Change:
    """One saved or deleted row of an audited model, as the audit page shows it."""

    at: dt.datetime
    kind: str  # "created", "changed", "deleted"
    model_label: str  # e.g. "Client", "language test"
    object_id: int
    client_id: int | None
    user_name: str
    reason: str
    changes: list[FieldChange] = field(default_factory=list)
    client_name: str = ""
    client_deleted: bool = False

    @property
    def kind_display(self) -> str:
        return {"created": _("created"), "changed": _("changed"), "deleted": _("deleted")}[self.kind]


@dataclass
class ChangePage:
    changes: list[Change]
    next_before: dt.datetime | None  # pass as `before` for the next page; None on the last page


def firm_changes(*, firm_id: int, before: dt.datetime | None = None, limit: int = PAGE_SIZE) -> ChangePage:
    """Changes to any client of `firm_id` (including deleted clients), newest first."""
    return _page(before=before, limit=limit, firm_id=firm_id)


def client_changes(
    *, client_id: int, before: dt.datetime | None = None, limit: int = PAGE_SIZE
) -> ChangePage:
    """Changes to one client's profile and everything attached to it, newest first.

    The caller has already checked that the client belongs to the user's firm.
    """
    return _page(before=before, limit=limit, client_id=client_id)


def _client_entry() -> AuditedModel:
    return next(e for e in audited_models() if e.model is Client)


def _scoped_rows(entry: AuditedModel, *, firm_id: int | None, client_id: int | None):
    qs = entry.historical.objects.all()
    if client_id is not None:
        qs = qs.filter(**{entry.client_attname: client_id})
    if firm_id is not None:
        if entry.firm_attname:
            qs = qs.filter(**{entry.firm_attname: firm_id})
        else:
            firm_client_ids = _client_entry().historical.objects.filter(firm_id=firm_id).values("id")
            qs = qs.filter(**{f"{entry.client_attname}__in": firm_client_ids})
    return qs


def _page(*, before, limit, firm_id=None, client_id=None) -> ChangePage:
    rows: list[tuple[AuditedModel, object]] = []
    for entry in audited_models():
        qs = _scoped_rows(entry, firm_id=firm_id, client_id=client_id)
        if before is not None:
            qs = qs.filter(history_date__lt=before)
        newest = _with_previous(entry, qs.order_by("-history_date", "-history_id"))[:limit + 1]
        rows += [(entry, r) for r in newest]
    rows.sort(key=lambda er: er[1].history_date, reverse=True)
    has_more = len(rows) > limit
    rows = rows[:limit]

    previous = _previous_rows(rows)
    user_names = _user_names(rows, previous)
    changes = [_change(entry, row, previous.get((entry.label, row.prev_history_id)), user_names)
               for entry, row in rows]
    _fill_client_names(changes)
    return ChangePage(changes=changes, next_before=rows[-1][1].history_date if has_more and rows else None)


def _with_previous(entry: AuditedModel, qs):
    """Annotate each historical row with the history_id of the same object's row before it."""
    historical = entry.historical
    earlier = historical.objects.filter(id=OuterRef("id")).filter(
        Q(history_date__lt=OuterRef("history_date"))
        | Q(history_date=OuterRef("history_date"), history_id__lt=OuterRef("history_id"))
    ).order_by("-history_date", "-history_id").values("history_id")[:1]
    return qs.select_related("history_user").annotate(prev_history_id=Subquery(earlier))


def _previous_rows(rows) -> dict[tuple[str, int], object]:
    wanted: dict[AuditedModel, list[int]] = {}
    for entry, row in rows:
        if row.prev_history_id is not None and row.history_type == "~":
            wanted.setdefault(entry, []).append(row.prev_history_id)
    found = {}
    for entry, ids in wanted.items():
        for prev in entry.historical.objects.filter(history_id__in=ids):
            found[(entry.label, prev.history_id)] = prev
    return found


def _user_fk_attnames(model) -> list[str]:
    return [f.attname for f in model._meta.concrete_fields
            if f.is_relation and f.related_model is not None
            and f.related_model._meta.label == settings.AUTH_USER_MODEL]


def _user_names(rows, previous) -> dict[int, str]:
    """Names of users appearing in diffs (e.g. a reassigned consultant), in one query."""
    ids: set[int] = set()
    for entry, row in rows:
        for attname in _user_fk_attnames(entry.model):
            ids.add(getattr(row, attname))
    for prev in previous.values():
        for attname in _user_fk_attnames(prev.instance_type):
            ids.add(getattr(prev, attname))
    ids.discard(None)
    if not ids:
        return {}
    return {u.pk: _display_user(u) for u in get_user_model().objects.filter(pk__in=ids)}


def _display_user(user) -> str:
    return user.get_full_name() or user.get_username()


def _change(entry: AuditedModel, row, prev, user_names) -> Change:
    kind = {"+": "created", "~": "changed", "-": "deleted"}[row.history_type]
    client_id = getattr(row, entry.client_attname)
    change = Change(
        at=row.history_date, kind=kind, model_label=str(entry.model._meta.verbose_name),
        object_id=row.id, client_id=client_id,
        user_name=_display_user(row.history_user) if row.history_user else _("system"),
        reason=row.history_change_reason or "",
    )
    if kind == "deleted":
        return change
    kept = {f.attname for f in entry.historical._meta.concrete_fields}  # less any excluded_fields
    for f in entry.model._meta.concrete_fields:
        # The firm never changes and its id says nothing to the reader.
        if f.name in IGNORED_FIELDS or f.name == "firm" or f.attname == entry.client_attname:
            continue
        if f.attname not in kept:
            continue
        new = getattr(row, f.attname)
        old = getattr(prev, f.attname) if prev is not None else None
        if kind == "changed" and prev is not None and old == new:
            continue
        if kind == "created" and new in (None, ""):
            continue
        change.changes.append(FieldChange(
            label=str(f.verbose_name), old=_display(f, old, user_names), new=_display(f, new, user_names),
        ))
    return change


def _display(f, value, user_names):
    if value is None or value == "":
        return None
    if f.attname in _user_fk_attnames(f.model):
        return user_names.get(value, f"#{value}")
    if f.flatchoices:
        return dict(f.flatchoices).get(value, value)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, dict | list) or (isinstance(value, str) and len(value) > MAX_SHOWN_CHARS):
        text = str(value)  # e.g. a stored report's JSON: the page shows that it changed, not all of it
        return text if len(text) <= MAX_SHOWN_CHARS else text[:MAX_SHOWN_CHARS] + "…"
    return value


def _fill_client_names(changes: list[Change]) -> None:
    ids = {c.client_id for c in changes if c.client_id is not None}
    if not ids:
        return
    names = {c.pk: c.full_name for c in Client.objects.filter(pk__in=ids).only("first_name", "last_name")}
    missing = ids - names.keys()
    if missing:  # deleted clients: the deletion row keeps their last name on record
        for h in _client_entry().historical.objects.filter(id__in=missing, history_type="-").only(
            "id", "first_name", "last_name"
        ):
            names[h.id] = _("%(name)s (deleted)") % {"name": f"{h.first_name} {h.last_name}"}
    for c in changes:
        c.client_name = names.get(c.client_id, "")
        c.client_deleted = c.client_id in missing
