"""Category lists: the 2026 lists, the data migration that keeps admin edits, and the import of a new year."""

from __future__ import annotations

import importlib
import io
import json
from datetime import date
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.urls import reverse

from draws import seed
from draws.models import Category

DATA = Path(__file__).resolve().parent.parent / "data" / "categories.json"
START_2026 = date(2026, 2, 18)

pytestmark = [pytest.mark.django_db]


def nocs(slug: str, start: date = START_2026) -> set[str]:
    return set(Category.objects.get(slug=slug, effective_from=start).nocs.values_list("code", flat=True))


def document() -> dict:
    return json.loads(DATA.read_text(encoding="utf-8"))


def write(tmp_path, doc) -> str:
    path = tmp_path / "categories.json"
    path.write_text(doc if isinstance(doc, str) else json.dumps(doc), encoding="utf-8")
    return str(path)


def test_the_2026_lists_are_known_and_confirmed():
    assert len(nocs("healthcare_social")) == 37 and nocs("healthcare_social") == nocs("healthcare_social",
                                                                                        date(2025, 2, 27))
    assert len(nocs("stem")) == 11 and nocs("stem") == nocs("stem", date(2025, 2, 27))
    assert len(nocs("education")) == 5 and nocs("education") == nocs("education", date(2025, 2, 27))
    assert nocs("trades") == nocs("trades", date(2025, 2, 27)) - {"63200"} | {"63201"}
    assert len(nocs("trades")) == 25
    assert nocs("transport") == {"72600", "72410", "72404", "22313"}
    assert not Category.objects.filter(effective_to=None, is_list_unconfirmed=True).exists()


def _as_previous_release_shipped(slug: str) -> Category:
    """The row as the previous release seeded it (SHIPPED_BEFORE of migration 0009)."""
    migration = importlib.import_module("draws.migrations.0009_categories_2026")
    before = migration.SHIPPED_BEFORE[(slug, START_2026)]
    row = Category.objects.get(slug=slug, effective_from=START_2026)
    row.is_list_unconfirmed, row.note = before.get("is_list_unconfirmed", False), before["note"]
    row.save()
    if "nocs" in before:
        row.nocs.set(before["nocs"])
    return row


def test_the_migration_loads_the_lists_and_leaves_admin_edited_rows_alone(capsys):
    for slug in ("stem", "trades", "healthcare_social"):
        _as_previous_release_shipped(slug)
    edited = _as_previous_release_shipped("education")
    edited.nocs.set(["41220", "41221"])  # an admin typed part of the list
    edited.note = "Two codes checked by Marie on 2026-03-01."
    edited.save()

    importlib.import_module("draws.migrations.0009_categories_2026").load(apps, None)

    assert len(nocs("stem")) == 11 and len(nocs("trades")) == 25
    assert not Category.objects.get(slug="healthcare_social", effective_from=START_2026).is_list_unconfirmed
    kept = Category.objects.get(slug="education", effective_from=START_2026)
    assert nocs("education") == {"41220", "41221"} and kept.note.startswith("Two codes checked")
    out = capsys.readouterr().out
    assert "changed stem 2026-02-18: is_list_unconfirmed, note, nocs" in out
    assert "kept education 2026-02-18 (edited in the admin; differs in note, nocs)" in out
    assert "import_categories" in out


def test_the_migration_leaves_rows_already_current_untouched(capsys):
    importlib.import_module("draws.migrations.0009_categories_2026").load(apps, None)
    assert capsys.readouterr().out == ""


def test_import_categories_loads_next_years_lists_from_a_file(tmp_path):
    doc = document()
    doc["years"]["2027"] = {"announced": "2027-03-02", "categories": [
        {"id": "trades", "name": "Trade occupations", "type": "occupation",
         "experience_rule": "occupation_2026", "occupations": [{"noc": "72400"}, {"noc": "63200"}],
         "list_status": "confirmed"},
        {"id": "french", "name": "French-language proficiency", "type": "language"},
    ]}
    out = io.StringIO()
    call_command("import_categories", write(tmp_path, doc), stdout=out)
    lines = out.getvalue().splitlines()
    assert "added trades 2027-03-02" in lines and "added french 2027-03-02" in lines
    assert "changed trades 2026-02-18: effective_to" in lines
    assert lines[-1] == "2 added, 10 changed, 0 kept as edited, 18 unchanged"
    assert Category.objects.get(slug="stem", effective_from=START_2026).effective_to == date(2027, 3, 1)
    assert nocs("trades", date(2027, 3, 2)) == {"72400", "63200"}
    again = io.StringIO()
    call_command("import_categories", write(tmp_path, doc), stdout=again)
    assert again.getvalue().splitlines() == ["0 added, 0 changed, 0 kept as edited, 30 unchanged"]


