"""NOC 2021 titles in French on French pages (clients/noc.py, clients/data/noc-2021.csv title_fr).

The 516 unit groups carry their official CNP 2021 French titles; a French page shows them where
an English page shows the English title: the client page's jobs and certificate/job offer, the
qualifying occupation of a category, a report's category table (HTML and PDF). A code without a
French title falls back to the English one, with no error. In a table cell a title may break
after each '/' (<wbr>), which the long French titles need at 1024 px.
"""

from __future__ import annotations

import csv
from unittest import mock

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from clients.models import Noc
from clients.noc import NOC_CSV, french_titles, localized_title
from clients.tests.factories import ClientFactory, JobFactory

NURSES_EN = "Registered nurses and registered psychiatric nurses"
NURSES_FR = ("Infirmiers autorisés/infirmières autorisées et infirmiers psychiatriques "
             "autorisés/infirmières psychiatriques autorisées")
DEVELOPERS_EN = "Software developers and programmers"
DEVELOPERS_FR = "Développeurs/développeuses et programmeurs/programmeuses de logiciels"


def test_every_unit_group_of_the_noc_data_has_its_french_title():
    with NOC_CSV.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 516 == len({r["code"] for r in rows})
    assert [r["code"] for r in rows if not r["title_fr"].strip()] == []
    titles = french_titles()
    assert len(titles) == 516
    # A few official titles, and none left in English (a copied column would equal `title`).
    assert titles["00010"] == "Membres des corps législatifs"
    assert titles["31301"] == NURSES_FR and titles["21232"] == DEVELOPERS_FR
    same = [r["code"] for r in rows if r["title_fr"] == r["title"]]
    assert same == ["62200"]  # Chefs / Chefs: the same word in both languages


@pytest.mark.django_db
def test_the_noc_table_and_the_french_titles_name_the_same_unit_groups():
    assert set(Noc.objects.values_list("code", flat=True)) == set(french_titles())


def test_a_title_follows_the_active_language_and_falls_back_to_english():
    with translation.override("fr"):
        assert localized_title("31301", NURSES_EN) == NURSES_FR
        assert localized_title("99999", "Unknown code") == "Unknown code"
        with mock.patch.dict(french_titles(), clear=True):
            assert localized_title("31301", NURSES_EN) == NURSES_EN
    with translation.override("en"):
        assert localized_title("31301", NURSES_EN) == NURSES_EN


def test_the_report_filter_shows_a_stored_title_in_the_page_language_breakable_after_slashes():
    template = Template("{% load formatting %}{{ code|noc_title:title|slash_breaks }}")
    context = Context({"code": "21232", "title": DEVELOPERS_EN})
    with translation.override("fr"):
        assert template.render(context) == DEVELOPERS_FR.replace("/", "/<wbr>")
    with translation.override("en"):
        assert template.render(context) == DEVELOPERS_EN
    escaped = Template("{% load formatting %}{{ title|slash_breaks }}").render(Context({"title": "<b>a/b"}))
    assert escaped == "&lt;b&gt;a/<wbr>b"


def _text(response) -> str:
    return response.content.decode().replace("<wbr>", "")


@pytest.mark.django_db
def test_client_page_shows_the_jobs_french_titles_on_french_pages(logged_in, consultant):
    row = ClientFactory(firm=consultant.membership.firm, consultant=consultant, has_job_offer=True,
                        job_offer_noc_id="21232", job_offer_years=1)
    JobFactory(client=row, noc_id="31301")
    url = reverse("clients:detail", args=[row.pk])
    french = _text(logged_in.get(url, HTTP_ACCEPT_LANGUAGE="fr"))
    assert NURSES_FR in french and NURSES_EN not in french
    assert DEVELOPERS_FR in french and DEVELOPERS_EN not in french
    english = _text(logged_in.get(url, HTTP_ACCEPT_LANGUAGE="en"))
    assert NURSES_EN in english and NURSES_FR not in english
    assert DEVELOPERS_EN in english and DEVELOPERS_FR not in english


@pytest.mark.django_db
def test_client_page_falls_back_to_english_where_a_code_has_no_french_title(logged_in, consultant):
    row = ClientFactory(firm=consultant.membership.firm, consultant=consultant)
    JobFactory(client=row, noc_id="31301")
    titles = {code: title for code, title in french_titles().items() if code != "31301"}
    with mock.patch.dict(french_titles(), titles, clear=True):
        response = logged_in.get(reverse("clients:detail", args=[row.pk]), HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 200
    assert NURSES_EN in response.content.decode()
