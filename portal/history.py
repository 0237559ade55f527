"""Portal access under audit: every invitation, revocation and sign-in is kept with who and when.

Imported from PortalConfig.ready(); the owner's audit pages show these changes beside the
client's profile changes (audit.selectors), scoped through the access's client.
"""

from audit.history import audited
from portal.models import ItemNote, PortalAccess

audited(PortalAccess)
audited(ItemNote)
