from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse


@login_required
def ping(request: HttpRequest) -> HttpResponse:
    """The benchmark's floor: the cheapest authenticated page (session + user, nothing else)."""
    return HttpResponse("ok", content_type="text/plain")
