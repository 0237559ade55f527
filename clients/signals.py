"""Signals other apps listen to, so that clients/ never imports them."""

from django.dispatch import Signal

# Sent inside the transaction of every write of a client's facts (clients.services.create_client
# and update_client, the admin's client form), after the client and all its facts are saved:
# keyword arguments `client` (the saved Client) and `by` (the user). Receivers: eligibility
# (the stored assessment, refreshed after the commit) and invitations (an open ITA's checklist).
# A receiver that raises rolls the whole edit back.
facts_saved = Signal()
