"""Celery tasks of the portal: thin; sending a link twice is harmless (each link is single use)."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="portal.tasks.send_sign_in_links", time_limit=120, soft_time_limit=100)
def send_sign_in_links(email: str) -> int:
    """Email a fresh sign-in link to each portal-enabled client recorded with `email`."""
    from portal import services

    return services.send_links_to_address(email)
