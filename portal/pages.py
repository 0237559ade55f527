"""Rendering a portal page: what portal/base.html needs besides the page's own context."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from portal.access import SESSION_IDLE


def render_portal(
    request: HttpRequest, template: str, context: dict | None = None, *, status: int = 200
) -> HttpResponse:
    """Like django.shortcuts.render, for templates extending portal/base.html.

    Adds ``portal_client`` and ``portal_firm`` (set by client_required; None on the sign-in pages)
    and ``idle_minutes`` (the session's idle limit, said in the footer).
    """
    client = getattr(request, "portal_client", None)
    base = {"portal_client": client, "portal_firm": client.firm if client else None,
            "idle_minutes": int(SESSION_IDLE.total_seconds() // 60)}
    return render(request, template, {**base, **(context or {})}, status=status)
