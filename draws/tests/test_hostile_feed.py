"""A hostile IRCC file (admin upload or `import_ircc_rounds`): a clean refusal, nothing imported.

Each case once crashed the import with a 500 (or a traceback from the command): JSON nested
100,000 deep (RecursionError), a 5,000-digit integer (Python's int() digit limit), a drawSize
beyond PostgreSQL's integer (DataError; 10**20 is an OverflowError on SQLite), a NUL in a name
(PostgreSQL refuses NUL in text). Now each is a 400 / exit 2 naming the round and the field.
"""

from __future__ import annotations

import io
import json
from datetime import date
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from draws import importer, services
from draws.models import Draw

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "ircc-rounds-sample.json"
TODAY = date(2026, 11, 25)
DEEP = "[" * 100_000 + "]" * 100_000

pytestmark = pytest.mark.django_db


def _feed(number: str = "327", raw: dict[str, str] | None = None, **changes) -> bytes:
    """The sample with round `number` changed; `raw` gives fields as raw JSON text (not encodable)."""
    doc = json.loads(SAMPLE.read_text())
    target = next(r for r in doc["rounds"] if r["drawNumber"] == number)
    target.update(changes)
    target.update({name: f"@@{name}@@" for name in raw or {}})
    text = json.dumps(doc)
    for name, value in (raw or {}).items():
        text = text.replace(f'"@@{name}@@"', value)
    return text.encode()


HOSTILE = {
    "nested 100,000 deep": (_feed(raw={"drawName": DEEP}),
                            "Round 327, field drawName: is nested more than 8 levels deep"),
    "a 5,000-digit integer": (_feed(raw={"drawSize": "9" * 5000}),
                              "Round 327, field drawSize: is 5,000 characters long; at most 100"),
    "a 5,000-digit string": (_feed(drawCRS="9" * 5000),
                             "Round 327, field drawCRS: is 5,000 characters long; at most 100"),
    "a 40-digit integer": (_feed(raw={"drawCRS": "9" * 40}), "Round 327, field drawCRS: '999999999999"),
    "drawSize 2**31 (PostgreSQL's integer)": (
        _feed(drawSize=2**31), "Round 327, field drawSize: 2,147,483,648 is outside 0..2,147,483,647"),
    "drawSize 10**20 (SQLite's integer)": (
        _feed(drawSize="100,000,000,000,000,000,000"),
        "Round 327, field drawSize: 100,000,000,000,000,000,000 is outside 0..2,147,483,647"),
    "a pool count beyond the column": (_feed(dd18=10**20), "Round 327, field dd18: "),
    "a negative pool count": (_feed(dd3=-5), "Round 327, field dd3: -5 is outside 0..2,147,483,647"),
    "a NUL in drawName": (_feed(drawName="Healthcare\x00"),
                          "Round 327, field drawName: contains the control character U+0000"),
    "a control character in a date": (_feed(drawDate="2024-11-20\x1b"),
                                      "Round 327, field drawDate: contains the control character U+001B"),
    "a lone surrogate in drawText2": (_feed(drawText2="\ud800"),
                                      "Round 327, field drawText2: contains the control character U+D800"),
    "a name longer than its column": (_feed(drawName="x" * 201),
                                      "Round 327, field drawName: is 201 characters long; at most 200"),
    "a megabyte in a date": (_feed(drawDate="9" * 1_000_000),
                             "Round 327, field drawDate: is 1,000,000 characters long; at most 100"),
    "an object as a number": (_feed(drawCRS={"a": 1}), "Round 327, field drawCRS: is a JSON object"),
    "a round dated before Express Entry": (_feed(drawDate="0001-01-01"),
                                           "Round 327, field drawDate: 0001-01-01 is before Express Entry"),
    "a whole file nested deep": (b'{"rounds": ' + DEEP.encode() + b"}", "is nested more than 8 levels deep"),
}


@pytest.fixture
def staff_client(client, django_user_model):
    user = django_user_model.objects.create_superuser("root", "root@itadesk.example", "x-pass-1234")
    client.force_login(user)
    return client


