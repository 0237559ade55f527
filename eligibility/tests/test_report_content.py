"""Report content (eligibility.reports): each section on known profiles, no database."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from eligibility import reports, rules
from eligibility.tests.report_fixtures import (
    SPEC_AS_OF,
    all_category_rules,
    sample_records,
    spec_example_facts,
)

CATEGORIES = all_category_rules()


def build(facts: rules.Facts, as_of: dt.date = SPEC_AS_OF, draws=None) -> dict:
    return reports.build_report(facts, as_of=as_of, categories=CATEGORIES,
                                  draws=sample_records() if draws is None else draws)


def score(facts: rules.Facts, as_of: dt.date = SPEC_AS_OF) -> int:
    return rules.assess(facts, as_of=as_of, categories=rules.categories_in_force(CATEGORIES, as_of)).crs.total


def single_cec_candidate(**changes) -> rules.Facts:
    """Single, 30, IELTS CLB 9, bachelor's with ECA, Canadian TEER 1 job since 2025-02-03."""
    facts = rules.Facts(
        date_of_birth=dt.date(1996, 6, 15),
        education=(rules.Credential(level="bachelors", completed_on=dt.date(2018, 5, 1),
                                eca_on=dt.date(2024, 2, 1)),),
        language_tests=(rules.LanguageTest("ielts_general", dt.date(2026, 1, 20), 8.0, 7.0, 7.0, 7.0),),
        work_history=(rules.Job(noc="21231", country="CA", start=dt.date(2025, 2, 3), end=None,
                            hours_per_week=40),),
        settlement_funds_cad=16000,
        profile_submitted_on=dt.date(2026, 3, 1),
    )
    return dataclasses.replace(facts, **changes)


# ---------------------------------------------------------------------------- CRS breakdown


def test_spec_example_report_carries_the_worked_example_score_and_parts():
    report = build(spec_example_facts())
    crs = report["assessment"]["crs"]
    assert (crs["total"], crs["core_human_capital"], crs["spouse_factors"], crs["skill_transferability"],
            crs["additional"]) == (582, 399, 18, 100, 65)
    assert report["rules"] == "2025-03-25"
    assert report["as_of"] == "2026-11-24"


def test_breakdown_marks_factors_at_their_maximum_and_the_room_left_with_spouse_columns():
    sections = {s["section"]: s for s in build(spec_example_facts())["breakdown"]}
    assert list(sections) == ["core_human_capital", "spouse_factors", "skill_transferability", "additional"]
    factors = {f["factor"]: f for s in sections.values() for f in s["factors"]}
    assert sections["skill_transferability"]["at_max"] is True
    assert factors["transfer_education"] == {"factor": "transfer_education", "points": 50, "max": 50,
                                             "at_max": True, "room": 0}
    assert factors["french"]["at_max"] is True
    # With an accompanying spouse, age tops out at 100 and the first language at 128.
    assert (factors["age"]["points"], factors["age"]["max"], factors["age"]["room"]) == (90, 100, 10)
    assert (factors["first_language"]["max"], factors["first_language"]["room"]) == (128, 6)
    assert sections["core_human_capital"]["max"] == 460
    # Arranged employment no longer scores (2025-03-25) and is not listed as room.
    assert "arranged_employment" not in factors


def test_single_client_is_scored_without_spouse_columns_and_has_no_spouse_section():
    report = build(single_cec_candidate())
    sections = {s["section"]: s for s in report["breakdown"]}
    assert "spouse_factors" not in sections
    core = {f["factor"]: f for f in sections["core_human_capital"]["factors"]}
    assert core["age"]["max"] == 110 and core["first_language"]["max"] == 136
    assert sections["core_human_capital"]["max"] == 500
    assert sum(s["points"] for s in report["breakdown"]) == report["assessment"]["crs"]["total"]


# ---------------------------------------------------------------------------- programs and categories


def test_programs_keep_the_engines_reasons_and_fstp_is_not_met_without_a_trade():
    programs = {p["code"]: p for p in build(spec_example_facts())["programs"]}
    assert programs["fsw"]["eligible"] and programs["fsw"]["points"] == 87
    assert programs["cec"]["eligible"]
    assert not programs["fstp"]["eligible"]
    assert programs["fstp"]["reasons"] == ["no work in an eligible trade"]
    assert programs["fstp"]["met_on"] is None  # no date: nothing makes it met without a change


