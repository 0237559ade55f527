"""The two spec commands, `crs_score` and `assess`, exactly as shared/spec describes them."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

DATA = Path(__file__).parent / "data"
ROOT = Path(__file__).resolve().parents[2]

SPEC_CRS_OUTPUT = {
    "total": 482, "core_human_capital": 394, "spouse_factors": 0, "skill_transferability": 88,
    "additional": 0, "rules": "2025-03-25",
    "details": {
        "age": 110, "education": 120, "first_language": 124, "second_language": 0, "canadian_work": 40,
        "spouse_education": 0, "spouse_language": 0, "spouse_canadian_work": 0,
        "transfer_education": 38, "transfer_foreign_work": 50, "transfer_certificate": 0,
        "provincial_nomination": 0, "arranged_employment": 0, "canadian_education": 0, "french": 0,
        "sibling": 0,
    },
}


def run(command: str, *args: str, stdin: str | None = None) -> dict | list:
    out = io.StringIO()
    if stdin is not None:
        sys_stdin, sys.stdin = sys.stdin, io.StringIO(stdin)
    try:
        call_command(command, *args, stdout=out)
    finally:
        if stdin is not None:
            sys.stdin = sys_stdin
    return json.loads(out.getvalue())


def test_crs_score_gives_the_specs_worked_example_exactly():
    assert run("crs_score", str(DATA / "crs-profile-example.json")) == SPEC_CRS_OUTPUT


def test_crs_score_reads_stdin_and_many():
    doc = (DATA / "crs-profile-example.json").read_text()
    assert run("crs_score", "-", stdin=doc)["total"] == 482
    older = json.loads(doc) | {"age": 45}
    results = run("crs_score", "--many", "-", stdin=json.dumps([json.loads(doc), older]))
    assert [r["total"] for r in results] == [482, 482 - 110]


def test_crs_score_applies_arranged_employment_only_before_2025_03_25():
    doc = json.loads((DATA / "crs-profile-example.json").read_text()) | {"arranged_employment": "other"}
    before = run("crs_score", "-", stdin=json.dumps(doc | {"as_of": "2025-03-24"}))
    after = run("crs_score", "-", stdin=json.dumps(doc | {"as_of": "2025-03-25"}))
    assert (before["details"]["arranged_employment"], before["rules"]) == (50, "2020-10-20")
    assert (after["details"]["arranged_employment"], after["total"]) == (0, 482)


@pytest.mark.django_db
def test_assess_gives_the_specs_worked_example():
    result = run("assess", str(DATA / "assessment-example.json"))
    crs = result["crs"]
    assert (crs["total"], crs["core_human_capital"], crs["spouse_factors"]) == (582, 399, 18)
    assert (crs["skill_transferability"], crs["additional"]) == (100, 65)
    assert result["derived"]["age"] == 31
    clb = {k: result["derived"][k]["clb"] for k in ("first_language", "second_language")}
    assert clb["first_language"] == {"listening": 10, "reading": 9, "writing": 9, "speaking": 10}
    assert clb["second_language"] == {"listening": 8, "reading": 7, "writing": 7, "speaking": 7}
    assert (result["derived"]["canadian_work_years"], result["derived"]["foreign_work_years"]) == (3, 4)
    programs = result["programs"]
    assert programs["fsw"]["eligible"] and programs["fsw"]["points"] == 87
    assert programs["cec"]["eligible"] and not programs["fstp"]["eligible"]
    eligible = {c["slug"] for c in result["categories"] if c["eligible"]}
    assert eligible == {"healthcare_social", "french"}
    healthcare = next(c for c in result["categories"] if c["slug"] == "healthcare_social")
    assert healthcare["occupation"] == "31301" and healthcare["months"] >= 12


@pytest.mark.django_db
def test_assess_lists_every_category_in_force_on_as_of():
    result = run("assess", str(DATA / "assessment-example.json"))
    slugs = {c["slug"] for c in result["categories"]}
    assert {"french", "healthcare_social", "stem", "trades", "education", "transport",
            "physicians_cdn", "senior_managers_cdn", "researchers_cdn", "skilled_military"} == slugs


@pytest.mark.django_db
def test_assess_rejects_an_unknown_noc_naming_its_path():
    doc = json.loads((DATA / "assessment-example.json").read_text())
    doc["work_history"][1]["noc"] = "99999"
    with pytest.raises(CommandError) as exc:
        run("assess", "-", stdin=json.dumps(doc))
    assert exc.value.returncode == 2
    assert "work_history[1].noc" in str(exc.value)


@pytest.mark.django_db
def test_assess_many_prefixes_the_item_index():
    doc = json.loads((DATA / "assessment-example.json").read_text())
    bad = json.loads(json.dumps(doc))
    bad["language_tests"][0]["listening"] = "eight"
    with pytest.raises(CommandError) as exc:
        run("assess", "--many", "-", stdin=json.dumps([doc, bad]))
    assert "[1].language_tests[0].listening" in str(exc.value)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("command", "document", "field"),
    [("crs_score", {"age": "twenty"}, "age"), ("assess", {"date_of_birth": "not a date"}, "date_of_birth")],
)
def test_bad_document_exits_2_with_the_field_on_stderr(command, document, field, tmp_path):
    from django.db import connection

    db = connection.settings_dict
    env = dict(os.environ, DATABASE_URL=f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}")
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(document))
    proc = subprocess.run([sys.executable, "manage.py", command, str(path)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr.startswith(f"CommandError: {field}:")


def test_invalid_json_exits_2(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text("{not json")
    with pytest.raises(CommandError) as exc:
        call_command("crs_score", str(path))
    assert exc.value.returncode == 2 and "not valid JSON" in str(exc.value)
