"""A fact change as data: what the client changed in the questionnaire, and how it meets the profile.

Three shapes, all JSON:

- a *snapshot* of a profile, as the questionnaire sees it::

      {"client": {field: value}, "spouse": {field: value} | None,
       "rows": {prefix: [{"id": row id | None, field: value}]}}   # prefixes of ClientProfileForms

- a change's *data* (FactChange.data): only what the client changed, from the forms' own
  cleaned values (so validated by clients.forms' rules)::

      {"client": {field: value}, "spouse": {field: value},
       "rows": {prefix: {"changed": {"<id>": {field: value}}, "added": [{field: value}],
                         "removed": [id]}}}

- the *form data* of a snapshot: a POST for QuestionnaireForms bound to the client.

`apply(before, data)` is the profile as it would be; `form_data(before, after)` binds the
forms to it, which is how a change is validated again, previewed (intake.preview) and
applied (intake.services.accept_change, through clients.services.update_client). Only the
fields the client changed are carried, so a staff edit made meanwhile to another field stays;
rows the firm added meanwhile stay too (a row is removed only when the client removed it).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from clients.models import Client, Spouse
from eligibility.rules import PARTNERED_STATUSES
from intake.forms import QuestionnaireForms

SPOUSE_PREFIXES = ("spouse_educations", "spouse_languagetests", "spouse_jobs")
# The FactFormSet fields that are not facts: the row's identity, its parent, the remove box.
_ROW_BOOKKEEPING = ("id", "client", "DELETE")
# Model fields whose form value is the code of a related NOC.
_NOC_FIELDS = ("noc", "certificate_noc", "job_offer_noc")


def to_json(value: Any) -> Any:
    """A cleaned form value as JSON: dates in ISO, decimals without trailing zeros ("470", "7.5")."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        text = format(value.normalize(), "f")
        return text
    if isinstance(value, float):
        return to_json(Decimal(str(value)))
    return str(value)


def to_post(value: Any) -> str | None:
    """A JSON value as a browser posts it; None for an unticked checkbox (the key is left out)."""
    if value is False:
        return None
    if value is True:
        return "on"
    return "" if value is None else str(value)


def row_fields(profile: QuestionnaireForms, prefix: str) -> list[str]:
    """The fact fields of one formset's rows, in the form's order."""
    return [n for n in profile.formsets[prefix].empty_form.fields if n not in _ROW_BOOKKEEPING]


def _model_value(obj, name: str) -> Any:
    if name in _NOC_FIELDS:
        return getattr(obj, f"{name}_id") or ""
    return to_json(getattr(obj, name))


def snapshot(client: Client, profile: QuestionnaireForms) -> dict:
    """The profile as the questionnaire sees it (rows read through `profile`'s formsets)."""
    # Spouse facts count only with a married or common-law status (ClientProfileForms.save_facts).
    has_spouse = client.marital_status in PARTNERED_STATUSES
    spouse = client.spouse if has_spouse and _has_spouse_row(client) else None
    spouse_fields = list(profile.spouse_form.fields)
    rows = {}
    for prefix, formset in profile.formsets.items():
        names = row_fields(profile, prefix)
        rows[prefix] = (
            []
            if prefix in SPOUSE_PREFIXES and not has_spouse
            else [
                {"id": obj.pk, **{n: _model_value(obj, n) for n in names}} for obj in formset.get_queryset()
            ]
        )
    return {
        "client": {n: _model_value(client, n) for n in profile.client_field_names},
        "spouse": {n: _model_value(spouse, n) for n in spouse_fields} if spouse is not None else None,
        "rows": rows,
    }


def _has_spouse_row(client: Client) -> bool:
    try:
        client.spouse  # noqa: B018 - reads the related row (or its cache)
    except Client.spouse.RelatedObjectDoesNotExist:
        return False
    return True


def change_data(profile: QuestionnaireForms) -> dict:
    """What the client changed in a valid questionnaire, as FactChange.data (empty parts left out)."""
    form = profile.client_form
    data: dict[str, Any] = {}
    client = {n: to_json(form.cleaned_data.get(n)) for n in form.changed_data if n in form.fields}
    if client:
        data["client"] = client
    if profile.has_spouse:
        spouse_form = profile.spouse_form
        # A new spouse is stored whole (every field), an existing one by its changed fields.
        names = spouse_form.changed_data if spouse_form.instance.pk else list(spouse_form.fields)
        spouse = {n: to_json(spouse_form.cleaned_data.get(n)) for n in names}
        if spouse:
            data["spouse"] = spouse
    rows = {}
    for prefix, formset in profile.formsets.items():
        if prefix in SPOUSE_PREFIXES and not profile.has_spouse:
            continue
        names = row_fields(profile, prefix)
        part: dict[str, Any] = {}
        for row in formset.initial_forms:
            if row.cleaned_data.get("DELETE"):
                part.setdefault("removed", []).append(row.instance.pk)
            elif row.has_changed():
                part.setdefault("changed", {})[str(row.instance.pk)] = {
                    n: to_json(row.cleaned_data.get(n)) for n in row.changed_data if n in names
                }
        for row in formset.extra_forms:
            if row.has_changed() and not row.cleaned_data.get("DELETE"):
                part.setdefault("added", []).append({n: to_json(row.cleaned_data.get(n)) for n in names})
        if part:
            rows[prefix] = part
    if rows:
        data["rows"] = rows
    return data


