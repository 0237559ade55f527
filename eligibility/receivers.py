"""How eligibility follows the ground floor's writes: clients/ sends signals and never imports this app.

clients.signals.facts_saved (sent by every write of a client's facts: the services and the
admin) refreshes the client's stored assessment, a deliberate cache, once the transaction has
committed; EligibilityConfig.ready connects the receiver.
"""

from __future__ import annotations

import logging

from django.db import transaction

logger = logging.getLogger(__name__)


def _refresh_assessment(client_id: int) -> None:
    """Recompute the stored assessment; a failure must not undo a saved profile, so it is logged."""
    from eligibility.services import refresh_assessments  # noqa: PLC0415 - apps.ready imports this module

    try:
        refresh_assessments([client_id])
    except Exception:
        logger.exception("could not refresh the stored assessment of client %s", client_id)


def schedule_assessment_refresh(client_id: int) -> None:
    """Refresh the client's stored assessment once the current transaction commits (once per save,
    however many facts changed)."""
    transaction.on_commit(lambda: _refresh_assessment(client_id))


def refresh_on_facts_saved(sender, *, client, **kwargs) -> None:
    """clients.signals.facts_saved receiver: the saved client's stored assessment follows."""
    schedule_assessment_refresh(client.pk)