def test_cec_not_yet_met_gives_the_date_it_will_be_met_if_the_job_continues():
    as_of = dt.date(2025, 11, 24)  # the job started 2025-02-03: under a year of Canadian work
    report = build(single_cec_candidate(), as_of=as_of)
    cec = next(p for p in report["programs"] if p["code"] == "cec")
    assert cec["eligible"] is False
    assert cec["reasons"][0] == "9.7 of 12 months of skilled Canadian work in the last 3 years"
    assert cec["progress"] is None  # the engine's progress line says the same as its reason
    met_on = dt.date.fromisoformat(cec["met_on"])
    assert as_of < met_on <= as_of + dt.timedelta(days=365)
    categories = rules.categories_in_force(CATEGORIES, met_on)
    facts = single_cec_candidate()
    assert rules.assess(facts, as_of=met_on, categories=categories).programs.cec.eligible
    before = met_on - dt.timedelta(days=1)
    assert not rules.assess(facts, as_of=before,
                            categories=rules.categories_in_force(CATEGORIES, before)).programs.cec.eligible


def test_categories_in_force_say_which_job_how_many_months_and_which_rule():
    categories = {c["slug"]: c for c in build(spec_example_facts())["categories"]}
    health = categories["healthcare_social"]
    assert health["eligible"] is True
    assert (health["occupation"], health["months"]) == ("31301", 36.0)
    assert health["experience_rule"] == "occupation_2026"
    assert health["name"] == "Healthcare and social services occupations"
    assert categories["french"]["eligible"] is True
    assert categories["transport"]["eligible"] is False and categories["transport"]["reasons"]
    # Only the periods in force on as_of: 2023-2025 lists are not shown.
    assert "agriculture" not in categories and "healthcare" not in categories


# ---------------------------------------------------------------------------- backtest


def test_backtest_against_the_sample_rounds_judges_each_round_with_the_profile_of_that_day():
    backtest = build(spec_example_facts())["backtest"]
    assert backtest["since"] == "2025-11-24"
    rounds = {r["round_number"]: r for r in backtest["rounds"]}
    # Only the sample rounds of the last 12 months are considered.
    assert set(rounds) == {"388", "431", "432", "434"}
    # CEC round of 2026-08-05, cutoff 516: open and met with 582.
    assert rounds["432"]["open"] and rounds["432"]["met"] and rounds["432"]["score"] == 582
    # French round of 2025-12-17: the TEF was taken on 2026-05-20 and the IELTS on 2026-03-05,
    # so on that day no program (hence no category) was open to this profile.
    assert rounds["388"]["open"] is False and rounds["388"]["score"] < 582
    assert rounds["431"]["open"] is False  # PNP: no nomination
    assert rounds["434"]["open"] is False  # transport: not a transport occupation
    assert (backtest["met_count"], backtest["open_count"]) == (1, 1)


def test_backtest_counts_missed_rounds_and_ties_and_names_the_gap_to_the_latest_cutoffs():
    R = reports.DrawRecord  # noqa: N806
    draws = sample_records() + [
        R("900", dt.date(2026, 9, 10), "cec", lowest_crs=590, invitations_issued=2000),  # missed by 8
        R("901", dt.date(2026, 10, 1), "general", lowest_crs=582, invitations_issued=1500),  # a tie
        R("902", dt.date(2026, 10, 20), "category", lowest_crs=470, invitations_issued=3500,
          category_slug="healthcare_social"),
        R("903", dt.date(2026, 11, 2), "category", lowest_crs=400, invitations_issued=300,
          category_slug="trades"),  # not open: not a trade
    ]
    report = build(spec_example_facts(), draws=draws)
    backtest = report["backtest"]
    rounds = {r["round_number"]: r for r in backtest["rounds"]}
    assert rounds["900"]["open"] and not rounds["900"]["met"] and rounds["900"]["margin"] == -8
    assert rounds["901"]["met"] and rounds["901"]["tie"]
    assert rounds["902"]["met"] and not rounds["903"]["open"]
    assert (backtest["met_count"], backtest["open_count"]) == (3, 4)
    gaps = {g["key"]: (g["round_number"], g["gap"]) for g in backtest["gaps"]}
    # No FSW-only round is recorded, so FSW has no gap entry.
    assert gaps == {
        "general": ("901", 0), "cec": ("900", -8), "category:french": ("388", 582 - 399),
        "category:healthcare_social": ("902", 582 - 470),
    }


