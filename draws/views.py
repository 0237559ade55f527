"""The round history page for consultants (IRCC data: the same for every firm)."""

from __future__ import annotations

import csv
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from audit.services import spreadsheet_safe
from draws import selectors
from draws.forms import HistoryFilterForm


@login_required
@require_safe
def history(request):
    """Filterable table of rounds, CRS and invitations charts, latest round of each type, CSV."""
    draws = selectors.all_draws()
    types, category_names = selectors.kinds(draws)
    form = HistoryFilterForm(request.GET or None, types=types, category_names=category_names,
                             years=selectors.years(draws))
    kind, year, status = "", None, 200
    if form.is_bound:
        if form.is_valid():
            kind, year = form.cleaned_data["kind"], form.cleaned_data["year"]
        else:
            status = 400
    rows = selectors.filter_draws(draws, kind=kind, year=year)
    if request.GET.get("format") == "csv" and status == 200:
        return _csv(rows, kind=kind, year=year)
    query = urlencode({k: v for k, v in {"kind": kind, "year": year or ""}.items() if v})
    context = {
        "form": form,
        "page": Paginator(rows, 50).get_page(request.GET.get("page")),
        "count": len(rows),
        "query": query,
        "latest": selectors.latest_by_kind(draws),
        "crs_chart": selectors.crs_chart(rows),
        "invitations_chart": selectors.invitations_chart(rows),
    }
    return render(request, "draws/history.html", context, status=status)


def _csv(rows, *, kind: str, year: int | None) -> HttpResponse:
    parts = ["ircc-rounds", kind.replace("cat:", ""), str(year or "")]
    name = "-".join(p for p in parts if p)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    writer = csv.DictWriter(response, fieldnames=[*selectors.EXPORT_COLUMNS, "name"], lineterminator="\n")
    writer.writeheader()
    # For spreadsheets: a name typed in the admin or read from IRCC never runs as a formula.
    writer.writerows({k: spreadsheet_safe(v) for k, v in row.items()}
                     for row in selectors.export_rows(rows, with_name=True))
    return response
