"""French pages write dates, counts and language levels as a francophone does."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.utils import timezone, translation

from clients.formatting import local_date
from config.tests.french_office import french_office
from config.tests.test_french_pages import visible_text


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


CAPITALISED_MONTH = re.compile(r"\b\d{1,2} (Jan|Fév|Mar|Avr|Mai|Jui|Aoû|Sep|Oct|Nov|Déc)\b")
PARENTHESISED_PLURAL = re.compile(r"\w\((s|es|ies)\)")


@pytest.mark.django_db
def test_french_pages_use_french_dates_plurals_and_nclc(client):
    office = french_office(clients=12)
    client.force_login(office.consultant)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    urls = {"client page": f"/clients/{office.client.pk}/", "report": f"/reports/{office.report.pk}/",
            "dashboard": "/"}
    texts = {}
    for page, url in urls.items():
        response = client.get(url)
        assert response.status_code == 200, page
        texts[page] = visible_text(response.content.decode())
    for page, text in texts.items():
        assert not CAPITALISED_MONTH.search(text), (page, CAPITALISED_MONTH.search(text))
        assert not PARENTHESISED_PLURAL.search(text), (page, PARENTHESISED_PLURAL.search(text))
        assert not re.search(r"\bCLB\b", text), page
        assert not re.search(r"\w: ", text.replace("https: ", "")), (page, re.search(r".{30}\w: .{10}", text))
    report = texts["report"]
    assert "NCLC" in report
    with translation.override("fr"):
        as_of = local_date(office.report.as_of).replace("\u00a0", " ")
    assert f"au {as_of}" in report or as_of in report
    months = r"(jan\.|fév\.|mars|avr\.|mai|juin|juil\.|août|sept\.|oct\.|nov\.|déc\.)"
    assert re.search(rf"\d{{1,2}}(er)? {months} \d{{4}}", texts["client page"])
    assert timezone.localdate().isoformat() not in report.split("Généré")[0]


@pytest.fixture(autouse=True)
def _english_afterwards():
    """A French request leaves French active in this thread; later tests expect English."""
    yield
    translation.activate("en")
