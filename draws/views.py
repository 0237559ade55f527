"""The round history page for consultants (IRCC data: the same for every firm)."""

from __future__ import annotations

import csv
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from audit.services import spreadsheet_safe
from draws import selectors
from draws.forms import HistoryFilterForm


@login_required
@require_safe
def history(request):
    """Filterable table of rounds, CRS and invitations charts, latest round of each type, CSV.

    A bounded read whatever the history holds (draws.selectors): a page of the table, the
    newest CHART_MAX_ROUNDS rounds for the charts, the same number of queries.
    """
    latest = selectors.latest_round_of_each_kind()
    types, category_names = selectors.kinds(latest)
    form = HistoryFilterForm(request.GET or None, types=types, category_names=category_names,
                             years=selectors.years_with_rounds())
    kind, year, status = "", None, 200
    if form.is_bound:
        if form.is_valid():
            kind, year = form.cleaned_data["kind"], form.cleaned_data["year"]
        else:
            status = 400
    rounds = selectors.rounds_for(kind=kind, year=year)
    if request.GET.get("format") == "csv" and status == 200:
        return _csv(rounds, kind=kind, year=year)
    page = Paginator(rounds, selectors.PAGE_SIZE).get_page(request.GET.get("page"))
    charted = selectors.chart_rounds(rounds)
    context = {
        "form": form,
        "page": page,
        "count": page.paginator.count,
        "charted": len(charted),
        "query": urlencode({k: v for k, v in {"kind": kind, "year": year or ""}.items() if v}),
        "latest": latest,
        "crs_chart": selectors.crs_chart(charted),
        "invitations_chart": selectors.invitations_chart(charted),
    }
    return render(request, "draws/history.html", context, status=status)


class _Echo:
    """A file-like object whose write() hands the line back, for csv.writer in a streamed response."""

    def write(self, value: str) -> str:
        return value


def _csv(rounds, *, kind: str, year: int | None) -> StreamingHttpResponse:
    """Every round of the filter, streamed: the one part of the page that reads the whole history."""
    parts = ["ircc-rounds", kind.replace("cat:", ""), str(year or "")]
    name = "-".join(p for p in parts if p)
    writer = csv.DictWriter(_Echo(), fieldnames=[*selectors.EXPORT_COLUMNS, "name"], lineterminator="\n")

    def lines():
        yield writer.writeheader()
        for d in rounds.defer("distribution").iterator(chunk_size=2000):
            # For spreadsheets: a name typed in the admin or read from IRCC never runs as a formula.
            row = selectors.export_row(d, with_name=True)
            yield writer.writerow({k: spreadsheet_safe(v) for k, v in row.items()})

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response