def test_a_nominated_client_is_open_to_provincial_nominee_rounds():
    facts = spec_example_facts(provincial_nomination=True)
    rounds = {r["round_number"]: r for r in build(facts)["backtest"]["rounds"]}
    assert rounds["431"]["open"] is True
    # The nomination's 600 points fill the additional section to its cap: 582 - 65 + 600.
    assert rounds["431"]["score"] == 1117 and rounds["431"]["met"]


# ---------------------------------------------------------------------------- pool position


def test_pool_position_interpolates_within_the_clients_bucket_of_the_latest_distribution():
    pool = build(spec_example_facts())["pool"]
    assert pool["round_number"] == "434" and pool["distribution_on"] == "2026-08-03"
    # 500 candidates at 601-1200, and 18 of the 100 values of 501-600 above 582: 19,705 * 18/100.
    assert pool["above"] == round(500 + 19705 * 18 / 100) == 4047
    assert pool["total"] == 229100
    assert pool["bucket"] == {"name": "dd2", "low": 501, "high": 600, "count": 19705}
    assert pool["is_estimate"] is True
    by_type = {t["key"]: t for t in pool["by_type"]}
    assert by_type["cec"]["average_size"] == 3000 and by_type["cec"]["rounds_needed"] == 2
    assert by_type["cec"]["within_average_round"] is False
    assert by_type["fsw"]["rounds"] == 0 and by_type["fsw"]["average_size"] is None


@pytest.mark.parametrize(("score", "expected"), [
    (1200, 0),
    (601, 100 * 599 / 600),  # dd1 is 601-1200: 599 of its 600 values are above 601
    (600, 100),  # top of dd2: only dd1 is above
    (501, 100 + 1000 * 99 / 100),
    (455, 100 + 1000 + 50 * 4 + 60 * 5 / 10),
    (0, 100 + 1000 + 50 * 4 + 60 + 300 * 300 / 301),
])
def test_candidates_above_counts_higher_buckets_in_full_and_a_share_of_the_own_bucket(score, expected):
    distribution = {"dd1": 100, "dd2": "1,000", "dd4": 50, "dd5": 50, "dd6": 50,
                    "dd7": 50, "dd8": 60, "dd17": 300, "dd18": "1,660"}
    position = reports.candidates_above(score, distribution)
    assert position["above"] == round(expected)
    assert position["total"] == 1660


def test_no_distribution_recorded_means_no_pool_section():
    draws = [dataclasses.replace(d, distribution=None) for d in sample_records()]
    assert build(spec_example_facts(), draws=draws)["pool"] is None


# ---------------------------------------------------------------------------- what-if


def test_what_if_is_ranked_by_points_gained_and_each_gain_is_the_score_difference_of_the_changed_profile():
    facts = spec_example_facts()
    report = build(facts)
    rows = report["what_if"]
    assert [r["points_gained"] for r in rows] == sorted((r["points_gained"] for r in rows), reverse=True)
    categories = rules.categories_in_force(CATEGORIES, SPEC_AS_OF)
    engine = {w.label: w for w in rules.what_if(facts, as_of=SPEC_AS_OF, categories=categories)}
    assert {r["label"] for r in rows} == set(engine)
    for row in rows:
        changed = engine[row["label"]].changed_facts
        assert row["points_gained"] == score(changed) - 582, row["label"]
        assert row["new_total"] == score(changed)
        assert row["changed_facts"], "the change is recorded"


def test_what_if_english_clb9_equals_a_hand_built_profile_with_that_retake():
    facts = spec_example_facts()
    rows = {r["key"]: r for r in build(facts)["what_if"]}
    # The spouse's CELPIP 7/7/6/7 raised to CLB 9 in every ability, built by hand.
    spouse = dataclasses.replace(facts.spouse, language_tests=(
        rules.LanguageTest("celpip_general", SPEC_AS_OF, 9, 9, 9, 9),))
    assert rows["spouse_clb9"]["points_gained"] == score(dataclasses.replace(facts, spouse=spouse)) - 582
    # A provincial nomination fills the additional section to its 600 cap: 600 - 65.
    assert rows["provincial_nomination"]["points_gained"] == 535
    assert rows["provincial_nomination"]["new_total"] == 1117


