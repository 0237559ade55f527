"""Test-only URLs: the real ones plus a view that edits a client and one that fails."""

from django.http import HttpResponse
from django.urls import path

from clients.selectors import clients_for
from config.urls import urlpatterns as real_urlpatterns


def rename_client(request, pk: int):
    client = clients_for(request.user).get(pk=pk)
    client.last_name = request.POST["last_name"]
    client.save()
    return HttpResponse("saved")


def broken(request):
    raise RuntimeError("lookup failed for ana.reyes@mail.example, phone +1 (416) 555-0199")


urlpatterns = [
    path("test/rename/<int:pk>/", rename_client),
    path("test/broken/", broken),
    *real_urlpatterns,
]
