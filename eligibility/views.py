"""Eligibility reports: generate (POST), read as a page, a PDF or JSON, compare two; dismiss alerts."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from clients.permissions import EDIT_CLIENTS, GENERATE_REPORTS, require
from clients.selectors import clients_for
from config.fragments import cached_fragments
from eligibility import reports, selectors, services
from eligibility.pdf import report_filename, report_pdf_bytes
from eligibility.presenters import (
    client_reports_panel,
    report_context,
    report_json_document,
    report_sheet_parts,
)


@login_required
@require_safe
def client_reports(request: HttpRequest, client_pk: int) -> HttpResponse:
    """A client's reports with the Generate button (the same partial the client page includes)."""
    client = get_object_or_404(clients_for(request.user), pk=client_pk)
    panel = {"context": client_reports_panel(request, client)}
    return render(request, "eligibility/client_reports.html", {"client": client, "panel": panel})


@login_required
def generate(request: HttpRequest, client_pk: int) -> HttpResponse:
    """POST: store a new report of the client and open it. Another firm's client is a 404
    whatever the method (the firm check comes first), then a role without GENERATE_REPORTS
    (assistants) is a 403, then a GET of one's own is a 405."""
    client = get_object_or_404(clients_for(request.user), pk=client_pk)
    require(request.user, GENERATE_REPORTS)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    report = services.generate_report(client=client, by=request.user)
    messages.success(request, _("Report generated for %(name)s.") % {"name": client.full_name})
    return redirect("eligibility:report", pk=report.pk)


def _report(request: HttpRequest, pk: int):
    qs = selectors.reports_for(request.user).select_related(
        "client", "client__consultant", "client__consultant__membership", "firm", "generated_by")
    return get_object_or_404(qs, pk=pk)


@login_required
@require_safe
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The stored report as a page. The sheet is kept rendered in the cache (config.fragments): a
    report never changes once generated, so its key names the report and every live value the
    sheet prints beside it (presenters.report_sheet_parts); the toolbar is rendered per request."""
    report = _report(request, pk)
    others = selectors.client_reports(request.user, report.client).exclude(pk=report.pk)[:10]
    context = {**report_context(report), "other_reports": others}

    def render_sheet() -> dict[str, str]:
        return {"sheet": render_to_string("eligibility/_report_sheet.html", context, request)}

    parts = report_sheet_parts(report)
    sheet = (cached_fragments("report-sheet", parts, render_sheet) if parts is not None
             else render_sheet())["sheet"]
    return render(request, "eligibility/report_detail.html", {**context, "sheet": sheet})


@login_required
@require_safe
def report_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report(request, pk)
    response = HttpResponse(report_pdf_bytes(report), content_type="application/pdf")
    disposition = "inline" if request.GET.get("inline") else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{report_filename(report)}"'
    return response


@login_required
@require_safe
def report_json(request: HttpRequest, pk: int) -> JsonResponse:
    report = _report(request, pk)
    return JsonResponse(report_json_document(report, url=request.build_absolute_uri(
        reverse("eligibility:report", args=[report.pk]))), json_dumps_params={"indent": 2})


@login_required
@require_safe
def report_compare(request: HttpRequest, pk: int, other_pk: int) -> HttpResponse:
    """Compare an earlier report (other_pk) with this one (pk): both of the same client."""
    report = _report(request, pk)
    other = get_object_or_404(selectors.reports_for(request.user).filter(client_id=report.client_id),
                              pk=other_pk)
    old, new = sorted([other, report], key=lambda r: (r.generated_at, r.pk))
    diff = reports.diff_reports(
        {"as_of": old.as_of.isoformat(), "rules": old.rules, "facts": old.facts, "results": old.results},
        {"as_of": new.as_of.isoformat(), "rules": new.rules, "facts": new.facts, "results": new.results},
    )
    return render(request, "eligibility/report_compare.html",
                  {"client": report.client, "old": old, "new": new, "diff": diff})


@login_required
@require_safe
def alerts(request: HttpRequest) -> HttpResponse:
    """The alerts of the user's clients (?mine=0: the whole firm's), newest first."""
    only_mine = request.GET.get("mine", "1") != "0"
    rows = list(selectors.alerts_for(request.user, only_mine=only_mine)[:200])
    return render(request, "eligibility/alerts.html", {"alerts": rows, "only_mine": only_mine})


@login_required
@require_POST
def dismiss_alert(request: HttpRequest, pk: int) -> HttpResponse:
    alert = get_object_or_404(selectors.alerts_for(request.user), pk=pk)
    require(request.user, EDIT_CLIENTS)
    services.dismiss_alert(alert=alert, by=request.user)
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        next_url = reverse("dashboard")
    # Not redirect(): it would try a bare word ("null") as a view name, a 500.
    return HttpResponseRedirect(next_url)
