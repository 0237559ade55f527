"""Golden results: the engine's full output on ~3,000 generated profiles must not change.

The profiles are generated deterministically (one random.Random(seed) per case): spouses
(accompanying, not, Canadian; ignored when not partnered), part-time and overlapping jobs,
back-to-back and gapped jobs in one occupation, unpaid/self-employed/student work, expired,
future-dated and invalid test results, TEF old/new scale and TCF results, expired and future
ECAs, job offers, certificates, funds, profile expiry; as_of from 2023 to 2026, with every
category of draws/data/categories.json (2023 to 2026 periods) passed in.

The category rules used are stored in the golden file itself, so later edits to
categories.json do not change these cases. eligibility/tests/data/assess_golden.json holds, per
case, `Assessment.to_dict()` and the values to_dict() leaves out (programs' met_on, progress,
FSW grid; categories' applied rule; hours of work).

The file was written by the engine as it was before its performance work; the test proves the
optimized engine gives identical results. Regenerate only for an intended change of results:

    .venv/bin/python -m eligibility.tests.test_rules_golden --write
"""

from __future__ import annotations

import hashlib
import json
import random
import sys
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from eligibility.rules import assess
from eligibility.rules.clb import score_range, table_for
from eligibility.rules.facts import (
    ABILITIES,
    EDUCATION_LEVELS,
    CategoryRule,
    Certificate,
    Credential,
    Facts,
    Job,
    JobOffer,
    LanguageTest,
    Spouse,
)
from eligibility.rules.programs import program_results

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = Path(__file__).resolve().parent / "data" / "assess_golden.json"
CASES = 3000
FIRST = date(2023, 1, 1)
LAST = date(2026, 12, 31)

TRADES = ("72200", "72310", "72400", "73300", "82031", "83100", "92100", "93100", "62200", "63200")
UNSKILLED = ("44100", "65200", "75101", "85100", "64100", "94101")  # TEER 4/5
SKILLED = ("21231", "21232", "11100", "13110", "00012", "41220", "21211", "33102", "41200")
COUNTRIES = ("IN", "PH", "CN", "NG", "FR", "MA", "US", "BR")
HOURS = (0.0, 8.0, 15.0, 20.0, 25.0, 29.5, 30.0, 35.0, 37.5, 40.0, 50.0)
TESTS = ("ielts_general", "celpip_general", "pte_core", "tef_canada", "tcf_canada")


# --- categories --------------------------------------------------------------------------------


def categories_from_json() -> list[dict[str, Any]]:
    """Every category of draws/data/categories.json for its period (as draws/seed.py loads them)."""
    periods = {
        "2023": ("2023-05-31", "2023-12-31"),
        "2024": ("2024-01-01", "2025-02-26"),
        "2025": ("2025-02-27", "2026-02-17"),
        "2026": ("2026-02-18", None),
    }
    starts = {("2026", "physicians_cdn"): "2025-12-08"}
    data = json.loads((ROOT / "draws" / "data" / "categories.json").read_text(encoding="utf-8"))
    out = []
    for year, block in sorted(data["years"].items()):
        start, end = periods[year]
        for c in block["categories"]:
            language = c.get("type") == "language"
            occupations = c.get("occupations")
            out.append(
                {
                    "slug": c["id"],
                    "name": c["name"],
                    "effective_from": starts.get((year, c["id"]), start),
                    "effective_to": end,
                    "experience_rule": "language" if language else c["experience_rule"],
                    "nocs": sorted(o["noc"] for o in occupations or ()),
                    "list_unconfirmed": "UNCONFIRMED" in (c.get("list_status") or "")
                    or (not language and occupations is None),
                }
            )
    return out


def category_rules(rows: list[dict[str, Any]]) -> list[CategoryRule]:
    return [
        CategoryRule(
            slug=r["slug"],
            name=r["name"],
            effective_from=date.fromisoformat(r["effective_from"]),
            effective_to=date.fromisoformat(r["effective_to"]) if r["effective_to"] else None,
            experience_rule=r["experience_rule"],
            nocs=frozenset(r["nocs"]),
            list_unconfirmed=r["list_unconfirmed"],
        )
        for r in rows
    ]


# --- facts -------------------------------------------------------------------------------------


def _day(rng: random.Random, first: date, last: date) -> date:
    return first + timedelta(days=rng.randint(0, (last - first).days))


