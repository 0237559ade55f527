"""The round history's cached fragments (config.fragments): never stale, never anyone's own.

The page's title, filters, latest rounds, charts and table are kept rendered under the rounds'
version; every way a round or a category changes shows at the next visit, each language has its
own fragments, and the navbar, its CSRF token and the freshness banner are rendered per request.
"""

from __future__ import annotations

import io
import json
import re
from datetime import date

import pytest
from django.core.management import call_command
from django.urls import reverse

from clients.tests.factories import member
from draws import views
from draws.models import Category, Draw
from draws.tests.factories import DrawFactory, category
from draws.tests.test_history import DATA

pytestmark = pytest.mark.django_db
URL = reverse("draws:history")


@pytest.fixture
def consultant_client(client):
    client.force_login(member(first_name="Camille", last_name="Roy"))
    return client


def _table_row(html: str, round_number: str) -> str:
    match = re.search(rf'<tr id="round-{round_number}">(.*?)</tr>', html, re.S)
    assert match, f"round {round_number} is not in the table"
    return match.group(1)


def test_a_second_visit_is_served_from_the_cache_and_reads_less(
        consultant_client, django_assert_max_num_queries):
    DrawFactory(round_number="501", lowest_crs=521)
    with django_assert_max_num_queries(10) as first:
        miss = consultant_client.get(URL)
    with django_assert_max_num_queries(10) as second:
        hit = consultant_client.get(URL)
    assert len(second.captured_queries) < len(first.captured_queries)
    assert not any("COUNT(*)" in q["sql"] for q in second.captured_queries)  # the table was not read
    assert "521" in _table_row(hit.content.decode(), "501")
    assert _without_csrf(hit.content) == _without_csrf(miss.content)


def _without_csrf(content: bytes) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", content.decode())


def test_a_round_saved_or_deleted_shows_at_the_next_visit(consultant_client):
    d = DrawFactory(round_number="502", lowest_crs=530)
    DrawFactory(round_number="503", drawn_on=date(2026, 8, 6), lowest_crs=540)
    assert "530" in _table_row(consultant_client.get(URL).content.decode(), "502")
    d.lowest_crs = 498
    d.save()
    assert "498" in _table_row(consultant_client.get(URL).content.decode(), "502")
    Draw.objects.get(round_number="503").delete()
    html = consultant_client.get(URL).content.decode()
    assert 'id="round-503"' not in html and "1 round shown" in html


def test_a_round_the_feed_changes_shows_at_the_next_visit(consultant_client, tmp_path):
    """The import writes in bulk (bulk_update, no signal): its updated_at changes the version."""
    feed = json.loads((DATA / "ircc-rounds-sample.json").read_text())
    call_command("import_ircc_rounds", str(DATA / "ircc-rounds-sample.json"), stdout=io.StringIO(),
                 stderr=io.StringIO())
    number = feed["rounds"][0]["drawNumber"]
    before = _table_row(consultant_client.get(URL).content.decode(), number)
    feed["rounds"][0]["drawCRS"] = "455"
    assert "455" not in before
    changed = tmp_path / "feed.json"
    changed.write_text(json.dumps(feed))
    call_command("import_ircc_rounds", str(changed), stdout=io.StringIO(), stderr=io.StringIO())
    assert "455" in _table_row(consultant_client.get(URL).content.decode(), number)


def test_a_category_renamed_in_the_admin_shows_at_the_next_visit(consultant_client):
    healthcare = category("healthcare_social", date(2026, 8, 5))
    DrawFactory(round_number="504", type=Draw.Type.CATEGORY, category=healthcare)
    assert healthcare.name_en in _table_row(consultant_client.get(URL).content.decode(), "504")
    Category.objects.filter(pk=healthcare.pk).update(name_en="Health and care")  # no signal: still cached
    healthcare.refresh_from_db()
    healthcare.save()  # the admin's save
    assert "Health and care" in _table_row(consultant_client.get(URL).content.decode(), "504")


def test_each_language_has_its_own_fragments(consultant_client):
    DrawFactory(round_number="505", invitations_issued=3500)
    english = consultant_client.get(URL).content.decode()
    consultant_client.cookies["django_language"] = "fr"
    french = consultant_client.get(URL).content.decode()
    assert "Express Entry rounds" in english and "3,500" in _table_row(english, "505")
    assert "Express Entry rounds" not in french and "3\u00a0500" in _table_row(french, "505")


def test_the_navbar_and_its_csrf_token_are_each_users_own(client, consultant_client, monkeypatch):
    cached = []
    keep = views.cache_set
    monkeypatch.setattr(views, "cache_set", lambda key, value, timeout: (cached.append(repr(value)),
                                                                               keep(key, value, timeout)))
    DrawFactory(round_number="506")
    first = consultant_client.get(URL).content.decode()
    client.force_login(member(first_name="Dominique", last_name="Tremblay"))
    other = client.get(URL).content.decode()
    assert "Camille Roy" in first and "Camille Roy" not in other and "Dominique Tremblay" in other
    assert 'name="csrfmiddlewaretoken"' in first and 'name="csrfmiddlewaretoken"' in other
    assert cached
    assert not any("csrfmiddlewaretoken" in f or "Camille" in f or "Dominique" in f for f in cached)
