"""The client list's table rows, built in one pass of Python: {% client_rows clients %}.

Here, beside the verdict badges it renders, not in clients/: clients/ imports nothing of the apps
above it but the engine's face (clients/tests/test_layering.py); its list template loads this library.

The list shows 50 rows of about forty template nodes each (a link, a filter per cell, the
status badge's include, the program badges' tags); rendered by the template engine they
were most of the page's time (about 2/3 of the client list at 100,000 clients). Here each
row is one format_html. The row's markup is written only here; the badges keep their own
templates (clients/_status_badge.html, eligibility/_verdict_badge.html), rendered once per
distinct value in a request and reused, so their markup still has one owner. Values are
shown exactly as the template engine shows them: escaped, dates in the current time zone
(date filter), a datetime localized in the current language (a plain {{ value }}).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

from django import template
from django.core.exceptions import ObjectDoesNotExist
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import dateformat, formats, timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from clients.templatetags.addresses import breakable_addresses
from eligibility.rules import CANNOT_JUDGE
from eligibility.templatetags.report_tags import program_short
from eligibility.templatetags.verdicts import check_categories_badge, verdict_badge

register = template.Library()

ROW = (
    '<tr>\n<td>\n<a class="fw-semibold text-decoration-none" href="{}">{}, {}</a>\n{}\n</td>\n'
    '<td class="small font-monospace">{}</td>\n<td>{}</td>\n<td>{}</td>\n<td class="text-end">\n{}\n</td>\n'
    '<td class="small text-nowrap">{}</td>\n<td class="client-programs">\n{}\n</td>\n'
    '<td class="small text-body-secondary text-nowrap" title="{}">{}</td>\n</tr>\n'
)
NONE_SHOWN = '<span class="text-body-secondary">—</span>'
EMAIL = '<div class="small text-body-secondary">{}</div>'
CRS = '<span class="crs-cell">{}</span>'
NONE_TEXT = '<span class="small text-body-secondary">{}</span>'
PROGRAM_BADGE = ('<span class="badge bg-success-subtle border border-success-subtle text-success-emphasis">'
                 '{}</span>')
PROGRAMS = ("fsw", "cec", "fstp")  # the eligible programs' badges, in the list's order


class _Memo(dict):
    """{key: value}, each value computed once by `make(key)` (per rendering of the list)."""

    def __init__(self, make: Callable[[Any], Any]):
        super().__init__()
        self.make = make

    def __missing__(self, key):
        value = self[key] = self.make(key)
        return value


def _assessment(client):
    try:
        return client.assessment
    except ObjectDoesNotExist:
        return None


def _day(local: dt.datetime) -> str:
    """{{ value|date:"Y-m-d" }} of a datetime already in the current time zone (Y, m, d: ISO)."""
    return local.date().isoformat()


@register.simple_tag
def client_rows(clients: Iterable) -> SafeString:
    """The <tr> of each client of a list page (clients_in_order, with `open_deadline` set)."""
    status_badge: dict[str, str] = {}  # by status
    consultant_name: dict[int | None, str] = {None: ""}  # by consultant id
    programs = _Memo(_programs_cell)  # by what the programs cell shows (a few combinations a page)
    zone = timezone.get_current_timezone()  # what the template engine shows an aware datetime in
    datetime_format = formats.get_format("DATETIME_FORMAT")  # {{ datetime }}, in the current language
    # One reverse for the page: the detail URL of a client is the same path with another id.
    before_id, after_id = reverse("clients:detail", args=[0]).rsplit("0", 1)
    rows = []
    for client in clients:
        if client.status not in status_badge:
            status_badge[client.status] = render_to_string("clients/_status_badge.html", {"client": client})
        if client.consultant_id not in consultant_name:
            consultant = client.consultant
            consultant_name[client.consultant_id] = escape(consultant.get_full_name() or consultant.username)
        assessment = _assessment(client)
        updated = client.updated_at.astimezone(zone)
        deadline = getattr(client, "open_deadline", None)
        rows.append(ROW.format(
            f"{before_id}{client.pk}{after_id}", escape(client.last_name), escape(client.first_name),
            EMAIL.format(breakable_addresses(client.email)) if client.email else "",
            escape(client.ee_profile_number or "—"),
            status_badge[client.status],
            consultant_name[client.consultant_id],
            CRS.format(escape(formats.localize(assessment.crs_total))) if assessment else NONE_SHOWN,
            _day(deadline.astimezone(zone)) if deadline else NONE_SHOWN,
            programs[_programs_key(assessment)],
            escape(dateformat.format(updated, datetime_format)), _day(updated),
        ))
    return mark_safe("".join(rows))  # noqa: S308 - every value escaped above, badges by their templates


def _programs_key(assessment) -> tuple | None:
    """What the programs cell shows of a stored assessment (None: no assessment, an empty cell)."""
    if assessment is None:
        return None
    return (tuple(code for code in PROGRAMS if getattr(assessment, code)), tuple(assessment.check_programs),
            tuple(assessment.categories_check))


def _programs_cell(key: tuple | None) -> str:
    """The programs cell: eligible programs in green, those and the categories that cannot be judged
    in amber, "none" when there is neither (nothing without a stored assessment)."""
    if key is None:
        return ""
    eligible, check, categories_check = key
    parts = [PROGRAM_BADGE.format(escape(program_short(code))) for code in eligible]
    parts += [render_to_string("eligibility/_verdict_badge.html",
                               verdict_badge(CANNOT_JUDGE, kind="program", label=program_short(code)))
              for code in check]
    if categories_check:
        parts.append(render_to_string("eligibility/_verdict_badge.html",
                                      check_categories_badge(list(categories_check))))
    if not eligible and not check:
        parts.append(NONE_TEXT.format(escape(gettext("none"))))
    return "\n".join(parts)
