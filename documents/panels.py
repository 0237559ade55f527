"""The client page's "Documents" panel: what the client sent, to review first (clients.panels)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from clients.models import Client
from clients.permissions import EDIT_CLIENTS, can
from documents import selectors


def client_panel_context(request: HttpRequest, client: Client) -> dict[str, Any]:
    """The client's documents, those waiting for review first, and whether the user may review: 1 query."""
    documents = selectors.client_documents(client)
    return {
        "documents": documents,
        "to_review": sum(d.status == d.Status.TO_REVIEW for d in documents),
        "can_review": can(request.user, EDIT_CLIENTS),
    }
