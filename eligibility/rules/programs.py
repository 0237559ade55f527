"""Minimum requirements of the three Express Entry programs (express-entry.md section 5).

* FSW (IRPR 75-76, 79-83): 1 year (1,560 h) continuous paid skilled work in one occupation in the
  last 10 years (in Canada or abroad; self-employment and work while studying are not excluded);
  CLB 7 in all four abilities of one official language; a credential (Canadian, or foreign with
  an ECA: with no ECA date recorded the credential counts and a warning is given, see derive.py);
  67/100 on the selection grid; proof of funds.
* CEC (IRPR 87.1): 1 year (1,560 h) of Canadian skilled work in the last 3 years (paid, not
  self-employed, not as a full-time student); CLB 7 when the experience is TEER 0/1, CLB 5 when
  TEER 2/3 (with mixed experience CLB 5 suffices if the TEER 2/3 work alone reaches a year).
* FSTP (IRPR 87.2): 2 years (3,120 h) in one skilled trade in the last 5 years; CLB 5 listening
  and speaking, CLB 4 reading and writing; a job offer of 1 year or more or a certificate of
  qualification in that trade; proof of funds.

Language minimums may be met in either official language. Proof of funds (FSW, FSTP) uses the
table in force on as_of (2025-07-07, else the 2024 table; earlier tables are not on file) and is
not needed with a valid job offer while authorised to work in Canada, approximated as having a
Canadian job that is ongoing on as_of. Missing facts (no settlement funds recorded) fail the
requirement with a reason saying so.

met_on: as_of when eligible; otherwise the first later day the program is met if ongoing jobs
simply continue (work.accrual_date, then a full re-check on that day); None if not within
3 years or if something other than accruing experience is missing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from .derive import Derived, ScoredTest, derive
from .facts import ABILITIES, PARTNERED_STATUSES, Facts, Job, JobOffer
from .reasons import Reason, joined
from .status import CANNOT_JUDGE, ELIGIBLE, NOT_ELIGIBLE
from .unchecked import unchecked
from .validity import LANGUAGE_TEST_VALID_YEARS
from .work import (
    HOURS_PER_YEAR,
    accrual_date,
    best_continuous_hours,
    fmt_months,
    fte_hours,
    is_skilled,
    is_trade,
    months,
    ongoing_rate,
    teer,
    whole_years,
    window,
)

FUNDS_2025_FROM = date(2025, 7, 7)
FUNDS_2024_FROM = date(2024, 5, 28)  # reported as 2024-05-28 and 2024-06-03 (UNCONFIRMED)
# family size 1..7, then each additional member
FUNDS_2025 = ((15263, 19001, 23360, 28362, 32168, 36280, 40392), 4112)
FUNDS_2024 = ((14690, 18288, 22483, 27297, 30690, 34917, 38875), 3958)

FSW_EDUCATION_POINTS = {
    "none": 0,
    "secondary": 5,
    "one_year": 15,
    "two_year": 19,
    "bachelors": 21,
    "two_or_more": 22,
    "masters": 23,
    "doctoral": 25,
}
FSW_PASS_MARK = 67
# The selection grid's most: language 28, education 25, experience 15, age 12, arranged employment 10,
# adaptability 10.
FSW_GRID_MAX = 100
_ADAPTABILITY_STUDY_LEVELS = frozenset(
    {"two_year", "bachelors", "two_or_more", "masters", "doctoral"}
)


@dataclass(frozen=True)
class ProgramResult:
    """Whether a program's minimum requirements are met on as_of.

    program: "fsw", "cec" or "fstp". points: the FSW grid total (None for CEC/FSTP).
    met_on: as_of if eligible, else the day it would be met if ongoing work continues, or None.
    progress: e.g. "10 of 12 months of Canadian experience". details: FSW grid factors.
    """

    program: str
    eligible: bool
    reasons: tuple[str, ...]
    points: int | None = None
    met_on: date | None = None
    progress: str | None = None
    details: dict[str, int] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()
    status: str = ""  # status.ELIGIBLE / NOT_ELIGIBLE / CANNOT_JUDGE ("" reads from eligible)

    @property
    def verdict(self) -> str:
        """The three-way status (status.py); eligible is exactly verdict == ELIGIBLE."""
        return self.status or (ELIGIBLE if self.eligible else NOT_ELIGIBLE)

    def to_dict(self) -> dict[str, Any]:
        """The program object of shared/spec/assessment.md."""
        if self.program == "fsw":
            return {"status": self.verdict, "eligible": self.eligible, "points": self.points,
                    "reasons": list(self.reasons)}
        return {"status": self.verdict, "eligible": self.eligible, "reasons": list(self.reasons)}


@dataclass(frozen=True)
class ProgramResults:
    fsw: ProgramResult
    cec: ProgramResult
    fstp: ProgramResult

    @property
    def verdict(self) -> str:
        """Whether any program is met: eligible if one is, cannot judge if none is but one
        cannot be judged (what a category's "requires a program" condition reads)."""
        statuses = [r.verdict for r in (self.fsw, self.cec, self.fstp)]
        if ELIGIBLE in statuses:
            return ELIGIBLE
        return CANNOT_JUDGE if CANNOT_JUDGE in statuses else NOT_ELIGIBLE

    def to_dict(self) -> dict[str, Any]:
        return {"fsw": self.fsw.to_dict(), "cec": self.cec.to_dict(), "fstp": self.fstp.to_dict()}


# --- shared helpers ---------------------------------------------------------------------------


class _Jobs:
    """The facts' paid jobs sorted once into the groups the three programs read.

    skilled: TEER 0-3 (FSW), by NOC sorted; canadian: Canadian experience as in derive.py
    (counts_as_canadian), teer23 the TEER 2/3 part; trades: FSTP trades, by NOC in first-seen
    order; in_canada: any paid job in Canada (authorised_to_work).
    """

    __slots__ = ("skilled", "skilled_by_noc", "canadian", "teer23", "trades", "trade_by_noc", "in_canada")

    def __init__(self, facts: Facts) -> None:
        skilled: list[Job] = []
        canadian: list[Job] = []
        teer23: list[Job] = []
        trades: list[Job] = []
        in_canada: list[Job] = []
        by_skilled: dict[str, list[Job]] = {}
        by_trade: dict[str, list[Job]] = {}
        for j in facts.work_history:
            if not j.paid:
                continue
            noc = j.noc
            in_ca = j.country == "CA"
            if in_ca:
                in_canada.append(j)
            if is_skilled(noc):
                skilled.append(j)
                by_skilled.setdefault(noc, []).append(j)
                if in_ca and not j.self_employed and not j.full_time_student:
                    canadian.append(j)
                    if teer(noc) in (2, 3):
                        teer23.append(j)
            if is_trade(noc):
                trades.append(j)
                by_trade.setdefault(noc, []).append(j)
        self.skilled = skilled
        self.skilled_by_noc = sorted(by_skilled.items())
        self.canadian = canadian
        self.teer23 = teer23
        self.trades = trades
        self.trade_by_noc = by_trade
        self.in_canada = in_canada


def _levels_text(t: ScoredTest) -> Reason:
    """"English CLB 9/8/9/7" or "French NCLC 5/5/5/5"."""
    lv = t.levels
    scores = f"{lv.listening}/{lv.reading}/{lv.writing}/{lv.speaking}"
    code = "language.french_result" if lv.language == "fr" else "language.english_result"
    return Reason(code, scores=scores)


def _meets_all(t: ScoredTest, minimum: tuple[int, int, int, int]) -> bool:
    """The result's levels reach the minimum (ABILITIES order) in every ability."""
    lv = t.levels
    return (
        lv.listening >= minimum[0]
        and lv.reading >= minimum[1]
        and lv.writing >= minimum[2]
        and lv.speaking >= minimum[3]
    )


def _ordered_tests(d: Derived) -> list[ScoredTest]:
    """The designated results first, then any other valid result."""
    chosen = [t for t in (d.first_language, d.second_language) if t is not None]
    return chosen + [t for t in d.valid_tests if t not in chosen]


def _language_check(
    d: Derived, tests: list[ScoredTest], minimum: tuple[int, int, int, int], what: Reason
) -> tuple[bool, Reason]:
    """(met, reason) for a minimum met in either official language (any valid result)."""
    for t in tests:
        if _meets_all(t, minimum):
            return True, Reason("language.met", what=what, results=_levels_text(t))
    if not tests:
        return False, Reason("language.no_valid_result", years=str(LANGUAGE_TEST_VALID_YEARS))
    shown = joined([_levels_text(t) for t in (d.first_language, d.second_language) if t is not None])
    return False, Reason("language.not_met", what=what, results=shown)


def funds_needed(family_size: int, as_of: date) -> int:
    """Settlement funds (CAD) for a family size on a date (2025-07-07 table, else 2024 table)."""
    base, extra = FUNDS_2025 if as_of >= FUNDS_2025_FROM else FUNDS_2024
    n = max(family_size, 1)
    if n <= len(base):
        return base[n - 1]
    return base[-1] + (n - len(base)) * extra


def _working_in_canada(jobs: list[Job], as_of: date) -> bool:
    return any(j.start <= as_of and (j.end is None or j.end >= as_of) for j in jobs)


def _family_size(facts: Facts) -> int:
    partnered = facts.marital_status in PARTNERED_STATUSES and facts.spouse is not None
    return max(facts.family_size or 1, 2 if partnered else 1)


_NO_FUNDS_NEEDED = (True, Reason("funds.not_needed"), ())
_FUNDS_MEMO: dict[tuple, tuple[bool, Reason, tuple[Reason, ...]]] = {}


def _funds(facts: Facts, as_of: date, offer_ok: bool, jobs: _Jobs) -> tuple[bool, Reason, tuple[Reason, ...]]:
    """(met, reason, warnings) of the proof-of-funds requirement; the text depends only on the
    family size, the table in force and the funds, so it is remembered per those."""
    if offer_ok and _working_in_canada(jobs.in_canada, as_of):
        return _NO_FUNDS_NEEDED
    have = facts.settlement_funds_cad
    key = (_family_size(facts), as_of >= FUNDS_2025_FROM, as_of < FUNDS_2024_FROM, have, type(have))
    r = _FUNDS_MEMO.get(key)
    if r is None:
        if len(_FUNDS_MEMO) >= 10_000:
            _FUNDS_MEMO.clear()
        r = _FUNDS_MEMO[key] = _funds_text(key[0], as_of, have)
    return r


def _funds_text(size: int, as_of: date, have: int | None) -> tuple[bool, Reason, tuple[Reason, ...]]:
    need_cad = funds_needed(size, as_of)
    need = f"{need_cad:,}"
    warnings: tuple[Reason, ...] = ()
    if as_of < FUNDS_2024_FROM:
        warnings = (Reason("funds.table_missing", day=FUNDS_2024_FROM.isoformat(),
                           year=str(FUNDS_2024_FROM.year)),)
    if have is None:
        return False, Reason("funds.not_recorded", need=need, size=str(size)), warnings
    if have >= need_cad:
        return True, Reason("funds.cover", have=f"{have:,}", need=need, size=str(size)), warnings
    return False, Reason("funds.below", have=f"{have:,}", need=need, size=str(size)), warnings


_OnDay = Callable[[date], tuple[Derived, list[ScoredTest]]]


def _deriver(facts: Facts) -> _OnDay:
    """(derive(facts, as_of=day), its ordered tests), remembered per day: the met_on re-checks
    of the three programs share them."""
    memo: dict[date, tuple[Derived, list[ScoredTest]]] = {}

    def on(day: date) -> tuple[Derived, list[ScoredTest]]:
        r = memo.get(day)
        if r is None:
            d = derive(facts, as_of=day)
            r = memo[day] = (d, _ordered_tests(d))
        return r

    return on


def _met_on(
    check: Callable[[date], bool],
    as_of: date,
    hours_on: Callable[[date], float],
    needed: float,
    jobs: list[Job],
    hours_now: float,
) -> date | None:
    """Day ongoing jobs reach the experience requirement, if the whole program is met then.

    hours_now is hours_on(as_of). work.accrual_date() jumps by the shortfall over the ongoing
    rate (a handful of hours_on() evaluations, no day-by-day scan); the one full re-check of
    the program is on the day found.
    """
    if hours_now >= needed:
        return None
    rate = ongoing_rate(jobs, as_of)
    if rate <= 0:
        return None
    day = accrual_date(hours_on, needed, as_of, rate, hours_now=hours_now)
    if day is None or not check(day):
        return None
    return day


# ProgramResult(s) are built without their frozen __init__ (unchecked.py).
_result = unchecked(ProgramResult)
_results = unchecked(ProgramResults)


# --- FSW --------------------------------------------------------------------------------------

_FSW_LANGUAGE_POINTS = tuple(6 if v >= 9 else 5 if v == 8 else 4 if v == 7 else 0 for v in range(13))
_CLB7 = (7, 7, 7, 7)


def _fsw_language_points(t: ScoredTest | None) -> int:
    if t is None:
        return 0
    lv = t.levels
    p = _FSW_LANGUAGE_POINTS
    return p[lv.listening] + p[lv.reading] + p[lv.writing] + p[lv.speaking]


def _fsw_age_points(age: int) -> int:
    if 18 <= age <= 35:
        return 12
    if 36 <= age <= 46:
        return 47 - age  # 36: 11 ... 46: 1
    return 0


def _fsw_experience_points(years: int) -> int:
    return 15 if years >= 6 else 13 if years >= 4 else 11 if years >= 2 else 9 if years == 1 else 0


def _fsw_continuous(jobs: _Jobs, as_of: date) -> tuple[float, str | None]:
    start, end = window(as_of, 10)
    best, best_noc = 0.0, None
    for noc, group in jobs.skilled_by_noc:
        h = best_continuous_hours(group, start, end)
        if h > best + 1e-9:
            best, best_noc = h, noc
    return best, best_noc


def _skilled_offer(facts: Facts) -> bool:
    offer = facts.job_offer
    return offer is not None and offer.years >= 1 and is_skilled(offer.noc)


def _fsw_grid(facts: Facts, d: Derived, jobs: _Jobs, candidates: list[ScoredTest]) -> dict[str, int]:
    """FSW selection-grid points per factor (IRPR 78-83; express-entry.md section 5)."""
    if not candidates:
        first = None
    elif len(candidates) == 1:
        first = candidates[0]
    else:
        first = max(
            candidates, key=lambda t: (_meets_all(t, _CLB7), _fsw_language_points(t))
        )
    second_ok = False
    if first is not None:
        language = first.levels.language
        for t in candidates:
            if t.levels.language != language and t.levels.minimum >= 5:
                second_ok = True
                break
    as_of = d.as_of
    start, end = window(as_of, 10)
    years = whole_years(fte_hours(jobs.skilled, start, end))
    offer = _skilled_offer(facts)

    adapt = 0
    sp = d.spouse
    if sp is not None and sp.status == "accompanying":
        if sp.language is not None and sp.language.levels.minimum >= 4:
            adapt += 5
        for c in facts.spouse.education:
            if c.canadian and c.level in _ADAPTABILITY_STUDY_LEVELS:
                adapt += 5
                break
        if sp.canadian_work_hours_ever + 1e-6 >= HOURS_PER_YEAR:
            adapt += 5
    for c in d.counted_credentials:
        if c.canadian and c.level in _ADAPTABILITY_STUDY_LEVELS:
            adapt += 5
            break
    if jobs.canadian:
        start_ever, _ = window(as_of, 100)
        if fte_hours(jobs.canadian, start_ever, as_of) + 1e-6 >= HOURS_PER_YEAR:
            adapt += 10
    if offer:
        adapt += 5
    if facts.sibling_in_canada:
        adapt += 5

    return {
        "language": _fsw_language_points(first),
        "second_language": 4 if second_ok else 0,
        "education": FSW_EDUCATION_POINTS[d.education],
        "experience": _fsw_experience_points(years),
        "age": _fsw_age_points(d.age),
        "arranged_employment": 10 if offer else 0,
        "adaptability": min(adapt, 10),
    }


def _fsw_core(facts: Facts, as_of: date, d: Derived, tests: list[ScoredTest], jobs: _Jobs):
    ok, bad, warnings = [], [], []
    met, reason = _language_check(d, tests, _CLB7, Reason("language.clb", level="7"))
    (ok if met else bad).append(reason)

    hours, noc = _fsw_continuous(jobs, as_of)
    if hours + 1e-6 >= HOURS_PER_YEAR:
        ok.append(Reason("fsw.work_met", years="1", noc=noc, window="10"))
    elif noc is None:
        bad.append(Reason("fsw.no_work", years="10"))
    else:
        bad.append(Reason("fsw.work_short", months=fmt_months(months(hours)), needed="12", noc=noc,
                          years="10"))

    if d.education == "none":
        bad.append(Reason("fsw.no_education"))
    else:
        ok.append(Reason("fsw.education"))

    grid = _fsw_grid(facts, d, jobs, tests)
    points = sum(grid.values())
    (ok if points >= FSW_PASS_MARK else bad).append(
        Reason("fsw.grid", points=str(points), needed=str(FSW_PASS_MARK)))

    f_met, f_reason, f_warn = _funds(facts, as_of, _skilled_offer(facts), jobs)
    (ok if f_met else bad).append(f_reason)
    warnings.extend(f_warn)
    return not bad, ok, bad, points, grid, hours, warnings


def _fsw(
    facts: Facts, as_of: date, d: Derived, tests: list[ScoredTest], jobs: _Jobs, on_day: _OnDay
) -> ProgramResult:
    eligible, ok, bad, points, grid, hours, warnings = _fsw_core(facts, as_of, d, tests, jobs)
    met_on = (
        as_of
        if eligible
        else _met_on(
            lambda day: _fsw_core(facts, day, *on_day(day), jobs)[0],
            as_of,
            lambda day: _fsw_continuous(jobs, day)[0],
            HOURS_PER_YEAR,
            jobs.skilled,
            hours,
        )
    )
    progress = Reason("fsw.progress", months=fmt_months(months(hours, 10)), needed="12")
    return _result(
        "fsw",
        eligible,
        tuple(ok if eligible else bad),
        points,
        met_on,
        progress,
        grid,
        tuple(warnings),
        ELIGIBLE if eligible else NOT_ELIGIBLE,
    )


# --- CEC --------------------------------------------------------------------------------------


def _cec_core(facts: Facts, as_of: date, d: Derived, tests: list[ScoredTest], jobs: _Jobs):
    ok, bad = [], []
    start, end = window(as_of, 3)
    total = fte_hours(jobs.canadian, start, end)
    teer23 = fte_hours(jobs.teer23, start, end) if jobs.teer23 else 0.0
    if total + 1e-6 >= HOURS_PER_YEAR:
        ok.append(Reason("cec.work_met", years="1", window="3", months=fmt_months(months(total, 3))))
    elif total <= 0:
        bad.append(Reason("cec.no_work", years="3"))
    else:
        bad.append(Reason("cec.work_short", months=fmt_months(months(total, 3)), needed="12", years="3"))
    if teer23 + 1e-6 >= HOURS_PER_YEAR:
        met, reason = _language_check(
            d, tests, _CLB5, Reason("language.clb_for_teer", level="5", t1="2", t2="3")
        )
    elif total > teer23:
        met, reason = _language_check(
            d, tests, _CLB7, Reason("language.clb_for_teer", level="7", t1="0", t2="1")
        )
    else:
        met, reason = _language_check(d, tests, _CLB7, Reason("language.clb_for_skilled", level="7"))
    (ok if met else bad).append(reason)
    return not bad, ok, bad, total


def _cec_hours_on(jobs: _Jobs, day: date) -> float:
    start, end = window(day, 3)
    return fte_hours(jobs.canadian, start, end)


def _cec(
    facts: Facts, as_of: date, d: Derived, tests: list[ScoredTest], jobs: _Jobs, on_day: _OnDay
) -> ProgramResult:
    eligible, ok, bad, total = _cec_core(facts, as_of, d, tests, jobs)
    met_on = (
        as_of
        if eligible
        else _met_on(
            lambda day: _cec_core(facts, day, *on_day(day), jobs)[0],
            as_of,
            lambda day: _cec_hours_on(jobs, day),
            HOURS_PER_YEAR,
            jobs.canadian,
            total,
        )
    )
    progress = Reason("cec.progress", months=fmt_months(months(total, 3)), needed="12")
    return _result(
        "cec", eligible, tuple(ok if eligible else bad), None, met_on, progress, {}, (),
        ELIGIBLE if eligible else NOT_ELIGIBLE,
    )


# --- FSTP -------------------------------------------------------------------------------------

FSTP_HOURS = 2 * HOURS_PER_YEAR
FSTP_LANGUAGE = {"listening": 5, "speaking": 5, "reading": 4, "writing": 4}
_FSTP_MINIMUM = tuple(FSTP_LANGUAGE[a] for a in ABILITIES)
_CLB5 = (5, 5, 5, 5)


def _trade_hours(jobs: _Jobs, day: date) -> dict[str, float]:
    start, end = window(day, 5)
    return {noc: fte_hours(group, start, end) for noc, group in jobs.trade_by_noc.items()}


def _fstp_core(facts: Facts, as_of: date, d: Derived, tests: list[ScoredTest], jobs: _Jobs):
    """(eligible, ok, bad, progress, warnings, best trade hours)."""
    ok, bad, warnings = [], [], []
    trades = {}
    if jobs.trades:
        trades = {n: h for n, h in _trade_hours(jobs, as_of).items() if h > 0}
    if not trades:
        ever = any(j.start <= as_of for j in jobs.trades)
        reason = Reason("fstp.no_recent_trade", years="5") if ever else Reason("fstp.no_trade")
        return False, ok, [reason], Reason("fstp.progress", months="0", needed="24"), warnings, 0.0
    best_noc = max(sorted(trades), key=lambda n: trades[n])
    best = trades[best_noc]
    qualifying = {n for n, h in trades.items() if h + 1e-6 >= FSTP_HOURS} or {best_noc}
    m = months(best, 5)
    if best + 1e-6 >= FSTP_HOURS:
        ok.append(Reason("fstp.work_met", years="2", noc=best_noc, window="5"))
    else:
        bad.append(Reason("fstp.work_short", months=fmt_months(m), needed="24", noc=best_noc, years="5"))
    met, reason = _language_check(d, tests, _FSTP_MINIMUM, Reason("language.clb_fstp", a="5", b="4"))
    (ok if met else bad).append(reason)

    offer = facts.job_offer
    offer_ok = offer is not None and offer.years >= 1 and offer.noc in qualifying
    cert = facts.certificate_of_qualification
    cert_ok = cert is not None and (cert.noc in qualifying or not cert.noc)
    if cert is not None and not cert.noc:
        warnings.append(Reason("fstp.certificate_without_noc"))
    if offer_ok:
        ok.append(Reason("fstp.offer", years="1", noc=offer.noc))
    elif cert_ok:
        ok.append(Reason("fstp.certificate"))
    else:
        bad.append(Reason("fstp.no_offer_or_certificate", years="1", nocs=", ".join(sorted(qualifying))))
    f_met, f_reason, f_warn = _funds(facts, as_of, offer_ok, jobs)
    (ok if f_met else bad).append(f_reason)
    warnings.extend(f_warn)
    progress = Reason("fstp.progress", months=fmt_months(m), needed="24")
    return not bad, ok, bad, progress, warnings, best


def _fstp(
    facts: Facts, as_of: date, d: Derived, tests: list[ScoredTest], jobs: _Jobs, on_day: _OnDay
) -> ProgramResult:
    eligible, ok, bad, progress, warnings, best = _fstp_core(facts, as_of, d, tests, jobs)
    met_on = (
        as_of
        if eligible
        else _met_on(
            lambda day: _fstp_core(facts, day, *on_day(day), jobs)[0],
            as_of,
            lambda day: max(_trade_hours(jobs, day).values(), default=0.0),
            FSTP_HOURS,
            jobs.trades,
            best,
        )
    )
    return _result(
        "fstp",
        eligible,
        tuple(ok if eligible else bad),
        None,
        met_on,
        progress,
        {},
        tuple(warnings),
        ELIGIBLE if eligible else NOT_ELIGIBLE,
    )


def program_results(facts: Facts, *, as_of: date, derived: Derived | None = None) -> ProgramResults:
    """FSW, CEC and FSTP on as_of (the facts' jobs grouped once, re-derivations shared)."""
    d = derived or derive(facts, as_of=as_of)
    tests = _ordered_tests(d)
    jobs = _Jobs(facts)
    on_day = _deriver(facts)
    results = _results(
        _fsw(facts, as_of, d, tests, jobs, on_day),
        _cec(facts, as_of, d, tests, jobs, on_day),
        _fstp(facts, as_of, d, tests, jobs, on_day),
    )
    missing = unnamed_occupations(facts)
    if missing and not (results.fsw.eligible and results.cec.eligible and results.fstp.eligible):
        results = _judge_unnamed(results, facts, as_of, missing)
    return results


# --- occupations not recorded -------------------------------------------------------------------
# A paid job or a job offer without a NOC code is an occupation the facts do not name: whether it
# is skilled work, a trade or the trade of a certificate cannot be known. A program it could make
# met is "cannot judge", never "not eligible": the facts are re-checked with the unnamed
# occupations taken as the most favourable one, a TEER 2 trade (NOC 72310, carpenters: skilled
# for FSW, CLB 5 for CEC, a trade for FSTP, one occupation for continuity); a program met that
# way cannot be judged until the NOC code is recorded.

_FAVOURABLE_NOC = "72310"


def unnamed_occupations(facts: Facts) -> tuple[Reason, ...]:
    """A sentence per paid job or job offer recorded without a NOC code ("..., so this cannot
    be judged"; none: ())."""
    out = [
        Reason("program.job_without_noc", day=j.start.isoformat())
        for j in facts.work_history
        if j.paid and not j.noc
    ]
    if facts.job_offer is not None and not facts.job_offer.noc:
        out.append(Reason("program.offer_without_noc"))
    return tuple(out)


def _judge_unnamed(
    results: ProgramResults, facts: Facts, as_of: date, missing: tuple[Reason, ...]
) -> ProgramResults:
    offer = facts.job_offer
    favourable = replace(
        facts,
        work_history=tuple(
            replace(j, noc=_FAVOURABLE_NOC) if not j.noc else j for j in facts.work_history
        ),
        job_offer=JobOffer(_FAVOURABLE_NOC, offer.years) if offer is not None and not offer.noc else offer,
    )
    best = program_results(favourable, as_of=as_of)
    out = []
    for r, b in zip((results.fsw, results.cec, results.fstp), (best.fsw, best.cec, best.fstp), strict=True):
        if not r.eligible and b.eligible:
            reasons = (*r.reasons, *missing)
            r = replace(r, reasons=reasons, met_on=None, status=CANNOT_JUDGE)
        out.append(r)
    return _results(*out)


__all__ = [
    "ProgramResult",
    "ProgramResults",
    "program_results",
    "funds_needed",
]
