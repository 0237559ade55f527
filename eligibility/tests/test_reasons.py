"""The engine's sentences as values (eligibility/rules/reasons.py) and their translation by code.

The corpus is the engine's own output on the golden profiles: every reason, warning and progress
line, and the what-if and dated-change labels of a few hundred of them.
"""

from __future__ import annotations

import ast
import copy
import json
import pickle
import re
from datetime import date
from pathlib import Path

import pytest
from django.utils import translation

from eligibility import i18n, rules
from eligibility.rules import reasons as R
from eligibility.rules.derive import derive
from eligibility.rules.facts import Credential, Facts
from eligibility.rules.reasons import JOINED, TEMPLATES, Reason, parse, reasons_in
from eligibility.templatetags.verdicts import missing_reasons
from eligibility.tests.test_rules_golden import CASES, category_rules, generate, listed_nocs, load

RULES_DIR = Path(rules.__file__).resolve().parent
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


@pytest.fixture(scope="module")
def corpus() -> list[str]:
    """What the engine wrote for every third golden profile (what-ifs and changes ahead for every
    30th), as it wrote it (Reasons, or a str that slipped through)."""
    golden = load()
    categories = category_rules(golden["categories"])
    listed = listed_nocs(golden["categories"])
    out: list[str] = []
    for case in range(0, CASES, 3):
        facts, as_of = generate(case, listed)
        a = rules.assess(facts, as_of=as_of, categories=categories)
        for p in (a.programs.fsw, a.programs.cec, a.programs.fstp):
            out += [*p.reasons, *p.warnings, *([p.progress] if p.progress else [])]
        for c in a.categories:
            out += c.reasons
        out += a.warnings
        if case % 30 == 0:
            out += [w.label for w in rules.what_if(facts, as_of=as_of, categories=categories)]
            out += [c.label for c in rules.score_changes_ahead(facts, as_of=as_of, categories=categories)]
    return out


def _codes_written_in_the_engine() -> set[str]:
    """Every code the engine's source names: string constants "kind.name" whose kind is one of the
    codes' (spec paths such as "spouse.education" are not), and the spouse template, written
    through about_spouse()."""
    kinds = {code.split(".")[0] for code in TEMPLATES if "." in code}
    found = {R.SPOUSE}
    for path in RULES_DIR.glob("*.py"):
        if path.name == "reasons.py":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) \
                    and re.fullmatch(r"[a-z_]+\.[a-z_]+", node.value) and node.value.split(".")[0] in kinds:
                found.add(node.value)
    return found


def test_every_code_the_engine_writes_has_a_template_and_every_template_is_written():
    written = _codes_written_in_the_engine()
    assert written - set(TEMPLATES) == set()
    assert set(TEMPLATES) - written == set()


def test_every_template_has_a_french_translation_with_the_same_placeholders():
    untranslated = {}
    with translation.override("fr"):
        for code, template in TEMPLATES.items():
            french = translation.gettext(template)
            if french == template or set(PLACEHOLDER.findall(french)) != set(PLACEHOLDER.findall(template)):
                untranslated[code] = french
    assert untranslated == {}


def test_every_sentence_the_engine_writes_is_a_reason(corpus):
    assert len(set(corpus)) > 3000
    assert {s for s in corpus if not isinstance(s, Reason)} == set()
    codes = {r.code for s in corpus for r in reasons_in(s)}
    assert JOINED in codes and R.SPOUSE in codes and "ahead.no_longer_eligible" in codes
    assert codes - {JOINED} <= set(TEMPLATES)


def test_a_reason_is_its_english_sentence():
    r = Reason("fsw.grid", points="61", needed="67")
    assert r == "61 points on the FSW selection grid (67 needed)"
    assert (r.code, dict(r.params)) == ("fsw.grid", {"points": "61", "needed": "67"})
    assert json.dumps({"reasons": [r]}) == '{"reasons": ["61 points on the FSW selection grid (67 needed)"]}'
    assert {r: 1}["61 points on the FSW selection grid (67 needed)"] == 1
    label = Reason("ahead.no_longer_eligible", label=R.joined([Reason("ahead.birthday", age="31"),
                                                               Reason("ahead.profile_expires")]),
                   programs="cec, fsw")
    assert label == ("turns 31; Express Entry profile expires (12 months after submission) "
                     "(no longer eligible: cec, fsw)")
    for other in (pickle.loads(pickle.dumps(label)), copy.deepcopy(label)):
        assert other == label and other.code == label.code
        parts = other.params["label"].params["parts"]
        assert [x.code for x in parts] == ["ahead.birthday", "ahead.profile_expires"]


