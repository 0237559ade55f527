"""Importing IRCC's rounds feed and exporting the history: upsert, atomic, fast."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from draws import services
from draws.models import Draw
from draws.tests.factories import DrawFactory, category

DATA = Path(__file__).resolve().parent.parent / "data"
SAMPLE = DATA / "ircc-rounds-sample.json"
FULL = DATA / "ircc-rounds-full.json"
ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.django_db


def _import(path: Path) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_ircc_rounds", str(path), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def _corrupt(tmp_path: Path, number: str, **changes) -> Path:
    doc = json.loads(SAMPLE.read_text())
    next(r for r in doc["rounds"] if r["drawNumber"] == number).update(changes)
    path = tmp_path / "corrupt.json"
    path.write_text(json.dumps(doc))
    return path


def test_importing_the_sample_twice_adds_nothing_the_second_time():
    out, _err = _import(SAMPLE)
    assert out.strip().endswith("12 rounds read, 12 added, 0 updated, 0 unchanged")
    out, _err = _import(SAMPLE)
    assert out.strip() == "12 rounds read, 0 added, 0 updated, 12 unchanged"
    assert Draw.objects.count() == 12


def test_the_sample_is_stored_as_ircc_published_it():
    _import(SAMPLE)
    r434 = Draw.objects.get(round_number="434")
    assert (r434.type, r434.category, r434.invitations_issued, r434.lowest_crs) == (
        "category", category("transport", date(2026, 8, 7)), 300, 470)
    assert r434.drawn_at == datetime(2026, 8, 7, 10, 8, 20, tzinfo=UTC)
    assert r434.tie_break_at == datetime(2025, 10, 11, 14, 55, 49, tzinfo=UTC)
    assert r434.distribution["dd18"] == 229100 and r434.source == "import"
    r432 = Draw.objects.get(round_number="432")
    assert r432.tie_break_at == datetime(2026, 7, 3, 21, 35, 13, tzinfo=UTC)  # "July 3rd 2026 at ..."
    assert Draw.objects.get(round_number="91a").type == "fstp"
    assert Draw.objects.get(round_number="91b").type == "pnp"
    assert Draw.objects.get(round_number="1").type == "general"
    assert Draw.objects.get(round_number="327").category.slug == "healthcare"


def test_a_changed_round_is_updated_and_the_rest_unchanged(tmp_path):
    _import(SAMPLE)
    out, _err = _import(_corrupt(tmp_path, "327", drawCRS="464"))
    assert out.strip() == "12 rounds read, 0 added, 1 updated, 11 unchanged"
    assert Draw.objects.get(round_number="327").lowest_crs == 464


@pytest.mark.parametrize("changes, message", [
    ({"drawCRS": "abc"}, "Round 327, field drawCRS: 'abc' is not a number"),
    ({"drawSize": "-3"}, "Round 327, field drawSize: '-3' is not a number"),
    ({"drawDateTime": "the 20th of November"}, "Round 327, field drawDateTime: 'the 20th of November'"),
])
def test_a_corrupted_copy_imports_nothing_and_names_the_round_and_field(tmp_path, changes, message):
    DrawFactory(round_number="327", lowest_crs=999)
    with pytest.raises(CommandError) as exc:
        _import(_corrupt(tmp_path, "327", **changes))
    assert exc.value.returncode == 2
    assert message in str(exc.value) and "nothing imported" in str(exc.value)
    assert list(Draw.objects.values_list("round_number", "lowest_crs")) == [("327", 999)]


def test_invalid_json_imports_nothing(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text(SAMPLE.read_text()[:5000])
    with pytest.raises(CommandError, match="not valid JSON") as exc:
        _import(path)
    assert exc.value.returncode == 2 and Draw.objects.count() == 0


def test_a_missing_file_exits_2_with_its_name(tmp_path):
    with pytest.raises(CommandError, match="nope.json: no such file") as exc:
        _import(tmp_path / "nope.json")
    assert exc.value.returncode == 2


def test_the_command_exits_2_with_the_message_on_stderr(tmp_path):
    """The real process: exit status 2 and one readable line, no traceback."""
    db = connection.settings_dict
    env = {**os.environ, "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:"
                                         f"{db['PORT'] or 5432}/{db['NAME']}"}
    proc = subprocess.run(
        [sys.executable, "manage.py", "import_ircc_rounds", str(_corrupt(tmp_path, "1", drawCRS="abc"))],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
    )
    assert proc.returncode == 2
    assert "Round 1, field drawCRS: 'abc' is not a number" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_the_full_feed_imports_all_435_rounds_in_bulk(django_assert_max_num_queries):
    # Speed is measured by `manage.py bench` (import_full_feed_s), not by a timed test; here the
    # import must stay bulk: a bounded number of queries for 435 rounds.
    with django_assert_max_num_queries(40):
        out, err = _import(FULL)
    assert out.strip() == "435 rounds read, 435 added, 0 updated, 0 unchanged"
    assert Draw.objects.count() == 435
    assert "Round 357: drawDateTime says 2025-07-12" in err  # the one date quirk, reported
    with django_assert_max_num_queries(40):
        out, _err = _import(FULL)
    assert out.strip() == "435 rounds read, 0 added, 0 updated, 435 unchanged"


def test_an_unmapped_name_is_imported_as_other_and_warned_by_round_number(tmp_path):
    out, err = _import(_corrupt(tmp_path, "294", drawName="Some &amp; New Kind"))
    draw = Draw.objects.get(round_number="294")
    assert (draw.type, draw.ircc_name, draw.type_label) == ("other", "Some & New Kind", "Some & New Kind")
    assert "Warning: Round 294: drawName 'Some & New Kind' matches no program or category" in err
    assert "12 added" in out


def test_old_rounds_schedule_no_matching(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        report = services.import_ircc_rounds(SAMPLE.read_bytes(), today=date(2026, 11, 25))
    assert report.added == 12 and report.matching == [] and callbacks == []


def test_a_round_dated_within_the_week_is_matched_once_imported(django_capture_on_commit_callbacks,
                                                                 monkeypatch):
    scheduled = []
    monkeypatch.setattr("draws.tasks.match_draw.delay", scheduled.append)
    with django_capture_on_commit_callbacks(execute=True):
        report = services.import_ircc_rounds(SAMPLE.read_bytes(), today=date(2026, 8, 10))
    recent = Draw.objects.filter(round_number__in=["434", "432", "431"])
    assert sorted(report.matching) == ["431", "432", "434"]
    assert sorted(scheduled) == sorted(recent.values_list("pk", flat=True))


def test_export_draws_csv_and_json():
    _import(SAMPLE)
    out = io.StringIO()
    call_command("export_draws", "--format", "csv", stdout=out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert list(rows[0]) == ["round", "date", "type", "category", "invitations", "lowest_crs", "tie_break_at"]
    assert rows[0] == {"round": "1", "date": "2015-01-31", "type": "general", "category": "",
                       "invitations": "779", "lowest_crs": "886", "tie_break_at": ""}
    assert rows[-1] == {"round": "434", "date": "2026-08-07", "type": "category", "category": "transport",
                        "invitations": "300", "lowest_crs": "470", "tie_break_at": "2025-10-11T14:55:49Z"}
    out = io.StringIO()
    call_command("export_draws", "--format", "json", stdout=out)
    data = json.loads(out.getvalue())
    assert len(data) == 12 and data[-1]["round"] == "434" and data[-1]["invitations"] == 300