def _score(rng: random.Random, test: str, ability: str, taken: date) -> float:
    step = 0.5 if test == "ielts_general" else 1.0
    low, high = score_range(test, ability, taken)
    r = rng.random()
    if r < 0.02:  # not on the test's scale: the result is not counted, with a warning
        return high + step if rng.random() < 0.5 else low + step / 3
    if r < 0.2:  # anywhere on the scale
        return low + step * rng.randint(0, int((high - low) / step))
    i = 1 + ABILITIES.index(ability)
    row = rng.choice(table_for(test, taken))
    a, b = row[i]
    return a + step * rng.randint(0, int((b - a) / step))


def _test(rng: random.Random, as_of: date, tests: tuple[str, ...] = TESTS) -> LanguageTest:
    test = rng.choices(tests, (40, 20, 10, 18, 12)[: len(tests)])[0]
    taken = as_of - timedelta(days=rng.randint(-60, 1000))
    if rng.random() < 0.1:  # around the TEF scale switch and PTE Core acceptance
        taken = _day(rng, date(2023, 11, 1), date(2024, 3, 1))
    return LanguageTest(test, taken, *(_score(rng, test, a, taken) for a in ABILITIES))


def _credential(rng: random.Random, as_of: date, dob: date) -> Credential:
    level = rng.choices(EDUCATION_LEVELS, (3, 10, 8, 12, 25, 8, 14, 4))[0]
    canadian = rng.random() < 0.25
    completed = None if rng.random() < 0.1 else as_of - timedelta(days=rng.randint(-200, 6000))
    if completed is not None and completed < dob:
        completed = dob + timedelta(days=18 * 365)
    eca = None
    if not canadian and rng.random() < 0.85:
        eca = as_of - timedelta(days=rng.randint(-100, 2400))
    return Credential(level, canadian, completed, eca)


def _noc(rng: random.Random, listed: list[str]) -> str:
    r = rng.random()
    if r < 0.4:
        return rng.choice(listed)
    if r < 0.6:
        return rng.choice(TRADES)
    if r < 0.7:
        return rng.choice(UNSKILLED)
    return rng.choice(SKILLED)


def _job(rng: random.Random, as_of: date, noc: str, country: str | None = None) -> Job:
    start = as_of - timedelta(days=rng.randint(-90, 4500))
    end = None if rng.random() < 0.35 else start + timedelta(days=rng.randint(0, 2500))
    return Job(
        noc=noc,
        country=country or ("CA" if rng.random() < 0.5 else rng.choice(COUNTRIES)),
        start=start,
        end=end,
        hours_per_week=rng.choice(HOURS),
        paid=rng.random() < 0.92,
        self_employed=rng.random() < 0.08,
        full_time_student=rng.random() < 0.08,
    )


def _career(rng: random.Random, as_of: date, noc: str) -> list[Job]:
    """Back-to-back or gapped jobs in one occupation, full or part time, maybe still ongoing."""
    country = "CA" if rng.random() < 0.6 else rng.choice(COUNTRIES)
    day = as_of - timedelta(days=rng.randint(200, 2200))
    jobs = []
    for i in range(rng.randint(2, 4)):
        length = rng.randint(60, 700)
        last = i > 0 and rng.random() < 0.4
        end = None if last and day < as_of else day + timedelta(days=length)
        hours = rng.choice((30.0, 37.5, 40.0, 20.0, 15.0))
        jobs.append(Job(noc, country, day, end, hours))
        if end is None:
            break
        day = end + timedelta(days=rng.choice((1, 1, 1, 2, 15, 45)))
    return jobs