def test_a_reason_is_immutable():
    r = Reason("fsw.education")
    with pytest.raises(AttributeError):
        r.code = "fsw.no_education"
    with pytest.raises(TypeError):
        r.params["x"] = "1"


def test_a_stored_sentence_reads_back_into_the_same_reason(corpus):
    mismatched = {}
    for r in set(corpus):
        back = parse(str(r))
        if back is None or [(x.code, {k: str(v) for k, v in x.params.items()}) for x in reasons_in(back)] != [
                (x.code, {k: str(v) for k, v in x.params.items()}) for x in reasons_in(r)]:
            mismatched[str(r)] = back and back.code
    assert mismatched == {}


@pytest.mark.django_db
def test_a_reason_and_its_stored_string_read_alike_in_french(corpus):
    with translation.override("fr"):
        differ = {str(r): (i18n.engine_text(r), i18n.engine_text(str(r)))
                  for r in set(corpus) if i18n.engine_text(r) != i18n.engine_text(str(r))}
    assert differ == {}


@pytest.mark.django_db
def test_the_legacy_table_reads_only_sentences_no_template_reads(corpus, monkeypatch):
    """Fresh sentences and stored sentences of today's shapes are translated by code; only a shape
    the engine no longer writes reaches LEGACY_SENTENCES."""
    used = []
    real = i18n.legacy_text
    monkeypatch.setattr(i18n, "legacy_text", lambda text: used.append(text) or real(text))
    with translation.override("fr"):
        for r in set(corpus):
            i18n.engine_text(r)
            i18n.engine_text(str(r))
        assert used == []
        old = "IELTS General Training result of 2024-05-01"  # a shape the engine no longer writes alone
        assert parse(old) is None
        assert i18n.engine_text(old) == "résultat IELTS General Training du 1er\u00a0mai 2024"
        assert i18n.engine_text(f"turns 31; {old}") == (
            "anniversaire\u00a0: 31 ans\u00a0; résultat IELTS General Training du 1er\u00a0mai 2024")
        assert i18n.engine_text("a sentence of no known shape") == "a sentence of no known shape"
    assert used == [old, f"turns 31; {old}", old, "a sentence of no known shape"]
    assert not set(i18n.LEGACY_SENTENCES) & set(TEMPLATES.values())


@pytest.mark.django_db
def test_a_nested_sentence_is_translated_by_its_own_code():
    shown = Reason("language.not_met", what=Reason("language.clb", level="7"),
                   results=R.joined([Reason("language.english_result", scores="9/8/9/7"),
                                     Reason("language.french_result", scores="5/5/5/5")]))
    assert shown == "CLB 7 in all four abilities not met (English CLB 9/8/9/7; French NCLC 5/5/5/5)"
    with translation.override("fr"):
        assert i18n.engine_text(shown) == (
            "NCLC 7 dans les quatre compétences\u00a0: non atteint "
            "(anglais NCLC 9/8/9/7\u00a0; français NCLC 5/5/5/5)")
    with translation.override("en"):
        assert i18n.engine_text(shown) is shown


@pytest.mark.django_db
def test_sentences_of_unusual_facts_read_in_french_too():
    """Sentences the golden profiles never reach (an unknown education level, an unknown category
    rule) have their code and French like every other."""
    facts = Facts(date_of_birth=date(1990, 1, 1), marital_status="single",
                  education=(Credential(level="phd", canadian=True),))
    (warning,) = derive(facts, as_of=date(2026, 1, 5)).warnings
    assert warning.code == "education.unknown_level"
    assert warning == "education level 'phd' is unknown and not counted"
    rule = Reason("category.unknown_rule", rule="'future_rule'")
    with translation.override("fr"):
        assert "'phd'" in i18n.engine_text(warning) and i18n.engine_text(warning) != warning
        assert "'future_rule'" in i18n.engine_text(rule) and i18n.engine_text(rule) != rule


def test_a_cannot_judge_badge_names_the_reasons_that_say_what_is_missing(corpus):
    """The codes in MISSING are the sentences that say "cannot be judged" or "not recorded" (what
    the badge looked for in the English text before reasons had codes); stored strings read alike."""
    marks = ("cannot be judged", "not recorded")
    assert {code for code, template in TEMPLATES.items() if any(m in template for m in marks)} == R.MISSING
    said = sorted({str(s) for s in corpus if not isinstance(s, Reason) or s.code != JOINED})
    assert [s for s in said if any(m in s for m in marks)] == [
        s for s in said if missing_reasons(["a sentence of no known shape", s]) == [s]]
    assert missing_reasons(["education credential held", "a sentence of no known shape"]) == [
        "education credential held"]
