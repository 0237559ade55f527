"""Django's SMTP backend, keeping the recipients the server refused when it accepted others.

smtplib's ``sendmail`` raises SMTPRecipientsRefused only when every recipient is refused; when
some are accepted it returns the refused ones, and Django's backend drops that answer, so a
reminder whose client address bounced at RCPT but whose consultant copy went out looked sent.
This backend keeps the answer on the message as ``refused_recipients`` ({address: (code, reply)})
for the sender to record (invitations.delivery).
"""

from __future__ import annotations

from django.core.mail.backends.smtp import EmailBackend as DjangoSmtpBackend


class EmailBackend(DjangoSmtpBackend):
    def _send(self, email_message) -> bool:
        email_message.refused_recipients = {}
        connection = self.connection
        if connection is None:
            return super()._send(email_message)
        sendmail = connection.sendmail

        def keeping_refusals(*args, **kwargs):
            refused = sendmail(*args, **kwargs) or {}
            email_message.refused_recipients = {
                address: (code, reply.decode(errors="replace") if isinstance(reply, bytes) else str(reply))
                for address, (code, reply) in refused.items()}
            return refused

        connection.sendmail = keeping_refusals
        try:
            return super()._send(email_message)
        finally:
            del connection.sendmail  # the instance attribute goes; the class's method is back
