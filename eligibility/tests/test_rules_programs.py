"""assessment.md worked example, derivations from facts, and the FSW / CEC / FSTP rules."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest

from eligibility.rules import assess, crs_score
from eligibility.rules import programs as P
from eligibility.rules.assess import facts_from_json
from eligibility.rules.crs import CrsProfile
from eligibility.rules.derive import Derived, derive
from eligibility.rules.facts import (
    CategoryRule,
    Certificate,
    Credential,
    Facts,
    Job,
    JobOffer,
    LanguageTest,
    Spouse,
)
from eligibility.rules.programs import ProgramResult, funds_needed
from eligibility.rules.spec import SpecError, as_of_from_json
from eligibility.rules.work import is_trade


# One program at a time, as program_results() computes each (without its re-check of occupations
# recorded without a NOC code, which the tests below do not record).
def fsw(facts: Facts, *, as_of: date) -> ProgramResult:
    d = derive(facts, as_of=as_of)
    return P._fsw(facts, as_of, d, P._ordered_tests(d), P._Jobs(facts), P._deriver(facts))


def cec(facts: Facts, *, as_of: date) -> ProgramResult:
    d = derive(facts, as_of=as_of)
    return P._cec(facts, as_of, d, P._ordered_tests(d), P._Jobs(facts), P._deriver(facts))


def fstp(facts: Facts, *, as_of: date) -> ProgramResult:
    d = derive(facts, as_of=as_of)
    return P._fstp(facts, as_of, d, P._ordered_tests(d), P._Jobs(facts), P._deriver(facts))


def fsw_grid(facts: Facts, d: Derived) -> dict[str, int]:
    """The FSW grid's points per factor, as fsw() computes them."""
    return P._fsw_grid(facts, d, P._Jobs(facts), P._ordered_tests(d))


ROOT = Path(__file__).resolve().parents[2]
AS_OF = date(2026, 11, 24)

EXAMPLE = {
    "as_of": "2026-11-24",
    "date_of_birth": "1995-04-02",
    "marital_status": "married",
    "spouse": {
        "accompanying": True,
        "canadian_citizen_or_pr": False,
        "education": [{"level": "bachelors", "canadian": False}],
        "language_tests": [
            {
                "test": "celpip_general",
                "date": "2026-01-10",
                "listening": 7,
                "reading": 7,
                "writing": 6,
                "speaking": 7,
            }
        ],
        "work_history": [],
    },
    "education": [
        {"level": "bachelors", "canadian": False, "completed": "2017-06-30"},
        {"level": "two_year", "canadian": True, "completed": "2023-04-30"},
    ],
    "language_tests": [
        {
            "test": "ielts_general",
            "date": "2026-03-05",
            "listening": 8.5,
            "reading": 7.5,
            "writing": 7.0,
            "speaking": 7.5,
        },
        {
            "test": "tef_canada",
            "date": "2026-05-20",
            "listening": 470,
            "reading": 440,
            "writing": 430,
            "speaking": 460,
        },
    ],
    "work_history": [
        {
            "noc": "31301",
            "country": "CA",
            "start": "2023-06-01",
            "end": None,
            "hours_per_week": 37.5,
            "paid": True,
            "self_employed": False,
            "full_time_student": False,
        },
        {
            "noc": "31301",
            "country": "PH",
            "start": "2017-01-15",
            "end": "2021-04-30",
            "hours_per_week": 40,
            "paid": True,
            "self_employed": False,
            "full_time_student": False,
        },
    ],
    "certificate_of_qualification": None,
    "provincial_nomination": False,
    "job_offer": None,
    "sibling_in_canada": False,
    "family_size": 2,
    "settlement_funds_cad": 21000,
}


