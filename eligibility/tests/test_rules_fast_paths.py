"""The engine's shortcuts give what the plain computations give.

Unchecked constructors (unchecked.py), remembered CLB conversions, shared category results,
the single-job and no-Span work arithmetic, and met_on (the day a program would be met) are
checked here against the slow ways; test_rules_golden.py checks whole assessments.
"""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from eligibility.rules import Assessment, assess, in_force
from eligibility.rules.categories import CategoryResult, _category_result, _Work, category_results
from eligibility.rules.crs import CrsProfile, LanguageLevels, SpouseProfile
from eligibility.rules.derive import Derived, ScoredTest, SpouseDerived, valid_tests
from eligibility.rules.facts import (
    CategoryRule,
    Credential,
    Facts,
    Job,
    LanguageTest,
    Spouse,
)
from eligibility.rules.programs import ProgramResult, ProgramResults, program_results
from eligibility.rules.unchecked import unchecked
from eligibility.rules.work import (
    accrual_date,
    best_continuous_hours,
    fte_hours,
    ongoing_rate,
    spans,
)

AS_OF = date(2026, 11, 24)
IELTS = LanguageTest("ielts_general", date(2026, 1, 10), 8.0, 7.0, 7.0, 7.0)
TEF = LanguageTest("tef_canada", date(2026, 3, 2), 500, 480, 450, 470)
CEC_JOB = Job("21231", "CA", date(2025, 6, 1), None, 37.5)
FACTS = Facts(
    date_of_birth=date(1994, 5, 6),
    marital_status="married",
    spouse=Spouse(
        accompanying=True,
        canadian_citizen_or_pr=False,
        education=(Credential("bachelors", eca_on=date(2024, 1, 1)),),
        language_tests=(LanguageTest("celpip_general", date(2026, 2, 1), 9, 8, 8, 9),),
        work_history=(Job("31301", "CA", date(2024, 1, 1), None, 30),),
    ),
    education=(Credential("masters", eca_on=date(2023, 3, 1)), Credential("one_year", True)),
    language_tests=(IELTS, TEF),
    work_history=(CEC_JOB, Job("31301", "IN", date(2018, 1, 1), date(2024, 12, 31), 40)),
    settlement_funds_cad=30000,
)
RULES = [
    CategoryRule("french", "French", date(2023, 5, 31), None, "language"),
    CategoryRule(
        "healthcare_social", "Health", date(2026, 2, 18), None, "occupation_2026", frozenset({"31301"})
    ),
    CategoryRule("stem", "STEM", date(2026, 2, 18), None, "occupation_2026", frozenset(), True),
    CategoryRule(
        "physicians_cdn", "Physicians", date(2025, 12, 8), None, "canadian_experience_2026",
        frozenset({"31100"}),
    ),
    CategoryRule(
        "skilled_military", "Military", date(2026, 2, 18), None, "skilled_military_2026",
        frozenset({"40042"}),
    ),
    CategoryRule("lottery", "Lottery", date(2020, 1, 1), None, "lottery"),
]


# --- unchecked constructors ----------------------------------------------------------------------


def _instances() -> list[object]:
    a = assess(FACTS, as_of=AS_OF, categories=RULES)
    d = a.derived
    return [
        a,
        a.programs,
        a.programs.fsw,
        a.programs.cec,
        a.categories[0],
        d,
        d.spouse,
        d.first_language,
        d.profile,
        d.profile.spouse,
        d.profile.first_language,
    ]


@pytest.mark.parametrize("obj", _instances(), ids=lambda o: type(o).__name__)
def test_unchecked_construction_equals_the_dataclass_constructor(obj):
    cls = type(obj)
    assert cls in (
        Assessment, ProgramResults, ProgramResult, CategoryResult, Derived, SpouseDerived,
        ScoredTest, CrsProfile, SpouseProfile, LanguageLevels,
    )  # fmt: skip
    values = [getattr(obj, f.name) for f in dataclasses.fields(cls)]
    fast, slow = unchecked(cls)(*values), cls(*values)
    assert fast == slow and repr(fast) == repr(slow)
    assert [getattr(fast, f.name) for f in dataclasses.fields(cls)] == values
    with pytest.raises(dataclasses.FrozenInstanceError):
        fast.__setattr__(dataclasses.fields(cls)[0].name, None)


def test_engine_objects_are_the_ones_the_real_constructors_would_build():
    a = assess(FACTS, as_of=AS_OF, categories=RULES)
    for obj in _instances():
        if hasattr(obj, "__dict__"):
            assert list(vars(obj)) == [f.name for f in dataclasses.fields(obj)]
    assert a.derived.profile == CrsProfile(**{
        f.name: getattr(a.derived.profile, f.name) for f in dataclasses.fields(CrsProfile)
    })  # fmt: skip


# --- remembered CLB conversions ------------------------------------------------------------------


def test_levels_are_remembered_per_scores_but_bad_scores_still_fail_every_time():
    one = valid_tests((IELTS,), AS_OF)[0][0].levels
    again = valid_tests((dataclasses.replace(IELTS, taken_on=date(2026, 2, 1)),), AS_OF)[0][0]
    assert again.levels is one  # same test and scores: one shared LanguageLevels
    ints = LanguageTest("celpip_general", date(2026, 1, 1), 9, 8, 8, 9)
    floats = LanguageTest("celpip_general", date(2026, 1, 1), 9.0, 8.0, 8.0, 9.0)
    assert valid_tests((ints,), AS_OF)[0][0].levels == valid_tests((floats,), AS_OF)[0][0].levels
    for bad in (Decimal("9"), True, 9.5, 13.0):
        t = LanguageTest("celpip_general", date(2026, 1, 1), bad, 8, 8, 9)
        for _ in range(2):
            ok, warnings = valid_tests((t,), AS_OF)
            assert ok == [] and len(warnings) == 1 and "is not counted" in warnings[0]


