"""CRS tables, rule sets, the crs-profile.md worked example and its JSON parser.

Expected values come from eligibility/data/crs-tables.json (the reference copy), so a typo in
eligibility/rules/tables.py fails here twice: in the row-by-row comparison and in the scores.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from eligibility.rules import tables as T
from eligibility.rules.crs import (
    DETAIL_KEYS,
    CrsProfile,
    LanguageLevels,
    SpouseProfile,
    crs_profile_from_json,
    crs_score,
    crs_score_json,
)
from eligibility.rules.spec import SpecError

DATA = json.loads((Path(__file__).resolve().parents[1] / "data" / "crs-tables.json").read_text())
CORE = DATA["core"]
TODAY = date(2026, 11, 24)
COLS = {"with_spouse": "accompanying", "without_spouse": "none"}


def clb(level: int | tuple[int, int, int, int], test: str = "clb", language: str = "en"):
    lv = (level,) * 4 if isinstance(level, int) else level
    return LanguageLevels(test, *lv, language=language)


def profile(**kw) -> CrsProfile:
    base = dict(age=45, education="none")
    base.update(kw)
    if base.get("spouse_status") == "accompanying" and "spouse" not in kw:
        base["spouse"] = SpouseProfile()
    return CrsProfile(**base)


def score(as_of: date = TODAY, **kw):
    return crs_score(profile(**kw), as_of=as_of)


# --- the Python tables agree with the reference JSON, row by row ----------------------------


def test_age_rows_match_json():
    assert [(r["age"], r["with_spouse"], r["without_spouse"]) for r in CORE["age"]] == list(
        T.AGE_ROWS
    )


def test_education_matches_json():
    ref = {
        k: (v["with_spouse"], v["without_spouse"])
        for k, v in CORE["education"].items()
        if not k.startswith("_")
    }
    assert ref == dict(T.EDUCATION)


@pytest.mark.parametrize(
    ("key", "rows"),
    [
        ("first_official_language_per_ability", T.FIRST_LANGUAGE_ROWS),
        ("second_official_language_per_ability", T.SECOND_LANGUAGE_ROWS),
    ],
)
def test_language_rows_match_json(key, rows):
    ref = [
        (r["clb_min"], r["clb_max"], r["with_spouse"], r["without_spouse"])
        for r in CORE[key]["rows"]
    ]
    assert ref == list(rows)


def test_second_language_cap_matches_json():
    assert CORE["second_official_language_per_ability"]["cap_total"] == dict(T.SECOND_LANGUAGE_CAP)


def test_canadian_work_rows_match_json():
    ref = [
        (r["years"], r["with_spouse"], r["without_spouse"])
        for r in CORE["canadian_work_experience"]["rows"]
    ]
    assert ref == list(T.CANADIAN_WORK_ROWS)


def test_spouse_tables_match_json():
    sf = DATA["spouse_factors"]
    assert {k: v for k, v in sf["education"].items() if k != "max"} == dict(T.SPOUSE_EDUCATION)
    assert [
        (r["clb_min"], r["clb_max"], r["points"])
        for r in sf["first_official_language_per_ability"]["rows"]
    ] == list(T.SPOUSE_LANGUAGE_ROWS)
    assert [(r["years"], r["points"]) for r in sf["canadian_work_experience"]["rows"]] == list(
        T.SPOUSE_CANADIAN_WORK_ROWS
    )


def test_transferability_tables_match_json():
    st = DATA["skill_transferability"]
    eg, fg = st["education_group"], st["foreign_work_group"]
    assert eg["education_class"] == dict(T.TRANSFER_EDUCATION_CLASS)
    assert eg["education_plus_language"]["points"] == dict(T.TRANSFER_EDUCATION_LANGUAGE)
    assert eg["education_plus_canadian_work"]["points"] == dict(T.TRANSFER_EDUCATION_CANADIAN_WORK)
    assert fg["foreign_class"] == dict(T.FOREIGN_WORK_CLASS)
    assert fg["foreign_work_plus_language"]["points"] == dict(T.TRANSFER_FOREIGN_LANGUAGE)
    assert fg["foreign_work_plus_canadian_work"]["points"] == dict(T.TRANSFER_FOREIGN_CANADIAN_WORK)
    assert st["certificate_of_qualification"]["points"] == dict(T.CERTIFICATE)
    assert (eg["cap"], fg["cap"], st["max_total"]) == (
        T.TRANSFER_GROUP_CAP,
        T.TRANSFER_GROUP_CAP,
        T.TRANSFER_CAP,
    )


@pytest.mark.parametrize("ref", DATA["rule_sets"], ids=lambda r: r["id"])
def test_rule_sets_match_json(ref):
    rs = T.rule_set_for(date.fromisoformat(ref["effective_from"]))
    assert rs.id == ref["id"]
    assert rs.effective_from.isoformat() == ref["effective_from"]
    assert (rs.effective_to.isoformat() if rs.effective_to else None) == ref["effective_to"]
    add = ref["additional"]
    assert rs.provincial_nomination == add["provincial_nomination"]
    ae = add["arranged_employment"]
    if ae is None:
        assert dict(rs.arranged_employment) == {"none": 0, "teer_00": 0, "other": 0}
    elif "lmia_backed_offer" in ae:
        assert (
            rs.arranged_employment["teer_00"]
            == rs.arranged_employment["other"]
            == ae["lmia_backed_offer"]
        )
    else:
        values = list(ae.values())  # (major group 00, other skilled)
        assert (rs.arranged_employment["teer_00"], rs.arranged_employment["other"]) == tuple(values)
    ce = add["canadian_education"] or {"one_or_two_year": 0, "three_year_or_more": 0}
    assert rs.canadian_education["one_or_two_year"] == ce["one_or_two_year"]
    assert rs.canadian_education["three_year_or_more"] == ce["three_year_or_more"]
    fb = add["french_bonus"]
    assert rs.french == (
        (fb["nclc7_all_and_english_clb4_or_less_or_none"], fb["nclc7_all_and_english_clb5_all"])
        if fb
        else (0, 0)
    )
    assert rs.sibling == (add["sibling"] or 0)


def test_rule_set_for_boundaries():
    assert T.rule_set_for(date(2025, 3, 24)).id == "2020-10-20"
    assert T.rule_set_for(date(2025, 3, 25)).id == "2025-03-25"
    assert T.rule_set_for(date(2016, 11, 18)).id == "2015-01-01"
    assert T.rule_set_for(date(2016, 11, 19)).id == "2016-11-19"
    with pytest.raises(ValueError):
        T.rule_set_for(date(2014, 12, 31))
    with pytest.raises(ValueError):
        crs_score(profile(), as_of=date(2014, 12, 31))


# --- core factors, each row, both columns ---------------------------------------------------


def _ages():
    for r in CORE["age"]:
        for col in COLS:
            yield r["age"], col, r[col]
    for col in COLS:
        yield 12, col, 0
        yield 60, col, 0


@pytest.mark.parametrize(("age", "col", "points"), list(_ages()))
def test_age_points(age, col, points):
    r = score(age=age, spouse_status=COLS[col])
    assert r.details["age"] == points


@pytest.mark.parametrize("col", COLS)
@pytest.mark.parametrize("level", [k for k in CORE["education"] if not k.startswith("_")])
def test_education_points(level, col):
    assert (
        score(education=level, spouse_status=COLS[col]).details["education"]
        == CORE["education"][level][col]
    )


def _language_rows(key):
    for r in CORE[key]["rows"]:
        top = r["clb_max"] if r["clb_max"] is not None else 12
        for level in range(r["clb_min"], top + 1):
            for col in COLS:
                yield level, col, r[col]


@pytest.mark.parametrize("ability", ["listening", "reading", "writing", "speaking"])
@pytest.mark.parametrize(
    ("level", "col", "points"), list(_language_rows("first_official_language_per_ability"))
)
def test_first_language_per_ability(level, col, points, ability):
    levels = {a: 0 for a in ("listening", "reading", "writing", "speaking")}
    levels[ability] = level
    lv = LanguageLevels("clb", language="en", **levels)
    assert score(first_language=lv, spouse_status=COLS[col]).details["first_language"] == points


@pytest.mark.parametrize(
    ("level", "col", "points"), list(_language_rows("second_official_language_per_ability"))
)
def test_second_language_per_ability(level, col, points):
    lv = LanguageLevels("clb", level, 0, 0, 0, language="fr")
    assert (
        score(second_language=lv, first_language=clb(0), spouse_status=COLS[col]).details[
            "second_language"
        ]
        == points
    )


@pytest.mark.parametrize(("col", "cap"), [("with_spouse", 22), ("without_spouse", 24)])
def test_second_language_cap(col, cap):
    r = score(
        first_language=clb(4), second_language=clb(10, language="fr"), spouse_status=COLS[col]
    )
    assert r.details["second_language"] == cap
    # below the cap nothing is cut: 3 abilities at CLB 9 = 18
    r = score(
        first_language=clb(4),
        second_language=clb((9, 9, 9, 0), language="fr"),
        spouse_status=COLS[col],
    )
    assert r.details["second_language"] == 18


@pytest.mark.parametrize("col", COLS)
@pytest.mark.parametrize(
    "row", CORE["canadian_work_experience"]["rows"], ids=lambda r: str(r["years"])
)
def test_canadian_work_points(row, col):
    assert (
        score(canadian_work_years=row["years"], spouse_status=COLS[col]).details["canadian_work"]
        == row[col]
    )
    if row["years"] == 5:
        assert (
            score(canadian_work_years=9, spouse_status=COLS[col]).details["canadian_work"]
            == row[col]
        )


# --- spouse ----------------------------------------------------------------------------------

SF = DATA["spouse_factors"]


@pytest.mark.parametrize("level", [k for k in SF["education"] if k != "max"])
def test_spouse_education(level):
    r = score(spouse_status="accompanying", spouse=SpouseProfile(education=level))
    assert r.details["spouse_education"] == SF["education"][level]
    assert r.spouse_factors == SF["education"][level]


@pytest.mark.parametrize(
    ("level", "points"),
    [
        (lvl, r["points"])
        for r in SF["first_official_language_per_ability"]["rows"]
        for lvl in range(r["clb_min"], (r["clb_max"] or 12) + 1)
    ],
)
def test_spouse_language_per_ability(level, points):
    sp = SpouseProfile(language=LanguageLevels("clb", 0, 0, level, 0, language="en"))
    assert score(spouse_status="accompanying", spouse=sp).details["spouse_language"] == points


@pytest.mark.parametrize(
    "row", SF["canadian_work_experience"]["rows"], ids=lambda r: str(r["years"])
)
def test_spouse_canadian_work(row):
    sp = SpouseProfile(canadian_work_years=row["years"])
    assert (
        score(spouse_status="accompanying", spouse=sp).details["spouse_canadian_work"]
        == row["points"]
    )


@pytest.mark.parametrize("status", ["non_accompanying", "canadian", "none"])
def test_spouse_not_accompanying_or_citizen_is_scored_as_single(status):
    sp = SpouseProfile(education="doctoral", language=clb(10), canadian_work_years=5)
    r = score(age=29, education="bachelors", spouse_status=status, spouse=sp)
    assert r.details["age"] == 110 and r.details["education"] == 120
    assert r.spouse_factors == 0


def test_spouse_factors_max_40_and_core_plus_spouse_max_500():
    sp = SpouseProfile(education="doctoral", language=clb(10), canadian_work_years=5)
    r = score(
        age=25,
        education="doctoral",
        first_language=clb(10),
        second_language=clb(10, language="fr"),
        canadian_work_years=5,
        spouse_status="accompanying",
        spouse=sp,
    )
    assert r.spouse_factors == 40
    assert r.core_human_capital == 460
    single = score(
        age=25,
        education="doctoral",
        first_language=clb(10),
        second_language=clb(10, language="fr"),
        canadian_work_years=5,
    )
    assert single.core_human_capital == 500


# --- skill transferability -------------------------------------------------------------------

ST = DATA["skill_transferability"]
EG, FG = ST["education_group"], ST["foreign_work_group"]


def _lang_key(level):
    return "clb9_all" if level >= 9 else "clb7_all_some_below_9" if level >= 7 else None


def _cdn_key(years):
    return "cdn_2yr_plus" if years >= 2 else "cdn_1yr" if years == 1 else None


@pytest.mark.parametrize("cdn_years", [0, 1, 2, 4])
@pytest.mark.parametrize("lang", [6, 7, 8, 9, 10])
@pytest.mark.parametrize("education", list(EG["education_class"]))
def test_transfer_education_group(education, lang, cdn_years):
    cls = EG["education_class"][education]
    a = (
        EG["education_plus_language"]["points"][cls].get(_lang_key(lang), 0)
        if _lang_key(lang)
        else 0
    )
    b = (
        EG["education_plus_canadian_work"]["points"][cls].get(_cdn_key(cdn_years), 0)
        if _cdn_key(cdn_years)
        else 0
    )
    r = score(
        education=education, first_language=clb((10, 10, lang, 10)), canadian_work_years=cdn_years
    )
    assert r.details["transfer_education"] == min(EG["cap"], a + b)


@pytest.mark.parametrize("cdn_years", [0, 1, 3])
@pytest.mark.parametrize("lang", [5, 7, 9])
@pytest.mark.parametrize("foreign", [0, 1, 2, 3, 7])
def test_transfer_foreign_group(foreign, lang, cdn_years):
    cls = FG["foreign_class"]["3+" if foreign >= 3 else str(foreign)]
    a = (
        FG["foreign_work_plus_language"]["points"][cls].get(_lang_key(lang), 0)
        if _lang_key(lang)
        else 0
    )
    b = (
        FG["foreign_work_plus_canadian_work"]["points"][cls].get(_cdn_key(cdn_years), 0)
        if _cdn_key(cdn_years)
        else 0
    )
    r = score(foreign_work_years=foreign, first_language=clb(lang), canadian_work_years=cdn_years)
    assert r.details["transfer_foreign_work"] == min(FG["cap"], a + b)


def test_transfer_group_caps_are_50_each():
    r = score(
        education="masters", first_language=clb(9), canadian_work_years=2, foreign_work_years=3
    )
    assert (r.details["transfer_education"], r.details["transfer_foreign_work"]) == (50, 50)
    assert r.skill_transferability == 100


@pytest.mark.parametrize(
    ("levels", "points"),
    [
        ((4, 7, 7, 7), 0),
        ((5, 5, 5, 5), 25),
        ((6, 9, 9, 9), 25),
        ((7, 7, 7, 7), 50),
        ((10, 10, 10, 10), 50),
    ],
)
def test_certificate_of_qualification(levels, points):
    r = score(first_language=clb(levels), certificate_of_qualification=True)
    assert r.details["transfer_certificate"] == points
    assert score(first_language=clb(levels)).details["transfer_certificate"] == 0


def test_transferability_total_cap_100_cuts_the_certificate():
    r = score(
        education="masters",
        first_language=clb(9),
        canadian_work_years=2,
        foreign_work_years=3,
        certificate_of_qualification=True,
    )
    assert r.skill_transferability == 100
    assert r.details["transfer_certificate"] == 0
    r = score(
        education="bachelors",
        first_language=clb(7),
        foreign_work_years=1,
        certificate_of_qualification=True,
    )
    # 13 + 13 + 50 = 76, under the cap
    assert (
        r.details["transfer_education"],
        r.details["transfer_foreign_work"],
        r.details["transfer_certificate"],
        r.skill_transferability,
    ) == (13, 13, 50, 76)


# --- additional points by rule set ------------------------------------------------------------

FRENCH7 = clb(7, "tef_canada", "fr")


@pytest.mark.parametrize(
    ("as_of", "low", "high"),
    [
        (date(2017, 6, 5), 0, 0),
        (date(2017, 6, 6), 15, 30),
        (date(2020, 10, 19), 15, 30),
        (date(2020, 10, 20), 25, 50),
        (TODAY, 25, 50),
    ],
)
def test_french_bonus_by_date(as_of, low, high):
    # French only (no English) -> low; English CLB 5+ all -> high; English CLB 4 in one -> low
    assert score(as_of, first_language=FRENCH7).details["french"] == low
    assert score(as_of, first_language=FRENCH7, second_language=clb(5)).details["french"] == high
    assert score(as_of, first_language=clb(9), second_language=FRENCH7).details["french"] == high
    assert (
        score(as_of, first_language=FRENCH7, second_language=clb((5, 5, 4, 5))).details["french"]
        == low
    )


def test_french_bonus_needs_nclc7_in_all_four():
    weak = clb((7, 7, 6, 7), "tcf_canada", "fr")
    assert score(first_language=weak, second_language=clb(9)).details["french"] == 0


@pytest.mark.parametrize(
    ("as_of", "one_two", "three"),
    [(date(2016, 11, 18), 0, 0), (date(2016, 11, 19), 15, 30), (TODAY, 15, 30)],
)
def test_canadian_education_by_date(as_of, one_two, three):
    assert (
        score(as_of, canadian_education="one_or_two_year").details["canadian_education"] == one_two
    )
    assert (
        score(as_of, canadian_education="three_year_or_more").details["canadian_education"] == three
    )
    assert score(as_of, canadian_education="none").details["canadian_education"] == 0


@pytest.mark.parametrize(
    ("as_of", "points"), [(date(2017, 6, 5), 0), (date(2017, 6, 6), 15), (TODAY, 15)]
)
def test_sibling_by_date(as_of, points):
    assert score(as_of, sibling_in_canada=True).details["sibling"] == points


@pytest.mark.parametrize("as_of", [date(2015, 1, 1), date(2020, 1, 1), TODAY])
def test_provincial_nomination_600(as_of):
    r = score(as_of, provincial_nomination=True)
    assert r.details["provincial_nomination"] == 600 and r.additional == 600


@pytest.mark.parametrize(
    ("as_of", "teer_00", "other"),
    [
        (date(2015, 1, 1), 600, 600),
        (date(2016, 11, 18), 600, 600),
        (date(2016, 11, 19), 200, 50),
        (date(2022, 11, 16), 200, 50),
        (date(2025, 3, 24), 200, 50),
        (date(2025, 3, 25), 0, 0),
        (TODAY, 0, 0),
    ],
)
def test_arranged_employment_by_date(as_of, teer_00, other):
    assert score(as_of, arranged_employment="teer_00").details["arranged_employment"] == teer_00
    assert score(as_of, arranged_employment="other").details["arranged_employment"] == other
    assert score(as_of, arranged_employment="none").details["arranged_employment"] == 0


def test_additional_cap_600_and_details_add_up():
    r = score(date(2015, 6, 1), provincial_nomination=True, arranged_employment="other")
    assert r.additional == 600
    assert r.details["provincial_nomination"] == 600 and r.details["arranged_employment"] == 0
    r = score(
        TODAY,
        provincial_nomination=True,
        sibling_in_canada=True,
        canadian_education="three_year_or_more",
        first_language=FRENCH7,
        second_language=clb(9),
    )
    assert r.additional == 600
    assert (
        sum(
            r.details[k]
            for k in (
                "provincial_nomination",
                "arranged_employment",
                "canadian_education",
                "french",
                "sibling",
            )
        )
        == 600
    )


# --- worked example and output format --------------------------------------------------------

SAMPLE_IN = {
    "as_of": "2026-11-24",
    "age": 29,
    "spouse_status": "none",
    "education": "bachelors",
    "first_language": {
        "test": "ielts_general",
        "listening": 8.0,
        "reading": 7.0,
        "writing": 7.0,
        "speaking": 7.0,
    },
    "second_language": None,
    "canadian_work_years": 1,
    "foreign_work_years": 3,
    "certificate_of_qualification": False,
    "provincial_nomination": False,
    "arranged_employment": "none",
    "canadian_education": "none",
    "sibling_in_canada": False,
    "spouse": None,
}
SAMPLE_OUT = {
    "total": 482,
    "core_human_capital": 394,
    "spouse_factors": 0,
    "skill_transferability": 88,
    "additional": 0,
    "rules": "2025-03-25",
    "details": {
        "age": 110,
        "education": 120,
        "first_language": 124,
        "second_language": 0,
        "canadian_work": 40,
        "spouse_education": 0,
        "spouse_language": 0,
        "spouse_canadian_work": 0,
        "transfer_education": 38,
        "transfer_foreign_work": 50,
        "transfer_certificate": 0,
        "provincial_nomination": 0,
        "arranged_employment": 0,
        "canadian_education": 0,
        "french": 0,
        "sibling": 0,
    },
}


def test_crs_profile_md_worked_example_whole_output():
    assert crs_score_json(SAMPLE_IN, today=date(2000, 1, 1)) == SAMPLE_OUT
    p, as_of = crs_profile_from_json(SAMPLE_IN, default_as_of=date(2000, 1, 1))
    assert as_of == TODAY
    assert crs_score(p, as_of=as_of).to_dict() == SAMPLE_OUT
    assert json.loads(json.dumps(crs_score(p, as_of=as_of).to_dict())) == SAMPLE_OUT


def test_worked_example_before_2025_03_25_uses_older_rules():
    doc = dict(SAMPLE_IN, as_of="2025-01-01", arranged_employment="other")
    out = crs_score_json(doc, today=TODAY)
    assert out["rules"] == "2020-10-20" and out["total"] == 532 and out["additional"] == 50


def test_detail_keys_exactly_as_spec():
    assert tuple(SAMPLE_OUT["details"]) == DETAIL_KEYS
    assert tuple(score().details) == DETAIL_KEYS


def test_date_of_birth_instead_of_age():
    doc = {k: v for k, v in SAMPLE_IN.items() if k != "age"}
    doc["date_of_birth"] = "1996-11-25"  # 29 on 2026-11-24, 30 the next day
    assert crs_profile_from_json(doc).age == 29
    assert crs_profile_from_json(dict(doc, as_of="2026-11-25")).age == 30


def test_clb_levels_given_directly_and_language_inference():
    doc = dict(
        SAMPLE_IN,
        first_language={"test": "clb", "listening": 9, "reading": 9, "writing": 9, "speaking": 9},
    )
    assert crs_score_json(doc, today=TODAY)["total"] == 482
    doc["second_language"] = {
        "test": "clb",
        "listening": 7,
        "reading": 7,
        "writing": 7,
        "speaking": 7,
    }
    p = crs_profile_from_json(doc)
    assert (p.first_language.language, p.second_language.language) == ("en", "fr")
    assert crs_score(p, as_of=TODAY).details["french"] == 50
    doc["first_language"] = {
        "test": "tef_canada",
        "listening": 546,
        "reading": 546,
        "writing": 558,
        "speaking": 556,
    }
    p = crs_profile_from_json(doc)
    assert (p.first_language.language, p.second_language.language) == ("fr", "en")


def test_tef_scale_follows_as_of_in_profile_documents():
    doc = dict(
        SAMPLE_IN,
        first_language={
            "test": "tef_canada",
            "listening": 300,
            "reading": 250,
            "writing": 380,
            "speaking": 380,
        },
    )
    old = crs_profile_from_json(dict(doc, as_of="2023-12-10")).first_language
    new = crs_profile_from_json(dict(doc, as_of="2023-12-11")).first_language
    assert old.as_dict() == {"listening": 9, "reading": 9, "writing": 9, "speaking": 9}
    assert new.as_dict() == {"listening": 0, "reading": 0, "writing": 6, "speaking": 4}


@pytest.mark.parametrize(
    ("patch", "path"),
    [
        (
            {
                "first_language": {
                    "test": "ielts_general",
                    "listening": 9.5,
                    "reading": 7,
                    "writing": 7,
                    "speaking": 7,
                }
            },
            "first_language.listening",
        ),
        (
            {
                "first_language": {
                    "test": "ielts_general",
                    "listening": 8,
                    "reading": "7",
                    "writing": 7,
                    "speaking": 7,
                }
            },
            "first_language.reading",
        ),
        (
            {
                "first_language": {
                    "test": "ielts_general",
                    "listening": 8,
                    "reading": 7,
                    "writing": 7,
                }
            },
            "first_language.speaking",
        ),
        (
            {
                "first_language": {
                    "test": "toefl",
                    "listening": 8,
                    "reading": 7,
                    "writing": 7,
                    "speaking": 7,
                }
            },
            "first_language.test",
        ),
        (
            {
                "second_language": {
                    "test": "celpip_general",
                    "listening": 8,
                    "reading": 7,
                    "writing": 7,
                    "speaking": 7,
                }
            },
            "second_language.test",
        ),
        ({"age": "29"}, "age"),
        ({"age": True}, "age"),
        ({"age": -1}, "age"),
        ({"education": "phd"}, "education"),
        ({"spouse_status": "married"}, "spouse_status"),
        ({"spouse_status": "accompanying"}, "spouse"),
        ({"spouse_status": "accompanying", "spouse": {"language": None}}, "spouse.education"),
        (
            {
                "spouse_status": "accompanying",
                "spouse": {"education": "masters", "canadian_work_years": -2},
            },
            "spouse.canadian_work_years",
        ),
        (
            {
                "spouse_status": "accompanying",
                "spouse": {
                    "education": "masters",
                    "language": {
                        "test": "pte_core",
                        "listening": 95,
                        "reading": 80,
                        "writing": 80,
                        "speaking": 80,
                    },
                },
            },
            "spouse.language.listening",
        ),
        ({"canadian_work_years": 1.5}, "canadian_work_years"),
        ({"foreign_work_years": None}, "foreign_work_years"),
        ({"certificate_of_qualification": "yes"}, "certificate_of_qualification"),
        ({"arranged_employment": "teer_0"}, "arranged_employment"),
        ({"canadian_education": "bachelors"}, "canadian_education"),
        ({"sibling_in_canada": 1}, "sibling_in_canada"),
        ({"as_of": "2026-02-30"}, "as_of"),
        ({"as_of": "2014-12-31"}, "as_of"),
        ({"favourite_colour": "blue"}, "favourite_colour"),
        (
            {
                "first_language": {
                    "test": "clb",
                    "listening": 13,
                    "reading": 7,
                    "writing": 7,
                    "speaking": 7,
                }
            },
            "first_language.listening",
        ),
    ],
)
def test_spec_errors_name_the_field(patch, path):
    doc = dict(SAMPLE_IN)
    doc.update(patch)
    with pytest.raises(SpecError) as exc:
        crs_profile_from_json(doc)
    assert exc.value.path == path
    assert str(exc.value).startswith(path + ": ")


def test_missing_age_and_date_of_birth():
    doc = {k: v for k, v in SAMPLE_IN.items() if k != "age"}
    with pytest.raises(SpecError) as exc:
        crs_profile_from_json(doc)
    assert exc.value.path == "age"
    with pytest.raises(SpecError) as exc:
        crs_profile_from_json(dict(doc, date_of_birth="2027-01-01"))
    assert exc.value.path == "date_of_birth"


def test_not_an_object():
    with pytest.raises(SpecError):
        crs_profile_from_json([SAMPLE_IN])


def test_profile_validation_on_construction():
    with pytest.raises(ValueError):
        CrsProfile(age=30, education="phd")
    with pytest.raises(ValueError):
        LanguageLevels("clb", 13, 9, 9, 9, language="en")
    with pytest.raises(ValueError):
        LanguageLevels("clb", 9, 9, 9, 9)  # language required for "clb"
    with pytest.raises(ValueError):
        CrsProfile(age=30, first_language=clb(9), second_language=clb(9))  # both English


def test_result_is_an_ordinary_frozen_dataclass():
    import dataclasses

    r = crs_score(crs_profile_from_json(SAMPLE_IN), as_of=TODAY)
    rebuilt = type(r)(**{f.name: getattr(r, f.name) for f in dataclasses.fields(r)})
    assert rebuilt == r and repr(rebuilt) == repr(r)
    with pytest.raises(dataclasses.FrozenInstanceError):
        r.total = 0