def example_categories() -> list[CategoryRule]:
    """2026 healthcare_social built from categories.json, plus French."""
    data = json.loads((ROOT / "draws" / "data" / "categories.json").read_text())
    hc = next(c for c in data["years"]["2026"]["categories"] if c["id"] == "healthcare_social")
    return [
        CategoryRule(
            slug=hc["id"],
            name=hc["name"],
            effective_from=date(2026, 2, 18),
            effective_to=None,
            experience_rule=hc["experience_rule"],
            nocs=frozenset(o["noc"] for o in hc["occupations"]),
            list_unconfirmed=hc["list_status"] == "UNCONFIRMED",
        ),
        CategoryRule(
            slug="french",
            name="French-language proficiency",
            effective_from=date(2026, 2, 18),
            effective_to=None,
            experience_rule="language",
        ),
    ]


@pytest.fixture(scope="module")
def example():
    facts = facts_from_json(EXAMPLE)
    as_of = as_of_from_json(EXAMPLE, default=date(2000, 1, 1))
    return facts, as_of, assess(facts, as_of=as_of, categories=example_categories())


def test_example_crs_parts(example):
    _, _, a = example
    crs = a.crs.to_dict()
    d = crs["details"]
    assert (
        d["age"],
        d["education"],
        d["first_language"],
        d["second_language"],
        d["canadian_work"],
    ) == (90, 119, 122, 12, 56)
    assert crs["core_human_capital"] == 399
    assert (d["spouse_education"], d["spouse_language"], d["spouse_canadian_work"]) == (8, 10, 0)
    assert crs["spouse_factors"] == 18
    assert (d["transfer_education"], d["transfer_foreign_work"], d["transfer_certificate"]) == (
        50,
        50,
        0,
    )
    assert crs["skill_transferability"] == 100
    assert (d["french"], d["canadian_education"], d["provincial_nomination"], d["sibling"]) == (
        50,
        15,
        0,
        0,
    )
    assert crs["additional"] == 65
    assert crs["total"] == 582
    assert crs["rules"] == "2025-03-25"


def test_example_derived(example):
    _, _, a = example
    assert a.to_dict()["derived"] == {
        "age": 31,
        "canadian_work_years": 3,
        "foreign_work_years": 4,
        "first_language": {
            "test": "ielts_general",
            "clb": {"listening": 10, "reading": 9, "writing": 9, "speaking": 10},
        },
        "second_language": {
            "test": "tef_canada",
            "clb": {"listening": 8, "reading": 7, "writing": 7, "speaking": 7},
        },
    }
    assert a.derived.spouse_status == "accompanying"
    assert a.derived.education == "two_or_more"


def test_example_programs(example):
    _, as_of, a = example
    p = a.to_dict()["programs"]
    assert set(p) == {"fsw", "cec", "fstp"}
    assert set(p["fsw"]) == {"status", "eligible", "points", "reasons"}
    assert set(p["cec"]) == set(p["fstp"]) == {"status", "eligible", "reasons"}
    assert p["fsw"]["eligible"] is True and p["fsw"]["points"] == 87
    assert a.programs.fsw.details == {
        "language": 24,
        "second_language": 4,
        "education": 22,
        "experience": 15,
        "age": 12,
        "arranged_employment": 0,
        "adaptability": 10,
    }
    assert p["cec"]["eligible"] is True
    assert p["fstp"] == {"status": "not_eligible", "eligible": False,
                         "reasons": ["no work in an eligible trade"]}
    assert a.programs.cec.met_on == as_of and a.programs.fstp.met_on is None


def test_example_categories_and_output_shape(example):
    _, _, a = example
    out = a.to_dict()
    assert list(out) == ["as_of", "crs", "derived", "programs", "categories", "warnings"]
    assert out["as_of"] == "2026-11-24"
    cats = {c["slug"]: c for c in out["categories"]}
    assert cats["healthcare_social"]["eligible"] is True
    assert cats["healthcare_social"]["occupation"] == "31301"
    assert cats["healthcare_social"]["months"] == 36.0
    assert set(cats["healthcare_social"]) == {"slug", "status", "eligible", "occupation", "months",
                                              "reasons"}
    assert cats["french"] == {
        "slug": "french",
        "status": "eligible",
        "eligible": True,
        "reasons": ["NCLC 7 or higher in all four abilities"],
    }
    assert json.loads(json.dumps(out)) == out
    # the foreign bachelor's credentials carry no ECA date: reported, still counted
    assert any("ECA" in w for w in out["warnings"])