@pytest.mark.parametrize("data, message", HOSTILE.values(), ids=HOSTILE.keys())
def test_the_upload_page_answers_400_naming_the_round_and_field(staff_client, data, message):
    upload = SimpleUploadedFile("ee_rounds_123_en.json", data, content_type="application/json")
    response = staff_client.post(reverse("admin:draws_draw_import"), {"file": upload})
    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors["file"])
    assert "Nothing was imported." in response.content.decode()
    assert not Draw.objects.exists()


@pytest.mark.parametrize("data, message", HOSTILE.values(), ids=HOSTILE.keys())
def test_the_command_exits_2_naming_the_round_and_field(tmp_path, data, message):
    path = tmp_path / "feed.json"
    path.write_bytes(data)
    with pytest.raises(CommandError) as exc:
        call_command("import_ircc_rounds", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    assert exc.value.returncode == 2
    assert message in str(exc.value) and "nothing imported" in str(exc.value)
    assert not Draw.objects.exists()


def test_a_file_of_more_rounds_than_one_import_takes_is_refused_naming_the_limit():
    doc = json.loads(SAMPLE.read_text())
    first = doc["rounds"][0]
    doc["rounds"] = [dict(first, drawNumber=str(n)) for n in range(1, importer.MAX_ROUNDS_PER_IMPORT + 2)]
    with pytest.raises(importer.FeedError) as exc:
        services.import_ircc_rounds(json.dumps(doc), today=TODAY)
    assert "field rounds: 2,001 rounds in one file; one import takes at most 2,000" in str(exc.value)
    assert not Draw.objects.exists()


def test_a_file_larger_than_the_bound_is_refused_by_the_service_itself():
    with pytest.raises(importer.FeedError, match="larger than 5 MB"):
        services.import_ircc_rounds(b" " * (importer.MAX_FEED_BYTES + 1), today=TODAY)


def test_the_real_feed_is_well_within_every_bound():
    feed = (SAMPLE.parent / "ircc-rounds-full.json").read_bytes()
    text = feed.decode()
    assert len(feed) < importer.MAX_FEED_BYTES / 5 and importer.json_depth(text) == 3
    assert len(importer.parse_feed(feed, today=TODAY, categories=[])) == 435


def test_a_message_quotes_at_most_a_few_dozen_characters_of_a_value():
    with pytest.raises(importer.FeedError) as exc:
        importer.parse_feed(_feed(drawCRS="x" * 90), today=TODAY, categories=[])
    assert len(str(exc.value)) < 150


# --- the admin's own entry form: the same bounds ----------------------------------------------------

@pytest.mark.parametrize("changes, message", [
    ({"invitations_issued": str(2**31)}, "Invitations issued must be at most 2147483647."),
    ({"distribution": '{"dd1": 100000000000000000000}'}, "a whole number from 0 to 2,147,483,647"),
    ({"distribution": DEEP}, "Enter at most 2,000 characters of JSON, nested at most 2 levels."),
    ({"distribution": "[" * 50 + "]" * 50}, "nested at most 2 levels"),
    ({"distribution": '{"dd1": {"a": 1}}'}, "Each count is a whole number"),
    ({"distribution": '{"evil": 1}'}, "Enter an object with the keys dd1 to dd18"),
])
def test_the_admin_form_refuses_values_the_columns_cannot_hold(staff_client, changes, message):
    form = {
        "category": "cec", "invitations_issued": "3,000", "lowest_crs": "434", "drawn_on": "2024-11-20",
        "round_number": "448", "tie_break_at_0": "", "tie_break_at_1": "", "drawn_at_0": "", "drawn_at_1": "",
        "ircc_name": "", "programs_text": "", "distribution_on": "", "distribution": "", **changes,
    }
    response = staff_client.post(reverse("admin:draws_draw_add"), form)
    assert response.status_code == 200  # the admin shows its form again, with the message
    errors = " ".join(str(e) for es in response.context["adminform"].form.errors.values() for e in es)
    assert message in errors
    assert not Draw.objects.exists()