def test_what_if_a_year_of_canadian_work_is_dated_when_the_job_reaches_it():
    rows = {r["key"]: r for r in build(spec_example_facts())["what_if"]}
    year = rows["canadian_year"]
    assert year["on_date"] is not None and year["on_date"] > "2026-11-24"
    assert year["points_gained"] > 0


def test_what_if_for_a_single_english_speaker_includes_french_nclc7_worth_a_bonus():
    facts = single_cec_candidate()
    rows = {r["key"]: r for r in build(facts)["what_if"]}
    french = rows["french_nclc7"]
    # NCLC 7 in French with CLB 5+ in English: the 50-point bonus plus second-language points.
    assert french["points_gained"] >= 50
    engine = {w.key: w for w in rules.what_if(facts, as_of=SPEC_AS_OF,
                                              categories=rules.categories_in_force(CATEGORIES, SPEC_AS_OF))}
    assert french["points_gained"] == score(engine["french_nclc7"].changed_facts) - score(facts)


# ---------------------------------------------------------------------------- what lowers the score


def test_the_next_birthday_is_listed_with_its_date_and_points():
    changes = build(spec_example_facts())["changes_ahead"]
    birthday = next(c for c in changes if c["date"] == "2027-04-02")
    assert birthday["delta"] == -5 and "32" in birthday["label"]
    facts = spec_example_facts()
    assert score(facts, dt.date(2027, 4, 2)) - score(facts, dt.date(2027, 4, 1)) == -5


def test_documents_expiring_are_dated_and_one_within_30_days_is_a_warning():
    facts = single_cec_candidate(language_tests=(
        rules.LanguageTest("ielts_general", dt.date(2024, 12, 10), 8.0, 7.0, 7.0, 7.0),))
    report = build(facts)
    docs = {d["document"]: d for d in report["documents"]}
    assert docs["language_test"]["expires_on"] == "2026-12-10"
    assert docs["language_test"]["days_left"] == 16 and docs["language_test"]["expiring_soon"]
    assert docs["eca"]["expires_on"] == "2029-02-01"
    assert docs["ee_profile"]["expires_on"] == "2027-03-01"
    codes = [w["code"] for w in report["warnings"]]
    assert "document_expiring" in codes
    expiry = next(c for c in report["changes_ahead"] if c["date"] == "2026-12-10")
    assert expiry["delta"] < 0  # the engine: the score drops when the result expires


def test_missing_facts_are_warnings():
    facts = rules.Facts(date_of_birth=dt.date(1990, 1, 1))
    codes = [w["code"] for w in build(facts)["warnings"]]
    for code in ("no_language_test", "no_education", "no_work_history", "no_profile", "no_settlement_funds"):
        assert code in codes


# ---------------------------------------------------------------------------- snapshot and compare


def test_facts_round_trip_through_the_stored_json():
    facts = spec_example_facts(profile_submitted_on=dt.date(2026, 2, 1))
    assert reports.facts_from_dict(reports.facts_to_dict(facts)) == facts


def test_diff_names_the_changed_fact_the_factor_it_moved_and_the_new_program():
    old_facts = spec_example_facts()
    tests = list(old_facts.language_tests)
    tests[0] = dataclasses.replace(tests[0], reading=8.0, writing=8.0)  # IELTS reading/writing up
    new_facts = dataclasses.replace(old_facts, language_tests=tuple(tests))
    old = build(old_facts)
    new = build(new_facts, as_of=dt.date(2027, 4, 5))  # after the birthday too
    diff = reports.diff_reports(
        {"as_of": "2026-11-24", "rules": old["rules"], "facts": reports.facts_to_dict(old_facts),
         "results": old},
        {"as_of": "2027-04-05", "rules": new["rules"], "facts": reports.facts_to_dict(new_facts),
         "results": new},
    )
    assert diff["as_of"]["changed"] and not diff["rules"]["changed"]
    paths = {d["path"]: (d["old"], d["new"]) for d in diff["facts"]}
    assert paths == {"language_tests[0].reading": (7.5, 8.0), "language_tests[0].writing": (7.0, 8.0)}
    factors = {f["factor"]: f["delta"] for f in diff["factors"]}
    assert factors["age"] == -5
    assert factors["first_language"] > 0
    assert diff["total"]["delta"] == new["assessment"]["crs"]["total"] - 582
    assert {"path": "age", "change": "changed", "old": 31, "new": 32} in diff["derived"]