def test_example_crs_equals_crs_score_of_the_derived_profile(example):
    facts, as_of, a = example
    assert crs_score(a.derived.profile, as_of=as_of) == a.crs
    assert isinstance(a.derived.profile, CrsProfile)


# --- facts_from_json ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "value", "error_path"),
    [
        (["work_history", 1, "noc"], "3130", "work_history[1].noc"),
        (["work_history", 1, "noc"], 31301, "work_history[1].noc"),
        (["work_history", 0, "hours_per_week"], 169, "work_history[0].hours_per_week"),
        (["work_history", 0, "hours_per_week"], -1, "work_history[0].hours_per_week"),
        (["work_history", 0, "start"], "2023-13-01", "work_history[0].start"),
        (["work_history", 1, "end"], "2016-01-01", "work_history[1].end"),
        (["work_history", 0, "paid"], "yes", "work_history[0].paid"),
        (["work_history", 0, "country"], "CAN", "work_history[0].country"),
        (["language_tests", 1, "listening"], 700, "language_tests[1].listening"),
        (["language_tests", 0, "test"], "ielts_academic", "language_tests[0].test"),
        (["language_tests", 0, "date"], None, "language_tests[0].date"),
        (["education", 0, "level"], "phd", "education[0].level"),
        (["education", 1, "canadian"], "true", "education[1].canadian"),
        (["spouse", "language_tests", 0, "writing"], 13, "spouse.language_tests[0].writing"),
        (["spouse", "accompanying"], None, "spouse.accompanying"),
        (["marital_status"], "engaged", "marital_status"),
        (["date_of_birth"], "02/04/1995", "date_of_birth"),
        (["family_size"], 0, "family_size"),
        (["settlement_funds_cad"], "21000", "settlement_funds_cad"),
        (["job_offer"], {"noc": "31301", "years": 0}, "job_offer.years"),
        (
            ["certificate_of_qualification"],
            {"noc": "72200", "province": "XX"},
            "certificate_of_qualification.province",
        ),
        (["work_history", 0, "colour"], "red", "work_history[0].colour"),
        (["education"], {"level": "masters"}, "education"),
    ],
)
def test_facts_from_json_errors_name_the_path(path, value, error_path):
    doc = json.loads(json.dumps(EXAMPLE))
    target = doc
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    with pytest.raises(SpecError) as exc:
        facts_from_json(doc)
    assert exc.value.path == error_path


def test_unknown_noc_against_known_codes():
    known = {"31301"}
    facts_from_json(EXAMPLE, known_nocs=known)
    doc = json.loads(json.dumps(EXAMPLE))
    doc["work_history"][1]["noc"] = "99999"
    with pytest.raises(SpecError) as exc:
        facts_from_json(doc, known_nocs=known)
    assert exc.value.path == "work_history[1].noc" and "unknown" in exc.value.message


def test_missing_date_of_birth():
    doc = {k: v for k, v in EXAMPLE.items() if k != "date_of_birth"}
    with pytest.raises(SpecError) as exc:
        facts_from_json(doc)
    assert exc.value.path == "date_of_birth"


# --- derivations ----------------------------------------------------------------------------

DOB = date(1994, 6, 15)
IELTS9 = LanguageTest("ielts_general", date(2026, 1, 10), 8.0, 7.0, 7.0, 7.0)
IELTS7 = LanguageTest("ielts_general", date(2026, 1, 10), 6.0, 6.0, 6.0, 6.0)
CELPIP5 = LanguageTest("celpip_general", date(2026, 1, 10), 5, 4, 4, 5)
BACHELORS = Credential(
    "bachelors", canadian=False, completed_on=date(2016, 5, 1), eca_on=date(2024, 1, 1)
)


