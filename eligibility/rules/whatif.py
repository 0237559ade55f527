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
            f"English CLB 9 in all four abilities ({TEST_NAMES[test]})",
            replace(facts, language_tests=others + (new_test,)),
        )

    others = tuple(t for t in facts.language_tests if t.test not in FRENCH_TESTS)
    fr = d.french
    if fr is None or min(fr.clb().values()) < 7:
        test = fr.test if fr is not None else "tef_canada"
        new_test = _test_at(test, _targets(fr.clb() if fr else None, 7), as_of)
        add(
            "french_nclc7",
            f"French NCLC 7 in all four abilities ({TEST_NAMES[test]})",
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
                f"{d.canadian_work_years + 1} years of Canadian skilled work",
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
                f"spouse: CLB 9 in all four abilities ({TEST_NAMES[test]})",
                replace(facts, spouse=spouse),
            )

    if d.education in ("one_year", "two_year", "bachelors"):
        extra = Credential(level="one_year", canadian=False, completed_on=as_of, eca_on=as_of)
        add(
            "second_credential",
            "a second post-secondary credential (one year or longer, with ECA)",
            replace(facts, education=facts.education + (extra,)),
        )

    if not facts.provincial_nomination:
        add(
            "provincial_nomination",
            "a provincial nomination",
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


def _verdict_changes(before: Assessment, after: Assessment) -> str:
    """" (no longer eligible: ...)" and the like for what changed that day. A change to or from
    cannot judge is said as such, never as a loss or a gain of eligibility (status.py)."""
    old, new = _verdicts(before), _verdicts(after)
    groups: dict[str, list[str]] = {text: [] for text in _CHANGE_TEXTS.values()}
    for key in sorted(set(old) | set(new)):
        change = (old.get(key, NOT_ELIGIBLE), new.get(key, NOT_ELIGIBLE))
        if change[0] != change[1]:
            groups[_CHANGE_TEXTS[change]].append(key)
    return "".join(f" ({text}: {', '.join(keys)})" for text, keys in groups.items() if keys)


_CHANGE_TEXTS = {
    (ELIGIBLE, NOT_ELIGIBLE): "no longer eligible",
    (NOT_ELIGIBLE, ELIGIBLE): "becomes eligible",
    (ELIGIBLE, CANNOT_JUDGE): "can no longer be judged",
    (NOT_ELIGIBLE, CANNOT_JUDGE): "can no longer be judged",
    (CANNOT_JUDGE, ELIGIBLE): "now judged eligible",
    (CANNOT_JUDGE, NOT_ELIGIBLE): "now judged not eligible",
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
    events: dict[date, list[str]] = {}

    def add(day: date, label: str) -> None:
        if as_of < day <= last:
            events.setdefault(day, []).append(label)

    day = next_birthday(facts.date_of_birth, as_of)
    while day <= last:
        add(day, f"turns {day.year - facts.date_of_birth.year}")
        day = next_birthday(facts.date_of_birth, day)
    for t in facts.language_tests:
        if t.taken_on <= as_of:
            add(
                language_test_expires_on(t.taken_on),
                f"{TEST_NAMES.get(t.test, t.test)} result of {t.taken_on.isoformat()} expires",
            )
    if facts.spouse is not None:
        for t in facts.spouse.language_tests:
            if t.taken_on <= as_of:
                add(
                    language_test_expires_on(t.taken_on),
                    f"spouse's {TEST_NAMES.get(t.test, t.test)} result "
                    f"of {t.taken_on.isoformat()} expires",
                )
    for who, creds in (
        ("", facts.education),
        ("spouse's ", facts.spouse.education if facts.spouse else ()),
    ):
        for c in creds:
            if not c.canadian and c.eca_on is not None and c.eca_on <= as_of:
                add(
                    eca_expires_on(c.eca_on),
                    f"ECA for the {who}foreign "
                    f"{LEVEL_NAMES.get(c.level, c.level)} credential expires",
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
        add(day, f"Canadian skilled work reaches {years} years")
    profile_expiry = None
    if facts.profile_submitted_on is not None:
        profile_expiry = profile_expires_on(facts.profile_submitted_on)
        add(profile_expiry, "Express Entry profile expires (12 months after submission)")

    out: list[ScoreChange] = []
    for day in sorted(events):
        before = assess(facts, as_of=day - _DAY, categories=categories)
        after = assess(facts, as_of=day, categories=categories)
        delta = after.crs.total - before.crs.total
        label = "; ".join(events[day])
        changes = _verdict_changes(before, after)
        label += changes
        if delta != 0 or changes or day == profile_expiry:
            out.append(ScoreChange(day, label, delta))
    return out
