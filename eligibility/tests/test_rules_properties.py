"""Hypothesis properties of the engine: monotonicity, sums and bounds, and robustness."""

from __future__ import annotations

import csv
import json
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from eligibility.rules import assess, crs_score, facts_from_json
from eligibility.rules.clb import score_range
from eligibility.rules.crs import (
    ARRANGED_EMPLOYMENT,
    CANADIAN_EDUCATION,
    DETAIL_KEYS,
    SPOUSE_STATUSES,
    CrsProfile,
    LanguageLevels,
    SpouseProfile,
    crs_profile_from_json,
)
from eligibility.rules.facts import ABILITIES, EDUCATION_LEVELS, LANGUAGE_TESTS, CategoryRule
from eligibility.rules.spec import SpecError
from eligibility.rules.whatif import score_changes_ahead, what_if

ROOT = Path(__file__).resolve().parents[2]
with (ROOT / "clients" / "data" / "noc-2021.csv").open(newline="", encoding="utf-8") as fh:
    NOCS = sorted(row["code"] for row in csv.DictReader(fh))
CATEGORIES = [
    CategoryRule(
        "healthcare_social",
        "Healthcare",
        date(2025, 2, 27),
        None,
        "occupation_2023_2025",
        frozenset({"31301", "31102", "32101"}),
    ),
    CategoryRule(
        "trades",
        "Trades",
        date(2026, 2, 18),
        None,
        "occupation_2026",
        frozenset({"72310", "72200", "63200"}),
        list_unconfirmed=True,
    ),
    CategoryRule(
        "physicians_cdn",
        "Physicians",
        date(2025, 12, 8),
        None,
        "canadian_experience_2026",
        frozenset({"31100", "31101", "31102"}),
    ),
    CategoryRule(
        "skilled_military",
        "Military",
        date(2026, 2, 18),
        None,
        "skilled_military_2026",
        frozenset({"40042"}),
    ),
    CategoryRule("stem", "STEM", date(2026, 2, 18), None, "occupation_2026", frozenset(), True),
    CategoryRule("french", "French", date(2023, 5, 31), None, "language"),
]

# --- CrsProfile strategies -------------------------------------------------------------------

level = st.integers(0, 12)
dates = st.dates(date(2015, 1, 1), date(2031, 12, 31))


@st.composite
def language(draw, lang: str) -> LanguageLevels:
    return LanguageLevels("clb", draw(level), draw(level), draw(level), draw(level), language=lang)


@st.composite
def profiles(draw) -> CrsProfile:
    first_lang = draw(st.sampled_from(["en", "fr"]))
    other = "fr" if first_lang == "en" else "en"
    status = draw(st.sampled_from(SPOUSE_STATUSES))
    spouse = None
    if status == "accompanying" or draw(st.booleans()):
        spouse = SpouseProfile(
            education=draw(st.sampled_from(EDUCATION_LEVELS)),
            language=draw(st.none() | language(draw(st.sampled_from(["en", "fr"])))),
            canadian_work_years=draw(st.integers(0, 12)),
        )
    return CrsProfile(
        age=draw(st.integers(0, 100)),
        spouse_status=status,
        education=draw(st.sampled_from(EDUCATION_LEVELS)),
        first_language=draw(st.none() | language(first_lang)),
        second_language=draw(st.none() | language(other)),
        canadian_work_years=draw(st.integers(0, 12)),
        foreign_work_years=draw(st.integers(0, 12)),
        certificate_of_qualification=draw(st.booleans()),
        provincial_nomination=draw(st.booleans()),
        arranged_employment=draw(st.sampled_from(ARRANGED_EMPLOYMENT)),
        canadian_education=draw(st.sampled_from(CANADIAN_EDUCATION)),
        sibling_in_canada=draw(st.booleans()),
        spouse=spouse,
    )


def _raise(lv: LanguageLevels, ability: str) -> LanguageLevels:
    return replace(lv, **{ability: getattr(lv, ability) + 1})


@given(
    profiles(), dates, st.sampled_from(["first", "second", "spouse"]), st.sampled_from(ABILITIES)
)
def test_raising_one_clb_never_lowers_the_score(p, as_of, which, ability):
    if which == "spouse":
        assume(p.spouse is not None and p.spouse.language is not None)
        lv = p.spouse.language
        assume(getattr(lv, ability) < 12)
        raised = replace(p, spouse=replace(p.spouse, language=_raise(lv, ability)))
    else:
        lv = getattr(p, f"{which}_language")
        assume(lv is not None and getattr(lv, ability) < 12)
        raised = replace(p, **{f"{which}_language": _raise(lv, ability)})
    assert crs_score(raised, as_of=as_of).total >= crs_score(p, as_of=as_of).total