def is_empty(data: dict, before: dict) -> bool:
    """Whether a change would leave the profile as it is."""
    return apply(before, data) == before


def _spouse_defaults(fields: list[str]) -> dict:
    blank = Spouse()
    return {n: _model_value(blank, n) for n in fields}


def apply(before: dict, data: dict) -> dict:
    """The snapshot of the profile as it would be with the change (nothing is written)."""
    client = dict(before["client"])
    client.update({k: v for k, v in data.get("client", {}).items() if k in client})
    has_spouse = client.get("marital_status") in PARTNERED_STATUSES
    spouse = None
    if has_spouse:
        spouse = dict(before["spouse"] or {})
        if "spouse" in data or spouse:
            spouse.update(data.get("spouse", {}))
        else:
            spouse = None
    rows = {}
    for prefix, existing in before["rows"].items():
        part = data.get("rows", {}).get(prefix, {})
        if prefix in SPOUSE_PREFIXES and not has_spouse:
            rows[prefix] = []
            continue
        removed = set(part.get("removed", []))
        changed = part.get("changed", {})
        kept = [
            {**row, **{k: v for k, v in changed.get(str(row["id"]), {}).items() if k in row}}
            for row in existing
            if row["id"] not in removed
        ]
        rows[prefix] = kept + [{**row, "id": None} for row in part.get("added", [])]
    return {"client": client, "spouse": spouse, "rows": rows}


def with_spouse_defaults(after: dict, profile: QuestionnaireForms) -> dict:
    """`after` with a spouse of default values when the status has one but no spouse was given."""
    if after["spouse"] is None and after["client"].get("marital_status") in PARTNERED_STATUSES:
        return {**after, "spouse": _spouse_defaults(list(profile.spouse_form.fields))}
    return after


def form_data(before: dict, after: dict) -> dict[str, str]:
    """The POST that binds QuestionnaireForms (of the client `before` was read from) to `after`.

    Existing rows keep their ids; a row not in `after` is posted with its remove box ticked;
    rows without an id are new rows.
    """
    post: dict[str, str] = {}

    def put(key: str, value: Any) -> None:
        text = to_post(value)
        if text is not None:
            post[key] = text

    for name, value in after["client"].items():
        put(name, value)
    for name, value in (after["spouse"] or {}).items():
        put(f"spouse-{name}", value)
    for prefix, existing in before["rows"].items():
        kept = {row["id"]: row for row in after["rows"].get(prefix, []) if row["id"] is not None}
        new = [row for row in after["rows"].get(prefix, []) if row["id"] is None]
        for i, row in enumerate(existing):
            post[f"{prefix}-{i}-id"] = str(row["id"])
            source = kept.get(row["id"], row)
            for name, value in source.items():
                if name != "id":
                    put(f"{prefix}-{i}-{name}", value)
            if row["id"] not in kept:
                post[f"{prefix}-{i}-DELETE"] = "on"
        for j, row in enumerate(new, start=len(existing)):
            for name, value in row.items():
                if name != "id":
                    put(f"{prefix}-{j}-{name}", value)
        post[f"{prefix}-TOTAL_FORMS"] = str(len(existing) + len(new))
        post[f"{prefix}-INITIAL_FORMS"] = str(len(existing))
        post[f"{prefix}-MIN_NUM_FORMS"] = "0"
        post[f"{prefix}-MAX_NUM_FORMS"] = "1000"
    return post


def bind(client: Client, data: dict, *, with_email: bool = False) -> tuple[dict, dict, QuestionnaireForms]:
    """(before, after, forms bound to after) for `client` and a change's data.

    `client` is changed in memory by the bound forms' validation: pass an instance read for this.
    """
    unbound = QuestionnaireForms(instance=client, with_email=with_email)
    before = snapshot(client, unbound)
    after = with_spouse_defaults(apply(before, data), unbound)
    bound = QuestionnaireForms(instance=client, data=form_data(before, after), with_email=with_email)
    return before, after, bound
