from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_safe


@login_required
@require_safe
def ping(request: HttpRequest) -> HttpResponse:
    """The benchmark's floor: the cheapest authenticated page (session + user, nothing else)."""
    return HttpResponse("ok", content_type="text/plain")
