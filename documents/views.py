"""A client's documents for the firm (/clients/<pk>/documents/): download, accept or return.

The client is read through ``clients_for(user)`` (another firm's client is a 404), then the role
(clients.permissions: VIEW_CLIENTS to download, EDIT_CLIENTS to review).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from clients.permissions import EDIT_CLIENTS, MANAGE_REMINDER_SCHEDULE, VIEW_CLIENTS, require, role_required
from clients.selectors import clients_for, membership_for
from documents import selectors, services
from documents.forms import RetentionForm, ReviewForm
from documents.models import Document
from documents.responses import attachment


@login_required
@require_safe
def staff_download(request: HttpRequest, client_pk: int, pk: int) -> HttpResponse:
    """A client's file for a member of their firm (any role that reads the client)."""
    client = get_object_or_404(clients_for(request.user), pk=client_pk)
    require(request.user, VIEW_CLIENTS)
    document = get_object_or_404(Document, client=client, pk=pk)
    response = attachment(document)
    services.record_download(document=document, by_user=request.user)
    return response


@login_required
@require_http_methods(["GET", "POST"])
def review(request: HttpRequest, client_pk: int, pk: int) -> HttpResponse:
    """Accept or return (with a reason) a file waiting for review; the client is emailed once."""
    client = get_object_or_404(clients_for(request.user), pk=client_pk)
    require(request.user, EDIT_CLIENTS)
    document = get_object_or_404(Document.objects.select_related("item", "reviewed_by"), client=client, pk=pk)
    form = ReviewForm(request.POST or None, initial={"decision": request.GET.get("decision")})
    if request.method == "POST" and form.is_valid():
        accept = form.cleaned_data["decision"] == ReviewForm.ACCEPT
        try:
            services.review_document(document=document, by=request.user, accept=accept,
                                     reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            form.add_error(None, exc)  # a "reason" error lands on its field
        else:
            messages.success(request, (_("%(name)s accepted; the client is told by email.") if accept
                                       else _("%(name)s returned; the client is told by email."))
                             % {"name": document.original_name})
            return redirect(reverse("clients:detail", args=[client.pk]) + "#documents")
    return render(request, "documents/review.html", {"client": client, "document": document, "form": form},
                  status=400 if request.method == "POST" else 200)


@role_required(MANAGE_REMINDER_SCHEDULE)
@require_http_methods(["GET", "POST"])
def retention(request: HttpRequest) -> HttpResponse:
    """Owner only: how long the firm keeps uploaded files after an application closes.

    The form also sits on the reminder settings page (documents_tags); it posts here, and a
    refused value comes back on this page with its field message.
    """
    firm = membership_for(request.user).firm
    form = RetentionForm(request.POST or None, initial={"keep_days_after_close": services.keep_days(firm)})
    if request.method == "POST" and form.is_valid():
        services.set_keep_days(firm=firm, days=form.cleaned_data["keep_days_after_close"], by=request.user)
        messages.success(request, _("Retention saved: files are deleted %(days)s days after an application "
                                    "closes.") % {"days": form.cleaned_data["keep_days_after_close"]})
        return redirect(reverse("invitations:settings") + "#documents-retention")
    return render(request, "documents/retention.html", {"form": form, "firm": firm},
                  status=400 if request.method == "POST" else 200)


@role_required(VIEW_CLIENTS)
@require_safe
def to_review(request: HttpRequest) -> HttpResponse:
    """The firm's documents waiting for review, oldest first (?scope=mine: the user's clients): 2 queries."""
    membership = membership_for(request.user)
    mine = request.GET.get("scope") == "mine"
    scope = {"firm_id": membership.firm_id, "consultant_id": request.user.pk if mine else None}
    return render(request, "documents/to_review.html", {
        "documents": selectors.documents_to_review(**scope), "total": selectors.count_to_review(**scope),
        "mine": mine, "limit": selectors.PANEL_ROWS,
    })
