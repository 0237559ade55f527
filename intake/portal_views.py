"""The client's side: the facts questionnaire (signed in) and a firm's public intake page.

The questionnaire is the staff profile forms without the staff-only fields
(intake.forms.QuestionnaireForms), prefilled with the profile, or with the pending change
when there is one. Submitting never changes the profile: it records a pending FactChange.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from clients.forms import NOC_LIST_ID
from clients.models import Client
from intake import changes, ratelimit, services
from intake.forms import IntakeExtraForm, QuestionnaireForms
from intake.selectors import changes_of, published_link
from portal.access import client_required
from portal.pages import render_portal


@client_required
@require_http_methods(["GET", "HEAD", "POST"])
def questionnaire(request: HttpRequest) -> HttpResponse:
    """The client's facts: the form, and where their last submission stands."""
    client = Client.objects.select_related("spouse").get(pk=request.portal_client.pk)
    latest = changes_of(client, limit=1)
    pending = latest[0] if latest and latest[0].is_pending else None
    status = 200
    if request.method == "POST":
        profile = QuestionnaireForms(instance=client, data=request.POST)
        if profile.is_valid():
            try:
                services.submit_change(client=client, profile=profile)
            except services.NothingChanged as exc:
                messages.info(request, str(exc))
            else:
                messages.success(
                    request,
                    _(
                        "Thank you. Your consultant will review your changes; "
                        "your file stays as it was until then."
                    ),
                )
                return redirect("portal:facts")
        else:
            messages.error(request, _("Your changes were not sent: correct the fields marked below."))
            status = 400
    elif pending is not None:
        _before, _after, profile = changes.bind(client, pending.data)
    else:
        profile = QuestionnaireForms(instance=client)
    return render_portal(
        request,
        "intake/questionnaire.html",
        {
            "profile": profile,
            "form": profile.client_form,
            "pending": pending,
            "last": latest[0] if latest and not latest[0].is_pending else None,
            "noc_titles": profile.titles,
            "noc_list_id": NOC_LIST_ID,
            "intake": False,
        },
        status=status,
    )


def _link_or_404(token: str):
    link = published_link(token)
    if link is None:
        raise Http404
    return link


@require_http_methods(["GET", "HEAD", "POST"])
def intake(request: HttpRequest, token: str) -> HttpResponse:
    """A firm's public questionnaire for prospects (anonymous). Unknown or unpublished: 404."""
    link = _link_or_404(token)
    status = 200
    data = request.POST if request.method == "POST" else None
    extra = IntakeExtraForm(data)
    profile = QuestionnaireForms(data=data, with_email=True)
    # A prospect reading the page in French is written to in French unless they choose otherwise.
    profile.client_form.initial["preferred_language"] = (get_language() or "en")[:2]
    if request.method == "POST":
        is_bot = not extra.is_valid() or bool(extra.cleaned_data["website"])
        # Counted: what would be stored (and the honeypot's bots), not a form sent back with errors.
        if (is_bot or profile.is_valid()) and not ratelimit.allow_submission(request, link):
            messages.error(
                request,
                _(
                    "Too many questionnaires were sent from your network in the last hour. "
                    "Please try again later, or contact the firm directly."
                ),
            )
            status = 429
        elif is_bot:
            return redirect("portal:intake_thanks", token=token)  # the same answer, nothing stored
        elif profile.is_valid():
            try:
                services.submit_intake(link=link, profile=profile)
            except services.ChangeRefused as exc:
                messages.error(request, str(exc))
                status = 503
            else:
                return redirect("portal:intake_thanks", token=token)
        else:
            messages.error(request, _("Your questionnaire was not sent: correct the fields marked below."))
            status = 400
    return render_portal(
        request,
        "intake/questionnaire.html",
        {
            "profile": profile,
            "form": profile.client_form,
            "extra": extra,
            "intake": True,
            "portal_firm": link.firm,
            "noc_titles": profile.titles,
            "noc_list_id": NOC_LIST_ID,
        },
        status=status,
    )


@require_safe
def intake_thanks(request: HttpRequest, token: str) -> HttpResponse:
    """The same page after every submission, known email or not, bot or not."""
    link = _link_or_404(token)
    return render_portal(request, "intake/intake_thanks.html", {"portal_firm": link.firm})
