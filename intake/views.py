"""Staff pages of fact changes: the review (diff, CRS and eligibility before and after), accept,
return; and the owner's intake link page.

Firm isolation first (clients_for: another firm's client or change is a 404), then the role
(clients.permissions: reviewing is editing the client, EDIT_CLIENTS; the intake link is a firm
setting, MANAGE_FIRM), then the method.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from clients.models import Client
from clients.permissions import EDIT_CLIENTS, MANAGE_FIRM, VIEW_CLIENTS, can, require, role_required
from clients.selectors import clients_for, consultants_for, membership_for
from eligibility.services import clients_with_facts
from intake import changes, services
from intake.diff import diff
from intake.forms import AcceptForm, QuestionnaireForms, ReturnForm
from intake.models import FactChange
from intake.preview import compare
from intake.selectors import LIST_ROWS, count_pending, link_of_firm, pending_changes


def _change_of(request: HttpRequest, pk: int, change_id: int) -> tuple[Client, FactChange]:
    client = get_object_or_404(clients_for(request.user), pk=pk)
    change = get_object_or_404(FactChange.objects.select_related("reviewed_by"), pk=change_id, client=client)
    return client, change


def _review_page(
    request: HttpRequest,
    client: Client,
    change: FactChange,
    *,
    return_form: ReturnForm | None = None,
    status: int = 200,
) -> HttpResponse:
    comparison, errors = None, []
    if change.is_pending:
        saved = clients_with_facts(Client.objects.filter(pk=client.pk)).get()
        fresh = Client.objects.select_related("spouse").get(pk=client.pk)
        before, after, profile = changes.bind(fresh, change.data)
        if profile.is_valid():
            comparison = compare(saved, profile)
        else:
            errors = services.form_errors(profile)
    else:
        profile = QuestionnaireForms(instance=client)
        before = change.before or changes.snapshot(client, profile)
        after = changes.apply(before, change.data)
    may_review = change.is_pending and can(request.user, EDIT_CLIENTS)
    return render(
        request,
        "intake/review.html",
        {
            "client": client,
            "change": change,
            "sections": diff(before, after, profile),
            "comparison": comparison,
            "errors": errors,
            "may_review": may_review,
            "return_form": return_form or ReturnForm(initial={"revision": change.revision}),
        },
        status=status,
    )


@login_required
@require_safe
def review(request: HttpRequest, pk: int, change_id: int) -> HttpResponse:
    """The change as a diff against the profile now, with the score and verdicts before and after."""
    client, change = _change_of(request, pk, change_id)
    return _review_page(request, client, change)


@login_required
@require_POST
def accept(request: HttpRequest, pk: int, change_id: int) -> HttpResponse:
    client, change = _change_of(request, pk, change_id)
    require(request.user, EDIT_CLIENTS)
    form = AcceptForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The review form was incomplete; review the change again."))
        return redirect("intake:review", pk=client.pk, change_id=change.pk)
    try:
        services.accept_change(change_id=change.pk, by=request.user, revision=form.cleaned_data["revision"])
    except services.ChangeRefused as exc:
        messages.error(request, str(exc))
        return redirect("intake:review", pk=client.pk, change_id=change.pk)
    messages.success(
        request, _("The changes were recorded in %(name)s's profile.") % {"name": client.full_name}
    )
    return redirect("clients:detail", pk=client.pk)


@login_required
@require_POST
def return_change(request: HttpRequest, pk: int, change_id: int) -> HttpResponse:
    client, change = _change_of(request, pk, change_id)
    require(request.user, EDIT_CLIENTS)
    form = ReturnForm(request.POST)
    if not form.is_valid():
        return _review_page(request, client, change, return_form=form)
    try:
        services.return_change(
            change_id=change.pk,
            by=request.user,
            revision=form.cleaned_data["revision"],
            note=form.cleaned_data["note"],
        )
    except services.ChangeRefused as exc:
        messages.error(request, str(exc))
        return redirect("intake:review", pk=client.pk, change_id=change.pk)
    messages.success(
        request, _("The changes were returned to %(name)s with your note.") % {"name": client.full_name}
    )
    return redirect("clients:detail", pk=client.pk)


@role_required(VIEW_CLIENTS)
@require_safe
def to_review(request: HttpRequest) -> HttpResponse:
    """The firm's fact changes waiting for review, oldest first (?scope=mine: the user's clients)."""
    mine = request.GET.get("scope") == "mine"
    consultant_id = request.user.pk if mine else None
    return render(
        request,
        "intake/to_review.html",
        {
            "changes": pending_changes(request.user, consultant_id=consultant_id),
            "total": count_pending(request.user, consultant_id=consultant_id),
            "mine": mine,
            "limit": LIST_ROWS,
        },
    )


@role_required(MANAGE_FIRM)
@require_http_methods(["GET", "POST"])
def intake_link(request: HttpRequest) -> HttpResponse:
    """The owner publishes, unpublishes or renews the firm's public intake link."""
    membership = membership_for(request.user)
    link = link_of_firm(request.user)
    consultants = list(consultants_for(request.user))
    if request.method == "POST":
        action = request.POST.get("action", "")
        chosen = next((u for u in consultants if str(u.pk) == request.POST.get("consultant", "")), None)
        if action not in ("publish", "unpublish", "rotate") or (action != "unpublish" and chosen is None):
            messages.error(request, _("Choose who receives the new prospects, then publish."))
        else:
            publish = action == "publish" or (action == "rotate" and link is not None and link.is_published)
            link = services.set_intake_link(
                firm=membership.firm,
                by=request.user,
                publish=publish,
                consultant=chosen,
                rotate=action == "rotate",
            )
            messages.success(
                request,
                {
                    "publish": _("The intake link is published."),
                    "unpublish": _("The intake link is unpublished."),
                    "rotate": _("The intake link has a new address; the old one no longer works."),
                }[action],
            )
            return redirect("intake:link")
    url = settings.SITE_URL + reverse("portal:intake", args=[link.token]) if link else ""
    return render(request, "intake/link.html", {"link": link, "url": url, "consultants": consultants})
