"""Extra panels of the client page, contributed by other apps (invitation timeline, reports...).

An app registers a panel in its AppConfig.ready():

    from clients.panels import register_client_panel
    register_client_panel("invitations/_client_timeline.html", context=timeline_context, order=10)

`context(request, client)` returns the partial's data (read through firm-scoped
selectors); the client page includes each panel, in order, in its slot, and the partial
reads that data as `panel.context` (besides `client`). Slots: "summary", above the recorded
facts (the eligibility summary: score, programs, categories), and "extra" (the default),
below them in the page's `client_extra` block.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest

from clients.models import Client

PanelContext = Callable[[HttpRequest, Client], dict[str, Any]]


SLOTS = ("summary", "extra")


@dataclass(frozen=True)
class ClientPanel:
    template: str
    context: PanelContext | None = None
    order: int = 100
    slot: str = "extra"


_PANELS: dict[str, ClientPanel] = {}


def register_client_panel(template: str, *, context: PanelContext | None = None, order: int = 100,
                          slot: str = "extra") -> None:
    """Add (or replace) a panel shown on every client page; idempotent per template name."""
    if slot not in SLOTS:
        raise ValueError(f"unknown client page slot {slot!r} (one of {', '.join(SLOTS)})")
    _PANELS[template] = ClientPanel(template=template, context=context, order=order, slot=slot)


def client_panels(request: HttpRequest, client: Client, *, slot: str = "extra") -> list[dict[str, Any]]:
    """The panels registered for a slot of the client page, with their context, in display order."""
    return [
        {"template": p.template, "context": p.context(request, client) if p.context else {}}
        for p in sorted(_PANELS.values(), key=lambda p: (p.order, p.template)) if p.slot == slot
    ]
