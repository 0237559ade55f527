"""Signals other apps listen to, so that clients/ never imports them."""

from django.dispatch import Signal

# Sent by clients.services.update_client inside its transaction, after the client and all its
# facts are saved: keyword arguments `client` (the saved Client) and `by` (the user).
# A receiver that raises rolls the whole edit back.
facts_saved = Signal()
