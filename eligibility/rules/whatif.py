"""What-if scenarios and score changes ahead, computed by re-running the engine on changed facts.

what_if(): English CLB 9 in all abilities, French NCLC 7, one more year of Canadian work,
spouse CLB 9, a second post-secondary credential, a provincial nomination. Each scenario that
applies is re-assessed on as_of; the list is ranked by CRS points gained.

score_changes_ahead(): dated changes within the horizon if nothing else changes: birthdays, a
language result reaching 2 years, an ECA reaching 5 years, a further year of Canadian work from
an ongoing job, and the Express Entry profile expiring 12 months after submission. The delta of
a date is CRS(date) - CRS(day before); dates whose delta is 0 are left out, except the profile
expiry. Lost or gained programs and categories are named in the label.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import NamedTuple

from .assess import Assessment, assess
from .clb import table_for
from .dates import next_birthday
from .derive import LEVEL_NAMES, TEST_NAMES, canadian_work_hours, counts_as_canadian, derive
from .facts import (
    ABILITIES,
    ENGLISH_TESTS,
    FRENCH_TESTS,
    CategoryRule,
    Credential,
    Facts,
    LanguageTest,
)
from .reasons import Reason, about_spouse, joined
from .status import CANNOT_JUDGE, ELIGIBLE, NOT_ELIGIBLE
from .validity import eca_expires_on, language_test_expires_on, profile_expires_on
from .work import HOURS_PER_YEAR, accrual_date, ongoing_rate, rate

_DAY = timedelta(days=1)


@dataclass(frozen=True)
class WhatIf:
    """One scenario: label, CRS points gained on as_of (or on_date), the day it is reached when it
    depends only on time (ongoing Canadian job), and the facts the engine was re-run on."""

    label: str
    points_gained: int
    on_date: date | None
    changed_facts: Facts
    key: str = ""
    new_total: int = 0


class ScoreChange(NamedTuple):
    on: date
    label: str
    delta: int


def _test_at(test: str, targets: dict[str, int], day: date) -> LanguageTest:
    """A result of `test` taken on `day` with the lowest scores giving the target levels."""
    rows = {row[0]: row for row in table_for(test, day)}
    scores = {a: float(rows[min(targets[a], 10)][i + 1][0]) for i, a in enumerate(ABILITIES)}
    return LanguageTest(test=test, taken_on=day, **scores)


def _targets(current: dict[str, int] | None, level: int) -> dict[str, int]:
    return {a: max(level, (current or {}).get(a, 0)) for a in ABILITIES}


def _extra_canadian_year(facts: Facts, as_of: date, years: int) -> Facts | None:
    """Facts where the latest Canadian job started early enough to add one counted year."""
    jobs = [j for j in facts.work_history if counts_as_canadian(j) and j.start <= as_of]
    if not jobs:
        return None
    latest = max(jobs, key=lambda j: (j.end is None, j.end or as_of, j.start))
    needed = (years + 1) * HOURS_PER_YEAR
    changed = facts
    job = latest
    for _ in range(20):
        hours = canadian_work_hours(changed.work_history, as_of)
        if hours + 1e-6 >= needed:
            return changed
        r = rate(job)
        if r <= 0:
            return None
        days = int((needed - hours) * 7 / r) + 1
        new_job = replace(job, start=job.start - timedelta(days=days))
        history = tuple(new_job if j is job else j for j in changed.work_history)
        changed, job = replace(changed, work_history=history), new_job
    return None


def what_if(facts: Facts, *, as_of: date, categories: Sequence[CategoryRule] = ()) -> list[WhatIf]:
    """Scenarios ranked by CRS points gained (see module doc)."""
    base = assess(facts, as_of=as_of, categories=categories)
    d = base.derived
    out: list[WhatIf] = []

    def add(key: str, label: str, changed: Facts, on_date: date | None = None) -> None:
        new = assess(changed, as_of=as_of, categories=categories).crs.total
        out.append(WhatIf(label, new - base.crs.total, on_date, changed, key, new))

    others = tuple(t for t in facts.language_tests if t.test not in ENGLISH_TESTS)
    en = d.english
    if en is None or min(en.clb().values()) < 9:
        test = en.test if en is not None else "ielts_general"
        new_test = _test_at(test, _targets(en.clb() if en else None, 9), as_of)
        add(
            "english_clb9",
            Reason("what_if.english", level="9", test=TEST_NAMES[test]),
            replace(facts, language_tests=others + (new_test,)),
        )

    others = tuple(t for t in facts.language_tests if t.test not in FRENCH_TESTS)
    fr = d.french
    if fr is None or min(fr.clb().values()) < 7:
        test = fr.test if fr is not None else "tef_canada"
        new_test = _test_at(test, _targets(fr.clb() if fr else None, 7), as_of)
        add(
            "french_nclc7",
            Reason("what_if.french", level="7", test=TEST_NAMES[test]),
            replace(facts, language_tests=others + (new_test,)),
        )

    if d.canadian_work_years < 5:
        changed = _extra_canadian_year(facts, as_of, d.canadian_work_years)
        if changed is not None:
            jobs = [j for j in facts.work_history if counts_as_canadian(j)]
            on_date = accrual_date(
                lambda day: canadian_work_hours(facts.work_history, day),
                (d.canadian_work_years + 1) * HOURS_PER_YEAR,
                as_of,
                ongoing_rate(jobs, as_of),
            )
            add(
                "canadian_year",
                Reason("what_if.canadian_year", years=str(d.canadian_work_years + 1)),
                changed,
                on_date,
            )

    sp = d.spouse
    if sp is not None and sp.status == "accompanying" and facts.spouse is not None:
        cur = sp.language
        if cur is None or min(cur.clb().values()) < 9:
            test = cur.test if cur is not None else "ielts_general"
            new_test = _test_at(test, _targets(cur.clb() if cur else None, 9), as_of)
            spouse = replace(facts.spouse, language_tests=(new_test,))
            add(
                "spouse_clb9",
                about_spouse(Reason("what_if.clb", level="9", test=TEST_NAMES[test])),
                replace(facts, spouse=spouse),
            )

    if d.education in ("one_year", "two_year", "bachelors"):
        extra = Credential(level="one_year", canadian=False, completed_on=as_of, eca_on=as_of)
        add(
            "second_credential",
            Reason("what_if.second_credential"),
            replace(facts, education=facts.education + (extra,)),
        )

    if not facts.provincial_nomination:
        add(
            "provincial_nomination",
            Reason("what_if.nomination"),
            replace(facts, provincial_nomination=True),
        )

    out.sort(key=lambda w: -w.points_gained)
    return out


def _verdicts(a: Assessment) -> dict[str, str]:
    """Program codes and category slugs with their three-way status (categories in force only)."""
    programs = a.programs
    out = {p.program: p.verdict for p in (programs.fsw, programs.cec, programs.fstp)}
    out.update((c.slug, c.verdict) for c in a.categories)
    return out


def _verdict_changes(before: Assessment, after: Assessment) -> list[tuple[str, str]]:
    """(code, "program codes and category slugs") per kind of change that day ("no longer eligible:
    ..." and the like). A change to or from cannot judge is said as such, never as a loss or a
    gain of eligibility (status.py)."""
    old, new = _verdicts(before), _verdicts(after)
    groups: dict[str, list[str]] = {code: [] for code in _CHANGE_CODES.values()}
    for key in sorted(set(old) | set(new)):
        change = (old.get(key, NOT_ELIGIBLE), new.get(key, NOT_ELIGIBLE))
        if change[0] != change[1]:
            groups[_CHANGE_CODES[change]].append(key)
    return [(code, ", ".join(keys)) for code, keys in groups.items() if keys]


_CHANGE_CODES = {
    (ELIGIBLE, NOT_ELIGIBLE): "ahead.no_longer_eligible",
    (NOT_ELIGIBLE, ELIGIBLE): "ahead.becomes_eligible",
    (ELIGIBLE, CANNOT_JUDGE): "ahead.no_longer_judged",
    (NOT_ELIGIBLE, CANNOT_JUDGE): "ahead.no_longer_judged",
    (CANNOT_JUDGE, ELIGIBLE): "ahead.now_eligible",
    (CANNOT_JUDGE, NOT_ELIGIBLE): "ahead.now_not_eligible",
}


def score_changes_ahead(
    facts: Facts,
    *,
    as_of: date,
    categories: Sequence[CategoryRule] = (),
    horizon_days: int = 365,
) -> list[ScoreChange]:
    """Dated CRS changes within horizon_days after as_of (see module doc)."""
    last = as_of + timedelta(days=horizon_days)
    events: dict[date, list[Reason]] = {}

    def add(day: date, label: Reason) -> None:
        if as_of < day <= last:
            events.setdefault(day, []).append(label)

    day = next_birthday(facts.date_of_birth, as_of)
    while day <= last:
        add(day, Reason("ahead.birthday", age=str(day.year - facts.date_of_birth.year)))
        day = next_birthday(facts.date_of_birth, day)
    for t in facts.language_tests:
        if t.taken_on <= as_of:
            add(
                language_test_expires_on(t.taken_on),
                Reason("ahead.test_expires", test=TEST_NAMES.get(t.test, t.test), day=t.taken_on.isoformat()),
            )
    if facts.spouse is not None:
        for t in facts.spouse.language_tests:
            if t.taken_on <= as_of:
                add(
                    language_test_expires_on(t.taken_on),
                    Reason("ahead.spouse_test_expires", test=TEST_NAMES.get(t.test, t.test),
                           day=t.taken_on.isoformat()),
                )
    for code, creds in (
        ("ahead.eca_expires", facts.education),
        ("ahead.spouse_eca_expires", facts.spouse.education if facts.spouse else ()),
    ):
        for c in creds:
            if not c.canadian and c.eca_on is not None and c.eca_on <= as_of:
                add(
                    eca_expires_on(c.eca_on),
                    Reason(code, credential=LEVEL_NAMES.get(c.level, c.level)),
                )
    d = derive(facts, as_of=as_of)
    jobs = [j for j in facts.work_history if counts_as_canadian(j)]
    r = ongoing_rate(jobs, as_of)
    years = d.canadian_work_years
    while r > 0 and years < 5:
        years += 1
        day = accrual_date(
            lambda x: canadian_work_hours(facts.work_history, x),
            years * HOURS_PER_YEAR,
            as_of,
            r,
            horizon_days=horizon_days,
        )
        if day is None:
            break
        add(day, Reason("ahead.canadian_work", years=str(years)))
    profile_expiry = None
    if facts.profile_submitted_on is not None:
        profile_expiry = profile_expires_on(facts.profile_submitted_on)
        add(profile_expiry, Reason("ahead.profile_expires"))

    out: list[ScoreChange] = []
    for day in sorted(events):
        before = assess(facts, as_of=day - _DAY, categories=categories)
        after = assess(facts, as_of=day, categories=categories)
        delta = after.crs.total - before.crs.total
        label = joined(events[day])
        changes = _verdict_changes(before, after)
        for code, keys in changes:
            label = Reason(code, label=label, programs=keys)
        if delta != 0 or changes or day == profile_expiry:
            out.append(ScoreChange(day, label, delta))
    return out
