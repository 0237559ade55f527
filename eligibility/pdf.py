"""The printable report: the same sections as the page, rendered by WeasyPrint."""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.text import slugify
from django.utils.translation import pgettext

from eligibility.models import Report
from eligibility.presenters import report_context


def report_pdf_bytes(report: Report) -> bytes:
    """The report as a PDF document (A4/Letter-neutral margins, page numbers, client name)."""
    from weasyprint import HTML  # noqa: PLC0415 - heavy import, only when a PDF is asked for

    html = render_to_string("eligibility/report_pdf.html", report_context(report))
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


def report_filename(report: Report) -> str:
    """In the report's language (the page's): "eligibility-report-ana-reyes-2026-11-25.pdf",
    "rapport-admissibilite-ana-reyes-2026-11-25.pdf"."""
    prefix = slugify(pgettext("PDF file name", "eligibility-report")) or "eligibility-report"
    return f"{prefix}-{slugify(report.client.full_name)}-{report.as_of.isoformat()}.pdf"
