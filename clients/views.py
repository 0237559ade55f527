"""Consultant-facing client pages: list, client page, create/edit, delete.

Every client read goes through clients.selectors (firm-scoped) and every write
through clients.services; a client of another firm is a 404 on every URL.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import i18n
from django.views.decorators.http import require_http_methods, require_safe

from clients import services
from clients.counts import CachedCountPaginator
from clients.forms import NOC_LIST_ID, ClientFilterForm, ClientProfileForms
from clients.list_filters import ClientListFilterForm, filter_client_ids, open_deadlines
from clients.models import Client
from clients.panels import client_panels
from clients.permissions import can_create_client, can_delete_client
from clients.selectors import (
    SearchTooLong,
    SearchTooSlow,
    client_profiles_for,
    clients_for,
    clients_in_order,
    membership_for,
    search_client_ids,
    search_limit_message,
    search_slow_message,
    search_terms,
    search_time_limit,
)
from eligibility.rules import PARTNERED_STATUSES

CLIENTS_PER_PAGE = 50


def set_language(request: HttpRequest) -> HttpResponse:
    """The navbar's EN/FR switcher: Django's set_language (the cookie), and a member's choice
    kept on their membership, so the emails sent to them are in that language too."""
    response = i18n.set_language(request)
    if request.method == "POST":
        language = request.POST.get(i18n.LANGUAGE_QUERY_PARAMETER, "")
        services.set_member_language(user=request.user, language=language)
    return response


@login_required
@require_safe
def client_list(request: HttpRequest) -> HttpResponse:
    """The firm's clients: search, filters, 50 per page, stored CRS joined in (never recomputed)."""
    filter_form = ClientFilterForm(request.GET or None, user=request.user)
    filters = _bounded_search(request, filter_form)
    list_form = ClientListFilterForm(request.GET or None, today=timezone.localdate())
    list_filters = list_form.filters()
    try:
        with search_time_limit(enabled=bool(filters.get("q"))):
            page, clients = _list_page(request, filters, list_filters)
    except SearchTooSlow:
        messages.error(request, search_slow_message())
        filters.pop("q", None)
        page, clients = _list_page(request, filters, list_filters)
    deadlines = open_deadlines([c.pk for c in clients])
    for c in clients:
        c.open_deadline = deadlines.get(c.pk)
    return render(request, "clients/client_list.html", {
        "filter_form": filter_form, "list_form": list_form, "page": page, "clients": clients,
        "is_filtered": any(request.GET.get(k) for k in ("q", "consultant", "status", *list_form.fields)
                           if k != "sort"),
        "sort": list_form.sort_key, "can_create": can_create_client(request.user),
    })


def _list_page(request: HttpRequest, filters: dict, list_filters: dict) -> tuple:
    """The requested page of the list (its count cached per firm and filters) and its clients."""
    ids = filter_client_ids(search_client_ids(user=request.user, **filters), **list_filters)
    membership = membership_for(request.user)
    paginator = CachedCountPaginator(ids, CLIENTS_PER_PAGE, filters={**filters, **list_filters},
                                     firm_id=membership.firm_id if membership else None)
    page = paginator.get_page(request.GET.get("page"))
    return page, clients_in_order(request.user, list(page))


def _bounded_search(request: HttpRequest, filter_form: ClientFilterForm) -> dict:
    """The list's filters without a search past its bounds (the box's length, SEARCH_MAX_WORDS
    words): that search is ignored, with a message naming the field and the limits."""
    filters = filter_form.filters()
    try:
        search_terms(filters.get("q", ""))
        too_long = "q" in filter_form.errors
    except SearchTooLong:
        too_long = True
    if too_long:
        messages.error(request, search_limit_message())
        filters.pop("q", None)
    return filters


@login_required
@require_safe
def client_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The profile facts, with the panels other apps add (the live eligibility summary above them)."""
    client = get_object_or_404(client_profiles_for(request.user), pk=pk)
    summary_panels = client_panels(request, client, slot="summary")
    jobs = list(client.jobs.all())
    return render(request, "clients/client_detail.html", {
        "client": client, "summary_panels": summary_panels,
        "spouse": getattr(client, "spouse", None) if client.marital_status in PARTNERED_STATUSES else None,
        "educations": [e for e in client.educations.all() if not e.of_spouse],
        "spouse_educations": [e for e in client.educations.all() if e.of_spouse],
        "tests": [t for t in client.languagetests.all() if not t.of_spouse],
        "spouse_tests": [t for t in client.languagetests.all() if t.of_spouse],
        "jobs": sorted((j for j in jobs if not j.of_spouse), key=lambda j: j.start_on, reverse=True),
        "spouse_jobs": sorted((j for j in jobs if j.of_spouse), key=lambda j: j.start_on, reverse=True),
        "can_delete": can_delete_client(request.user),
        "panels": client_panels(request, client),
    })


def _profile_page(request: HttpRequest, profile: ClientProfileForms, *, client: Client | None,
                  name: str = "") -> HttpResponse:
    if request.method == "POST":
        messages.error(request, _("The client was not saved: correct the fields marked below."))
    return render(request, "clients/client_form.html", {
        "profile": profile, "form": profile.client_form, "client": client, "client_name": name,
        "noc_titles": profile.titles, "noc_list_id": NOC_LIST_ID,
    })


def _save(request: HttpRequest, profile: ClientProfileForms, *, client: Client | None) -> Client | None:
    """Validate and save through the service; None (with the errors on the forms) when it fails."""
    if not profile.is_valid():
        return None
    try:
        if client is None:
            return services.create_client(by=request.user, profile=profile)
        return services.update_client(by=request.user, client=client, profile=profile)
    except ValidationError as exc:
        for name, errors in exc.message_dict.items():
            profile.client_form.add_error(name if name in profile.client_form.fields else None, errors)
        return None


@login_required
@require_http_methods(["GET", "POST"])
def client_create(request: HttpRequest) -> HttpResponse:
    if not can_create_client(request.user):
        raise PermissionDenied(_("Your account does not belong to a firm."))
    profile = ClientProfileForms(user=request.user, data=request.POST if request.method == "POST" else None)
    if request.method == "POST" and (client := _save(request, profile, client=None)):
        messages.success(request, _("Client %(name)s created.") % {"name": client.full_name})
        return redirect("clients:detail", pk=client.pk)
    return _profile_page(request, profile, client=None)


@login_required
@require_http_methods(["GET", "POST"])
def client_edit(request: HttpRequest, pk: int) -> HttpResponse:
    client = get_object_or_404(clients_for(request.user).select_related("spouse"), pk=pk)
    name = client.full_name  # the form may change the instance before failing validation
    profile = ClientProfileForms(user=request.user, instance=client,
                                 data=request.POST if request.method == "POST" else None)
    if request.method == "POST" and (saved := _save(request, profile, client=client)):
        messages.success(request, _("Client %(name)s saved.") % {"name": saved.full_name})
        return redirect("clients:detail", pk=saved.pk)
    return _profile_page(request, profile, client=client, name=name)


@login_required
@require_http_methods(["GET", "POST"])
def client_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm (GET), then delete (POST); owners and consultants only."""
    client = get_object_or_404(clients_for(request.user), pk=pk)
    if not can_delete_client(request.user):
        raise PermissionDenied(_("Assistants cannot delete clients."))
    if request.method == "POST":
        name = client.full_name
        services.delete_client(by=request.user, client=client)
        messages.success(request, _("Client %(name)s deleted.") % {"name": name})
        return redirect("clients:list")
    return render(request, "clients/client_confirm_delete.html", {"client": client})