def _candidate(rng: random.Random, as_of: date, listed: list[str]) -> Facts:
    """A typical pool candidate: recent tests, assessed credentials, skilled or trade careers."""
    dob = as_of - timedelta(days=rng.randint(22, 45) * 365 + rng.randint(0, 364))
    married = rng.random() < 0.45
    spouse = None
    if married:
        spouse = Spouse(
            accompanying=rng.random() < 0.85,
            canadian_citizen_or_pr=rng.random() < 0.05,
            education=(Credential(rng.choice(("secondary", "bachelors")), False, dob + timedelta(8000)),),
            language_tests=(_recent_test(rng, as_of, "celpip_general"),) if rng.random() < 0.6 else (),
        )
    education = [
        Credential(
            rng.choices(("two_year", "bachelors", "masters", "doctoral"), (2, 6, 3, 0.5))[0],
            False,
            dob + timedelta(days=365 * 22 + rng.randint(0, 1500)),
            as_of - timedelta(days=rng.randint(30, 1900)),
        )
    ]
    if rng.random() < 0.3:
        done = as_of - timedelta(days=rng.randint(-100, 1500))
        education.append(Credential(rng.choice(("one_year", "two_year", "bachelors")), True, done))
    tests = [_recent_test(rng, as_of, rng.choice(("ielts_general", "celpip_general", "pte_core")))]
    if rng.random() < 0.25:
        tests.append(_recent_test(rng, as_of, rng.choice(("tef_canada", "tcf_canada"))))
    noc = _noc(rng, listed)
    jobs = []
    years = rng.randint(0, 7)
    if years:
        end = as_of - timedelta(days=rng.randint(30, 900))
        jobs.append(Job(noc, rng.choice(COUNTRIES), end - timedelta(days=365 * years), end, 40.0))
    if rng.random() < 0.6:
        start = as_of - timedelta(days=rng.randint(30, 1500))
        hours = rng.choice((20.0, 30.0, 37.5, 40.0))
        jobs.append(Job(noc if rng.random() < 0.8 else _noc(rng, listed), "CA", start, None, hours))
    cert = offer = None
    if noc in TRADES and rng.random() < 0.5:
        if rng.random() < 0.5:
            cert = Certificate(noc, "BC")
        else:
            offer = JobOffer(noc, rng.choice((1, 2)))
    elif rng.random() < 0.08:
        offer = JobOffer(_noc(rng, listed), 1)
    size = (2 if married else 1) + (rng.random() < 0.3)
    return Facts(
        date_of_birth=dob,
        marital_status="married" if married else "single",
        spouse=spouse,
        education=tuple(education),
        language_tests=tuple(tests),
        work_history=tuple(jobs),
        certificate_of_qualification=cert,
        provincial_nomination=rng.random() < 0.04,
        job_offer=offer,
        sibling_in_canada=rng.random() < 0.08,
        family_size=size,
        settlement_funds_cad=rng.choice((9000, 16000, 21000, 30000, 45000)),
        profile_submitted_on=as_of - timedelta(days=rng.randint(20, 400)) if rng.random() < 0.8 else None,
    )


def _recent_test(rng: random.Random, as_of: date, test: str) -> LanguageTest:
    """A result taken in the last 22 months, mostly CLB 6-10."""
    taken = as_of - timedelta(days=rng.randint(20, 680))
    if test == "pte_core" and taken < date(2024, 1, 30):
        test = "ielts_general"
    level = rng.randint(0, 4)
    step = 0.5 if test == "ielts_general" else 1.0
    scores = []
    for i, _ in enumerate(ABILITIES, start=1):
        rows = table_for(test, taken)
        row = rows[min(len(rows) - 1, max(0, level + rng.randint(-1, 1)))]
        a, b = row[i]
        scores.append(a + step * rng.randint(0, int((b - a) / step)))
    return LanguageTest(test, taken, *scores)


def generate(case: int, listed: list[str]) -> tuple[Facts, date]:
    """The facts and as_of of one case (deterministic for the case number)."""
    rng = random.Random(case)
    as_of = _day(rng, FIRST, LAST)
    if rng.random() < 0.5:
        return _candidate(rng, as_of, listed), as_of
    age = rng.choice((17, 18, 20, 24, 27, 29, 30, 31, 33, 35, 36, 39, 41, 44, 46, 50, 60))
    dob = as_of - timedelta(days=age * 365 + rng.randint(0, 370))
    if rng.random() < 0.02:
        dob = date(as_of.year - age, 2, 29) if (as_of.year - age) % 4 == 0 else dob
    marital = rng.choices(
        ("single", "married", "common_law", "separated", "divorced", "widowed"),
        (45, 30, 12, 4, 4, 5),
    )[0]
    spouse = None
    partnered = marital in ("married", "common_law")
    if rng.random() < (0.85 if partnered else 0.1):
        spouse = Spouse(
            accompanying=rng.random() < 0.8,
            canadian_citizen_or_pr=rng.random() < 0.08,
            education=tuple(_credential(rng, as_of, dob) for _ in range(rng.randint(0, 2))),
            language_tests=tuple(_test(rng, as_of) for _ in range(rng.randint(0, 2))),
            work_history=tuple(
                _job(rng, as_of, _noc(rng, listed), "CA" if rng.random() < 0.7 else None)
                for _ in range(rng.randint(0, 2))
            ),
        )
    education = tuple(_credential(rng, as_of, dob) for _ in range(rng.choice((0, 1, 1, 1, 2, 3))))
    tests = [_test(rng, as_of) for _ in range(rng.choice((0, 1, 1, 1, 2, 2, 3)))]
    if rng.random() < 0.15:
        tests.append(_test(rng, as_of, ("ielts_general", "celpip_general", "pte_core", "tef_canada")))
    jobs = [_job(rng, as_of, _noc(rng, listed)) for _ in range(rng.choice((0, 1, 1, 2, 2, 3, 4)))]
    if rng.random() < 0.35:
        jobs.extend(_career(rng, as_of, _noc(rng, listed)))
    rng.shuffle(jobs)
    cert = None
    if rng.random() < 0.08:
        cert = Certificate("" if rng.random() < 0.2 else rng.choice(TRADES), "ON")
    offer = None
    if rng.random() < 0.12:
        offer = JobOffer(_noc(rng, listed), rng.choice((1, 1, 2, 3)))
    funds = None
    if rng.random() < 0.8:
        funds = rng.choice((0, 5000, 14690, 15263, 20000, 30000, 60000)) + rng.randint(0, 3000)
    submitted = None
    if rng.random() < 0.6:
        submitted = as_of - timedelta(days=rng.randint(-30, 500))
    facts = Facts(
        date_of_birth=dob,
        marital_status=marital,
        spouse=spouse,
        education=education,
        language_tests=tuple(tests),
        work_history=tuple(jobs),
        certificate_of_qualification=cert,
        provincial_nomination=rng.random() < 0.06,
        job_offer=offer,
        sibling_in_canada=rng.random() < 0.1,
        family_size=rng.randint(1, 8),
        settlement_funds_cad=funds,
        profile_submitted_on=submitted,
    )
    return facts, as_of