def job(noc="21231", country="CA", start=date(2020, 1, 1), end=None, hours=40.0, **kw) -> Job:
    return Job(noc=noc, country=country, start=start, end=end, hours_per_week=hours, **kw)


def facts(**kw) -> Facts:
    base = dict(
        date_of_birth=DOB,
        education=(BACHELORS,),
        language_tests=(IELTS9,),
        settlement_funds_cad=50000,
    )
    base.update(kw)
    return Facts(**base)


@pytest.mark.parametrize(("as_of", "age"), [(date(2026, 6, 14), 31), (date(2026, 6, 15), 32)])
def test_age_on_birthday(as_of, age):
    assert derive(facts(), as_of=as_of).age == age


@pytest.mark.parametrize(
    ("levels", "expected"),
    [
        (("bachelors",), "bachelors"),
        (("bachelors", "one_year"), "two_or_more"),
        (("bachelors", "bachelors"), "two_or_more"),
        (("two_year", "one_year"), "two_year"),
        (("masters", "bachelors"), "masters"),
        (("secondary", "bachelors"), "bachelors"),
        ((), "none"),
    ],
)
def test_highest_education_and_two_or_more(levels, expected):
    creds = tuple(Credential(lv, canadian=True) for lv in levels)
    assert derive(facts(education=creds), as_of=AS_OF).education == expected


def test_eca_missing_counts_with_warning_expired_does_not():
    no_eca = Credential("masters", canadian=False)
    d = derive(facts(education=(no_eca,)), as_of=AS_OF)
    assert d.education == "masters" and any("no ECA" in w for w in d.warnings)
    expired = Credential("masters", canadian=False, eca_on=date(2021, 11, 24))
    d = derive(facts(education=(expired, Credential("secondary", canadian=True))), as_of=AS_OF)
    assert d.education == "secondary" and any("ECA expired on 2026-11-24" in w for w in d.warnings)
    d = derive(facts(education=(expired,)), as_of=date(2026, 11, 23))
    assert d.education == "masters"


@pytest.mark.parametrize(
    ("levels", "expected"),
    [
        (("one_year",), "one_or_two_year"),
        (("two_year",), "one_or_two_year"),
        (("bachelors",), "three_year_or_more"),
        (("masters",), "three_year_or_more"),
        (("secondary",), "none"),
    ],
)
def test_canadian_education_level(levels, expected):
    creds = tuple(Credential(lv, canadian=True) for lv in levels)
    assert derive(facts(education=creds), as_of=AS_OF).canadian_education == expected


def test_canadian_work_counts_full_time_equivalent_and_whole_years():
    # 2 years at 15 h/week = 1 year FTE; hours above 30 count as 30
    d = derive(facts(work_history=(job(start=date(2024, 11, 1), hours=15),)), as_of=AS_OF)
    assert d.canadian_work_years == 1
    d = derive(facts(work_history=(job(start=date(2024, 12, 1), hours=60),)), as_of=AS_OF)
    assert d.canadian_work_years == 1  # 2 years less a week: 60 h/week do not make 3 years


@pytest.mark.parametrize(
    ("kw", "years"),
    [
        ({}, 3),
        ({"self_employed": True}, 0),
        ({"full_time_student": True}, 0),
        ({"paid": False}, 0),
        ({"noc": "64100"}, 0),
        ({"country": "US"}, 0),
    ],
)
def test_what_counts_as_canadian_work(kw, years):
    d = derive(facts(work_history=(job(start=date(2023, 6, 1), **kw),)), as_of=AS_OF)
    assert d.canadian_work_years == years


def test_overlapping_jobs_share_the_30_hour_cap():
    jobs = (
        job(start=date(2025, 1, 1), hours=20),
        job(noc="21232", start=date(2025, 1, 1), hours=20),
    )
    d = derive(facts(work_history=jobs), as_of=AS_OF)
    assert 1 <= d.canadian_work_hours / 1560 < 2  # not 2.5 years of hours


