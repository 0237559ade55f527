"""The email backend of `seed_demo`: emails kept in memory, printed one line each by the command.

Seeding sends real emails through the services (reminders due now, the demo round's
digests). Django's console backend would print each as MIME, base64 calendar attachments
included, burying the demo's logins; with this backend nothing leaves the process and
`seed_demo` prints who got what, then one digest as its recipient reads it.
"""

from __future__ import annotations

from django.core.mail.backends.base import BaseEmailBackend

BACKEND = "demo.email_backend.KeepEmailBackend"
sent: list = []  # the messages sent in this process, in order (seed_demo reads and clears it)


class KeepEmailBackend(BaseEmailBackend):
    """Keeps every message in `sent` (like Django's locmem backend, without the test outbox)."""

    def send_messages(self, email_messages) -> int:
        sent.extend(email_messages)
        return len(email_messages)


def one_line(message) -> str:
    """'email to a@x, cc b@y: Subject' — what the demo prints for each email."""
    cc = f", cc {', '.join(message.cc)}" if message.cc else ""
    return f"  email to {', '.join(message.to)}{cc}: {message.subject}"
