"""The round history page for consultants (IRCC data: the same for every firm)."""

from __future__ import annotations

import csv
import re
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_safe

from audit.services import spreadsheet_safe
from clients.counts import cache_get, cache_set
from config.fragments import FRAGMENT_SECONDS, fragment_key
from draws import selectors
from draws.forms import HistoryFilterForm


@login_required
@require_safe
def history(request):
    """Filterable table of rounds, CRS and invitations charts, latest round of each type, CSV.

    A bounded read whatever the history holds (draws.selectors): a page of the table, the
    newest CHART_MAX_ROUNDS rounds for the charts, the same number of queries. The same for every
    firm: the filter's choices and what is above and below the freshness banner are kept rendered
    in the cache under the rounds' version (selectors.rounds_version), the request's filter and
    page and the language; a request that finds them reads only the version. The banner, the
    navbar and its CSRF token are rendered for each request; a filter not understood (400) and the
    CSV are never cached.
    """
    version = selectors.rounds_version()
    page_asked = request.GET.get("page", "")
    asked = (version, request.GET.get("kind", ""), request.GET.get("year", ""), page_asked, bool(request.GET))
    cacheable = version is not None and (page_asked == "" or CACHEABLE_PAGE.fullmatch(page_asked))
    cached = cache_get(fragment_key("draws-history", asked)) if cacheable else None
    context: dict = {}
    if cached is None:
        context["latest"] = selectors.latest_round_of_each_kind()
        choices = (*selectors.kinds(context["latest"]), selectors.years_with_rounds())
    else:
        choices = cached["choices"]
    types, category_names, years = choices
    form = HistoryFilterForm(request.GET or None, types=types, category_names=category_names, years=years)
    context["form"] = form
    kind, year, status = "", None, 200
    if form.is_bound:
        if form.is_valid():
            kind, year = form.cleaned_data["kind"], form.cleaned_data["year"]
        else:
            status = 400
    rounds = selectors.rounds_for(kind=kind, year=year)
    if request.GET.get("format") == "csv" and status == 200:
        return _csv(rounds, kind=kind, year=year)
    if cached is None:
        charted = selectors.chart_rounds(rounds)
        page = selectors.table_page(rounds, charted, page_asked or None)
        context.update({
            "page": page,
            "count": page.paginator.count,
            "charted": len(charted),
            "query": urlencode({k: v for k, v in {"kind": kind, "year": year or ""}.items() if v}),
            "crs_chart": selectors.crs_chart(charted),
            "invitations_chart": selectors.invitations_chart(charted),
        })
        cached = {"choices": choices,
                  "head": render_to_string("draws/_history_head.html", context, request),
                  "body": render_to_string("draws/_history_body.html", context, request)}
        if cacheable and status == 200:
            cache_set(fragment_key("draws-history", asked), cached, FRAGMENT_SECONDS)
    fragments = {"head": mark_safe(cached["head"]), "body": mark_safe(cached["body"])}  # noqa: S308 - rendered here
    return render(request, "draws/history.html", {**context, "fragments": fragments}, status=status)


# Page numbers of the table worth keeping rendered (anything else is rendered, not kept).
CACHEABLE_PAGE = re.compile(r"[1-9][0-9]{0,3}")


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
