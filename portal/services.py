"""The only writers of portal access: invite, revoke, sign in, send sign-in links.

Emails go out after the commit (claim, then act): the row says what was decided, and a failed
send never undoes an invitation; the staff page says the email could not be sent.
"""

from __future__ import annotations

import logging
import smtplib
import uuid

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from clients.models import Client
from clients.permissions import EDIT_CLIENTS, can
from portal import emails
from portal.access import start_client_session
from portal.models import NOTE_MAX_LENGTH, ItemNote, PortalAccess
from portal.tokens import make_token, user_for_token

log = logging.getLogger(__name__)

# One address may be shared by several client records (a family, or a client of two firms):
# a request for a link sends one email per portal-enabled client with that address, this many at most.
MAX_LINKS_PER_ADDRESS = 10


def _require_member(user, client: Client) -> None:
    """Invite and revoke: a member of the client's firm who edits clients (owner, consultant, assistant)."""
    membership = getattr(user, "membership", None)
    if membership is None or membership.firm_id != client.firm_id or not can(user, EDIT_CLIENTS):
        raise PermissionDenied(EDIT_CLIENTS)


def new_portal_user():
    """The auth user a sign-in token is signed for: no usable password, no firm, never a staff login."""
    user = get_user_model()(username=f"portal-{uuid.uuid4().hex}", is_active=True)
    user.set_unusable_password()
    user.save()
    return user


def invite(*, client: Client, by) -> tuple[PortalAccess, bool]:
    """Give `client` portal access (again, after a revocation) and email them a sign-in link.

    Returns the access and whether the email was handed to the mail server.
    Refused (ValidationError) when the client has no email address.
    """
    _require_member(by, client)
    if not client.email:
        raise ValidationError(_("Add the client's email address first: the sign-in link is sent there."))
    now = timezone.now()
    with transaction.atomic():
        access = PortalAccess.objects.select_for_update().filter(client=client).first()
        if access is None:
            access = PortalAccess(client=client, user=new_portal_user(), invited_at=now, invited_by=by)
            access._history_user = by  # the audit row's author, also outside a request
            access.save()
        else:
            access.is_enabled, access.invited_at, access.invited_by = True, now, by
            access.revoked_at = access.revoked_by = None
            access._history_user = by
            access.save(update_fields=["is_enabled", "invited_at", "invited_by", "revoked_at", "revoked_by"])
    access.client = client
    return access, send_sign_in_link(access)


def revoke(*, client: Client, by) -> PortalAccess | None:
    """End `client`'s portal access: every open session and every unused link stop working at once."""
    _require_member(by, client)
    with transaction.atomic():
        access = PortalAccess.objects.select_for_update().select_related("user").filter(client=client).first()
        if access is None or not access.is_enabled:
            return access
        access.is_enabled, access.revoked_at, access.revoked_by = False, timezone.now(), by
        access.session_version += 1  # the row is locked: no lost update
        access._history_user = by
        access.save(update_fields=["is_enabled", "revoked_at", "revoked_by", "session_version"])
        # A new random unusable password: the tokens signed over the old one no longer verify.
        access.user.set_unusable_password()
        access.user.save(update_fields=["password"])
    return access


def send_sign_in_link(access: PortalAccess) -> bool:
    """Email a fresh sign-in link to the access's client, in their language; False if SMTP refused."""
    message = emails.sign_in_message(access, token=make_token(access))
    try:
        message.send()
    except (smtplib.SMTPException, OSError) as exc:
        log.warning("sign-in link for client_id=%s not sent: %s", access.client_id, type(exc).__name__)
        return False
    return True


def send_links_to_address(email: str) -> int:
    """A fresh link to every portal-enabled client recorded with `email` (any case); how many were sent.

    Called by a Celery task, never in the request: the answer to "send me a link" takes the same
    time whether or not the address is known.
    """
    accesses = (
        PortalAccess.objects.select_related("client__firm", "user")
        .filter(is_enabled=True, client__email__iexact=email.strip())
        .order_by("client_id")[:MAX_LINKS_PER_ADDRESS]
    )
    return sum(send_sign_in_link(access) for access in accesses)


def token_is_valid(*, client_id: int, token: str) -> bool:
    """Whether the link would sign in now (the page before the button); uses nothing up."""
    return user_for_token(token, client_id=client_id) is not None


def sign_in(request: HttpRequest, *, client_id: int, token: str) -> PortalAccess | None:
    """Use a sign-in link once: on success the browser holds a new client session; else None.

    The access row is locked while the token is checked and used, so two requests with one
    link (a double click, a replay) cannot both sign in: the second sees the new last login.
    """
    with transaction.atomic():
        access = (PortalAccess.objects.select_for_update().select_related("client")
                  .filter(client_id=client_id, is_enabled=True).first())
        if access is None:
            return None
        user = user_for_token(token, client_id=client_id)
        if user is None or user.pk != access.user_id:
            return None
        now = timezone.now()
        user.last_login = now  # the token's one use (SESAME_ONE_TIME)
        user.save(update_fields=["last_login"])
        access.last_signed_in_at = now
        access.save(update_fields=["last_signed_in_at"])
    start_client_session(request, access)
    return access


def set_item_note(*, item, text: str, by) -> ItemNote | None:
    """Write (or, with empty text, remove) the consultant's note to the client on a checklist item.

    `item` must be one of a client of `by`'s firm (views look it up through clients_for);
    refused (ValidationError) over NOTE_MAX_LENGTH characters.
    """
    client = item.invitation.client
    _require_member(by, client)
    text = text.strip()
    if len(text) > NOTE_MAX_LENGTH:
        raise ValidationError(_("A note has %(max)s characters at most.") % {"max": NOTE_MAX_LENGTH})
    with transaction.atomic():
        note = ItemNote.objects.select_for_update().filter(item=item).first()
        if not text:
            if note is not None:
                note._history_user = by
                note.delete()
            return None
        if note is None:
            note = ItemNote(item=item, client=client)
        note.text, note.updated_by = text, by
        note._history_user = by
        note.save()
    return note
