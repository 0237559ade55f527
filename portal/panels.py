"""The client page's portal panel (registered in PortalConfig.ready): access, last sign-in, buttons."""

from __future__ import annotations

from django.http import HttpRequest

from clients.models import Client
from clients.permissions import EDIT_CLIENTS, can
from portal.models import PortalAccess


def client_panel_context(request: HttpRequest, client: Client) -> dict:
    """One query: the client's access row, if any (the notes have their own page: staff_views.notes)."""
    return {
        "access": PortalAccess.objects.filter(client=client).first(),
        "can_manage": can(request.user, EDIT_CLIENTS),
    }
