"""Record a round: only what is in force on the round's date, names not slugs, the same services.

The admin's chooser listed 33 entries (every period's categories with look-alike names); it now
offers the program types and the categories in force on the date typed, by name.
"""

from __future__ import annotations

import json
from datetime import date
from unittest import mock

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation

from draws import services
from draws.forms import DrawAdminForm
from draws.models import Category, Draw
from draws.tests.factories import DrawFactory, category

TODAY = date(2026, 11, 25)

pytestmark = [pytest.mark.django_db]


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel("2026-11-25 15:00:00-05:00", tick=True):
        yield


@pytest.fixture
def admin_client(client, django_user_model):
    user = django_user_model.objects.create_superuser("root", "root@itadesk.example", "x-pass-1234")
    client.force_login(user)
    return client


def _data(**changes) -> dict:
    data = {
        "category": f"cat-{category('french', TODAY).pk}", "invitations_issued": "3 000",
        "lowest_crs": "399", "drawn_on": TODAY.isoformat(), "round_number": "448",
        "tie_break_at_0": "", "tie_break_at_1": "", "drawn_at_0": "", "drawn_at_1": "",
        "ircc_name": "", "programs_text": "", "distribution_on": "", "distribution": "",
    }
    data.update(changes)
    return data


def _offered(form: DrawAdminForm) -> dict[str, str]:
    choices = form.fields["category"].choices[1:]
    return {value: label for _group, options in choices for value, label in options}


@translation.override("en")  # names in the interface's language: English here, whatever ran before
def test_only_the_categories_in_force_on_the_date_are_offered_by_name():
    offered = _offered(DrawAdminForm())
    in_force_today = [c for c in Category.objects.all() if c.applies_on(TODAY)]
    assert {v for v in offered if v.startswith("cat-")} == {f"cat-{c.pk}" for c in in_force_today}
    assert "Healthcare and social services occupations" in offered.values()
    assert "Healthcare occupations" not in offered.values()  # the 2023-2024 list
    assert not any("(" in label and "20" in label for label in offered.values())  # no periods, no years
    assert {"general", "cec", "fsw", "fstp", "pnp", "other"} <= set(offered)
    # A round dated in 2023 is offered the lists of 2023.
    old = DrawAdminForm(data=_data(drawn_on="2023-10-26"))
    offered_then = _offered(old)
    assert f"cat-{category('healthcare', date(2023, 10, 26)).pk}" in offered_then
    assert f"cat-{category('healthcare_social', TODAY).pk}" not in offered_then


def test_the_page_is_record_a_round_with_the_periods_for_its_script(admin_client):
    response = admin_client.get(reverse("admin:draws_draw_add"))
    html = response.content.decode()
    assert response.status_code == 200 and "Record a round" in html
    assert 'src="/static/draws/round_form.js"' in html
    periods = json.loads(response.context["adminform"].form.fields["category"].widget.attrs["data-periods"])
    assert len(periods) == Category.objects.count()
    assert {"from", "to", "label", "value"} == set(periods[0])


def test_recording_goes_through_the_services_and_runs_the_after_draw_matching(
        admin_client, django_capture_on_commit_callbacks):
    with mock.patch("draws.admin.services.record_draw", wraps=services.record_draw) as record, \
            django_capture_on_commit_callbacks() as callbacks:
        response = admin_client.post(reverse("admin:draws_draw_add"), _data(), follow=True)
    draw = Draw.objects.get(round_number="448")
    assert record.call_count == 1 and (draw.category.slug, draw.invitations_issued) == ("french", 3000)
    assert len(callbacks) == 1  # the after-draw matching job
    assert "Matching clients of every firm to round #448" in response.content.decode()
    with mock.patch("draws.admin.services.update_draw", wraps=services.update_draw) as update:
        admin_client.post(reverse("admin:draws_draw_change", args=[draw.pk]), _data(lowest_crs="401"))
    draw.refresh_from_db()
    assert update.call_count == 1 and draw.lowest_crs == 401


@pytest.mark.parametrize("changes, field, message", [
    ({"invitations_issued": "lots"}, "invitations_issued", "Enter the number of invitations, e.g. 3,000."),
    ({"lowest_crs": "1201"}, "lowest_crs", "A CRS score is between 0 and 1,200."),
    ({"category": "cat-999999"}, "category", "Select a valid choice."),
    ({"drawn_on": "26/13/2026"}, "drawn_on", "Enter a valid date."),
])
def test_bad_input_gives_a_field_error_and_records_nothing(admin_client, changes, field, message):
    response = admin_client.post(reverse("admin:draws_draw_add"), _data(**changes))
    form = response.context["adminform"].form
    assert response.status_code == 200 and any(message in e for e in form.errors[field])
    assert not Draw.objects.exists()


def test_the_crs_range_message_reads_the_engine_maximum_in_the_page_language():
    """The maximum is the engine's (CRS_MAX_TOTAL), written the page's way when the error is shown."""
    from eligibility.rules import CRS_MAX_TOTAL

    for language, expected in (("en", "A CRS score is between 0 and 1,200."),
                               ("fr", "Une note SCG se situe entre 0 et 1\u00a0200.")):
        with translation.override(language):
            form = DrawAdminForm(data=_data(lowest_crs=str(CRS_MAX_TOTAL + 1)))
            assert form.errors["lowest_crs"] == [expected], language


def test_a_category_out_of_force_on_the_date_is_refused_with_its_period(admin_client):
    old = category("healthcare", date(2023, 7, 1))
    response = admin_client.post(reverse("admin:draws_draw_add"), _data(category=f"cat-{old.pk}"))
    errors = response.context["adminform"].form.errors["category"]
    assert any("applies" in e and "not on the round's date 2026-11-25" in e for e in errors)
    assert not Draw.objects.exists()


def test_the_changelist_filters_by_category_name_and_says_rounds(admin_client):
    DrawFactory(round_number="434", drawn_on=date(2026, 8, 7), type="category",
                category=category("transport", date(2026, 8, 7)), lowest_crs=470)
    DrawFactory(round_number="432", drawn_on=date(2026, 8, 5), type="cec")
    url = reverse("admin:draws_draw_changelist")
    html = admin_client.get(url).content.decode()
    assert "Transport occupations" in html and "?category=transport" in html
    assert "category__slug" not in html
    assert "rounds of invitations" in html.lower()
    listed = admin_client.get(url + "?category=transport").context["cl"].result_list
    assert [d.round_number for d in listed] == ["434"]
    index = admin_client.get(reverse("admin:index")).content.decode()
    assert ">Rounds of invitations</a>" in index


def test_the_page_reads_a_fixed_number_of_queries(admin_client, django_assert_max_num_queries):
    """At most six queries (session, user, categories, round numbers, the admin's own; a cached content
    type saves one), whatever the number of category periods or rounds."""
    DrawFactory.create_batch(30, type="cec")
    Category.objects.create(slug="future_list", name_en="A future list", effective_from=date(2026, 1, 1),
                            experience_rule="language")
    with django_assert_max_num_queries(6):
        assert admin_client.get(reverse("admin:draws_draw_add")).status_code == 200