def listed_nocs(rows: list[dict[str, Any]]) -> list[str]:
    return sorted({n for r in rows for n in r["nocs"]})


def result(facts: Facts, as_of: date, categories: list[CategoryRule]) -> dict[str, Any]:
    """to_dict() and the values it leaves out, as JSON."""
    a = assess(facts, as_of=as_of, categories=categories)
    programs = (a.programs.fsw, a.programs.cec, a.programs.fstp)
    return {
        "out": a.to_dict(),
        "met_on": [p.met_on.isoformat() if p.met_on else None for p in programs],
        "progress": [p.progress for p in programs],
        "grid": a.programs.fsw.details,
        "category_rules": [c.rule for c in a.categories],
        "hours": [round(a.derived.canadian_work_hours, 6), round(a.derived.foreign_work_hours, 6)],
    }


def fingerprint(cases: list[tuple[Facts, date]]) -> str:
    """sha256 of the generated inputs: tells a changed generator from a changed engine."""
    h = hashlib.sha256()
    for facts, as_of in cases:
        h.update(repr((facts, as_of)).encode())
    return h.hexdigest()


class Packer:
    """Lossless compact JSON: every string (key or value) becomes the index of a string table
    (written as a string of digits), every object {"<shape index>": [values]} with its keys in a
    shape table. Keeps 3,000 full results under 3 MB."""

    def __init__(self, strings: list[str] | None = None, shapes: list[list[int]] | None = None):
        self.strings = list(strings or ())
        self.shapes = [tuple(s) for s in shapes or ()]
        self._string = {v: i for i, v in enumerate(self.strings)}
        self._shape = {v: i for i, v in enumerate(self.shapes)}

    def _index(self, value: str) -> int:
        if value not in self._string:
            self._string[value] = len(self.strings)
            self.strings.append(value)
        return self._string[value]

    def pack(self, x: Any) -> Any:
        if isinstance(x, str):
            return str(self._index(x))
        if isinstance(x, dict):
            keys = tuple(self._index(k) for k in x)
            if keys not in self._shape:
                self._shape[keys] = len(self.shapes)
                self.shapes.append(keys)
            return {str(self._shape[keys]): [self.pack(v) for v in x.values()]}
        if isinstance(x, list):
            return [self.pack(v) for v in x]
        return x

    def unpack(self, x: Any) -> Any:
        if isinstance(x, str):
            return self.strings[int(x)]
        if isinstance(x, dict):
            ((shape, values),) = x.items()
            keys = self.shapes[int(shape)]
            return {self.strings[k]: self.unpack(v) for k, v in zip(keys, values, strict=True)}
        if isinstance(x, list):
            return [self.unpack(v) for v in x]
        return x


def load() -> dict[str, Any]:
    """The golden file, unpacked: {"categories": [...], "facts_sha256": str, "results": [...]}."""
    data = json.loads(GOLDEN.read_text(encoding="utf-8"))
    packer = Packer(data["strings"], data["shapes"])
    data["results"] = [packer.unpack(r) for r in data["results"]]
    return data