def test_work_older_than_ten_years_is_not_counted():
    old = job(country="IN", start=date(2010, 1, 1), end=date(2016, 11, 24))
    recent = job(country="IN", start=date(2016, 11, 25), end=date(2018, 11, 30))
    d = derive(facts(work_history=(old, recent)), as_of=AS_OF)
    assert d.foreign_work_years == 2
    d = derive(facts(work_history=(replace(old, end=date(2017, 12, 31)),)), as_of=AS_OF)
    assert d.foreign_work_years == 1


def test_first_language_is_the_designation_with_the_higher_crs():
    # French 10/10/10/8 has more first-language points (125) than English 9/9/9/9 (124), but English
    # first keeps CLB 9 in all four for skill transferability, which is worth more in total.
    english = LanguageTest("celpip_general", date(2026, 1, 1), 9, 9, 9, 9)
    french = LanguageTest("tcf_canada", date(2026, 1, 1), 549, 549, 16, 12)
    f = facts(
        language_tests=(english, french),
        education=(BACHELORS,),
        work_history=(job(country="IN", start=date(2018, 1, 1), end=date(2024, 1, 1)),),
    )
    d = derive(f, as_of=AS_OF)
    assert d.first_language.test == "celpip_general" and d.second_language.test == "tcf_canada"
    swapped = replace(
        d.profile,
        first_language=d.profile.second_language,
        second_language=d.profile.first_language,
    )
    assert crs_score(d.profile, as_of=AS_OF).total > crs_score(swapped, as_of=AS_OF).total


@pytest.mark.parametrize(
    ("marital", "accompanying", "pr", "status"),
    [
        ("married", True, False, "accompanying"),
        ("common_law", True, False, "accompanying"),
        ("married", False, False, "non_accompanying"),
        ("married", True, True, "canadian"),
        ("single", True, False, "none"),
        ("divorced", True, False, "none"),
    ],
)
def test_spouse_status(marital, accompanying, pr, status):
    sp = Spouse(accompanying=accompanying, canadian_citizen_or_pr=pr)
    d = derive(facts(marital_status=marital, spouse=sp), as_of=AS_OF)
    assert d.spouse_status == status
    assert d.profile.with_spouse is (status == "accompanying")


# --- FSW ------------------------------------------------------------------------------------------


def fsw_candidate(**kw) -> Facts:
    base = dict(
        work_history=(
            job(noc="21231", country="IN", start=date(2019, 1, 1), end=date(2022, 12, 31)),
        ),
        language_tests=(IELTS9,),
        education=(BACHELORS,),
        settlement_funds_cad=16000,
    )
    base.update(kw)
    return facts(**base)


def test_fsw_strong_candidate_is_eligible():
    r = fsw(fsw_candidate(), as_of=AS_OF)
    # language 24 + education 21 + experience 13 (4 years) + age 12 = 70
    assert r.details == {
        "language": 24,
        "second_language": 0,
        "education": 21,
        "experience": 13,
        "age": 12,
        "arranged_employment": 0,
        "adaptability": 0,
    }
    assert r.eligible and r.points == 70 and r.met_on == AS_OF


@pytest.mark.parametrize(
    ("age", "points"),
    [
        (17, 0),
        (18, 12),
        (30, 12),
        (35, 12),
        (36, 11),
        (37, 10),
        (38, 9),
        (39, 8),
        (40, 7),
        (41, 6),
        (42, 5),
        (43, 4),
        (44, 3),
        (45, 2),
        (46, 1),
        (47, 0),
        (60, 0),
    ],
)
def test_fsw_age_points(age, points):
    f = fsw_candidate(date_of_birth=date(AS_OF.year - age, 1, 1))
    assert fsw_grid(f, derive(f, as_of=AS_OF))["age"] == points