@given(profiles(), dates, st.sampled_from(["canadian_work_years", "foreign_work_years"]))
def test_more_work_never_lowers_the_score(p, as_of, field):
    more = replace(p, **{field: getattr(p, field) + 1})
    assert crs_score(more, as_of=as_of).total >= crs_score(p, as_of=as_of).total


@given(profiles(), dates)
def test_parts_sum_and_bounds(p, as_of):
    r = crs_score(p, as_of=as_of)
    d = r.details
    assert tuple(d) == DETAIL_KEYS
    assert (
        r.total == r.core_human_capital + r.spouse_factors + r.skill_transferability + r.additional
    )
    assert r.core_human_capital == sum(
        d[k] for k in ("age", "education", "first_language", "second_language", "canadian_work")
    )
    assert (
        r.spouse_factors == d["spouse_education"] + d["spouse_language"] + d["spouse_canadian_work"]
    )
    assert r.skill_transferability == (
        d["transfer_education"] + d["transfer_foreign_work"] + d["transfer_certificate"]
    )
    assert r.additional == sum(
        d[k]
        for k in (
            "provincial_nomination",
            "arranged_employment",
            "canadian_education",
            "french",
            "sibling",
        )
    )
    assert sum(d.values()) == r.total
    assert all(v >= 0 for v in d.values())
    assert 0 <= r.total <= 1200
    assert r.core_human_capital <= (460 if p.spouse_status == "accompanying" else 500)
    assert r.spouse_factors <= 40 and r.core_human_capital + r.spouse_factors <= 500
    assert r.skill_transferability <= 100 and r.additional <= 600
    assert all(
        d[k] <= 50 for k in ("transfer_education", "transfer_foreign_work", "transfer_certificate")
    )
    if p.spouse_status != "accompanying":
        assert r.spouse_factors == 0
    assert r.to_dict()["details"] == d


# --- JSON documents and Facts ------------------------------------------------------------------


@st.composite
def lang_test_json(draw, taken: date | None = None) -> dict:
    name = draw(st.sampled_from(LANGUAGE_TESTS))
    day = taken or draw(st.dates(date(2018, 1, 1), date(2031, 1, 1)))
    out = {"test": name, "date": day.isoformat()}
    for a in ABILITIES:
        low, high = score_range(name, a, day)
        if name == "ielts_general":
            out[a] = draw(st.integers(int(low * 2), int(high * 2))) / 2
        else:
            out[a] = draw(st.integers(int(low), int(high)))
    return out


@st.composite
def job_json(draw) -> dict:
    start = draw(st.dates(date(2005, 1, 1), date(2031, 1, 1)))
    end = draw(st.none() | st.dates(start, date(2032, 1, 1)))
    return {
        "noc": draw(st.sampled_from(NOCS)),
        "country": draw(st.sampled_from(["CA", "IN", "PH", "US", "fr"])),
        "start": start.isoformat(),
        "end": None if end is None else end.isoformat(),
        "hours_per_week": draw(st.floats(0, 168, allow_nan=False)),
        "paid": draw(st.booleans()),
        "self_employed": draw(st.booleans()),
        "full_time_student": draw(st.booleans()),
    }


@st.composite
def credential_json(draw) -> dict:
    out = {"level": draw(st.sampled_from(EDUCATION_LEVELS)), "canadian": draw(st.booleans())}
    if draw(st.booleans()):
        out["completed"] = draw(st.dates(date(1990, 1, 1), date(2031, 1, 1))).isoformat()
    if draw(st.booleans()):
        out["eca"] = draw(st.dates(date(2010, 1, 1), date(2031, 1, 1))).isoformat()
    return out


