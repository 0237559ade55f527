"""The portal's email: a sign-in link, in the client's language, from the firm."""

from __future__ import annotations

from email.utils import formataddr

from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation

from invitations.emails import LANGUAGES, one_line, sender_for
from portal import links
from portal.access import SESSION_IDLE
from portal.models import PortalAccess
from portal.tokens import link_minutes


def sign_in_message(access: PortalAccess, *, token: str, connection=None) -> EmailMultiAlternatives:
    """The sign-in email: the link (single use, valid SESAME_MAX_AGE), and how to ask for another."""
    client = access.client
    language = client.preferred_language if client.preferred_language in LANGUAGES else "en"
    context = {
        "client": client, "firm": client.firm, "consultant": client.consultant,
        "sign_in_url": links.sign_in_url(access, token=token), "portal_url": links.portal_url(),
        "link_minutes": link_minutes(), "idle_minutes": int(SESSION_IDLE.total_seconds() // 60),
    }
    with translation.override(language):
        subject = render_to_string(f"portal/email/{language}/sign_in_subject.txt", context)
        text = render_to_string(f"portal/email/{language}/sign_in.txt", context)
        html = render_to_string(f"portal/email/{language}/sign_in.html", context)
    msg = EmailMultiAlternatives(
        subject=one_line(subject), body=text, from_email=sender_for(client),
        to=[formataddr((client.full_name, client.email))],
        headers={"Content-Language": language, "Auto-Submitted": "auto-generated"},
        connection=connection,
    )
    msg.attach_alternative(html, "text/html")
    return msg