@pytest.mark.parametrize(
    ("level", "points"),
    [
        ("secondary", 5),
        ("one_year", 15),
        ("two_year", 19),
        ("bachelors", 21),
        ("two_or_more", 22),
        ("masters", 23),
        ("doctoral", 25),
    ],
)
def test_fsw_education_points(level, points):
    f = fsw_candidate(education=(Credential(level, canadian=True),))
    assert fsw_grid(f, derive(f, as_of=AS_OF))["education"] == points


@pytest.mark.parametrize(
    ("years", "points"), [(1, 9), (2, 11), (3, 11), (4, 13), (5, 13), (6, 15), (9, 15)]
)
def test_fsw_experience_points(years, points):
    start = date(2016, 12, 1)
    f = fsw_candidate(
        work_history=(job(country="IN", start=start, end=start + timedelta(days=365 * years)),)
    )
    assert fsw_grid(f, derive(f, as_of=AS_OF))["experience"] == points


@pytest.mark.parametrize(
    ("scores", "points"),
    [
        ((6.0, 6.0, 6.0, 6.0), 16),
        ((7.5, 6.5, 6.5, 6.5), 20),
        ((8.0, 7.0, 7.0, 7.0), 24),
        ((9.0, 9.0, 9.0, 9.0), 24),
        ((5.5, 6.0, 6.0, 6.0), 12),
    ],
)
def test_fsw_language_points(scores, points):
    f = fsw_candidate(language_tests=(LanguageTest("ielts_general", date(2026, 1, 1), *scores),))
    assert fsw_grid(f, derive(f, as_of=AS_OF))["language"] == points


def test_fsw_second_language_and_adaptability():
    french5 = LanguageTest("tef_canada", date(2026, 1, 1), 352, 352, 330, 387)
    spouse = Spouse(
        accompanying=True,
        canadian_citizen_or_pr=False,
        language_tests=(LanguageTest("celpip_general", date(2026, 1, 1), 4, 4, 4, 4),),
    )
    f = fsw_candidate(
        language_tests=(IELTS9, french5),
        marital_status="married",
        spouse=spouse,
        sibling_in_canada=True,
    )
    g = fsw_grid(f, derive(f, as_of=AS_OF))
    assert g["second_language"] == 4
    assert g["adaptability"] == 10  # spouse language 5 + relative 5
    f = fsw_candidate(marital_status="married", spouse=spouse)
    assert fsw_grid(f, derive(f, as_of=AS_OF))["adaptability"] == 5
    f = fsw_candidate(job_offer=JobOffer("21231", 1))
    g = fsw_grid(f, derive(f, as_of=AS_OF))
    assert (g["arranged_employment"], g["adaptability"]) == (10, 5)


def test_fsw_needs_clb7_in_all_four():
    f = fsw_candidate(
        language_tests=(LanguageTest("ielts_general", date(2026, 1, 1), 8.0, 7.0, 5.5, 7.0),)
    )
    r = fsw(f, as_of=AS_OF)
    assert not r.eligible and any("CLB 7" in x for x in r.reasons)


def test_fsw_needs_one_continuous_year_in_one_occupation():
    split = (
        job(noc="21231", country="IN", start=date(2021, 1, 1), end=date(2021, 8, 31)),
        job(noc="21231", country="IN", start=date(2021, 11, 1), end=date(2022, 6, 30)),
    )
    # 24 + 21 + 9 (1 year) + 12 + relative 5 = 71 points either way; only continuity differs
    r = fsw(fsw_candidate(work_history=split, sibling_in_canada=True), as_of=AS_OF)
    assert r.points == 71
    assert not r.eligible and any("of 12 months of continuous" in x for x in r.reasons)
    joined = (split[0], replace(split[1], start=date(2021, 9, 1)))
    assert fsw(fsw_candidate(work_history=joined, sibling_in_canada=True), as_of=AS_OF).eligible
    two_nocs = (split[0], replace(split[1], noc="21232", start=date(2021, 9, 1)))
    assert not fsw(
        fsw_candidate(work_history=two_nocs, sibling_in_canada=True), as_of=AS_OF
    ).eligible


