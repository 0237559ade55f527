"""The rules engine's English sentences on French pages (eligibility/i18n.py).

The corpus is the engine's own output: every reason, warning and progress line of the 3,000
golden profiles, and the what-if and dated-change labels of a few hundred of them.
"""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.template import Context, Template
from django.utils import translation

from eligibility import i18n, rules
from eligibility.tests.test_rules_golden import category_rules, generate, listed_nocs, load

# French pages name a category by its recorded French name (draws.Category.name_fr: IRCC's, from the
# migrations): sentences naming a category read it from the database.
pytestmark = pytest.mark.django_db

ENGLISH = re.compile(
    r"\b(the|of|in|and|not|met|needed|months|years|work|foreign|credential|result|expired|expires|counted|"
    r"spouse|abilities|four|all|no|listed|occupation|trade|funds|family|turns|reaches|eligible|last)\b"
)


MONTHS_FR = ("jan.", "fév.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc.")
DATE_FR = re.compile(r"(1er|\d{1,2})[\u00a0 ](" + "|".join(re.escape(m) for m in MONTHS_FR) + r") (\d{4})")


def numbers(text: str) -> list[str]:
    """The figures of a sentence, whatever the language's separators (3,000.5 and 3 000,5 alike)
    and date format ("30 oct. 2021" reads as 2021-10-30)."""
    def iso(m: re.Match) -> str:
        return f"{m[3]}-{MONTHS_FR.index(m[2]) + 1:02d}-{1 if m[1] == '1er' else int(m[1]):02d}"
    text = DATE_FR.sub(iso, text)
    return re.findall(r"\d+", re.sub(r"[,.\u202f\u00a0]", "", text))


def french(text: str) -> str:
    with translation.override("fr"):
        return i18n.engine_text(text)


@pytest.fixture(scope="module")
def golden():
    return load()


def engine_sentences(results: list[dict]) -> set[str]:
    out = set()
    for r in results:
        a = r["out"]
        for p in a["programs"].values():
            out.update(p["reasons"])
        for c in a["categories"]:
            out.update(c["reasons"])
        out.update(a["warnings"])
        out.update(p for p in r["progress"] if p)
    return out


def test_every_reason_warning_and_progress_line_of_the_golden_profiles_reads_in_french(golden):
    sentences = engine_sentences(golden["results"])
    assert len(sentences) > 5000
    left_english = {}
    for s in sentences:
        fr = french(s)
        if fr == s or ENGLISH.search(fr) or numbers(fr) != numbers(s):
            left_english[s] = fr
    assert left_english == {}


def test_what_if_and_dated_change_labels_read_in_french(golden):
    categories = category_rules(golden["categories"])
    listed = listed_nocs(golden["categories"])
    labels = set()
    for case in range(0, 3000, 15):
        facts, as_of = generate(case, listed)
        labels.update(w.label for w in rules.what_if(facts, as_of=as_of, categories=categories))
        labels.update(c.label for c in rules.score_changes_ahead(facts, as_of=as_of, categories=categories))
    assert len(labels) > 100
    assert any("; " in label for label in labels) and any("eligible: " in label for label in labels)
    left_english = {label: french(label) for label in labels if ENGLISH.search(french(label))}
    assert left_english == {}


def test_english_pages_show_the_engine_text_untouched():
    text = "CLB 7 in all four abilities met (English CLB 9/9/9/9)"
    with translation.override("en"):
        assert i18n.engine_text(text) == text


@pytest.mark.parametrize(("english", "expected"), [
    ("CLB 7 in all four abilities met (English CLB 9/8/9/7; French NCLC 5/5/5/5)",
     "NCLC 7 dans les quatre compétences\u00a0: atteint (anglais NCLC 9/8/9/7\u00a0; français NCLC 5/5/5/5)"),
    ("settlement funds of CAD 30,000 cover the CAD 19,001 needed for a family of 2",
     "les fonds d'établissement de 30\u00a0000\u00a0$ couvrent les 19\u00a0001\u00a0$ exigés "
     "pour une famille de 2 personnes"),
    ("settlement funds not recorded (CAD 15,263 needed for a family of 1)",
     "fonds d'établissement non enregistrés (15\u00a0263\u00a0$ exigés pour une famille de 1 personne)"),
    ("10.4 of 12 months of Canadian experience", "10,4 mois sur 12 d'expérience canadienne"),
    ("spouse: TEF Canada result of 2021-10-30 expired on 2023-10-30 (results are valid for 2 years)",
     "époux ou conjoint\u00a0: le résultat TEF Canada du 30\u00a0oct. 2021 a expiré le 30\u00a0oct. 2023 "
     "(les résultats sont valides 2 ans)"),
    ("turns 31; IELTS General Training result of 2024-05-01 expires (no longer eligible: cec, fsw, french)",
     "anniversaire\u00a0: 31 ans\u00a0; le résultat IELTS General Training du 1er\u00a0mai 2024 expire "
     "(n'est plus admissible\u00a0: CEC, PTQF, Compétence linguistique en français)"),
])
def test_sentences_and_their_values(english, expected):
    assert french(english) == expected


def test_a_sentence_of_unknown_shape_is_shown_as_the_engine_wrote_it():
    assert french("a brand-new rule nobody translated yet") == "a brand-new rule nobody translated yet"
    assert french("") == ""


def test_category_names_follow_the_page_language():
    with translation.override("fr"):
        assert i18n.category_name("healthcare_social", "Healthcare and social services occupations") == (
            "Professions des soins de santé et des services sociaux")
        assert i18n.category_name("new_slug", "A new category") == "A new category"
    with translation.override("en"):
        assert i18n.category_name("healthcare_social", "Healthcare and social services occupations") == (
            "Healthcare and social services occupations")


def test_the_template_filters():
    template = Template("{% load engine_i18n %}{{ reason|engine_text }} | {{ name|category_name:slug }}")
    context = Context({"reason": "education credential held", "name": "French-language proficiency",
                       "slug": "french"})
    with translation.override("fr"):
        assert template.render(context) == "diplôme obtenu | Compétence linguistique en français"
    with translation.override("en"):
        assert template.render(context) == "education credential held | French-language proficiency"


def test_dates_read_as_a_francophone_writes_them():
    """The engine writes ISO dates; French pages show them as "18 fév. 2025" and "1er mars 2026"."""
    day = date(2025, 2, 18)
    assert french(f"the Express Entry profile submitted on {day} expired on 2026-03-01") == (
        "le profil Entrée express soumis le 18\u00a0fév. 2025 a expiré le 1er\u00a0mars 2026")
