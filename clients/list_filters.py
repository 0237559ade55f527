"""The client list's eligibility filters and sorting: "who is eligible for X right now?".

Read from the stored assessments (eligibility.ClientAssessment, refreshed on every profile
edit and nightly), never recomputed: a program's three-way verdict column (fsw_status...), or
a category slug in `categories` (eligible) or `categories_check` (cannot be judged). On
PostgreSQL a category is a JSON containment test (`@>`, what draws.services' matching uses);
SQLite (the demo) has no containment, so there it looks for the quoted slug in the JSON text
(slugs are plain words, so '"stem"' only matches the slug stem).

The form parses the query string: a bad value is a field error and that filter is ignored,
never a 500. The filters and the sort stay in the URL, so a filtered list can be linked to
(the dashboard's per-category counts do).
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.apps import apps
from django.db import connection
from django.db.models import Count, F, FilteredRelation, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from eligibility.labels import PROGRAM_CHOICES
from eligibility.rules import CANNOT_JUDGE, CRS_MAX_TOTAL, ELIGIBLE

VERDICTS = [(ELIGIBLE, _("eligible")), (CANNOT_JUDGE, _("cannot be judged (check)"))]
# ?sort= values: a column, "-" for descending. Ties always fall back to the name, then the id.
SORTS = {
    "name": ("last_name", "first_name"),
    "crs": ("assessment__crs_total",),
    "status": ("status",),
    "deadline": ("open_ita__deadline_at",),
}


def category_choices(*, today: dt.date) -> list[tuple[str, str]]:
    """The categories in force today, as (slug, name) (one query)."""
    categories = apps.get_model("draws", "Category").objects.order_by("slug")
    return [(c.slug, c.name) for c in categories if c.applies_on(today)]


class ClientListFilterForm(forms.Form):
    """Eligibility, score range and sort of the client list (GET); beside ClientFilterForm's search."""

    eligible_for = forms.ChoiceField(required=False, label=_("Program or category"))
    verdict = forms.ChoiceField(required=False, label=_("Verdict"), choices=VERDICTS)
    crs_min = forms.IntegerField(required=False, label=_("CRS from"), min_value=0, max_value=CRS_MAX_TOTAL)
    crs_max = forms.IntegerField(required=False, label=_("CRS to"), min_value=0, max_value=CRS_MAX_TOTAL)
    sort = forms.ChoiceField(required=False, label=_("Sort"),
                             choices=[(f"{d}{k}", f"{d}{k}") for k in SORTS for d in ("", "-")])

    def __init__(self, *args, today: dt.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["eligible_for"].choices = [("", _("Any")), (_("Programs"), PROGRAM_CHOICES),
                                               (_("Categories in force"), category_choices(today=today))]
        for name in ("crs_min", "crs_max"):
            placeholder = "0" if name == "crs_min" else str(CRS_MAX_TOTAL)
            self.fields[name].widget.attrs.update({"placeholder": placeholder})

    def clean(self):
        data = super().clean()
        low, high = data.get("crs_min"), data.get("crs_max")
        if low is not None and high is not None and low > high:
            self.add_error("crs_max", _("The upper bound of the CRS range is below its lower bound."))
        return data

    def filters(self) -> dict:
        """Keyword arguments for filter_client_ids: the valid fields only (a bad one is ignored)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {name: data[name] for name in self.fields
                if name not in self.errors and data.get(name) not in (None, "")}

    @property
    def sort_key(self) -> str:
        """The current sort ('name' by default), as the column headers' links read it."""
        return self.filters().get("sort", "name")


def category_q(slug: str, *, column: str, path: str = "assessment__") -> Q:
    """The stored assessment (reached by `path`) lists `slug` in `column` (categories / categories_check)."""
    if connection.vendor == "postgresql":
        return Q(**{f"{path}{column}__contains": [slug]})
    return Q(**{f"{path}{column}__icontains": f'"{slug}"'})


def filter_client_ids(ids: QuerySet, *, eligible_for: str = "", verdict: str = ELIGIBLE,
                      crs_min: int | None = None, crs_max: int | None = None, sort: str = "") -> QuerySet:
    """Narrow and order a list of client ids (clients.selectors.search_client_ids) by stored eligibility.

    A verdict without a program or category applies to none (eligible for what?). Without a
    sort the search's own order stays (by name, or the search's trigram-friendly order).
    """
    verdict = verdict or ELIGIBLE
    if eligible_for in dict(PROGRAM_CHOICES):
        ids = ids.filter(**{f"assessment__{eligible_for}_status": verdict})
    elif eligible_for:
        ids = ids.filter(category_q(eligible_for, column="categories" if verdict == ELIGIBLE
                                     else "categories_check"))
    if crs_min is not None:
        ids = ids.filter(assessment__crs_total__gte=crs_min)
    if crs_max is not None:
        ids = ids.filter(assessment__crs_total__lte=crs_max)
    if sort:
        key, descending = sort.removeprefix("-"), sort.startswith("-")
        if key == "deadline":
            open_statuses = apps.get_model("invitations", "Invitation").OPEN
            ids = ids.annotate(open_ita=FilteredRelation(
                "invitations", condition=Q(invitations__status__in=open_statuses)))
        # Deadlines: clients without an open ITA last either way. Scores keep the database's own
        # order for a missing one (a saved client always has one), so that PostgreSQL can walk the
        # score index (backwards for best first) and stop after a page, instead of sorting every
        # match (a category at 100,000 clients, best first: 190 ms -> 2 ms).
        nulls = {"nulls_last": True} if key == "deadline" else {}
        columns = [F(c).desc(**nulls) if descending else F(c).asc(**nulls) for c in SORTS[key]]
        ids = ids.order_by(*columns, "last_name", "first_name", "id")
    return ids


def open_deadlines(client_ids: list[int]) -> dict[int, dt.datetime]:
    """{client id: the deadline of their open ITA} for a page of the list (one query)."""
    invitation = apps.get_model("invitations", "Invitation")
    return dict(invitation.objects.filter(client_id__in=client_ids, status__in=invitation.OPEN)
                .values_list("client_id", "deadline_at"))


def counts_by_category(assessments: QuerySet, slugs: list[str]) -> dict[str, tuple[int, int]]:
    """{slug: (eligible, cannot be judged)} among stored `assessments`, in one aggregate query."""
    if not slugs:
        return {}
    aggregates = {}
    for n, slug in enumerate(slugs):
        aggregates[f"e{n}"] = Count("id", filter=category_q(slug, column="categories", path=""))
        aggregates[f"c{n}"] = Count("id", filter=category_q(slug, column="categories_check", path=""))
    row = assessments.order_by().aggregate(**aggregates)
    return {slug: (row[f"e{n}"], row[f"c{n}"]) for n, slug in enumerate(slugs)}
