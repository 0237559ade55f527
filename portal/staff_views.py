"""The staff side of the portal, on the client page: invite a client, send a new link, revoke access.

Order, as everywhere (clients/permissions.py): firm isolation (another firm's client is a 404),
then the role (EDIT_CLIENTS: owners, consultants and assistants; else 403), then the method.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from clients.permissions import EDIT_CLIENTS, require
from clients.selectors import clients_for
from invitations.models import ChecklistItem, Invitation
from portal import services
from portal.models import NOTE_MAX_LENGTH


def _client_for(request: HttpRequest, pk: int):
    client = get_object_or_404(clients_for(request.user).select_related("firm", "consultant"), pk=pk)
    require(request.user, EDIT_CLIENTS)
    return client


@login_required
def invite(request: HttpRequest, pk: int) -> HttpResponse:
    """Give the client portal access (or send a new link) and email them a sign-in link."""
    client = _client_for(request, pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        _access, sent = services.invite(client=client, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("clients:detail", pk=client.pk)
    if sent:
        messages.success(request, _("A sign-in link was sent to %(email)s.") % {"email": client.email})
    else:
        messages.warning(request, _("Portal access is on, but the email could not be sent. "
                                    "Try again in a few minutes."))
    return redirect("clients:detail", pk=client.pk)


@login_required
def revoke(request: HttpRequest, pk: int) -> HttpResponse:
    """End the client's portal access: open sessions and unused links stop working at once."""
    client = _client_for(request, pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    access = services.revoke(client=client, by=request.user)
    if access is not None:
        messages.success(request, _("Portal access revoked: the client is signed out and their links "
                                    "no longer work."))
    return redirect("clients:detail", pk=client.pk)


@login_required
def notes(request: HttpRequest, pk: int) -> HttpResponse:
    """The open invitation's checklist with the consultant's note to the client on each document."""
    client = _client_for(request, pk)
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    items = (ChecklistItem.objects.filter(invitation__client=client, invitation__status__in=Invitation.OPEN)
             .select_related("client_note").order_by("start_by", "id"))
    return render(request, "portal/staff_notes.html",
                  {"client": client, "items": items, "note_max_length": NOTE_MAX_LENGTH})


@login_required
def note(request: HttpRequest, pk: int) -> HttpResponse:
    """The consultant's note to the client on one document of the client's checklist."""
    client = _client_for(request, pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        item_id = int(request.POST.get("item", ""))
    except ValueError:
        item_id = 0
    item = get_object_or_404(ChecklistItem.objects.select_related("invitation__client"),
                             invitation__client=client, pk=item_id)
    try:
        saved = services.set_item_note(item=item, text=request.POST.get("text", ""), by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("portal_staff:notes", pk=client.pk)
    messages.success(request, _("Note saved: the client sees it beside the document.") if saved
                     else _("Note removed."))
    return redirect("portal_staff:notes", pk=client.pk)
