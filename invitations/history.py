"""Invitations under audit (issue 6): every recording and status change is kept with who and when.

Imported from InvitationsConfig.ready(); the owner's audit pages show these changes with the
client's profile changes (audit.selectors), scoped through the invitation's client.
"""

from audit.history import audited
from invitations.models import Invitation

audited(Invitation)