@st.composite
def facts_json(draw) -> dict:
    doc = {
        "date_of_birth": draw(st.dates(date(1950, 1, 1), date(2012, 1, 1))).isoformat(),
        "marital_status": draw(st.sampled_from(["single", "married", "common_law", "divorced"])),
        "education": draw(st.lists(credential_json(), max_size=3)),
        "language_tests": draw(st.lists(lang_test_json(), max_size=3)),
        "work_history": draw(st.lists(job_json(), max_size=4)),
        "provincial_nomination": draw(st.booleans()),
        "sibling_in_canada": draw(st.booleans()),
        "family_size": draw(st.integers(1, 9)),
        "settlement_funds_cad": draw(st.none() | st.integers(0, 60000)),
    }
    if draw(st.booleans()):
        doc["spouse"] = {
            "accompanying": draw(st.booleans()),
            "canadian_citizen_or_pr": draw(st.booleans()),
            "education": draw(st.lists(credential_json(), max_size=2)),
            "language_tests": draw(st.lists(lang_test_json(), max_size=2)),
            "work_history": draw(st.lists(job_json(), max_size=2)),
        }
    if draw(st.booleans()):
        doc["job_offer"] = {"noc": draw(st.sampled_from(NOCS)), "years": draw(st.integers(1, 3))}
    if draw(st.booleans()):
        doc["certificate_of_qualification"] = {"noc": draw(st.sampled_from(NOCS)), "province": "ON"}
    if draw(st.booleans()):
        doc["profile_submitted_on"] = draw(st.dates(date(2015, 1, 1), date(2031, 1, 1))).isoformat()
    return doc


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(facts_json(), dates)
def test_assess_never_raises_on_valid_facts(doc, as_of):
    facts = facts_from_json(json.loads(json.dumps(doc)), known_nocs=set(NOCS))
    a = assess(facts, as_of=as_of, categories=CATEGORIES)
    out = a.to_dict()
    assert json.loads(json.dumps(out)) == out
    assert out["crs"] == crs_score(a.derived.profile, as_of=as_of).to_dict()
    assert 0 <= out["crs"]["total"] <= 1200
    assert {c["slug"] for c in out["categories"]} <= {c.slug for c in CATEGORIES}
    for c in a.categories:
        if c.eligible:
            assert any(p.eligible for p in (a.programs.fsw, a.programs.cec, a.programs.fstp))
        if c.months is not None:
            assert 0 <= c.months <= 36
    if a.programs.fsw.eligible:
        assert a.programs.fsw.points >= 67


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(facts_json(), st.dates(date(2016, 1, 1), date(2030, 12, 31)))
def test_what_if_and_changes_ahead_never_raise(doc, as_of):
    facts = facts_from_json(doc)
    for w in what_if(facts, as_of=as_of, categories=CATEGORIES):
        assert (
            w.new_total - w.points_gained
            == assess(facts, as_of=as_of, categories=CATEGORIES).crs.total
        )
    for day, _label, _delta in score_changes_ahead(
        facts, as_of=as_of, categories=CATEGORIES, horizon_days=200
    ):
        assert as_of < day <= as_of + timedelta(days=200)


@settings(max_examples=150, deadline=None)
@given(facts_json(), dates, st.integers(0, 2), st.sampled_from(ABILITIES), st.integers(1, 40))
def test_a_better_test_score_never_lowers_the_crs(doc, as_of, index, ability, bump):
    assume(len(doc["language_tests"]) > index)
    base = facts_from_json(doc)
    t = doc["language_tests"][index]
    _, high = score_range(t["test"], ability, date.fromisoformat(t["date"]))
    step = 0.5 if t["test"] == "ielts_general" else 1
    raised_score = min(high, t[ability] + bump * step)
    better = json.loads(json.dumps(doc))
    better["language_tests"][index][ability] = raised_score
    assert (
        assess(facts_from_json(better), as_of=as_of).crs.total
        >= assess(base, as_of=as_of).crs.total
    )


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-5, 2000)
    | st.floats(allow_nan=True)
    | st.text(max_size=12),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=5)
    ),
    max_leaves=12,
)
profile_keys = st.sampled_from(
    [
        "as_of",
        "age",
        "date_of_birth",
        "spouse_status",
        "education",
        "first_language",
        "second_language",
        "canadian_work_years",
        "spouse",
        "arranged_employment",
    ]
)


@settings(max_examples=300)
@given(st.dictionaries(profile_keys, json_values, max_size=6) | json_values)
def test_profile_parser_only_raises_spec_errors(doc):
    try:
        crs_profile_from_json(doc, as_of=date(2026, 1, 1))
    except SpecError as exc:
        assert exc.path and exc.message


@settings(max_examples=300)
@given(
    st.dictionaries(
        st.sampled_from(
            [
                "date_of_birth",
                "education",
                "language_tests",
                "work_history",
                "spouse",
                "job_offer",
                "family_size",
                "settlement_funds_cad",
            ]
        ),
        json_values,
        max_size=6,
    )
    | json_values
)
def test_facts_parser_only_raises_spec_errors(doc):
    try:
        facts_from_json(doc)
    except SpecError as exc:
        assert exc.path and exc.message
