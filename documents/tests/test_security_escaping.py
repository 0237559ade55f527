"""Security review: what a client writes (names, file names) is text on every staff and portal page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from documents.tests import samples
from documents.tests.conftest import upload
from portal.testing import sign_in

pytestmark = pytest.mark.django_db

PAYLOAD = '<img src=x onerror=alert(1)>'
ESCAPED = "&lt;img src=x onerror=alert(1)&gt;"


def test_hostile_client_and_file_names_are_escaped_everywhere(client, office):
    office.client.first_name = PAYLOAD
    office.client.save(update_fields=["first_name"])
    [document] = upload(office, (f"{PAYLOAD}.pdf", samples.pdf()))
    client.force_login(office.consultant)
    pages = [
        reverse("clients:detail", args=[office.client.pk]),
        reverse("documents:review", args=[office.client.pk, document.pk]),
        reverse("documents:to_review"),
        reverse("dashboard"),
        reverse("portal_staff:notes", args=[office.client.pk]),
    ]
    for url in pages:
        body = client.get(url).content.decode()
        assert PAYLOAD not in body, url
        if url == pages[0]:
            assert ESCAPED in body  # the name is there, as text
    client.logout()
    sign_in(client, office.client)
    for url in (reverse("portal:home"), reverse("portal:documents:list"),
                reverse("portal:documents:item", args=[office.item.pk])):
        response = client.get(url)
        assert response.status_code == 200, url
        assert PAYLOAD not in response.content.decode(), url
    download = client.get(reverse("portal:documents:download", args=[document.pk]))
    assert "\n" not in download["Content-Disposition"] and "attachment" in download["Content-Disposition"]
