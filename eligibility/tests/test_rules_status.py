"""Three-way verdicts: eligible, not eligible, and cannot judge (shared/spec/assessment.md).

Cannot judge is what the product says when the reference data or the recorded facts do not
allow a verdict; it is never "not eligible".
"""

from __future__ import annotations

from datetime import date

from eligibility.rules import CANNOT_JUDGE, ELIGIBLE, NOT_ELIGIBLE, assess, assess_json
from eligibility.rules.facts import CategoryRule, Certificate, Credential, Facts, Job, JobOffer, LanguageTest
from eligibility.rules.programs import program_results

AS_OF = date(2026, 11, 24)
CELPIP9 = LanguageTest("celpip_general", date(2026, 1, 10), 9, 9, 9, 9)
CARPENTER = Job("72310", "CA", date(2022, 1, 1), None, 40.0)


def trades(nocs=(), unconfirmed=True) -> CategoryRule:
    return CategoryRule("trades", "Trade occupations", date(2026, 2, 18), None, "occupation_2026",
                        frozenset(nocs), unconfirmed)


MILITARY = CategoryRule("skilled_military", "Skilled military recruits", date(2026, 2, 18), None,
                        "skilled_military_2026", frozenset({"40042", "40040"}), False)


def carpenter(**kw) -> Facts:
    base = dict(date_of_birth=date(1992, 3, 3), language_tests=(CELPIP9,),
                education=(Credential("two_year", canadian=True),), work_history=(CARPENTER,))
    base.update(kw)
    return Facts(**base)


def category(facts: Facts, rule: CategoryRule):
    (r,) = assess(facts, as_of=AS_OF, categories=[rule]).categories
    return r


def test_carpenter_with_an_unknown_trades_list_cannot_be_judged():
    r = category(carpenter(), trades())
    assert r.verdict == CANNOT_JUDGE and not r.eligible
    assert r.to_dict()["status"] == "cannot_judge" and r.to_dict()["eligible"] is False
    assert "occupation list" in r.reasons[0] and "cannot be judged" in r.reasons[0]


def test_carpenter_is_judged_against_the_list_once_it_is_loaded():
    assert category(carpenter(), trades({"72310"}, unconfirmed=False)).verdict == ELIGIBLE
    assert category(carpenter(), trades({"72400"}, unconfirmed=False)).verdict == NOT_ELIGIBLE


def test_an_unknown_list_is_not_eligible_when_no_program_is_met():
    """A category also needs a program: without one the answer is a plain no."""
    r = category(carpenter(language_tests=()), trades())
    assert r.verdict == NOT_ELIGIBLE
    assert any("not eligible for FSW, CEC or FSTP" in x for x in r.reasons)


def test_skilled_military_recruits_cannot_be_judged_and_say_what_is_missing():
    r = category(carpenter(), MILITARY)
    assert r.verdict == CANNOT_JUDGE and not r.eligible
    assert "Canadian Armed Forces job offer" in r.reasons[0]
    assert any("ten years" in x for x in r.reasons)


def test_a_job_offer_without_a_noc_leaves_fstp_undecided_with_the_reason():
    """A carpenter with two years in the trade and a job offer whose NOC is not recorded."""
    f = carpenter(job_offer=JobOffer("", 1), settlement_funds_cad=30000)
    fstp = program_results(f, as_of=AS_OF).fstp
    assert fstp.verdict == CANNOT_JUDGE and not fstp.eligible
    assert "the job offer has no NOC code recorded, so this cannot be judged" in fstp.reasons
    # With the NOC recorded the same facts are judged.
    judged = program_results(carpenter(job_offer=JobOffer("72310", 1), settlement_funds_cad=30000),
                             as_of=AS_OF).fstp
    assert judged.verdict == ELIGIBLE


def test_a_job_without_a_noc_cannot_be_judged_and_the_reason_names_it():
    f = carpenter(work_history=(Job("", "CA", date(2024, 1, 1), None, 40.0),))
    a = assess(f, as_of=AS_OF, categories=[trades({"72310"}, unconfirmed=False)])
    assert a.programs.cec.verdict == CANNOT_JUDGE
    assert "the job starting 2024-01-01 has no NOC code recorded, so this cannot be judged" in \
        a.programs.cec.reasons
    (cat,) = a.categories
    assert cat.verdict == CANNOT_JUDGE and not cat.eligible


def test_a_job_without_a_noc_does_not_hide_a_plain_no():
    """No language result: no occupation could make CEC met, so it stays not eligible."""
    f = carpenter(language_tests=(), work_history=(Job("", "CA", date(2024, 1, 1), None, 40.0),))
    assert program_results(f, as_of=AS_OF).cec.verdict == NOT_ELIGIBLE


def test_a_certificate_without_a_noc_is_still_assumed_in_the_trade():
    f = carpenter(certificate_of_qualification=Certificate("", "ON"), settlement_funds_cad=30000)
    assert program_results(f, as_of=AS_OF).fstp.verdict == ELIGIBLE


def test_assess_json_carries_status_beside_eligible():
    doc = {"as_of": "2026-11-24", "date_of_birth": "1992-03-03",
           "education": [{"level": "two_year", "canadian": True}],
           "language_tests": [{"test": "celpip_general", "date": "2026-01-10", "listening": 9,
                               "reading": 9, "writing": 9, "speaking": 9}],
           "work_history": [{"noc": "72310", "country": "CA", "start": "2022-01-01", "end": None,
                             "hours_per_week": 40}]}
    out = assess_json(doc, today=AS_OF, categories=[trades(), MILITARY])
    assert out["programs"]["cec"] == {"status": "eligible", "eligible": True,
                                      "reasons": out["programs"]["cec"]["reasons"]}
    assert out["programs"]["fsw"]["status"] in ("eligible", "not_eligible")
    assert [(c["slug"], c["status"], c["eligible"]) for c in out["categories"]] == [
        ("trades", "cannot_judge", False), ("skilled_military", "cannot_judge", False)]
    for p in out["programs"].values():
        assert p["eligible"] == (p["status"] == "eligible")


def test_a_dated_change_to_an_unknown_list_says_cannot_judge_not_no_longer_eligible():
    """On 2026-02-18 (his birthday) the known 2025 trade list gives way to an unknown 2026 one."""
    from eligibility.rules import score_changes_ahead

    known = CategoryRule("trades", "Trade occupations", date(2025, 2, 27), date(2026, 2, 17),
                         "occupation_2023_2025", frozenset({"72310"}), False)
    f = carpenter(date_of_birth=date(1992, 2, 18))
    changes = score_changes_ahead(f, as_of=date(2025, 12, 1), categories=[known, trades()])
    (birthday,) = [c for c in changes if c.on == date(2026, 2, 18)]
    assert "(can no longer be judged: trades)" in birthday.label
    assert "no longer eligible" not in birthday.label
