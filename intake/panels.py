"""The client page's panel of fact changes: the pending one to review, the latest reviewed ones."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from clients.models import Client
from intake.models import FactChange
from intake.selectors import changes_of


def changes_panel(request: HttpRequest, client: Client) -> dict[str, Any]:
    """Context of intake/_client_changes.html (the client comes from a firm-scoped read)."""
    changes = changes_of(client)
    return {
        "pending": next((c for c in changes if c.status == FactChange.Status.PENDING), None),
        "reviewed": [c for c in changes if c.status != FactChange.Status.PENDING][:3],
    }