def test_tef_scale_is_part_of_what_is_remembered():
    scores = (300, 300, 300, 300)  # the same scores, read on the old and the new TEF scale
    old = LanguageTest("tef_canada", date(2023, 12, 10), *scores)
    new = LanguageTest("tef_canada", date(2023, 12, 11), *scores)
    as_of = date(2024, 6, 1)
    for _ in range(2):
        assert valid_tests((old,), as_of)[0][0].levels.as_dict() == {
            "listening": 9, "reading": 10, "writing": 6, "speaking": 6
        }  # fmt: skip
        assert valid_tests((new,), as_of)[0][0].levels.as_dict() == {
            "listening": 0, "reading": 0, "writing": 4, "speaking": 0
        }  # fmt: skip


# --- shared category results ---------------------------------------------------------------------


def _fresh(facts: Facts, as_of: date, rules: list[CategoryRule]) -> list[CategoryResult]:
    """Each category computed on its own (no list-level memo): the one-by-one reading the inlined
    loop of category_results() must equal."""
    a = assess(facts, as_of=as_of)
    return [
        _category_result(r, _Work(facts, as_of, a.programs, a.derived))
        for r in rules
        if in_force(r, as_of)
    ]


def test_clients_with_no_listed_work_share_category_results():
    other = dataclasses.replace(FACTS, date_of_birth=date(1990, 1, 1))
    no_listed = [CEC_JOB]
    f1 = dataclasses.replace(FACTS, work_history=tuple(no_listed))
    f2 = dataclasses.replace(other, work_history=tuple(no_listed))
    r1 = category_results(f1, as_of=AS_OF, categories=RULES)
    r2 = category_results(f2, as_of=AS_OF, categories=RULES)
    assert r1 == r2 == _fresh(f1, AS_OF, RULES)
    assert all(a is b for a, b in zip(r1, r2, strict=True))  # the same immutable objects
    assert r1 is not r2  # but a new list each time


def test_a_changed_categories_list_is_never_answered_from_memory():
    rules = list(RULES)
    f = dataclasses.replace(FACTS, work_history=(CEC_JOB,))
    before = category_results(f, as_of=AS_OF, categories=rules)
    rules[2] = dataclasses.replace(rules[2], slug="stem_v2", name="STEM 2")
    rules.append(CategoryRule("education", "Education", date(2026, 2, 18), None, "occupation_2026"))
    after = category_results(f, as_of=AS_OF, categories=rules)
    assert [c.slug for c in before] == [r.slug for r in RULES]
    assert [c.slug for c in after] == [r.slug for r in rules]
    assert after == _fresh(f, AS_OF, rules)


@pytest.mark.parametrize(
    "as_of", [date(2025, 12, 7), date(2025, 12, 8), date(2026, 2, 17), date(2026, 2, 18), AS_OF]
)
def test_listed_and_unlisted_work_match_the_one_by_one_results_on_every_date(as_of):
    for jobs in ((CEC_JOB,), FACTS.work_history, ()):
        f = dataclasses.replace(FACTS, work_history=jobs)
        assert category_results(f, as_of=as_of, categories=RULES) == _fresh(f, as_of, RULES)


# --- work arithmetic -----------------------------------------------------------------------------

days = st.dates(date(2012, 1, 1), date(2027, 12, 31))


@st.composite
def jobs(draw, n=st.integers(1, 4)) -> list[Job]:
    out = []
    for _ in range(draw(n)):
        start = draw(days)
        end = draw(st.none() | st.integers(0, 3000).map(lambda k, s=start: s + timedelta(days=k)))
        hours = draw(st.sampled_from([0, 0.5, 10, 20, 29.9, 30, 37.5, 45]))
        out.append(Job("21231", "CA", start, end, hours))
    return out


@settings(max_examples=300)
@given(jobs(st.just(1)), days, st.integers(0, 4000))
def test_one_job_shortcut_equals_the_sweep(one, start, length):
    end = start + timedelta(days=length)
    assert fte_hours(one, start, end) == fte_hours(iter(one), start, end)  # iter: no shortcut


@settings(max_examples=300)
@given(jobs(), days, st.integers(0, 4000))
def test_best_continuous_hours_is_the_largest_span(some, start, length):
    end = start + timedelta(days=length)
    expected = max((s.hours for s in spans(some, start, end)), default=0.0)
    assert best_continuous_hours(some, start, end) == expected


@settings(max_examples=100)
@given(jobs(), days, st.integers(100, 3000))
def test_accrual_date_with_known_hours_now_is_the_same_search(some, as_of, needed):
    def hours_on(day: date) -> float:
        return fte_hours(some, day - timedelta(days=3 * 365), day)

    rate = ongoing_rate(some, as_of)
    plain = accrual_date(hours_on, needed, as_of, rate)
    assert accrual_date(hours_on, needed, as_of, rate, hours_now=hours_on(as_of)) == plain


# --- met_on --------------------------------------------------------------------------------------


def test_met_on_is_the_first_day_the_program_is_met():
    start = date(2026, 3, 1)
    f = dataclasses.replace(FACTS, work_history=(Job("21231", "CA", start, None, 30),))
    r = program_results(f, as_of=AS_OF)
    assert not r.cec.eligible and r.cec.met_on == start + timedelta(days=363)
    assert program_results(f, as_of=r.cec.met_on).cec.eligible
    assert not program_results(f, as_of=r.cec.met_on - timedelta(days=1)).cec.eligible
