from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from clients.selectors import clients_for


@login_required
def dashboard(request):
    clients = clients_for(request.user)
    return render(request, "clients/dashboard.html", {"client_count": clients.count()})


@login_required
def client_list(request):
    clients = clients_for(request.user).select_related("consultant")[:50]
    return render(request, "clients/client_list.html", {"clients": clients})
