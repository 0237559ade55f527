"""Keeping the portal's auth users in step with their access rows."""

from __future__ import annotations

from django.db.models.signals import post_delete
from django.dispatch import receiver

from portal.models import PortalAccess


@receiver(post_delete, sender=PortalAccess, dispatch_uid="portal.delete_portal_user")
def _delete_portal_user(sender, instance: PortalAccess, **kwargs) -> None:
    """A deleted client (or access) leaves no auth user behind that a token was ever signed for."""
    from django.contrib.auth import get_user_model

    get_user_model().objects.filter(pk=instance.user_id, username__startswith="portal-").delete()