@pytest.mark.parametrize(("edit", "message"), [
    (lambda d: d["years"]["2026"]["categories"][3]["occupations"][2].update(noc="99999"),
     "2026 trades, field occupations[2].noc: 99999 is not a NOC 2021 unit group"),
    (lambda d: d["years"]["2026"]["categories"][1].update(experience_rule="occupation_2027"),
     "2026 healthcare_social, field experience_rule: 'occupation_2027' is not one of"),
    (lambda d: d["years"]["2026"]["categories"][2].update(id="STEM 2026"),
     "2026 category 3, field id: 'STEM 2026' is not a category id"),
    (lambda d: d["years"]["2026"]["categories"].append(dict(d["years"]["2026"]["categories"][0])),
     "2026 french, field id: appears twice in the year"),
    (lambda d: d["years"].update({"2027": {"categories": []}}),
     "Year 2027, field effective_from: missing"),
    (lambda d: d.pop("years"), "The file, field years: missing"),
    (lambda d: d["years"]["2026"]["categories"][5].update(effective_from="1999-01-01"),
     "2026 transport, field effective_from: 1999-01-01 is not between 2015-01-01 and 2100-12-31"),
    (lambda d: d["years"]["2026"]["categories"][5].update(name="Transport\u0000"),
     "2026 transport, field name: contains a control character"),
    (lambda d: d["years"].update({"2027": {"effective_from": "2026-02-18", "categories": []}}),
     "Year 2027, field effective_from: the same date as year 2026"),
])
def test_a_bad_entry_exits_2_naming_it_and_the_field_and_changes_nothing(tmp_path, edit, message):
    doc = document()
    doc["years"]["2026"]["categories"][4]["note"] = "A change that must not land."
    edit(doc)
    before = {(c.slug, c.effective_from): (c.note, c.effective_to) for c in Category.objects.all()}
    with pytest.raises(CommandError) as exc:
        call_command("import_categories", write(tmp_path, doc), stdout=io.StringIO())
    assert exc.value.returncode == 2 and message in str(exc.value) and "nothing imported" in str(exc.value)
    assert {(c.slug, c.effective_from): (c.note, c.effective_to) for c in Category.objects.all()} == before


def test_a_file_that_is_not_json_exits_2(tmp_path):
    with pytest.raises(CommandError) as exc:
        call_command("import_categories", write(tmp_path, '{"years": '), stdout=io.StringIO())
    assert exc.value.returncode == 2 and "not valid JSON" in str(exc.value)
    with pytest.raises(CommandError) as exc:
        call_command("import_categories", str(tmp_path / "missing.json"), stdout=io.StringIO())
    assert exc.value.returncode == 2 and "no such file" in str(exc.value)


def test_an_import_that_changes_a_list_refreshes_the_stored_assessments(tmp_path, monkeypatch):
    calls = []
    monkeypatch.setattr("draws.services.schedule_refresh_after_category_change",
                        lambda nocs=None: calls.append(nocs))
    doc = document()
    call_command("import_categories", write(tmp_path, doc), stdout=io.StringIO())
    assert calls == []  # nothing changed
    doc["years"]["2026"]["categories"][4]["note"] = "A note only."
    call_command("import_categories", write(tmp_path, doc), stdout=io.StringIO())
    assert calls == []  # who is eligible did not change
    occupations = doc["years"]["2026"]["categories"][4]["occupations"]
    occupations.append({"noc": "72200"})
    call_command("import_categories", write(tmp_path, doc), stdout=io.StringIO())
    assert calls == [{"72200"}]  # narrowed to the clients who worked in the code added
    removed = occupations.pop(0)["noc"]
    occupations.append({"noc": "72201"})
    call_command("import_categories", write(tmp_path, doc), stdout=io.StringIO())
    assert calls[-1] == {removed, "72201"}
    doc["years"]["2026"]["categories"][4]["experience_rule"] = next(
        rule for rule, _label in Category.EXPERIENCE_RULES if rule not in ("occupation_2026", "language"))
    call_command("import_categories", write(tmp_path, doc), stdout=io.StringIO())
    assert calls[-1] is None  # a rule changed: every active client


@pytest.fixture
def staff_client(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("dora", password="x-pass-1234", is_staff=True))
    return client


def test_the_admin_upload_loads_the_file_and_lists_the_changes(staff_client):
    doc = document()
    doc["years"]["2026"]["categories"][4]["note"] = "Checked against canada.ca."
    upload = io.BytesIO(json.dumps(doc).encode())
    upload.name = "categories.json"
    response = staff_client.post(reverse("admin:draws_category_import"), {"file": upload}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("admin:draws_category_changelist")
    shown = [str(m) for m in response.context["messages"]]
    assert shown == ["changed education 2026-02-18: note",
                     "0 added, 1 changed, 0 kept as edited, 27 unchanged"]
    education = Category.objects.get(slug="education", effective_from=START_2026)
    assert education.note == "Checked against canada.ca."


def test_the_admin_upload_refuses_a_bad_file_naming_the_entry(staff_client):
    doc = document()
    doc["years"]["2026"]["categories"][3]["occupations"][0]["noc"] = "12"
    upload = io.BytesIO(json.dumps(doc).encode())
    upload.name = "categories.json"
    response = staff_client.post(reverse("admin:draws_category_import"), {"file": upload})
    assert response.status_code == 400
    page = response.content.decode()
    assert "2026 trades, field occupations[0].noc: &#x27;12&#x27; is not a 5-digit NOC code" in page
    assert "Nothing was imported." in page
    assert staff_client.get(reverse("admin:draws_category_changelist")).content.decode().count(
        reverse("admin:draws_category_import")) == 1


def test_the_shipped_rows_are_what_the_loader_reads():
    known = set(apps.get_model("clients", "Noc").objects.values_list("code", flat=True))
    rows = seed.category_rows(document(), rules={v for v, _ in Category.EXPERIENCE_RULES}, known_nocs=known)
    assert len(rows) == Category.objects.count()
    assert {r["slug"]: r["effective_from"] for r in rows if r["slug"] == "physicians_cdn"} == {
        "physicians_cdn": date(2025, 12, 8)}
