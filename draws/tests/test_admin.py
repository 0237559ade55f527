"""Admin entry of a round: one short form, clear messages; the import page; category lists."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from draws import services
from draws.models import Category, Draw
from draws.tests.factories import DrawFactory, category

DATA = Path(__file__).resolve().parent.parent / "data"
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
    client.user = user
    return client


def _form(**changes) -> dict:
    """'Healthcare, 3,000 ITAs, lowest CRS 434, today' as the admin types it."""
    data = {
        "category": f"cat-{category('healthcare_social', TODAY).pk}",
        "invitations_issued": "3,000",
        "lowest_crs": "434",
        "drawn_on": TODAY.isoformat(),
        "round_number": "448",
        "tie_break_at_0": "", "tie_break_at_1": "", "drawn_at_0": "", "drawn_at_1": "",
        "ircc_name": "", "programs_text": "", "distribution_on": "", "distribution": "",
    }
    data.update(changes)
    return data


def _errors(response) -> str:
    return " ".join(str(e) for errors in response.context["adminform"].form.errors.values() for e in errors)


def test_the_add_form_defaults_to_today_and_the_next_round_number(admin_client):
    DrawFactory(round_number="447", drawn_on=date(2026, 10, 1))
    response = admin_client.get(reverse("admin:draws_draw_add"))
    form = response.context["adminform"].form
    assert form.initial["drawn_on"] == TODAY and form.initial["round_number"] == "448"
    html = response.content.decode()
    assert ">Healthcare and social services occupations</option>" in html  # by name, in force today
    assert 'value="cec"' in html


def test_healthcare_3000_itas_crs_434_today_is_one_short_form(admin_client,
                                                              django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        response = admin_client.post(reverse("admin:draws_draw_add"), _form(), follow=True)
    draw = Draw.objects.get(round_number="448")
    assert (draw.type, draw.category.slug, draw.invitations_issued, draw.lowest_crs, draw.drawn_on) == (
        "category", "healthcare_social", 3000, 434, TODAY)
    assert draw.source == "manual" and draw.entered_by == admin_client.user
    assert len(callbacks) == 1  # the after-draw job, once the transaction commits
    assert "Matching clients of every firm to round #448" in response.content.decode()


def test_a_program_round_has_no_category(admin_client):
    admin_client.post(reverse("admin:draws_draw_add"), _form(category="cec", round_number="449"))
    draw = Draw.objects.get(round_number="449")
    assert (draw.type, draw.category) == ("cec", None)


@pytest.mark.parametrize("changes, message", [
    ({"invitations_issued": "0"}, "Invitations issued must be at least 1."),
    ({"invitations_issued": "lots"}, "Enter the number of invitations, e.g. 3,000."),
    ({"lowest_crs": "1201"}, "A CRS score is between 0 and 1,200."),
    ({"lowest_crs": "-1"}, "A CRS score is between 0 and 1,200."),
    ({"drawn_on": "2026-11-26"}, "The date 2026-11-26 is in the future"),
    ({"round_number": "four"}, "A round number is digits, optionally followed by letters"),
    ({"category": ""}, "This field is required."),
])
def test_the_form_refuses_bad_input_with_a_clear_message(admin_client, changes, message):
    response = admin_client.post(reverse("admin:draws_draw_add"), _form(**changes))
    assert response.status_code == 200 and message in _errors(response)
    assert not Draw.objects.exists()


def test_a_round_number_is_unique(admin_client):
    DrawFactory(round_number="448", drawn_on=date(2026, 10, 1), type="cec")
    response = admin_client.post(reverse("admin:draws_draw_add"), _form())
    assert "Round #448 is already recorded (2026-10-01, Canadian Experience Class)." in _errors(response)


def test_the_category_must_apply_on_the_round_date(admin_client):
    old = category("healthcare", date(2023, 7, 1))
    response = admin_client.post(reverse("admin:draws_draw_add"), _form(category=f"cat-{old.pk}"))
    assert ("Healthcare occupations (2023) applies May 31, 2023 to Dec 31, 2023, not on the round's date "
            "2026-11-25.") in _errors(response)
    response = admin_client.post(reverse("admin:draws_draw_add"),
                                 _form(category=f"cat-{old.pk}", drawn_on="2023-10-26"))
    assert response.status_code == 302


def test_the_model_refuses_a_category_round_without_category_and_a_program_round_with_one():
    with pytest.raises(ValidationError) as exc:
        services.record_draw(Draw(round_number="500", drawn_on=TODAY, type="category",
                                  invitations_issued=10, lowest_crs=400))
    assert exc.value.message_dict == {"category": ["A category round needs a category."]}
    with pytest.raises(ValidationError) as exc:
        services.record_draw(Draw(round_number="500", drawn_on=TODAY, type="pnp", invitations_issued=10,
                                  lowest_crs=700, category=category("french", TODAY)))
    assert exc.value.message_dict == {"category": [
        "Only a category round has a category; this round's type is Provincial Nominee Program."]}
    assert not Draw.objects.exists()


def test_an_old_round_entered_by_hand_is_stored_but_not_matched(admin_client,
                                                                 django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        response = admin_client.post(reverse("admin:draws_draw_add"),
                                     _form(category="general", drawn_on="2024-04-23"), follow=True)
    assert Draw.objects.filter(round_number="448").exists() and callbacks == []
    assert "older than 7 days" in response.content.decode()


def test_the_changelist_filters_by_type_and_year_searches_by_number_newest_first(admin_client):
    DrawFactory(round_number="300", drawn_on=date(2024, 7, 4), type="cec")
    DrawFactory(round_number="432", drawn_on=date(2026, 8, 5), type="cec")
    DrawFactory(round_number="431", drawn_on=date(2026, 8, 4), type="pnp", lowest_crs=768)
    url = reverse("admin:draws_draw_changelist")

    def shown(query: str = "") -> list[str]:
        response = admin_client.get(f"{url}?{query}")
        return [d.round_number for d in response.context["cl"].result_list]

    assert shown() == ["432", "431", "300"]
    assert shown("type__exact=cec") == ["432", "300"]
    assert shown("year=2026") == ["432", "431"]
    assert shown("type__exact=cec&year=2024") == ["300"]
    assert shown("q=431") == ["431"]
    assert shown("q=%23432") == ["432"]
    html = admin_client.get(url).content.decode()
    assert reverse("admin:draws_draw_import") in html and "Import IRCC rounds" in html


def test_the_changelist_writes_the_invitations_the_page_language_way(admin_client):
    DrawFactory(round_number="432", invitations_issued=3000)
    url = reverse("admin:draws_draw_changelist")
    english = admin_client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<td class="field-invitations">3,000</td>' in english
    french = admin_client.get(url, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert '<td class="field-invitations">3\u00a0000</td>' in french


def test_category_admin_flags_unconfirmed_lists_and_edits_noc_codes(admin_client):
    url = reverse("admin:draws_category_changelist")
    assert "⚠ UNCONFIRMED" not in admin_client.get(url).content.decode()  # every 2026 list is known
    trades = category("trades", TODAY)
    trades.is_list_unconfirmed = True  # as a list announced but not yet published would be
    trades.save()
    assert "⚠ UNCONFIRMED" in admin_client.get(f"{url}?is_list_unconfirmed__exact=1").content.decode()
    page = admin_client.get(reverse("admin:draws_category_change", args=[trades.pk])).content.decode()
    assert "selectfilter" in page and "UNCONFIRMED: check against IRCC" in page
    stem = Category.objects.get(slug="stem", effective_from=date(2025, 2, 27))
    page = admin_client.get(reverse("admin:draws_category_change", args=[stem.pk])).content.decode()
    assert "UNCONFIRMED: check" not in page and "confirmed" in page


def test_the_import_page_uploads_the_feed(admin_client):
    with (DATA / "ircc-rounds-sample.json").open("rb") as f:
        response = admin_client.post(reverse("admin:draws_draw_import"), {"file": f}, follow=True)
    assert "12 rounds read, 12 added, 0 updated, 0 unchanged" in response.content.decode()
    assert Draw.objects.count() == 12


def test_the_import_page_refuses_a_corrupted_file_and_imports_nothing(admin_client, tmp_path):
    doc = json.loads((DATA / "ircc-rounds-sample.json").read_text())
    doc["rounds"][5]["drawCRS"] = "abc"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(doc))
    with path.open("rb") as f:
        response = admin_client.post(reverse("admin:draws_draw_import"), {"file": f})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Round 327, field drawCRS: &#x27;abc&#x27; is not a number" in html
    assert "Nothing was imported." in html
    assert not Draw.objects.exists()


def test_the_import_page_is_for_staff_only(client, django_user_model):
    # clients.permissions: MANAGE_DRAWS is Django staff, whatever their model permissions.
    user = django_user_model.objects.create_user("owner", password="x-pass-1234")
    client.force_login(user)
    assert client.get(reverse("admin:draws_draw_import")).status_code == 302  # the admin's login
    staff = django_user_model.objects.create_user("clerk", password="x-pass-1234", is_staff=True)
    client.force_login(staff)
    assert client.get(reverse("admin:draws_draw_import")).status_code == 200


def test_times_are_entered_and_shown_in_utc(admin_client):
    admin_client.post(reverse("admin:draws_draw_add"),
                      _form(tie_break_at_0="2026-11-20", tie_break_at_1="23:47:27",
                            drawn_at_0="2026-11-25", drawn_at_1="14:05:00"))
    draw = Draw.objects.get(round_number="448")
    assert draw.tie_break_at == datetime(2026, 11, 20, 23, 47, 27, tzinfo=UTC)
    assert draw.drawn_at == datetime(2026, 11, 25, 14, 5, tzinfo=UTC)
    page = admin_client.get(reverse("admin:draws_draw_change", args=[draw.pk])).content.decode()
    assert 'value="23:47:27"' in page and 'value="2026-11-20"' in page
