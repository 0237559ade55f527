"""One format for dates, money and counts, in the page's language (clients.formatting)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.template import Context, Template
from django.utils import translation

from clients.formatting import local_date, money, total

NB = "\u00a0"


@pytest.mark.parametrize(("language", "day", "expected"), [
    ("fr", dt.date(2026, 12, 15), f"15{NB}déc. 2026"),
    ("fr", dt.date(2026, 12, 1), f"1er{NB}déc. 2026"),
    ("fr", dt.date(2026, 8, 7), f"7{NB}août 2026"),
    ("fr", dt.date(2026, 2, 3), f"3{NB}fév. 2026"),
    ("en", dt.date(2026, 12, 15), "Dec 15, 2026"),
    ("en", dt.date(2026, 8, 1), "Aug 1, 2026"),
])
def test_dates_follow_the_pages_language(language, day, expected):
    with translation.override(language):
        assert local_date(day) == expected


def test_french_never_capitalises_an_abbreviated_month():
    with translation.override("fr"):
        text = Template('{% load formatting %}{{ d|local_date }} · {{ d|local_date:"MONTH_DAY_FORMAT" }} · '
                        '{{ d|date }}').render(Context({"d": dt.date(2026, 8, 7)}))
    assert "Aoû" not in text and "Déc" not in text
    assert text == f"7{NB}août 2026 · 7{NB}août · 7 août 2026"


def test_datetimes_are_shown_in_the_current_time_zone():
    moment = dt.datetime(2026, 12, 15, 3, 30, tzinfo=dt.UTC)  # 22:30 the day before in Toronto
    with translation.override("en"):
        template = Template('{% load formatting tz %}{% timezone "America/Toronto" %}'
                            '{{ m|local_date:"DATETIME_FORMAT" }}{% endtimezone %}')
        text = template.render(Context({"m": moment}))
    assert text == "Dec 14, 2026, 22:30"


@pytest.mark.parametrize(("language", "value", "as_money", "as_total"), [
    ("en", 25000, f"CAD{NB}25,000", "25,000"),
    ("fr", 25000, f"25{NB}000{NB}$", f"25{NB}000"),
    ("en", "1,200", f"CAD{NB}1,200", "1,200"),
    ("fr", "1,200", f"1{NB}200{NB}$", f"1{NB}200"),
    ("fr", "2.5", f"2,5{NB}$", "2,5"),
])
def test_money_and_totals_have_one_format_per_language(language, value, as_money, as_total):
    with translation.override(language):
        assert money(value) == as_money
        assert total(value) == as_total


def test_nothing_to_show_stays_empty():
    assert local_date(None) == money(None) == total("") == ""


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "funds", "residence", "job_country"), [
    ("fr", f"25{NB}000{NB}$", "Inde, Émirats arabes unis", "Philippines"),
    ("en", f"CAD{NB}25,000", "India, United Arab Emirates", "Philippines"),
])
def test_client_page_shows_money_and_countries_by_name_in_the_pages_language(
    client, settings, django_assert_max_num_queries, language, funds, residence, job_country
):
    from clients.tests.factories import ClientFactory, JobFactory

    applicant = ClientFactory(settlement_funds_cad=25000, residence_countries="IN, ae")
    JobFactory(client=applicant, country="PH")
    client.force_login(applicant.consultant)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    with django_assert_max_num_queries(16):  # the client page's budget (test_client_pages)
        html = client.get(f"/clients/{applicant.pk}/").content.decode()
    translation.activate("en")
    assert funds in html and residence in html and f"<td>{job_country}</td>" in html
    assert "25000 CAD" not in html and "IN, ae" not in html


@pytest.mark.django_db
def test_every_page_has_the_favicon(client):
    from clients.tests.factories import member

    client.force_login(member())
    html = client.get("/").content.decode()
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in html
    from django.contrib.staticfiles import finders

    assert finders.find("favicon.svg")


def test_a_label_and_its_colon_follow_french_typography():
    template = Template("{% load formatting %}Âge{% colon %} 31")
    with translation.override("fr"):
        assert template.render(Context()) == f"Âge{NB}: 31"
    with translation.override("en"):
        assert template.render(Context()) == "Âge: 31"


@pytest.mark.parametrize(("language", "heads", "first_title"), [
    ("en", ["L", "R", "W", "S"], "listening"),
    ("fr", ["CO", "CE", "EE", "EO"], "compréhension de l’oral"),
])
def test_a_language_tests_score_columns_are_headed_in_the_pages_language(language, heads, first_title):
    """French test reports head the four scores CO CE EE EO, not the English L R W S."""
    import re

    with translation.override(language):
        html = Template("{% load formatting %}{% ability_headers %}").render(Context())
    assert re.findall(r"<abbr[^>]*>([^<]+)</abbr>", html) == heads
    assert re.findall(r'title="([^"]+)"', html)[0].replace("&#x27;", "’").replace("'", "’") == first_title
