"""Extra panels of the client page, contributed by other apps (invitation timeline, reports...).

An app registers a panel in its AppConfig.ready():

    from clients.panels import register_client_panel
    register_client_panel("invitations/_client_timeline.html", context=timeline_context, order=10)

`context(request, client)` returns the partial's data (read through firm-scoped
selectors); the client page includes each panel, in order, in its `client_extra` block,
and the partial reads that data as `panel.context` (besides `client`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest

from clients.models import Client

PanelContext = Callable[[HttpRequest, Client], dict[str, Any]]


@dataclass(frozen=True)
class ClientPanel:
    template: str
    context: PanelContext | None = None
    order: int = 100


_PANELS: dict[str, ClientPanel] = {}


def register_client_panel(template: str, *, context: PanelContext | None = None, order: int = 100) -> None:
    """Add (or replace) a panel shown on every client page; idempotent per template name."""
    _PANELS[template] = ClientPanel(template=template, context=context, order=order)


def client_panels(request: HttpRequest, client: Client) -> list[dict[str, Any]]:
    """The registered panels with their context, in display order."""
    return [
        {"template": p.template, "context": p.context(request, client) if p.context else {}}
        for p in sorted(_PANELS.values(), key=lambda p: (p.order, p.template))
    ]
