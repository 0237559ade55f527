"""Test-only URLs: the real ones plus a view that edits a client and one that fails."""

from django.http import HttpResponse
from django.urls import path

from clients.models import Firm
from clients.selectors import clients_for
from config.urls import urlpatterns as real_urlpatterns


def rename_client(request, pk: int):
    client = clients_for(request.user).get(pk=pk)
    client.last_name = request.POST["last_name"]
    client.save()
    return HttpResponse("saved")


def half_save(request):
    """A buggy form view: saves a row, then answers as if the form were refused."""
    Firm.objects.create(name=request.POST.get("name", "").replace("\x00", "")[:200])
    return HttpResponse("please correct the errors below")


def broken(request):
    raise RuntimeError("lookup failed for ana.reyes@mail.example, phone +1 (416) 555-0199")


urlpatterns = [
    path("test/rename/<int:pk>/", rename_client),
    path("test/broken/", broken),
    path("test/half-save/", half_save),
    *real_urlpatterns,
]
