"""A client's access to the portal: the one row that says whether, since when and how they sign in."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from clients.models import Client


class PortalAccess(models.Model):
    """A client allowed to sign in to the portal with an emailed link.

    Sign-in links are django-sesame tokens, and django-sesame signs tokens for Django users, so
    each access carries an auth user of its own (`user`): no usable password, no firm
    membership, never logged in with Django's ``login()`` (a client session is a marker in the
    session, portal.access), so it can never open a staff page. The token signs that user's
    primary key, a hash of its (unusable, random) password and its ``last_login``: signing in
    sets ``last_login`` (single use), and revoking replaces the password (every unused link dies).
    """

    client = models.OneToOneField(Client, on_delete=models.CASCADE, related_name="portal_access",
                                  verbose_name=_("client"))
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                related_name="portal_access", editable=False)
    is_enabled = models.BooleanField(_("portal access"), default=True)
    invited_at = models.DateTimeField(_("invited at"))
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("invited by"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("revoked by"))
    last_signed_in_at = models.DateTimeField(_("last signed in"), null=True, blank=True)
    # Stored in each client session; revoking access bumps it, so every open session ends.
    session_version = models.PositiveIntegerField(_("session version"), default=1, editable=False)

    class Meta:
        verbose_name = _("portal access")
        verbose_name_plural = _("portal accesses")

    def __str__(self) -> str:
        return str(self.client)


NOTE_MAX_LENGTH = 500


class ItemNote(models.Model):
    """The consultant's note to the client on one checklist document, shown beside it in the portal
    ("a certified translation is needed", "the long-form certificate"). One per item; staff write it."""

    item = models.OneToOneField("invitations.ChecklistItem", on_delete=models.CASCADE,
                                related_name="client_note", verbose_name=_("document"))
    # The item's client, kept so the audit history is scoped to the client (audit.history.audited).
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="+", verbose_name=_("client"),
                               editable=False)
    text = models.TextField(_("note to the client"), max_length=NOTE_MAX_LENGTH)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("updated by"))

    class Meta:
        verbose_name = _("note to the client")
        verbose_name_plural = _("notes to the client")

    def __str__(self) -> str:
        return self.text[:60]
