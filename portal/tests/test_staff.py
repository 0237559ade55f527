"""The staff side: invite from the client page (email in the client's language over real SMTP),
last sign-in shown, revoke; members of the client's firm only; every change audited."""

from __future__ import annotations

import pytest
from django.urls import reverse

from clients.tests.factories import ClientFactory, FirmFactory, member
from portal.access import SESSION_KEY
from portal.models import PortalAccess

pytestmark = pytest.mark.django_db


@pytest.fixture
def firm():
    return FirmFactory(name="Maple Route", email="office@maple-route.example", time_zone="America/Toronto")


@pytest.fixture
def consultant(firm):
    return member(firm, "consultant", first_name="Priya", last_name="Shah")


def _link(message) -> str:
    text = message.get_body(("plain",)).get_content()
    url = next(line.strip() for line in text.splitlines() if "/portal/sign-in/" in line)
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


@pytest.mark.parametrize(("language", "subject", "greeting"), [
    ("en", "Your sign-in link to Maple Route's client portal", "Dear Lea,"),
    ("fr", "Votre lien de connexion au portail client de Maple Route", "Bonjour Lea,"),
])
def test_invite_emails_a_link_in_the_clients_language_and_shows_the_last_sign_in(
    client, firm, consultant, smtp_server, language, subject, greeting
):
    lea = ClientFactory(firm=firm, consultant=consultant, first_name="Lea", email="lea@mail.example",
                        preferred_language=language)
    client.force_login(consultant)
    page = client.get(reverse("clients:detail", args=[lea.pk])).content.decode()
    assert "Invite to the portal" in page and "Not invited" in page

    response = client.post(reverse("portal_staff:invite", args=[lea.pk]), follow=True)
    assert "A sign-in link was sent to lea@mail.example." in response.content.decode()
    [message] = smtp_server.wait_for(1)
    assert message["Subject"] == subject and message["To"].addresses[0].addr_spec == "lea@mail.example"
    assert "office@maple-route.example" in message["From"] and message["Content-Language"] == language
    assert greeting in message.get_body(("plain",)).get_content()
    assert _link(message) in message.get_body(("html",)).get_content().replace("&amp;", "&")
    assert "Never" in client.get(reverse("clients:detail", args=[lea.pk])).content.decode()

    browser = client.__class__()
    assert browser.post(_link(message)).status_code == 302
    assert browser.session[SESSION_KEY]["client"] == lea.pk
    page = client.get(reverse("clients:detail", args=[lea.pk])).content.decode()
    assert 'id="portal-last-sign-in">Never' not in page and "Revoke portal access" in page
    assert PortalAccess.objects.get(client=lea).last_signed_in_at is not None


def test_an_assistant_invites_and_revokes_and_both_are_audited(client, firm, consultant, smtp_server):
    assistant = member(firm, "assistant")
    lea = ClientFactory(firm=firm, consultant=consultant, email="lea@mail.example")
    client.force_login(assistant)
    assert client.post(reverse("portal_staff:invite", args=[lea.pk])).status_code == 302
    smtp_server.wait_for(1)
    browser = client.__class__()
    assert browser.post(_link(smtp_server.messages[0])).status_code == 302
    assert browser.get("/portal/").status_code == 200

    response = client.post(reverse("portal_staff:revoke", args=[lea.pk]), follow=True)
    assert "Portal access revoked" in response.content.decode()
    assert browser.get("/portal/").status_code == 302  # the open session ended
    access = PortalAccess.objects.get(client=lea)
    assert not access.is_enabled and access.revoked_by == assistant
    history = list(access.history.order_by("history_date").values_list("history_user_id", "is_enabled"))
    assert history[0] == (assistant.pk, True) and history[-1] == (assistant.pk, False)
    assert len(history) == 3  # invited, signed in, revoked


def test_a_client_without_email_cannot_be_invited(client, firm, consultant, smtp_server):
    lea = ClientFactory(firm=firm, consultant=consultant, email="")
    client.force_login(consultant)
    page = client.get(reverse("clients:detail", args=[lea.pk])).content.decode()
    assert "Add the client's email address to invite them to the portal." in page
    response = client.post(reverse("portal_staff:invite", args=[lea.pk]), follow=True)
    assert "Add the client&#x27;s email address first" in response.content.decode()
    assert not PortalAccess.objects.exists() and smtp_server.messages == []


def test_another_firm_gets_404_and_nothing_changes(client, firm, consultant, smtp_server):
    lea = ClientFactory(firm=firm, consultant=consultant, email="lea@mail.example")
    client.force_login(member(FirmFactory(), "owner"))
    assert client.post(reverse("portal_staff:invite", args=[lea.pk])).status_code == 404
    assert client.post(reverse("portal_staff:revoke", args=[lea.pk])).status_code == 404
    assert not PortalAccess.objects.exists() and smtp_server.messages == []


def test_smtp_refusing_leaves_access_on_and_says_so(client, firm, consultant, smtp_server):
    lea = ClientFactory(firm=firm, consultant=consultant, email="lea@mail.example")
    smtp_server.stop()
    client.force_login(consultant)
    response = client.post(reverse("portal_staff:invite", args=[lea.pk]), follow=True)
    assert response.status_code == 200
    assert "the email could not be sent" in response.content.decode()
    assert PortalAccess.objects.get(client=lea).is_enabled


def test_deleting_the_client_deletes_its_portal_user(firm, consultant):
    from django.contrib.auth import get_user_model

    from portal.testing import grant_access

    lea = ClientFactory(firm=firm, consultant=consultant)
    user_id = grant_access(lea).user_id
    lea.delete()
    assert not get_user_model().objects.filter(pk=user_id).exists()


def test_a_note_on_a_document_shows_beside_it_in_the_portal_and_is_audited(client, firm, consultant):
    from invitations.tests.helpers import invited_client
    from portal.models import ItemNote
    from portal.testing import sign_in

    lea, invitation = invited_client(firm=firm, first_name="Lea")
    item = invitation.checklist.order_by("id").first()
    client.force_login(consultant)
    url = reverse("portal_staff:note", args=[lea.pk])
    text = "  A certified translation of every page.  "
    response = client.post(url, {"item": item.pk, "text": text}, follow=True)
    assert "Note saved" in response.content.decode()
    assert 'value="A certified translation of every page."' in response.content.decode()  # the notes page
    note = ItemNote.objects.get(item=item)
    assert note.text == "A certified translation of every page." and note.updated_by == consultant
    assert note.history.get().history_user == consultant

    browser = client.__class__()
    sign_in(browser, lea)
    html = browser.get("/portal/").content.decode()
    assert f'id="item-{item.pk}-note"' in html and "A certified translation of every page." in html

    too_long = client.post(url, {"item": item.pk, "text": "x" * 501}, follow=True)
    assert "500 characters at most" in too_long.content.decode()
    assert ItemNote.objects.get(item=item).text == "A certified translation of every page."
    assert "Note removed" in client.post(url, {"item": item.pk, "text": " "}, follow=True).content.decode()
    assert not ItemNote.objects.exists()


def test_a_note_on_another_clients_document_is_404(client, firm, consultant):
    from invitations.tests.helpers import invited_client
    from portal.models import ItemNote

    lea, _ = invited_client(firm=firm)
    _, other_invitation = invited_client(firm=firm)
    other_item = other_invitation.checklist.first()
    client.force_login(consultant)
    for item_value in (other_item.pk, "", "abc", "-1"):
        response = client.post(reverse("portal_staff:note", args=[lea.pk]), {"item": item_value, "text": "x"})
        assert response.status_code == 404, item_value
    assert not ItemNote.objects.exists()
