"""The portal's pages: asking for a sign-in link, signing in and out, the client's home page."""

from __future__ import annotations

from functools import wraps

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.utils import translation
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from sesame import settings as sesame_settings

from portal import ratelimit, selectors, services
from portal.access import client_required, end_client_session, session_client_id
from portal.forms import LinkRequestForm
from portal.pages import render_portal
from portal.tasks import send_sign_in_links
from portal.tokens import link_minutes


def _refuse_staff(request: HttpRequest) -> None:
    """Staff never use the portal's pages: a 404, as for a page that does not exist."""
    if request.user.is_authenticated:
        raise Http404


@require_http_methods(["GET", "HEAD", "POST"])
def ask_link(request: HttpRequest) -> HttpResponse:
    """Enter an email address, receive a sign-in link: the same answer whether the address is known or not."""
    _refuse_staff(request)
    if session_client_id(request) is not None:
        return redirect("portal:home")
    form = LinkRequestForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        if not ratelimit.allow_link_request(request, email):
            status = 429
            form.add_error(None, _limit_message())
        else:
            # Looked up and sent by a worker: the answer takes no longer for a known address.
            send_sign_in_links.delay(email)
            return render_portal(request, "portal/link_sent.html",
                                 {"email": email, "link_minutes": link_minutes()})
    elif request.method == "POST":
        status = 400
    return render_portal(request, "portal/ask_link.html", {"form": form, "link_minutes": link_minutes()},
                         status=status)


def _limit_message() -> str:
    from django.utils.translation import gettext as _

    return _("Too many links were asked for this address or from this network. Please try again in an hour; "
             "the last link sent still works for %(minutes)s minutes.") % {"minutes": link_minutes()}


def _no_referrer(view):
    """The address carries a token: no request the page makes (stylesheets, forms) may send it on.

    `strict-origin`, not `no-referrer`: the Referer holds the origin only (never the path or the
    token), and the form's POST keeps its Origin header, which Django's CSRF check compares with
    the host. Under `no-referrer` a browser sends `Origin: null` and every POST is refused (403).
    """

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response = view(request, *args, **kwargs)
        response["Referrer-Policy"] = "strict-origin"
        return response

    return wrapped


@_no_referrer
@never_cache  # the address carries a token
@require_http_methods(["GET", "HEAD", "POST"])
def sign_in(request: HttpRequest, client_id: int) -> HttpResponse:
    """The link of a sign-in email. GET shows a button and uses nothing up (mail scanners open links
    before people do); the POST uses the link once and starts the client session."""
    _refuse_staff(request)
    token = request.GET.get(sesame_settings.TOKEN_NAME, "")
    if request.method == "POST":
        access = services.sign_in(request, client_id=client_id, token=token)
        if access is not None:
            response = redirect("portal:home")
            language = access.client.preferred_language
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME, language, max_age=settings.LANGUAGE_COOKIE_AGE,
                httponly=settings.LANGUAGE_COOKIE_HTTPONLY, samesite=settings.LANGUAGE_COOKIE_SAMESITE,
                secure=settings.LANGUAGE_COOKIE_SECURE)
            return response
    elif services.token_is_valid(client_id=client_id, token=token):
        return render_portal(request, "portal/sign_in.html", {"action": request.get_full_path()})
    # Expired, used, revoked, altered or another client's: one answer, with the way to a new link.
    return render_portal(request, "portal/link_invalid.html",
                  {"form": LinkRequestForm(), "link_minutes": link_minutes()}, status=410)


def sign_out(request: HttpRequest) -> HttpResponse:
    _refuse_staff(request)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    end_client_session(request)
    return redirect("portal:ask_link")


@client_required
@require_http_methods(["GET", "HEAD"])
def home(request: HttpRequest) -> HttpResponse:
    """The client's open invitations (round, deadline in the firm's time, days left, the checklist,
    overdue first), or, without one, who their consultant is and what happens next."""
    client = request.portal_client
    context = {"client": client, "firm": client.firm, "consultant": client.consultant,
               "invitations": selectors.portal_invitations(client),
               "language": translation.get_language()}
    return render_portal(request, "portal/home.html", context)


