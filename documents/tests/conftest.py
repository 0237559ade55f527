"""A firm with a client whose ITA is open, its checklist, and helpers to upload files."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

import pytest
from django.utils import timezone

from clients.tests.factories import ClientFactory, FirmFactory, member
from documents import services
from documents.storage import documents_storage
from documents.tests import samples
from documents.validation import Incoming
from invitations import services as invitation_services
from invitations.models import ChecklistItem
from tests.world import ensure_default_item_types


@dataclass
class Office:
    owner: object
    consultant: object
    assistant: object
    client: object
    invitation: object
    item: ChecklistItem
    other_item: ChecklistItem


def files(*pairs: tuple[str, bytes]) -> list[Incoming]:
    return [Incoming(name=name, size=len(data), file=io.BytesIO(data)) for name, data in pairs]


def upload(office: Office, *pairs, item=None, now=None):
    return services.upload_documents(client=office.client, item=item or office.item,
                                     files=files(*pairs or [("passport.pdf", samples.pdf())]), now=now)


def stored_keys() -> set[str]:
    """Every file in the documents storage (the local backend of the tests)."""
    storage = documents_storage()
    found: set[str] = set()
    folders, _files = storage.listdir("") if storage.exists("") else ([], [])
    for folder in folders:
        found |= {f"{folder}/{name}" for name in storage.listdir(folder)[1]}
    return found


@pytest.fixture
def office(db) -> Office:
    ensure_default_item_types()
    firm = FirmFactory(name="Maple Route Immigration", email="office@maple.example")
    owner = member(firm, "owner", first_name="Olivia", last_name="Owner")
    consultant = member(firm, "consultant", first_name="Priya", last_name="Shah")
    assistant = member(firm, "assistant")
    client = ClientFactory(firm=firm, consultant=consultant, first_name="Ana", last_name="Reyes",
                           email="ana@mail.example")
    now = timezone.now()
    invitation = invitation_services.record_invitation(
        client=client, issued_at=now - dt.timedelta(days=3), by=consultant, now=now)
    item, other_item = invitation.checklist.order_by("id")[:2]
    return Office(owner=owner, consultant=consultant, assistant=assistant, client=client,
                  invitation=invitation, item=item, other_item=other_item)


def sign_in_portal(django_client, client) -> None:
    """A live client session for `client` in the test client, as portal.access starts one."""
    import time

    from portal.access import SESSION_KEY
    from portal.models import PortalAccess
    from portal.services import new_portal_user

    access = PortalAccess.objects.filter(client=client).first() or PortalAccess.objects.create(
        client=client, user=new_portal_user(), invited_at=timezone.now())
    session = django_client.session
    now = int(time.time())
    session[SESSION_KEY] = {"client": client.pk, "version": access.session_version,
                            "started": now, "seen": now}
    session.save()
