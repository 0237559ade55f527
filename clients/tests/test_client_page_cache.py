"""The client page's eligibility panel kept in the cache (eligibility.presenters.client_summary_fragment).

It is computed again whenever anything it is computed from changes: the client's facts, the
stored score it is compared with, a category (its list of occupations included), the day, the
language; and nothing of the user's (navbar, CSRF tokens) is in it.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.urls import reverse

from clients.models import Client, Noc
from clients.tests.conftest import spec_example_post
from config import fragments
from draws.models import Category
from eligibility import summary

pytestmark = pytest.mark.django_db


@pytest.fixture
def spec_client(logged_in, consultant, django_capture_on_commit_callbacks) -> Client:
    with django_capture_on_commit_callbacks(execute=True):
        logged_in.post(reverse("clients:create"), spec_example_post(consultant))
    return Client.objects.get()


@pytest.fixture
def computed(monkeypatch) -> list[int]:
    """The clients whose panel was computed (not read from the cache), in order."""
    seen = []
    compute = summary.client_summary_panel
    monkeypatch.setattr(summary, "client_summary_panel",
                        lambda request, client: seen.append(client.pk) or compute(request, client))
    return seen


def _total(response) -> str:
    return re.search(r'data-testid="crs-total">(\d+)<', response.content.decode()).group(1)


def test_a_second_visit_reads_the_panel_from_the_cache(logged_in, spec_client, computed,
                                                       django_assert_max_num_queries):
    url = reverse("clients:detail", args=[spec_client.pk])
    with django_assert_max_num_queries(16) as first:
        miss = logged_in.get(url)
    with django_assert_max_num_queries(16) as second:
        hit = logged_in.get(url)
    assert computed == [spec_client.pk]
    assert len(second.captured_queries) == len(first.captured_queries) - 2  # no categories read
    assert _total(hit) == _total(miss) == "582"
    per_request = r'name="csrfmiddlewaretoken" value="[^"]+"|<div class="alert alert-success[^\n]*</div>'
    pages = [re.sub(r"\s+", " ", re.sub(per_request, "", r.content.decode())) for r in (hit, miss)]
    assert pages[0] == pages[1]


def test_a_fact_saved_shows_at_the_next_visit(logged_in, spec_client, computed, consultant,
                                             django_capture_on_commit_callbacks):
    url = reverse("clients:detail", args=[spec_client.pk])
    assert _total(logged_in.get(url)) == "582"
    spec_client.date_of_birth = spec_client.date_of_birth - dt.timedelta(days=365 * 12)  # 12 years older
    spec_client.save()
    older = _total(logged_in.get(url))
    assert older != "582" and computed == [spec_client.pk, spec_client.pk]


def test_the_stored_score_it_is_compared_with_is_read_at_each_visit(logged_in, spec_client):
    url = reverse("clients:detail", args=[spec_client.pk])
    assert "The stored score used for lists" not in logged_in.get(url).content.decode()
    spec_client.assessment.crs_total = 500
    spec_client.assessment.save()
    assert "The stored score used for lists and matching is 500" in logged_in.get(url).content.decode()


def test_a_category_list_changed_shows_at_the_next_visit(logged_in, spec_client, computed):
    url = reverse("clients:detail", args=[spec_client.pk])
    eligible = 'data-testid="category-healthcare_social" data-status="eligible"'
    assert eligible in logged_in.get(url).content.decode()
    healthcare = Category.objects.filter(slug="healthcare_social")
    nurse = spec_client.jobs.first().noc_id
    for c in healthcare:
        c.nocs.remove(Noc.objects.get(code=nurse))  # m2m only: no save of the category
    assert eligible not in logged_in.get(url).content.decode()
    assert len(computed) == 2


def test_each_day_and_each_language_is_computed_apart(logged_in, spec_client, computed, consultant):
    url = reverse("clients:detail", args=[spec_client.pk])
    logged_in.get(url)
    logged_in.cookies["django_language"] = "fr"
    french = logged_in.get(url).content.decode()
    assert "Programmes" in french or "Catégories" in french
    with time_machine.travel(dt.datetime.now(tz=dt.UTC) + dt.timedelta(days=1)):
        logged_in.force_login(consultant)  # the session would have expired
        assert logged_in.get(url).status_code == 200
    assert computed == [spec_client.pk] * 3


def test_nothing_of_the_user_is_kept(logged_in, spec_client, monkeypatch):
    kept = []
    store = fragments.cache_set
    monkeypatch.setattr(fragments, "cache_set", lambda key, value, timeout: (kept.append(repr(value)),
                                                                               store(key, value, timeout)))
    logged_in.get(reverse("clients:detail", args=[spec_client.pk]))
    assert kept
    assert not any("csrfmiddlewaretoken" in v or "Priya" in v for v in kept)