def test_fsw_pass_mark_67():
    # age 44 (3) + language 16 + education 21 + experience 13 = 53 < 67
    f = fsw_candidate(date_of_birth=date(1982, 1, 1), language_tests=(IELTS7,))
    r = fsw(f, as_of=AS_OF)
    assert r.points < 67 and not r.eligible and any("67 needed" in x for x in r.reasons)


def test_fsw_needs_an_education_credential():
    r = fsw(fsw_candidate(education=()), as_of=AS_OF)
    assert not r.eligible and any("education" in x for x in r.reasons)


@pytest.mark.parametrize(
    ("size", "as_of", "amount"),
    [
        (1, date(2025, 7, 7), 15263),
        (2, date(2025, 7, 7), 19001),
        (3, AS_OF, 23360),
        (4, AS_OF, 28362),
        (5, AS_OF, 32168),
        (6, AS_OF, 36280),
        (7, AS_OF, 40392),
        (9, AS_OF, 40392 + 2 * 4112),
        (1, date(2025, 7, 6), 14690),
        (2, date(2025, 7, 6), 18288),
        (3, date(2024, 6, 3), 22483),
        (4, date(2024, 6, 3), 27297),
        (5, date(2024, 6, 3), 30690),
        (6, date(2024, 6, 3), 34917),
        (7, date(2024, 6, 3), 38875),
        (8, date(2024, 6, 3), 38875 + 3958),
    ],
)
def test_proof_of_funds_tables(size, as_of, amount):
    assert funds_needed(size, as_of) == amount


def test_proof_of_funds_requirement():
    assert fsw(fsw_candidate(settlement_funds_cad=15263), as_of=AS_OF).eligible
    r = fsw(fsw_candidate(settlement_funds_cad=15262), as_of=AS_OF)
    assert not r.eligible and any("15,263" in x for x in r.reasons)
    r = fsw(fsw_candidate(settlement_funds_cad=None), as_of=AS_OF)
    assert not r.eligible and any("not recorded" in x for x in r.reasons)
    # family of 3 needs more
    assert not fsw(fsw_candidate(settlement_funds_cad=20000, family_size=3), as_of=AS_OF).eligible


def test_no_funds_needed_with_job_offer_while_working_in_canada():
    work = (
        job(noc="21231", country="IN", start=date(2019, 1, 1), end=date(2022, 12, 31)),
        job(noc="21231", country="CA", start=date(2026, 6, 1)),
    )
    f = fsw_candidate(work_history=work, settlement_funds_cad=0, job_offer=JobOffer("21231", 1))
    assert fsw(f, as_of=AS_OF).eligible
    f = fsw_candidate(
        settlement_funds_cad=0, job_offer=JobOffer("21231", 1)
    )  # offer, but not in Canada
    assert not fsw(f, as_of=AS_OF).eligible


# --- CEC ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("noc", "test", "eligible"),
    [
        ("21231", IELTS9, True),
        ("21231", CELPIP5, False),
        ("22310", CELPIP5, False),
        ("00012", IELTS7, True),
        ("22310", LanguageTest("celpip_general", date(2026, 1, 10), 5, 5, 5, 5), True),
        ("32101", IELTS7, True),
    ],
)
def test_cec_language_by_teer(noc, test, eligible):
    f = facts(language_tests=(test,), work_history=(job(noc=noc, start=date(2025, 1, 1)),))
    assert cec(f, as_of=AS_OF).eligible is eligible


def test_cec_progress_and_met_on_for_an_ongoing_job():
    start = date(2026, 1, 24)  # 305 days up to 2026-11-24 = 10 months of 130 h
    f = facts(work_history=(job(start=start),))
    r = cec(f, as_of=AS_OF)
    assert not r.eligible
    assert r.progress == "10 of 12 months of Canadian experience"
    assert r.met_on == start + timedelta(days=363)  # 364 days x 30/7 h = 1,560 h
    assert cec(f, as_of=r.met_on).eligible
    assert not cec(f, as_of=r.met_on - timedelta(days=1)).eligible
    ended = facts(work_history=(job(start=start, end=date(2026, 11, 1)),))
    assert cec(ended, as_of=AS_OF).met_on is None


