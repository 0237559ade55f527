"""The CRS score and program/category eligibility before and after a fact change, nothing written.

"After" is the engine run on the profile as it would be: the questionnaire forms bound to
the change (intake.changes.bind) build the client and its rows in memory exactly as a save
would (ModelForm instances, not saved), and eligibility.services.assess_client reads them
as it reads a saved client. The rows are handed over as the client's prefetched related
rows, so facts_for() finds them without a query; nothing touches the database.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from clients.models import Client
from eligibility.i18n import category_name
from eligibility.labels import PROGRAM_NAMES
from eligibility.rules import verdict
from eligibility.services import assess_client, category_rules
from intake.changes import SPOUSE_PREFIXES
from intake.forms import QuestionnaireForms

# The reverse names facts_for() reads a client's rows by (clients.models._PersonFact).
_RELATED = {"educations": "educations", "languagetests": "languagetests", "jobs": "jobs"}


def profile_in_memory(profile: QuestionnaireForms) -> Client:
    """The client with the valid forms' values and rows, as `update_client` would save them, unsaved."""
    client = profile.build_client()
    rows: dict[str, list] = {name: [] for name in _RELATED.values()}
    for prefix, formset in profile.formsets.items():
        if prefix in SPOUSE_PREFIXES and not profile.has_spouse:
            continue
        related = _RELATED[prefix.removeprefix("spouse_")]
        initial = set(formset.initial_forms)
        for form in formset.forms:
            if form.cleaned_data.get("DELETE") or (form not in initial and not form.has_changed()):
                continue
            rows[related].append(form.instance)
    client._prefetched_objects_cache = rows
    if profile.has_spouse:
        client.spouse = profile.spouse_form.instance
    return client


@dataclass(frozen=True)
class VerdictRow:
    key: str
    name: str
    before: str | None  # None: not listed on that side (a category that does not apply)
    after: str | None

    @property
    def changed(self) -> bool:
        return self.before != self.after


@dataclass(frozen=True)
class Comparison:
    as_of: dt.date
    crs_before: int
    crs_after: int
    programs: list[VerdictRow]
    categories: list[VerdictRow]

    @property
    def crs_delta(self) -> int:
        return self.crs_after - self.crs_before

    @property
    def shown_categories(self) -> list[VerdictRow]:
        """The categories worth a line: a verdict that changes, or one that is not "not eligible"."""
        return [c for c in self.categories if c.changed or verdict.NOT_ELIGIBLE not in (c.before, c.after)]

    @property
    def other_categories(self) -> int:
        """How many categories stay not eligible (said in one line)."""
        return len(self.categories) - len(self.shown_categories)


def _categories(result: dict[str, Any]) -> dict[str, tuple[str, str]]:
    return {c["slug"]: (c.get("name", ""), verdict.of(c)) for c in result.get("categories", [])}


def compare(
    before_client: Client, profile: QuestionnaireForms, *, as_of: dt.date | None = None
) -> Comparison:
    """Assess the saved profile (`before_client`, read with eligibility's clients_with_facts) and the
    profile as the valid `profile` forms would make it, with the same categories and date."""
    as_of = as_of or timezone.localdate()
    categories = category_rules(as_of=as_of)
    names = {c.slug: c.name for c in categories}
    before = assess_client(before_client, as_of=as_of, categories=categories).to_dict()
    after = assess_client(profile_in_memory(profile), as_of=as_of, categories=categories).to_dict()
    programs = [
        VerdictRow(
            key,
            str(PROGRAM_NAMES[key]),
            verdict.of(before["programs"][key]),
            verdict.of(after["programs"][key]),
        )
        for key in PROGRAM_NAMES
    ]
    old, new = _categories(before), _categories(after)
    rows = []
    for slug in sorted(set(old) | set(new)):
        name = category_name(slug, names.get(slug) or (old.get(slug) or new.get(slug))[0])
        rows.append(VerdictRow(slug, name, old.get(slug, (None, None))[1], new.get(slug, (None, None))[1]))
    order = {verdict.ELIGIBLE: 0, verdict.CANNOT_JUDGE: 1, verdict.NOT_ELIGIBLE: 2, None: 3}
    rows.sort(key=lambda r: (not r.changed, order[r.after], r.name))
    return Comparison(
        as_of=as_of,
        crs_before=before["crs"]["total"],
        crs_after=after["crs"]["total"],
        programs=programs,
        categories=rows,
    )