def write() -> None:
    rows = categories_from_json()
    rules = category_rules(rows)
    listed = listed_nocs(rows)
    cases = [generate(i, listed) for i in range(CASES)]
    packer = Packer()
    results = [packer.pack(result(f, as_of, rules)) for f, as_of in cases]

    def dump(x: Any) -> str:
        return json.dumps(x, separators=(",", ":"), ensure_ascii=False)

    text = (
        '{"categories":'
        + dump(rows)
        + ',\n"facts_sha256":'
        + dump(fingerprint(cases))
        + ',\n"shapes":'
        + dump(packer.shapes)
        + ',\n"strings":[\n'
        + ",\n".join(dump(s) for s in packer.strings)
        + '\n],\n"results":[\n'
        + ",\n".join(dump(r) for r in results)
        + "\n]}\n"
    )
    GOLDEN.write_text(text, encoding="utf-8")
    print(f"wrote {len(results)} cases, {len(text.encode()):,} bytes to {GOLDEN}")


# --- tests -------------------------------------------------------------------------------------


def test_the_generated_profiles_are_the_ones_the_golden_results_were_computed_for():
    golden = load()
    listed = listed_nocs(golden["categories"])
    cases = [generate(i, listed) for i in range(len(golden["results"]))]
    assert len(cases) == CASES
    assert fingerprint(cases) == golden["facts_sha256"], (
        "the case generator changed: the golden results no longer match their inputs"
    )


def test_assess_gives_the_golden_result_for_every_generated_profile():
    golden = load()
    rules = category_rules(golden["categories"])
    listed = listed_nocs(golden["categories"])
    wrong = []
    first = ""
    for i, expected in enumerate(golden["results"]):
        facts, as_of = generate(i, listed)
        got = json.loads(json.dumps(result(facts, as_of, rules)))
        if got != expected:
            keys = sorted(k for k in expected if got.get(k) != expected[k])
            wrong.append(f"case {i} (as_of {as_of}): {keys}")
            if not first:
                first = f"\nfirst: {facts!r}\n" + "\n".join(
                    f"{k}:\n  expected {expected[k]!r}\n  got      {got.get(k)!r}" for k in keys
                )
    total = len(golden["results"])
    assert not wrong, f"{len(wrong)} of {total} differ:\n" + "\n".join(wrong[:20]) + first


def test_met_on_is_met_that_day_and_not_the_day_before():
    """met_on (work.accrual_date jumps, then one re-check) against the program on both days."""
    golden = load()
    listed = listed_nocs(golden["categories"])
    checked = 0
    for i, r in enumerate(golden["results"]):
        later = [
            (name, date.fromisoformat(m))
            for name, m in zip(("fsw", "cec", "fstp"), r["met_on"], strict=True)
            if m and m > r["out"]["as_of"]
        ]
        if not later:
            continue
        facts, _ = generate(i, listed)
        for name, day in later:
            assert getattr(program_results(facts, as_of=day), name).eligible, (i, name)
            before = program_results(facts, as_of=day - timedelta(days=1))
            assert not getattr(before, name).eligible, (i, name)
            checked += 1
    assert checked > 100


def test_the_golden_cases_cover_the_paths_they_are_meant_to():
    """The cases are varied enough to mean something (a guard on the generator)."""
    results = load()["results"]
    outs = [r["out"] for r in results]
    assert sum(o["programs"]["fsw"]["eligible"] for o in outs) > 100
    assert sum(o["programs"]["cec"]["eligible"] for o in outs) > 100
    assert sum(o["programs"]["fstp"]["eligible"] for o in outs) > 20
    assert sum(any(c["eligible"] for c in o["categories"]) for o in outs) > 100
    assert sum(o["crs"]["spouse_factors"] > 0 for o in outs) > 100
    assert sum(o["derived"]["second_language"] is not None for o in outs) > 100
    assert sum(any("expired" in w for w in o["warnings"]) for o in outs) > 100
    # Three-way verdicts: unknown 2026 lists and skilled military are "cannot judge", and
    # `eligible` is exactly `status == "eligible"` everywhere.
    verdicts = [v for o in outs for v in (*o["programs"].values(), *o["categories"])]
    assert all(v["eligible"] == (v["status"] == "eligible") for v in verdicts)
    assert sum(v["status"] == "cannot_judge" for v in verdicts) > 500
    met_later = [r for r in results if any(m and m > r["out"]["as_of"] for m in r["met_on"])]
    assert len(met_later) > 30
    years = {o["as_of"][:4] for o in outs}
    assert years == {"2023", "2024", "2025", "2026"}


if __name__ == "__main__":
    if sys.argv[1:] != ["--write"]:
        sys.exit("usage: python -m eligibility.tests.test_rules_golden --write")
    write()