@pytest.mark.parametrize(
    "kw",
    [{"self_employed": True}, {"full_time_student": True}, {"country": "US"}, {"noc": "65100"}],
)
def test_cec_excluded_work(kw):
    f = facts(work_history=(job(start=date(2024, 1, 1), **kw),))
    assert not cec(f, as_of=AS_OF).eligible


def test_cec_hours_above_30_do_not_count():
    f = facts(work_history=(job(start=date(2026, 1, 1), hours=50),))  # 11 months at 50 h
    assert not cec(f, as_of=AS_OF).eligible


def test_cec_work_must_be_in_the_last_3_years():
    f = facts(work_history=(job(start=date(2022, 1, 1), end=date(2023, 11, 24)),))
    assert not cec(f, as_of=AS_OF).eligible
    f = facts(work_history=(job(start=date(2022, 1, 1), end=date(2024, 11, 30)),))
    assert cec(f, as_of=AS_OF).eligible


# --- FSTP -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("noc", "trade"),
    [
        ("72310", True),
        ("72200", True),
        ("72600", False),
        ("72604", False),
        ("73300", True),
        ("82031", True),
        ("83100", True),
        ("92100", True),
        ("93100", True),
        ("93200", False),
        ("63200", True),
        ("63201", True),
        ("63202", True),
        ("62200", True),
        ("62100", False),
        ("63100", False),
        ("21231", False),
        ("7231", False),
    ],
)
def test_is_trade(noc, trade):
    assert is_trade(noc) is trade


CELPIP_FSTP = LanguageTest("celpip_general", date(2026, 1, 10), 5, 4, 4, 5)


def trades_candidate(**kw) -> Facts:
    base = dict(
        language_tests=(CELPIP_FSTP,),
        education=(),
        work_history=(
            job(noc="72310", country="IN", start=date(2022, 1, 1), end=date(2024, 6, 30)),
        ),
        certificate_of_qualification=Certificate("72310", "ON"),
        settlement_funds_cad=16000,
    )
    base.update(kw)
    return facts(**base)


def test_fstp_eligible_with_certificate():
    r = fstp(trades_candidate(), as_of=AS_OF)
    assert r.eligible, r.reasons


def test_fstp_needs_offer_or_certificate_in_the_trade():
    r = fstp(trades_candidate(certificate_of_qualification=None), as_of=AS_OF)
    assert not r.eligible and any("certificate" in x for x in r.reasons)
    r = fstp(trades_candidate(certificate_of_qualification=Certificate("72200", "ON")), as_of=AS_OF)
    assert not r.eligible
    f = trades_candidate(certificate_of_qualification=None, job_offer=JobOffer("72310", 1))
    assert fstp(f, as_of=AS_OF).eligible


@pytest.mark.parametrize(
    ("scores", "ok"),
    [((5, 4, 4, 5), True), ((4, 4, 4, 5), False), ((5, 3, 4, 5), False), ((5, 4, 4, 4), False)],
)
def test_fstp_language(scores, ok):
    f = trades_candidate(
        language_tests=(LanguageTest("celpip_general", date(2026, 1, 10), *scores),)
    )
    assert fstp(f, as_of=AS_OF).eligible is ok


def test_fstp_two_years_in_the_last_five():
    short = trades_candidate(
        work_history=(
            job(noc="72310", country="IN", start=date(2023, 1, 1), end=date(2024, 6, 30)),
        )
    )
    r = fstp(short, as_of=AS_OF)
    assert not r.eligible and any("of 24 months" in x for x in r.reasons)
    old = trades_candidate(
        work_history=(
            job(noc="72310", country="IN", start=date(2015, 1, 1), end=date(2021, 6, 30)),
        )
    )
    assert fstp(old, as_of=AS_OF).reasons == ("no work in an eligible trade in the last 5 years",)
