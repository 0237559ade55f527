"""What report templates and the JSON endpoint read from a stored Report (no recomputation)."""

from __future__ import annotations

from typing import Any

from eligibility import rules
from eligibility.models import Report
from eligibility.rules import verdict


def _with_status(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Program or category entries with their `status`: snapshots from before statuses existed
    get it from status.of() (the same reading as the engine had then)."""
    return [e if "status" in e else {**e, "status": verdict.of(e)} for e in entries]


def results_with_status(results: dict[str, Any]) -> dict[str, Any]:
    """A report's results with a status on every program and category (a copy; never saved)."""
    a = results["assessment"]
    return {
        **results,
        "programs": _with_status(results["programs"]),
        "categories": _with_status(results["categories"]),
        "assessment": {**a, "programs": {k: {**v, "status": verdict.of(v)} for k, v in a["programs"].items()},
                       "categories": _with_status(a["categories"])},
    }


def report_context(report: Report) -> dict[str, Any]:
    """Template context shared by the report page and the PDF."""
    results = results_with_status(report.results)
    consultant = report.client.consultant
    membership = getattr(consultant, "membership", None)
    backtest = results["backtest"]
    return {
        "report": report,
        "client": report.client,
        "firm": report.firm,
        "consultant": consultant,
        "rcic_number": membership.rcic_number if membership else "",
        "r": results,
        "assessment": results["assessment"],
        "crs": results["assessment"]["crs"],
        "crs_max": rules.CRS_MAX_TOTAL,
        "eligible_programs": [p for p in results["programs"] if p["eligible"]],
        "eligible_categories": [c for c in results["categories"] if c["eligible"]],
        "check_programs": [p for p in results["programs"] if p["status"] == verdict.CANNOT_JUDGE],
        "check_categories": [c for c in results["categories"] if c["status"] == verdict.CANNOT_JUDGE],
        "open_rounds": [r for r in backtest["rounds"] if r["open"]],
        # The engine keeps zero-point dates only when eligibility is lost or the profile expires.
        "lowering": [c for c in results["changes_ahead"] if c["delta"] <= 0],
        "raising": [c for c in results["changes_ahead"] if c["delta"] > 0],
        "documents_ahead": [d for d in results["documents"] if not d["expired"]],
    }


def report_sheet_parts(report: Report) -> tuple | None:
    """What the rendered report sheet shows besides the report's own (immutable) snapshot: the
    names read live through report_context's one query, and the categories' names (the cache
    token redrawn when a category is saved or deleted). Language and time zone: config.fragments.
    None when the cache does not answer (the sheet is then rendered, not kept)."""
    from draws.selectors import categories_token  # noqa: PLC0415 - apps.ready imports this module

    token = categories_token()
    if token is None:
        return None
    consultant, by = report.client.consultant, report.generated_by
    membership = getattr(consultant, "membership", None)
    return (
        report.pk, report.client.full_name, report.firm.name,
        consultant.get_full_name(), consultant.get_username(), membership.rcic_number if membership else "",
        by.get_full_name() if by else None, by.get_username() if by else None, token,
    )


def report_json_document(report: Report, *, url: str = "") -> dict[str, Any]:
    """The JSON for integrations: the snapshot's metadata, input facts and results."""
    return {
        "id": report.pk,
        "url": url,
        "client": {"id": report.client_id, "name": report.client.full_name},
        "firm": {"id": report.firm_id, "name": report.firm.name},
        "as_of": report.as_of.isoformat(),
        "rules": report.rules,
        "crs_total": report.crs_total,
        "generated_at": report.generated_at.isoformat(),
        "generated_by": report.generated_by.get_username() if report.generated_by else None,
        "facts": report.facts,
        "results": results_with_status(report.results),
    }


def client_reports_panel(request, client) -> dict[str, Any]:
    """Context of the reports panel on the client page: the client's latest reports."""
    from eligibility.selectors import client_reports  # noqa: PLC0415 - apps.ready imports this module

    return {"reports": list(client_reports(request.user, client)[:20])}


def client_summary_fragment(request, client) -> dict[str, Any]:
    """The client page's eligibility panel (eligibility.summary.client_summary_panel rendered with
    _client_summary_body.html), kept rendered in the cache (config.fragments) under everything it
    is computed from: the client's facts as the engine reads them (loaded with the page), today,
    the categories token (draws.selectors.categories_token: a category saved, deleted or its
    occupations changed), the occupations' titles and the stored score it is compared with.
    Nothing per-user is in it. Cache down: computed and rendered as before."""
    from django.template.loader import render_to_string  # noqa: PLC0415
    from django.utils import timezone  # noqa: PLC0415

    from config.fragments import cached_fragments  # noqa: PLC0415
    from draws.selectors import categories_token  # noqa: PLC0415
    from eligibility.services import facts_for  # noqa: PLC0415
    from eligibility.summary import client_summary_panel  # noqa: PLC0415 - apps.ready imports this module

    def render() -> dict[str, str]:
        panel = {"context": client_summary_panel(request, client)}
        return {"html": render_to_string("eligibility/_client_summary_body.html",
                                         {"panel": panel, "client": client}, request)}

    token = categories_token()
    if token is None:
        return render()
    stored = getattr(client, "assessment", None)
    parts = (client.pk, repr(facts_for(client)), timezone.localdate(), token,
             [(job.noc_id, job.noc.title) for job in client.jobs.all()],
             (stored.crs_total, stored.as_of) if stored else None)
    return cached_fragments("client-summary", parts, render)

