"""Category-based selection: experience rule by date, windows, Canadian-only and special rules."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from eligibility.rules.categories import category_results
from eligibility.rules.facts import CategoryRule, Credential, Facts, Job, LanguageTest

ROOT = Path(__file__).resolve().parents[2]
CATS = json.loads((ROOT / "draws" / "data" / "categories.json").read_text())
IELTS9 = LanguageTest("ielts_general", date(2025, 12, 1), 8.0, 7.0, 7.0, 7.0)
BEFORE = date(2026, 2, 17)  # last day of the 6-continuous-months rule
AFTER = date(2026, 2, 18)  # first day of the 12-months rule


def rule_from_json(year: str, slug: str, start: date, end: date | None = None) -> CategoryRule:
    c = next(c for c in CATS["years"][year]["categories"] if c["id"] == slug)
    return CategoryRule(
        slug=slug,
        name=c["name"],
        effective_from=start,
        effective_to=end,
        experience_rule=c.get("experience_rule") or c["type"],
        nocs=frozenset(o["noc"] for o in c.get("occupations") or ()),
        list_unconfirmed=c.get("list_status") == "UNCONFIRMED",
    )


HEALTH_2025 = rule_from_json("2025", "healthcare_social", date(2025, 2, 27), None)
HEALTH_2026 = rule_from_json("2026", "healthcare_social", date(2026, 2, 18), None)


def job(noc="31301", country="CA", start=date(2024, 1, 1), end=None, hours=37.5, **kw) -> Job:
    return Job(noc=noc, country=country, start=start, end=end, hours_per_week=hours, **kw)


# A CEC-eligible base: 18 months of Canadian software work (not in any healthcare list).
CEC_JOB = job(noc="21231", start=date(2024, 6, 1), end=date(2025, 12, 31))


def facts(*jobs: Job, **kw) -> Facts:
    base = dict(
        date_of_birth=date(1992, 3, 3),
        language_tests=(IELTS9,),
        education=(Credential("bachelors", canadian=True),),
        work_history=(CEC_JOB, *jobs),
    )
    base.update(kw)
    return Facts(**base)


def one(f: Facts, rule: CategoryRule, as_of: date):
    (r,) = category_results(f, as_of=as_of, categories=[rule])
    return r


def test_categories_json_rules_load():
    assert "31301" in HEALTH_2026.nocs and HEALTH_2026.experience_rule == "occupation_2026"
    assert not HEALTH_2026.list_unconfirmed and not HEALTH_2025.list_unconfirmed  # confirmed in 2026
    assert all(c.get("occupations") for c in CATS["years"]["2026"]["categories"] if c["type"] == "occupation")


def test_eight_continuous_months_pass_the_old_rule_and_fail_the_new():
    f = facts(job(noc="31301", country="PH", start=date(2025, 4, 1), end=date(2025, 11, 30)))
    old = one(f, HEALTH_2025, BEFORE)
    assert old.eligible and old.rule == "occupation_2023_2025"
    assert old.occupation == "31301" and old.months == 8.0
    new = one(f, HEALTH_2025, AFTER)  # same category, but the rule in force on as_of applies
    assert not new.eligible and new.rule == "occupation_2026"
    assert new.months == 8.0 and "12 needed" in new.reasons[0]


def test_fifteen_scattered_months_pass_the_new_rule_and_fail_the_old():
    stints = [
        job(noc="31301", country="PH", start=date(y, 1, 1), end=date(y, 5, 31))
        for y in (2023, 2024, 2025)
    ]
    f = facts(*stints)
    old = one(f, HEALTH_2025, BEFORE)
    assert not old.eligible and old.months < 6
    new = one(f, HEALTH_2026, AFTER)
    assert new.eligible and new.months >= 12
    assert not any("unconfirmed" in r for r in new.reasons)  # the 2026 list is confirmed


def test_part_time_counts_proportionally():
    # 12 continuous months at 15 h/week = 6 months full time
    f = facts(
        job(noc="31301", country="PH", start=date(2024, 12, 1), end=date(2025, 11, 30), hours=15)
    )
    assert one(f, HEALTH_2025, BEFORE).eligible
    f = facts(
        job(noc="31301", country="PH", start=date(2024, 12, 1), end=date(2025, 11, 30), hours=14)
    )
    assert not one(f, HEALTH_2025, BEFORE).eligible


def test_job_ended_more_than_three_years_before_is_not_counted():
    as_of = date(2026, 11, 24)
    f = facts(job(noc="31301", country="PH", start=date(2019, 1, 1), end=date(2023, 11, 24)))
    r = one(f, HEALTH_2026, as_of)
    assert not r.eligible and r.occupation is None and r.months == 0.0
    assert "no paid work in a listed occupation" in r.reasons[0]
    f = facts(job(noc="31301", country="PH", start=date(2019, 1, 1), end=date(2024, 12, 31)))
    r = one(f, HEALTH_2026, as_of)
    assert r.eligible and r.months == 13.2  # 2023-11-25 .. 2024-12-31 only (403 days)


def test_category_also_requires_a_program():
    strong = job(noc="31301", country="PH", start=date(2023, 1, 1), end=date(2025, 12, 31))
    no_program = Facts(date_of_birth=date(1992, 3, 3), work_history=(strong,))  # no language test
    r = one(no_program, HEALTH_2026, date(2026, 6, 1))
    assert not r.eligible and r.months == 31.1
    assert any("FSW, CEC or FSTP" in x for x in r.reasons)


def test_best_listed_occupation_is_reported():
    f = facts(
        job(noc="31301", country="PH", start=date(2025, 1, 1), end=date(2025, 6, 30)),
        job(noc="31102", country="PH", start=date(2024, 1, 1), end=date(2024, 12, 31)),
    )
    r = one(f, HEALTH_2025, BEFORE)
    assert r.occupation == "31102" and r.months == 12.0


def test_canadian_experience_categories_count_only_work_in_canada():
    physicians = rule_from_json("2026", "physicians_cdn", date(2026, 2, 18))
    abroad = facts(job(noc="31102", country="IN", start=date(2023, 1, 1), end=date(2026, 1, 31)))
    r = one(abroad, physicians, date(2026, 6, 1))
    assert not r.eligible and r.rule == "canadian_experience_2026"
    in_canada = facts(job(noc="31102", country="CA", start=date(2025, 1, 1), end=date(2026, 1, 31)))
    assert one(in_canada, physicians, date(2026, 6, 1)).eligible
    # not necessarily continuous: two 7-month stints
    split = facts(
        job(noc="31102", start=date(2024, 1, 1), end=date(2024, 7, 31)),
        job(noc="31102", start=date(2025, 1, 1), end=date(2025, 7, 31)),
    )
    assert one(split, physicians, date(2026, 6, 1)).eligible
    self_employed = facts(
        job(noc="31102", start=date(2024, 1, 1), end=date(2025, 7, 31), self_employed=True)
    )
    assert not one(self_employed, physicians, date(2026, 6, 1)).eligible


def test_skilled_military_cannot_be_judged():
    military = rule_from_json("2026", "skilled_military", date(2026, 2, 18))
    f = facts(job(noc="40042", country="GB", start=date(2020, 1, 1)))
    r = one(f, military, date(2026, 6, 1))
    assert not r.eligible
    assert r.reasons[0] == "requires a Canadian Armed Forces job offer (not recorded)"


def test_an_empty_occupation_list_cannot_be_judged_never_not_eligible():
    stem = CategoryRule("stem", "STEM", date(2026, 2, 18), None, "occupation_2026", frozenset(), True)
    r = one(facts(job(noc="21231", start=date(2023, 1, 1))), stem, date(2026, 6, 1))
    assert not r.eligible and "unconfirmed" in r.reasons[0]
    assert r.verdict == "cannot_judge" and r.to_dict()["status"] == "cannot_judge"


@pytest.mark.parametrize(
    ("scores", "test", "eligible"),
    [
        ((434, 434, 428, 456), "tef_canada", True),
        ((433, 434, 428, 456), "tef_canada", False),
        ((458, 453, 10, 10), "tcf_canada", True),
        ((458, 453, 10, 9), "tcf_canada", False),
    ],
)
def test_french_category(scores, test, eligible):
    french = CategoryRule("french", "French", date(2026, 2, 18), None, "language")
    f = facts(language_tests=(IELTS9, LanguageTest(test, date(2026, 1, 1), *scores)))
    r = one(f, french, date(2026, 6, 1))
    assert r.eligible is eligible
    assert r.to_dict().keys() == {"slug", "status", "eligible", "reasons"}
    assert r.to_dict()["status"] == ("eligible" if eligible else "not_eligible")
    expired = one(f, french, date(2028, 1, 1))
    assert not expired.eligible


def test_only_categories_in_force_are_listed():
    rules = [
        CategoryRule(
            "old",
            "Old",
            date(2023, 5, 31),
            date(2025, 2, 26),
            "occupation_2023_2025",
            frozenset({"31301"}),
        ),
        CategoryRule(
            "current",
            "Current",
            date(2025, 2, 27),
            None,
            "occupation_2023_2025",
            frozenset({"31301"}),
        ),
        CategoryRule(
            "future", "Future", date(2027, 1, 1), None, "occupation_2026", frozenset({"31301"})
        ),
    ]
    assert [
        r.slug for r in category_results(facts(), as_of=date(2025, 2, 26), categories=rules)
    ] == ["old"]
    assert [
        r.slug for r in category_results(facts(), as_of=date(2025, 2, 27), categories=rules)
    ] == ["current"]
    assert [
        r.slug for r in category_results(facts(), as_of=date(2027, 1, 1), categories=rules)
    ] == ["current", "future"]


def test_unknown_rule_is_not_eligible():
    r = one(facts(), CategoryRule("x", "X", date(2020, 1, 1), None, "lottery"), date(2026, 1, 1))
    assert not r.eligible and "lottery" in r.reasons[0]


PHYSICIANS = CategoryRule(slug="physicians_cdn", name="Physicians with Canadian work experience",
                          effective_from=date(2025, 12, 8), effective_to=None,
                          experience_rule="canadian_experience_2026",
                          nocs=frozenset({"31100", "31101", "31102"}))


def test_physicians_need_twelve_continuous_canadian_months_before_2026_02_18_and_not_after():
    """Announced 2025-12-08 as continuous; IRCC's 2026 page: need not be continuous (from 2026-02-18)."""
    stints = [job(noc="31102", start=date(2023, 3, 1), end=date(2023, 10, 31)),
              job(noc="31102", start=date(2024, 3, 1), end=date(2024, 10, 31))]  # 16 months, two spans
    f = facts(*stints)
    before = one(f, PHYSICIANS, date(2026, 1, 15))
    assert not before.eligible and before.months == 8.0
    assert before.reasons[0].startswith(
        "8 months of continuous work in Canada in listed occupation NOC 31102 in the last 3 years")
    after = one(f, PHYSICIANS, date(2026, 2, 18))
    assert after.eligible and after.months >= 12 and "(12 needed)" in after.reasons[0]
    abroad = facts(*(replace(j, country="PH") for j in stints))
    assert not one(abroad, PHYSICIANS, date(2026, 2, 18)).eligible  # Canadian work only
