"""The field-by-field diff of a fact change: old → new, labelled with the forms' own labels.

Only what differs is listed. Rows (credentials, tests, jobs) are matched by their id:
a row the client added, one they removed, one whose fields changed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from clients.formatting import country_name, country_names, local_date, money, total
from clients.forms import ClientProfileForms, NocCodeField
from intake.changes import row_fields
from intake.forms import QuestionnaireForms


@dataclass(frozen=True)
class Shown:
    """A value as the page shows it: text, or a date the template formats (|local_date)."""

    text: str = ""
    date: dt.date | None = None

    @property
    def is_blank(self) -> bool:
        return not self.text and self.date is None


@dataclass(frozen=True)
class FieldChange:
    name: str
    label: str
    old: Shown
    new: Shown


@dataclass
class RowChange:
    kind: str  # "added", "removed" or "changed"
    summary: str
    fields: list[FieldChange] = field(default_factory=list)


@dataclass
class Section:
    key: str
    title: str
    fields: list[FieldChange] = field(default_factory=list)
    rows: list[RowChange] = field(default_factory=list)


# Fields holding ISO country codes, shown by name in the page's language (clients.formatting).
_COUNTRY_FIELDS = {
    "country": country_name,
    "citizenship_countries": country_names,
    "residence_countries": country_names,
}
_MONEY_FIELDS = {"settlement_funds_cad"}


def show(form_field: forms.Field, value: Any, titles: Mapping[str, str], name: str = "") -> Shown:
    """A stored value in words: a choice by its label, yes/no, a NOC with its title, countries by name."""
    if value is None or value == "":
        return Shown()
    if name in _COUNTRY_FIELDS:
        return Shown(_COUNTRY_FIELDS[name](str(value)))
    if name in _MONEY_FIELDS:
        return Shown(money(value))
    if isinstance(form_field, forms.DecimalField | forms.IntegerField):
        return Shown(total(value))  # "7,5" and "1 200" on French pages
    if isinstance(form_field, forms.BooleanField):
        return Shown(str(_("Yes") if value else _("No")))
    if isinstance(form_field, NocCodeField):
        title = titles.get(str(value))
        return Shown(f"{value} — {title}" if title else str(value))
    if isinstance(form_field, forms.DateField) and isinstance(value, str):
        try:
            return Shown(date=dt.date.fromisoformat(value))
        except ValueError:
            return Shown(value)
    choices = getattr(form_field, "choices", None)
    if choices:
        return Shown(str(dict(choices).get(value, value)))
    return Shown(str(value))


def _field_changes(
    form: forms.BaseForm, names: list[str], old: Mapping, new: Mapping, titles: Mapping[str, str]
) -> list[FieldChange]:
    changes = []
    for name in names:
        before, after = old.get(name), new.get(name)
        if before == after or (before in (None, "") and after in (None, "")):
            continue
        f = form.fields[name]
        changes.append(
            FieldChange(name, str(f.label), show(f, before, titles, name), show(f, after, titles, name))
        )
    return changes


def _summary(form: forms.BaseForm, names: list[str], row: Mapping, titles: Mapping[str, str]) -> str:
    """A row in one line: its first three filled values (level, date...; NOC, employer...)."""
    parts = []
    for name in names:
        value = show(form.fields[name], row.get(name), titles, name)
        if value.date is not None:
            parts.append(local_date(value.date))
        elif value.text and not isinstance(form.fields[name], forms.BooleanField):
            parts.append(value.text)
        if len(parts) == 3:
            break
    return " · ".join(parts)


def diff(before: dict, after: dict, profile: QuestionnaireForms) -> list[Section]:
    """Sections of what differs between two snapshots (intake.changes), empty ones left out."""
    titles = profile.titles
    sections = []
    client_form = profile.client_form
    personal = Section("client", str(_("Personal details, family and funds")))
    personal.fields = _field_changes(
        client_form, profile.client_field_names, before["client"], after["client"], titles
    )
    sections.append(personal)

    spouse = Section("spouse", str(_("Spouse or common-law partner")))
    spouse_names = list(profile.spouse_form.fields)
    if before["spouse"] is not None or after["spouse"] is not None:
        spouse.fields = _field_changes(
            profile.spouse_form, spouse_names, before["spouse"] or {}, after["spouse"] or {}, titles
        )
    sections.append(spouse)

    for prefix, _model, _form, _of_spouse, title in ClientProfileForms.FORMSETS:
        form = profile.formsets[prefix].empty_form
        names = row_fields(profile, prefix)
        section = Section(prefix, str(title))
        old_rows = {row["id"]: row for row in before["rows"].get(prefix, [])}
        new_rows = after["rows"].get(prefix, [])
        kept = {row["id"] for row in new_rows if row["id"] is not None}
        for row in new_rows:
            if row["id"] is None or row["id"] not in old_rows:
                section.rows.append(
                    RowChange(
                        "added",
                        _summary(form, names, row, titles),
                        _field_changes(form, names, {}, row, titles),
                    )
                )
            elif changes := _field_changes(form, names, old_rows[row["id"]], row, titles):
                section.rows.append(
                    RowChange("changed", _summary(form, names, old_rows[row["id"]], titles), changes)
                )
        for row_id, row in old_rows.items():
            if row_id not in kept:
                section.rows.append(RowChange("removed", _summary(form, names, row, titles)))
        sections.append(section)
    return [s for s in sections if s.fields or s.rows]
