"""Language-test conversion: every row and boundary of clb-conversion.json, TEF scales by date,
score validation, and the 2-year validity of results."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from eligibility.rules import clb
from eligibility.rules.derive import derive, valid_tests
from eligibility.rules.facts import ABILITIES, Facts, LanguageTest

DATA = json.loads(
    (Path(__file__).resolve().parents[1] / "data" / "clb-conversion.json").read_text()
)
NEW = date(2025, 1, 1)  # any date after the TEF switch and after PTE Core acceptance
OLD_TEF = date(2023, 6, 1)


def _versions():
    """(test name, date to use, python table, json rows) for every conversion table."""
    for name, t in DATA["tests"].items():
        if "rows" in t:
            yield name, NEW, clb.TABLES[name], t["rows"]
        for v in t.get("versions", []):
            day = NEW if v["id"].endswith("new_scale") else OLD_TEF
            yield name, day, clb.TABLES[v["id"]], v["rows"]


VERSIONS = list(_versions())


def test_every_reference_table_is_covered():
    assert {(n, d) for n, d, _, _ in VERSIONS} == {
        ("ielts_general", NEW),
        ("celpip_general", NEW),
        ("pte_core", NEW),
        ("tcf_canada", NEW),
        ("tef_canada", NEW),
        ("tef_canada", OLD_TEF),
    }


@pytest.mark.parametrize(("name", "day", "table", "rows"), VERSIONS, ids=lambda v: str(v)[:30])
def test_python_table_matches_json_row_by_row(name, day, table, rows):
    assert len(table) == len(rows)
    for py, ref in zip(table, rows, strict=True):
        assert py[0] == ref["clb"]
        for i, a in enumerate(ABILITIES, start=1):
            assert tuple(py[i]) == (ref[a]["min"], ref[a]["max"]), (name, ref["clb"], a)


def _step(name):
    return 0.5 if name == "ielts_general" else 1


def _row_cases():
    for name, day, _, rows in VERSIONS:
        for ref in rows:
            for a in ABILITIES:
                yield name, day, a, ref[a]["min"], ref[a]["max"], ref["clb"]


@pytest.mark.parametrize(("name", "day", "ability", "low", "high", "level"), list(_row_cases()))
def test_each_row_min_and_max_and_just_below(name, day, ability, low, high, level):
    assert clb.clb_for(name, ability, low, day) == level
    assert clb.clb_for(name, ability, high, day) == level
    below = low - _step(name)
    if below >= clb.score_range(name, ability, day)[0]:
        assert clb.clb_for(name, ability, below, day) == (level - 1 if level > 4 else 0)


@pytest.mark.parametrize(
    ("test", "ability", "score", "level"),
    [
        ("ielts_general", "listening", 4.0, 0),  # below CLB 4 -> 0
        ("ielts_general", "listening", 9.0, 10),
        ("ielts_general", "reading", 0.0, 0),
        ("ielts_general", "listening", 6.5, 7),  # inside the 6.0-7.0 CLB 7 row
        ("celpip_general", "speaking", 3, 0),
        ("celpip_general", "speaking", 12, 10),
        ("celpip_general", "speaking", 11, 10),
        ("pte_core", "writing", 90, 10),
        ("pte_core", "writing", 89, 9),
        ("pte_core", "listening", 27, 0),
        ("pte_core", "listening", 10, 0),
        ("tcf_canada", "writing", 3, 0),
        ("tcf_canada", "writing", 20, 10),
        ("tcf_canada", "reading", 699, 10),
    ],
)
def test_boundaries(test, ability, score, level):
    assert clb.clb_for(test, ability, score, NEW) == level


def test_tef_scale_switches_on_2023_12_11():
    # listening 300: old scale NCLC 9 (298-315); new scale below NCLC 4 (306 is the NCLC 4 minimum)
    assert clb.clb_for("tef_canada", "listening", 300, date(2023, 12, 10)) == 9
    assert clb.clb_for("tef_canada", "listening", 300, date(2023, 12, 11)) == 0
    # 450 is NCLC 7 on the new scale but outside the old listening scale (0-360)
    assert clb.clb_for("tef_canada", "listening", 450, date(2023, 12, 11)) == 7
    with pytest.raises(ValueError):
        clb.clb_for("tef_canada", "listening", 450, date(2023, 12, 10))
    assert clb.score_range("tef_canada", "reading", date(2023, 1, 1)) == (0.0, 300.0)
    assert clb.score_range("tef_canada", "reading", date(2024, 1, 1)) == (0.0, 699.0)


@pytest.mark.parametrize(
    ("test", "ability", "score"),
    [
        ("ielts_general", "listening", 7.25),
        ("ielts_general", "listening", 9.5),
        ("ielts_general", "listening", -0.5),
        ("celpip_general", "reading", 7.5),
        ("celpip_general", "reading", 13),
        ("pte_core", "reading", 91),
        ("pte_core", "reading", 9),
        ("tcf_canada", "speaking", 21),
        ("ielts_academic", "listening", 7.0),
        ("ielts_general", "grammar", 7.0),
    ],
)
def test_invalid_scores_raise(test, ability, score):
    with pytest.raises(ValueError):
        clb.clb_for(test, ability, score, NEW)


def test_levels_of_a_recorded_test():
    t = LanguageTest("ielts_general", date(2026, 3, 5), 8.5, 7.5, 7.0, 7.5)
    assert clb.levels(t) == {"listening": 10, "reading": 9, "writing": 9, "speaking": 10}
    t = LanguageTest("tef_canada", date(2026, 5, 20), 470, 440, 430, 460)
    assert clb.levels(t) == {"listening": 8, "reading": 7, "writing": 7, "speaking": 7}


# --- validity of results ------------------------------------------------------------------------

IELTS_9 = LanguageTest("ielts_general", date(2024, 11, 24), 8.0, 7.0, 7.0, 7.0)


@pytest.mark.parametrize(
    ("as_of", "valid"),
    [
        (date(2024, 11, 23), False),
        (date(2024, 11, 24), True),
        (date(2026, 11, 23), True),
        (date(2026, 11, 24), False),
        (date(2027, 1, 1), False),
    ],
)
def test_results_are_valid_for_two_years(as_of, valid):
    ok, warnings = valid_tests((IELTS_9,), as_of)
    assert bool(ok) is valid
    if not valid:
        assert len(warnings) == 1
    if as_of >= date(2026, 11, 24):
        assert "expired on 2026-11-24" in warnings[0]


def test_expired_test_scores_nothing_and_is_reported():
    facts = Facts(date_of_birth=date(1995, 1, 1), language_tests=(IELTS_9,))
    before = derive(facts, as_of=date(2026, 11, 23))
    after = derive(facts, as_of=date(2026, 11, 24))
    assert before.first_language is not None and before.profile.first_language.listening == 9
    assert after.first_language is None and after.profile.first_language is None
    assert any("expired" in w for w in after.warnings)
    assert not any("expired" in w for w in before.warnings)


def test_pte_core_counts_only_from_2024_01_30():
    early = LanguageTest("pte_core", date(2024, 1, 29), 82, 78, 88, 84)
    ok, warnings = valid_tests((early,), date(2024, 6, 1))
    assert not ok and "PTE Core" in warnings[0]
    ok, _ = valid_tests(
        (LanguageTest("pte_core", date(2024, 1, 30), 82, 78, 88, 84),), date(2024, 6, 1)
    )
    assert [t.clb() for t in ok] == [{"listening": 9, "reading": 9, "writing": 9, "speaking": 9}]


def test_best_of_several_results_per_language_is_used():
    weak = LanguageTest("celpip_general", date(2026, 1, 1), 7, 7, 7, 7)
    strong = LanguageTest("ielts_general", date(2025, 6, 1), 8.0, 7.0, 7.0, 7.0)
    d = derive(
        Facts(date_of_birth=date(1995, 1, 1), language_tests=(weak, strong)), as_of=date(2026, 6, 1)
    )
    assert d.first_language.test == "ielts_general"
