"""One round, one number: '90012a', '090012a', '#90012A ' are the same round everywhere.

Before, the import and the admin compared round numbers as typed, so '90012a' and '090012a'
were stored as two rounds. importer.normalise_round_number is now the one spelling, used by
the import, the admin form and search, and (migration 0010) the rows already stored.
"""

from __future__ import annotations

import importlib
import io
import json
from datetime import date
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from clients.tests.factories import ClientFactory
from draws import importer, services
from draws.models import Draw, DrawDigest, DrawMatch
from draws.tests.factories import DrawFactory

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "ircc-rounds-sample.json"
TODAY = date(2026, 11, 25)

pytestmark = pytest.mark.django_db


def _feed(*numbers: str) -> str:
    """Rounds of the sample renumbered: the first round of the sample once per number given."""
    first = json.loads(SAMPLE.read_text())["rounds"][2]
    return json.dumps({"rounds": [dict(first, drawNumber=n) for n in numbers]})


@pytest.mark.parametrize("typed, stored", [
    ("434", "434"), ("91a", "91a"), ("91A", "91a"), (" #434 ", "434"), ("090012a", "90012a"),
    ("0434", "434"), ("0", "0"), ("00", "0"), ("9 1 b", "91b"), ("#0091B", "91b"),
])
def test_every_spelling_of_a_round_number_has_one_normal_form(typed, stored):
    assert importer.normalise_round_number(typed) == stored


@pytest.mark.parametrize("typed", ["", "abc", "91abcd", "1234567", "\u0663\u0664", "4-34", "#", "91a1"])
def test_what_is_not_a_round_number_is_refused(typed):
    with pytest.raises(ValueError):
        importer.normalise_round_number(typed)


@pytest.mark.parametrize("second", ["090012a", "90012A", " #90012a", "0090012A"])
def test_one_file_with_two_spellings_of_a_round_is_refused_naming_it(second):
    with pytest.raises(importer.FeedError) as exc:
        services.import_ircc_rounds(_feed("90012a", second), today=TODAY)
    assert "Round 90012a, field drawNumber:" in str(exc.value)
    assert "is round 90012a again (first at position 1 in the file)" in str(exc.value)
    assert not Draw.objects.exists()


def test_a_second_import_spelling_a_round_otherwise_updates_it():
    services.import_ircc_rounds(_feed("90012a"), today=TODAY)
    report = services.import_ircc_rounds(_feed("090012A"), today=TODAY)
    assert (report.added, report.unchanged) == (0, 1)
    assert list(Draw.objects.values_list("round_number", flat=True)) == ["90012a"]


def test_the_import_stores_the_normal_form():
    services.import_ircc_rounds(_feed("#0091B", "0434"), today=TODAY)
    assert sorted(Draw.objects.values_list("round_number", flat=True)) == ["434", "91b"]


@pytest.fixture
def staff_client(client, django_user_model):
    user = django_user_model.objects.create_superuser("root", "root@itadesk.example", "x-pass-9")
    client.force_login(user)
    return client


def _form(round_number: str) -> dict:
    return {"category": "cec", "invitations_issued": "3,000", "lowest_crs": "434", "drawn_on": "2024-11-20",
            "round_number": round_number, "tie_break_at_0": "", "tie_break_at_1": "", "drawn_at_0": "",
            "drawn_at_1": "", "ircc_name": "", "programs_text": "", "distribution_on": "", "distribution": ""}


def test_the_admin_form_stores_the_normal_form_and_refuses_another_spelling(staff_client):
    response = staff_client.post(reverse("admin:draws_draw_add"), _form("#090012A"))
    assert response.status_code == 302
    assert list(Draw.objects.values_list("round_number", flat=True)) == ["90012a"]
    response = staff_client.post(reverse("admin:draws_draw_add"), _form("90012a "))
    form = response.context["adminform"].form
    taken = "Round #90012a is already recorded (2024-11-20, Canadian Experience Class)."
    assert taken in form.errors["round_number"]
    assert Draw.objects.count() == 1


def test_the_migration_merges_spellings_already_stored_into_the_first_entered():
    first = DrawFactory(round_number="90012a")
    second = DrawFactory(round_number="090012a")
    upper = DrawFactory(round_number="91A")
    person = ClientFactory()
    DrawMatch.objects.create(draw=second, client=person, firm=person.firm, crs=500, margin=16)
    migration = importlib.import_module("draws.migrations.0010_normalise_round_numbers")
    migration.normalise_round_numbers(apps, None)
    assert sorted(Draw.objects.values_list("round_number", flat=True)) == ["90012a", "91a"]
    assert Draw.objects.get(round_number="90012a").pk == first.pk
    assert Draw.objects.get(round_number="91a").pk == upper.pk
    assert list(DrawMatch.objects.values_list("draw_id", flat=True)) == [first.pk]
    assert not DrawDigest.objects.exists()


def test_the_admin_search_finds_a_round_however_it_is_typed(staff_client):
    DrawFactory(round_number="91a")
    DrawFactory(round_number="434")
    url = reverse("admin:draws_draw_changelist")
    for typed in ("#091A", "0434"):
        rows = staff_client.get(url, {"q": typed}).context["cl"].result_list
        assert len(rows) == 1, typed


def test_the_command_refuses_a_duplicate_spelling_with_exit_2(tmp_path):
    path = tmp_path / "feed.json"
    path.write_text(_feed("434", "0434"))
    with pytest.raises(CommandError) as exc:
        call_command("import_ircc_rounds", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    assert exc.value.returncode == 2 and "Round 434, field drawNumber" in str(exc.value)
