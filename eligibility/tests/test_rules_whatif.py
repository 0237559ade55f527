"""What-if scenarios and dated score changes ahead."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from eligibility.rules import assess, crs_score
from eligibility.rules.derive import derive
from eligibility.rules.facts import Credential, Facts, Job, LanguageTest, Spouse
from eligibility.rules.whatif import score_changes_ahead, what_if

AS_OF = date(2026, 11, 24)
IELTS7 = LanguageTest("ielts_general", date(2026, 3, 1), 6.0, 6.0, 6.0, 6.0)
BACHELORS = Credential(
    "bachelors", canadian=False, completed_on=date(2018, 6, 1), eca_on=date(2025, 1, 10)
)


def base(**kw) -> Facts:
    data = dict(
        date_of_birth=date(1997, 2, 10),  # 29 on AS_OF, 30 on 2027-02-10
        education=(BACHELORS,),
        language_tests=(IELTS7,),
        work_history=(
            Job("21231", "CA", date(2025, 6, 1), None, 40),
            Job("21231", "IN", date(2019, 1, 1), date(2025, 4, 30), 40),
        ),
        settlement_funds_cad=20000,
        profile_submitted_on=date(2026, 5, 1),
    )
    data.update(kw)
    return Facts(**data)


def by_key(items):
    return {w.key: w for w in items}


def total(f: Facts, as_of: date = AS_OF) -> int:
    return assess(f, as_of=as_of).crs.total


def test_scenarios_are_real_reruns_and_ranked():
    f = base()
    items = what_if(f, as_of=AS_OF)
    gains = [w.points_gained for w in items]
    assert gains == sorted(gains, reverse=True)
    keys = by_key(items)
    assert set(keys) == {
        "english_clb9",
        "french_nclc7",
        "canadian_year",
        "second_credential",
        "provincial_nomination",
    }
    now = total(f)
    for w in items:
        assert w.new_total == now + w.points_gained == total(w.changed_facts)
    assert items[0].key == "provincial_nomination" and items[0].points_gained == 600


def test_english_clb9_scenario():
    w = by_key(what_if(base(), as_of=AS_OF))["english_clb9"]
    d = derive(w.changed_facts, as_of=AS_OF)
    assert d.first_language.clb() == {"listening": 9, "reading": 9, "writing": 9, "speaking": 9}
    # CLB 7 -> 9 in all four (single): first language 4 x (31 - 17) = 56; transferability:
    # education-language 13 -> 25 (+12); the foreign-work group is already at its cap of 50
    before = crs_score(derive(base(), as_of=AS_OF).profile, as_of=AS_OF)
    after = crs_score(d.profile, as_of=AS_OF)
    assert after.details["first_language"] - before.details["first_language"] == 56
    assert w.points_gained == after.total - before.total == 56 + 12
    assert w.on_date is None


def test_french_scenario_adds_bonus_and_second_language():
    w = by_key(what_if(base(), as_of=AS_OF))["french_nclc7"]
    after = crs_score(derive(w.changed_facts, as_of=AS_OF).profile, as_of=AS_OF)
    assert after.details["french"] == 50 and after.details["second_language"] == 12
    assert w.points_gained == 62


def test_one_more_canadian_year_is_reached_by_the_ongoing_job():
    f = base()
    assert derive(f, as_of=AS_OF).canadian_work_years == 1
    w = by_key(what_if(f, as_of=AS_OF))["canadian_year"]
    assert derive(w.changed_facts, as_of=AS_OF).canadian_work_years == 2
    assert w.on_date == date(2025, 6, 1) + timedelta(days=2 * 364 - 1)
    assert derive(f, as_of=w.on_date).canadian_work_years == 2
    assert derive(f, as_of=w.on_date - timedelta(days=1)).canadian_work_years == 1
    assert (
        w.points_gained == 53 - 40 + 25 - 13 + 0
    )  # Canadian work 40 -> 53, transferability +12 (education)


def test_canadian_year_without_an_ongoing_job_has_no_date():
    f = base(work_history=(Job("21231", "CA", date(2024, 6, 1), date(2025, 12, 31), 40),))
    w = by_key(what_if(f, as_of=AS_OF))["canadian_year"]
    assert w.on_date is None and w.points_gained > 0


def test_spouse_scenario_only_for_an_accompanying_spouse():
    spouse = Spouse(
        accompanying=True,
        canadian_citizen_or_pr=False,
        language_tests=(LanguageTest("celpip_general", date(2026, 1, 1), 7, 7, 7, 7),),
    )
    w = by_key(what_if(base(marital_status="married", spouse=spouse), as_of=AS_OF))["spouse_clb9"]
    assert w.points_gained == 4 * (5 - 3)
    pr_spouse = Spouse(accompanying=True, canadian_citizen_or_pr=True)
    assert "spouse_clb9" not in by_key(
        what_if(base(marital_status="married", spouse=pr_spouse), as_of=AS_OF)
    )


def test_second_credential_gives_two_or_more():
    w = by_key(what_if(base(), as_of=AS_OF))["second_credential"]
    assert derive(w.changed_facts, as_of=AS_OF).education == "two_or_more"
    # core education 120 -> 128; education group (13 + 13) -> (25 + 25)
    assert w.points_gained == (128 - 120) + (50 - 26)


def test_nothing_to_gain_is_not_offered():
    strong = base(
        language_tests=(
            LanguageTest("ielts_general", date(2026, 3, 1), 9, 9, 9, 9),
            LanguageTest("tef_canada", date(2026, 3, 1), 600, 600, 600, 600),
        ),
        provincial_nomination=True,
        education=(Credential("doctoral", canadian=True),),
    )
    keys = set(by_key(what_if(strong, as_of=AS_OF)))
    assert keys == {"canadian_year"}


# --- score changes ahead ---------------------------------------------------------------------


def test_changes_ahead_birthday_expiry_and_profile():
    f = base()
    changes = score_changes_ahead(f, as_of=AS_OF, categories=(), horizon_days=365)
    by_day = {c.on: c for c in changes}
    assert [c.on for c in changes] == sorted(c.on for c in changes)
    # turns 30: 110 -> 105
    assert by_day[date(2027, 2, 10)].delta == -5 and "turns 30" in by_day[date(2027, 2, 10)].label
    # profile submitted 2026-05-01 expires 2027-05-01 (listed even though the score does not move)
    assert (
        by_day[date(2027, 5, 1)].delta == 0 and "profile expires" in by_day[date(2027, 5, 1)].label
    )
    # the ongoing Canadian job reaches 2 years (3,120 h at 30 h/week) on 2027-05-28
    day = date(2025, 6, 1) + timedelta(days=2 * 364 - 1)
    assert by_day[day].delta == 25 and "2 years" in by_day[day].label
    for c in changes:
        assert c.delta == total(f, c.on) - total(f, c.on - timedelta(days=1))


def test_changes_ahead_test_and_eca_expiry():
    f = base(
        language_tests=(LanguageTest("ielts_general", date(2025, 3, 1), 6.0, 6.0, 6.0, 6.0),),
        education=(Credential("bachelors", canadian=False, eca_on=date(2022, 1, 15)),),
    )
    changes = {
        c.on: c for c in score_changes_ahead(f, as_of=AS_OF, categories=(), horizon_days=365)
    }
    test_day = changes[date(2027, 3, 1)]
    assert "expires" in test_day.label and test_day.delta < 0
    assert "no longer eligible" in test_day.label  # CEC / FSW are lost without a valid test
    eca_day = changes[date(2027, 1, 15)]
    assert "ECA" in eca_day.label and eca_day.delta < 0


@pytest.mark.parametrize("horizon", [30, 100])
def test_changes_ahead_respect_the_horizon(horizon):
    for c in score_changes_ahead(base(), as_of=AS_OF, categories=(), horizon_days=horizon):
        assert AS_OF < c.on <= AS_OF + timedelta(days=horizon)
