"""One firm with every role and one object of every kind, and a second firm: the security tests' world.

    world = build_world()
    world.users["assistant"], world.client, world.report, world.invitation, world.item, world.alert

The firm's client carries a name no other object has (SECRET), so a page of another user can
be searched for it: it must never appear to the other firm or to a user without a firm.
"""

from __future__ import annotations

import datetime as dt
import importlib
from dataclasses import dataclass, field

from django.apps import apps
from django.contrib.auth import get_user_model
from django.utils import timezone

from clients.models import Client
from clients.tests.factories import (
    ClientFactory,
    EducationFactory,
    FirmFactory,
    JobFactory,
    LanguageTestFactory,
    member,
)
from documents.models import Document
from documents.tests.samples import upload_for
from draws.models import Draw
from draws.tests.factories import DrawFactory
from eligibility.models import Alert, Report
from eligibility.services import generate_report
from intake.models import FactChange, IntakeLink
from intake.services import set_intake_link
from intake.testing import submit as submit_facts
from invitations import services as invitation_services
from invitations.models import ChecklistItem, ChecklistItemType, Invitation
from portal.testing import grant_access as grant_portal_access

SECRET = "Zyxwvutsecret"
ROLES = ("owner", "consultant", "assistant", "staff", "anonymous", "other_firm")


@dataclass
class World:
    users: dict[str, object | None]
    client: Client
    other_client: Client  # of the other firm
    report: Report
    earlier_report: Report
    invitation: Invitation
    item: ChecklistItem
    alert: Alert
    draw: Draw
    extra: dict = field(default_factory=dict)
    # Another client of the same firm, with portal access like `client` (the portal's role matrix).
    same_firm_client: Client | None = None
    # The client's pending fact change (a diff of every kind) and the firm's published intake link.
    fact_change: FactChange | None = None
    intake_link: IntakeLink | None = None
    # A file the client sent for `item`, waiting for review (the documents pages).
    document: Document | None = None


def ensure_default_item_types() -> None:
    """The default checklist types come from a data migration; a transactional test's flush removes them."""
    if not ChecklistItemType.objects.filter(firm=None).exists():
        importlib.import_module("invitations.migrations.0002_default_checklist_types").create(apps, None)


def build_world(*, first_name: str = SECRET, last_name: str = "Reyes") -> World:
    """Firm A (owner, consultant, assistant) with a scored client, two reports, an open invitation
    with its checklist and an alert; a staff user without a firm; firm B's owner and client."""
    ensure_default_item_types()
    firm = FirmFactory(name="Maple Route Immigration", time_zone="America/Toronto")
    owner = member(firm, "owner", username="olivia", first_name="Olivia", last_name="Owner")
    consultant = member(firm, "consultant", username="priya", first_name="Priya", last_name="Shah")
    assistant = member(firm, "assistant", username="adam", first_name="Adam", last_name="Assistant")
    staff = get_user_model().objects.create_user("stella", password="x-pass-1234", is_staff=True)
    other_firm = FirmFactory(name="Other Firm")
    other_owner = member(other_firm, "owner", username="oscar")
    other_client = ClientFactory(firm=other_firm, consultant=other_owner, first_name="Otto")

    client = ClientFactory(firm=firm, consultant=consultant, first_name=first_name, last_name=last_name)
    EducationFactory(client=client)
    LanguageTestFactory(client=client)
    JobFactory(client=client)
    earlier = generate_report(client=client, by=consultant)
    report = generate_report(client=client, by=consultant)
    now = timezone.now()
    draw = DrawFactory(round_number="9001", drawn_on=timezone.localdate() - dt.timedelta(days=3))
    invitation = invitation_services.record_invitation(
        client=client, issued_at=now - dt.timedelta(days=3), by=consultant, now=now)
    item = invitation.checklist.order_by("id").first()
    alert = Alert.objects.create(
        firm=firm, client=client, consultant=consultant, kind=Alert.Kind.SCORE_CHANGE,
        key="world", data={"old": 480, "new": 470}, raised_on=timezone.localdate(),
    )
    same_firm_client = ClientFactory(firm=firm, consultant=consultant, first_name="Sibyl", last_name="Reyes")
    for portal_client in (client, same_firm_client):
        grant_portal_access(portal_client)
    new_job = {"noc": "21232", "country": "PH", "employer": "Accenture Inc. (Philippines)",
               "start_on": "2019-01-07", "end_on": "2023-05-31", "hours_per_week": "40", "is_paid": "on"}
    fact_change = submit_facts(client, phone="+1 604 555 0199", has_sibling_in_canada="on", **{
        "languagetests-0-reading": "8", "educations-0-DELETE": "on", "jobs-TOTAL_FORMS": "2",
        **{f"jobs-1-{name}": value for name, value in new_job.items()}})
    intake_link = set_intake_link(firm=firm, by=owner, publish=True, consultant=consultant)
    return World(
        users={"owner": owner, "consultant": consultant, "assistant": assistant, "staff": staff,
               "anonymous": None, "other_firm": other_owner},
        client=client, other_client=other_client, report=report, earlier_report=earlier,
        invitation=invitation, item=item, alert=alert, draw=draw, same_firm_client=same_firm_client,
        fact_change=fact_change, intake_link=intake_link,
        document=upload_for(client, item, "passport-scan.pdf"),
    )


def login_as(django_client, world: World, role: str):
    """Log the test client in as `role` (anonymous: logged out); returns the user or None."""
    user = world.users[role]
    django_client.logout()
    if user is not None:
        django_client.force_login(user)
    return user
