"""The after-draw digest a consultant can act on: clients already invited or applied apart, and
absolute links (settings.SITE_URL) to the round, each client and the dashboard."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.utils.html import escape

from clients.models import Client
from draws import services
from draws.models import DrawDigest
from draws.tests.test_matching import _healthcare_round, people  # noqa: F401 - the shared cast

SITE = "https://desk.example"


@pytest.fixture
def site(settings):
    settings.SITE_URL = SITE
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def _send(draw) -> dict[str, object]:
    services.match_draw(draw_id=draw.pk)
    services.send_draw_digests(draw_id=draw.pk)
    return {m.to[0]: m for m in mail.outbox}


def test_a_client_already_invited_is_listed_apart_and_not_counted(people, site):  # noqa: F811
    Client.objects.filter(pk=people["Eligible"].pk).update(status=Client.Status.INVITED)
    draw = _healthcare_round(round_number="449")
    draw.save()
    by_to = _send(draw)
    # Ana's only match holds an ITA already: nothing to act on, so no digest; Ben's client is new.
    assert "ana@maple.example" not in by_to
    assert not DrawDigest.objects.filter(draw=draw, consultant=people["ana"]).exists()
    assert "1 of your clients would have been invited" in by_to["ben@maple.example"].subject


def test_the_digest_names_invited_and_applied_clients_apart(people, site):  # noqa: F811
    bens = people["Bensclient"]
    Client.objects.filter(pk=bens.pk).update(status=Client.Status.APPLIED)
    extra = Client.objects.get(pk=people["Eligible"].pk)
    extra.consultant = people["ben"]
    extra.save()
    draw = _healthcare_round(round_number="450")
    draw.save()
    message = _send(draw)["ben@maple.example"]
    text = message.body
    assert "1 of your clients would have been invited" in message.subject
    acting, apart = text.split("Already invited or applied, nothing to do (1):")
    assert "Eligible" in acting and "Bensclient" not in acting
    assert "Bensclient" in apart and "Eligible" not in apart


def test_every_link_of_the_digest_is_absolute_and_opens_the_page(people, site, client):  # noqa: F811
    draw = _healthcare_round(round_number="451")
    draw.save()
    message = _send(draw)["ana@maple.example"]
    text, html = message.body, message.alternatives[0][0]
    eligible = people["Eligible"]
    links = {
        "round": f"{SITE}/draws/?kind=cat%3Ahealthcare_social&year={draw.drawn_on.year}#round-451",
        "client": f"{SITE}/clients/{eligible.pk}/",
        "dashboard": f"{SITE}/",
    }
    for url in links.values():
        assert url in text and f'href="{escape(url)}"' in html
    client.force_login(people["ana"])
    for name, url in links.items():
        parts = urlsplit(url)
        response = client.get(f"{parts.path}?{parts.query}")
        assert response.status_code == 200, name
        if name == "round":
            assert 'id="round-451"' in response.content.decode()


def test_site_url_comes_from_the_environment_without_a_trailing_slash():
    import os
    import subprocess
    import sys

    code = "from django.conf import settings; print(settings.SITE_URL)"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "SITE_URL": "https://ita.example/"}
    out = subprocess.run([sys.executable, "-c", f"import django; django.setup(); {code}"], env=env,
                         capture_output=True, text=True, check=True, timeout=60)
    assert out.stdout.strip() == "https://ita.example"
