"""Thin views: parse the request, call a selector or a service, render."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from clients.models import Client
from clients.permissions import (
    EDIT_CLIENTS,
    MANAGE_REMINDER_SCHEDULE,
    RECORD_INVITATIONS,
    VIEW_CLIENTS,
    can,
    role_required,
)
from clients.selectors import clients_for, membership_for
from draws.models import Draw
from invitations import checklist_services, clock, selectors, services
from invitations.checklist import display_label, item_types_for, type_name
from invitations.forms import (
    AddChecklistItemForm,
    ChecklistItemForm,
    ItemTypeFormSet,
    RecordInvitationForm,
    ReminderOffsetsForm,
    StatusForm,
)
from invitations.models import ChecklistItem, Invitation


def section_context(request: HttpRequest, client: Client, *, record_form=None, status_form=None,
                    item_form=None, item_pk=None, add_item_form=None) -> dict:
    """Everything the client page section shows, in a fixed number of queries."""
    membership = membership_for(request.user)
    zone = clock.firm_zone(membership.firm)
    now = timezone.now()
    today = now.astimezone(zone).date()
    invitations = selectors.client_invitations(request.user, client)
    current = invitations[0] if invitations else None
    items = list(current.checklist.all()) if current else []
    for item in items:
        item.overdue = item.is_overdue(today)
    may_record = can(request.user, RECORD_INVITATIONS)
    can_record = may_record and (current is None or not current.is_open)
    with timezone.override(zone):
        if can_record and record_form is None:
            record_form = RecordInvitationForm(today=today, initial=_record_initial(request, now=now))
    return {
        "client": client, "invitation": current, "history": invitations[1:], "zone": str(zone),
        "days_left": current.days_left_at(now, zone) if current else None,
        "reminders": list(current.reminders.all()) if current else [], "items": items,
        "overdue_count": sum(1 for i in items if i.overdue) if current and current.is_open else 0,
        "record_form": record_form if can_record else None,
        "status_form": (status_form or StatusForm(current=current.status))
        if may_record and current and current.is_open else None,
        "can_edit_items": can(request.user, EDIT_CLIENTS),
        "add_item_form": (add_item_form or AddChecklistItemForm(initial={"start_by": today}))
        if current and current.is_open and can(request.user, EDIT_CLIENTS) else None,
        "item_form": item_form, "item_pk": item_pk, "item_statuses": ChecklistItem.Status.choices,
        "next": f"{request.get_full_path()}#ita", "today": today,
    }


def _record_initial(request: HttpRequest, *, now) -> dict:
    """The record form's first values: now, or the round named by ?draw= (the dashboard's "Record ITA").

    A round IRCC dated to the minute gives its time; any other is issued now. An unknown or
    malformed id is ignored (the form's own list decides which rounds can be chosen).
    """
    initial = {"issued_at": timezone.localtime(now)}
    draw_id = request.GET.get("draw", "")
    draw = Draw.objects.filter(pk=int(draw_id)).first() if draw_id.isdigit() and len(draw_id) < 10 else None
    if draw is not None:
        initial["draw"] = draw.pk
        if draw.drawn_at is not None:
            initial["issued_at"] = timezone.localtime(draw.drawn_at)
    return initial


def _back(request: HttpRequest, client: Client) -> HttpResponse:
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                       require_https=request.is_secure()):
        return HttpResponseRedirect(target)  # not redirect(): a bare word would be tried as a view name
    return redirect(reverse("clients:detail", args=[client.pk]) + "#ita")


def _invalid(request: HttpRequest, client: Client, **forms) -> HttpResponse:
    context = section_context(request, client, **forms)
    context["next"] = request.POST.get("next", "")
    return render(request, "invitations/client.html", context, status=400)


@role_required(VIEW_CLIENTS)
@require_safe
def client_page(request: HttpRequest, client_pk: int) -> HttpResponse:
    """The invitation section on a page of its own (the client page includes the same partial)."""
    client = get_object_or_404(clients_for(request.user), pk=client_pk)
    return render(request, "invitations/client.html", section_context(request, client))


@role_required(RECORD_INVITATIONS)
@require_POST
def record(request: HttpRequest, client_pk: int) -> HttpResponse:
    client = get_object_or_404(clients_for(request.user).select_related("firm"), pk=client_pk)
    zone = clock.firm_zone(client.firm)
    with timezone.override(zone):
        form = RecordInvitationForm(request.POST, today=timezone.localdate())
        valid = form.is_valid()
    if valid:
        try:
            services.record_invitation(client=client, issued_at=form.cleaned_data["issued_at"],
                                       draw=form.cleaned_data["draw"], by=request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Invitation recorded; the checklist and reminders are scheduled."))
            return _back(request, client)
    return _invalid(request, client, record_form=form)


@role_required(RECORD_INVITATIONS)
@require_POST
def change_status(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = get_object_or_404(selectors.invitations_for(request.user).select_related("client"), pk=pk)
    form = StatusForm(request.POST, current=invitation.status)
    if form.is_valid():
        try:
            services.change_status(invitation=invitation, status=form.cleaned_data["status"],
                                   submitted_on=form.cleaned_data["submitted_on"], by=request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Invitation status updated."))
            return _back(request, invitation.client)
    return _invalid(request, invitation.client, status_form=form)


@role_required(EDIT_CLIENTS)
@require_POST
def update_item(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(selectors.checklist_items_for(request.user).select_related("invitation__client"),
                             pk=pk)
    form = ChecklistItemForm(request.POST)
    if form.is_valid():
        try:
            checklist_services.update_checklist_item(item=item, status=form.cleaned_data["status"],
                                           received_on=form.cleaned_data["received_on"], by=request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Checklist saved: %(document)s.") % {"document": display_label(item)})
            return _back(request, item.invitation.client)
    return _invalid(request, item.invitation.client, item_form=form, item_pk=item.pk)


@role_required(EDIT_CLIENTS)
@require_POST
def add_item(request: HttpRequest, pk: int) -> HttpResponse:
    """A document added by hand to an open invitation's checklist."""
    invitation = get_object_or_404(selectors.invitations_for(request.user).select_related("client"), pk=pk)
    form = AddChecklistItemForm(request.POST)
    if form.is_valid():
        try:
            checklist_services.add_checklist_item(invitation=invitation, label=form.cleaned_data["label"],
                                        start_by=form.cleaned_data["start_by"], by=request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Document added to the checklist."))
            return _back(request, invitation.client)
    return _invalid(request, invitation.client, add_item_form=form)


@role_required(VIEW_CLIENTS)
@require_safe
def overview(request: HttpRequest) -> HttpResponse:
    """The firm's open invitations by deadline, with overdue checklist items flagged."""
    zone = clock.firm_zone(membership_for(request.user).firm)
    now = timezone.now()
    today = now.astimezone(zone).date()
    rows = list(selectors.open_invitations(request.user, today=today))
    for inv in rows:
        inv.days_left = inv.days_left_at(now, zone)
    return render(request, "invitations/overview.html", {
        "rows": rows, "zone": str(zone),
        "overdue": list(selectors.overdue_items(request.user, today=today)[:50]),
    })


@role_required(MANAGE_REMINDER_SCHEDULE)
def firm_settings(request: HttpRequest) -> HttpResponse:
    """Owner only: the reminder schedule and the checklist's document types."""
    firm = membership_for(request.user).firm
    types = item_types_for(firm)
    initial_types = [{"key": t.key, "name": type_name(t), "rule": t.rule, "lead_time_days": t.lead_time_days,
                      "is_active": t.is_active} for t in types]
    offsets_form = ReminderOffsetsForm(
        initial={"offsets": ", ".join(str(d) for d in services.reminder_offsets(firm))})
    formset = ItemTypeFormSet(initial=initial_types, prefix="types")
    status = 200
    if request.method == "POST" and "save_offsets" in request.POST:
        offsets_form = ReminderOffsetsForm(request.POST)
        if offsets_form.is_valid():
            services.set_reminder_offsets(firm=firm, offsets=offsets_form.cleaned_data["offsets"],
                                          by=request.user)
            messages.success(request, _("Reminder schedule saved; open invitations follow it from now on."))
            return redirect("invitations:settings")
        status = 400
    elif request.method == "POST" and "save_types" in request.POST:
        formset = ItemTypeFormSet(request.POST, initial=initial_types, prefix="types")
        if formset.is_valid():
            rows = [dict(f.cleaned_data, position=(n + 1) * 10)
                    for n, f in enumerate(formset.forms) if f.cleaned_data]
            checklist_services.save_item_types(firm=firm, rows=rows, by=request.user)
            messages.success(request, _("Checklist documents saved; new invitations use them."))
            return redirect("invitations:settings")
        status = 400
    return render(request, "invitations/settings.html", {
        "offsets_form": offsets_form, "formset": formset, "firm": firm,
        "open_count": Invitation.objects.filter(client__firm=firm, status__in=Invitation.OPEN).count(),
        "settings_url": reverse("invitations:settings"),
    }, status=status)
