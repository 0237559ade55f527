"""Fact changes under audit: each submission, acceptance and return is a history row (who, when, what).

Accepting also records the profile's own changes (clients.history), since it saves through
clients.services like the staff edit form.
"""

from audit.history import audited
from intake.models import FactChange

audited(FactChange)
