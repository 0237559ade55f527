"""The display names of Express Entry's codes, each defined once: every page, report, email,
form and filter reads them from here.

Part of the engine's face on the Django side: it imports only the engine (eligibility.rules)
and gettext_lazy, never a model, so any app may import it, clients/ (the ground floor)
included. The engine writes codes ("fsw", "ielts_general", "bachelors"); this module names them.

- Programs: the three Express Entry programs by their full and short names. Round types are
  named apart, as IRCC names its rounds ("Federal Skilled Worker", without "Program").
- Language tests: proper names, never translated (the engine's own, eligibility.rules.TEST_NAMES).
- Education levels: the form's wording (choices) and the wording inside sentences (lower case,
  as the engine writes them, translated on French pages).
- Category names are data, not labels: an admin edits them (draws.Category.name_en/name_fr);
  draws.selectors.category_names_fr reads the French ones for every page and report.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from eligibility.rules import LEVEL_NAMES as ENGINE_LEVEL_NAMES
from eligibility.rules import TEST_NAMES

PROGRAM_NAMES = {
    "fsw": _("Federal Skilled Worker Program"),
    "cec": _("Canadian Experience Class"),
    "fstp": _("Federal Skilled Trades Program"),
}
PROGRAM_SHORT_NAMES = {"fsw": _("FSW"), "cec": _("CEC"), "fstp": _("FSTP")}
PROGRAM_CHOICES = list(PROGRAM_NAMES.items())

# Round types (draws.Draw.Type), as IRCC names its rounds.
ROUND_TYPE_NAMES = {
    "general": _("General"),
    "cec": _("Canadian Experience Class"),
    "fsw": _("Federal Skilled Worker"),
    "fstp": _("Federal Skilled Trades"),
    "pnp": _("Provincial Nominee Program"),
    "category": _("Category"),
    "other": _("Other"),
}

# The parts and factors of the CRS as the score card and the report name them (their maxima: the
# engine's, eligibility.rules.crs_maxima).
CRS_SECTION_NAMES = {
    "core_human_capital": _("Core / human capital"),
    "spouse_factors": _("Spouse or partner"),
    "skill_transferability": _("Skill transferability"),
    "additional": _("Additional points"),
}
CRS_FACTOR_NAMES = {
    "age": _("Age"),
    "education": _("Education"),
    "first_language": _("First official language"),
    "second_language": _("Second official language"),
    "canadian_work": _("Canadian work experience"),
    "spouse_education": _("Spouse's education"),
    "spouse_language": _("Spouse's first official language"),
    "spouse_canadian_work": _("Spouse's Canadian work"),
    "transfer_education": _("Education (with language or Canadian work)"),
    "transfer_foreign_work": _("Foreign work (with language or Canadian work)"),
    "transfer_certificate": _("Certificate of qualification"),
    "provincial_nomination": _("Provincial nomination"),
    "arranged_employment": _("Arranged employment"),
    "canadian_education": _("Canadian education"),
    "french": _("French-language skills"),
    "sibling": _("Sibling in Canada"),
}
# The same factors inside a sentence ("CRS score changed from 480 to 470 (age -5)").
CRS_FACTOR_NAMES_IN_SENTENCES = {
    "age": _("age"),
    "education": _("education"),
    "first_language": _("first official language"),
    "second_language": _("second official language"),
    "canadian_work": _("Canadian work experience"),
    "spouse_education": _("spouse's education"),
    "spouse_language": _("spouse's language"),
    "spouse_canadian_work": _("spouse's Canadian work experience"),
    "transfer_education": _("transferability: education"),
    "transfer_foreign_work": _("transferability: foreign work"),
    "transfer_certificate": _("transferability: certificate of qualification"),
    "provincial_nomination": _("provincial nomination"),
    "arranged_employment": _("arranged employment"),
    "canadian_education": _("Canadian education"),
    "french": _("French-language bonus"),
    "sibling": _("sibling in Canada"),
}
# The documents whose validity runs out (eligibility.rules validity periods).
DOCUMENT_NAMES = {
    "language_test": _("Language test"),
    "spouse_language_test": _("Spouse's language test"),
    "eca": _("Educational credential assessment (ECA)"),
    "ee_profile": _("Express Entry profile"),
}

ABILITY_NAMES = {"listening": _("listening"), "reading": _("reading"), "writing": _("writing"),
                 "speaking": _("speaking")}
# A test's four scores as a table's column heads: L R W S in English, as French test reports write
# them in French (CO compréhension de l'oral, CE de l'écrit, EE expression écrite, EO orale).
ABILITY_ABBREVIATIONS = {
    "listening": pgettext_lazy("language ability, abbreviated", "L"),
    "reading": pgettext_lazy("language ability, abbreviated", "R"),
    "writing": pgettext_lazy("language ability, abbreviated", "W"),
    "speaking": pgettext_lazy("language ability, abbreviated", "S"),
}

# Language tests: (code, name) in the engine's order; the names are the tests' own, in every language.
LANGUAGE_TEST_CHOICES = list(TEST_NAMES.items())

# Education levels as the profile form offers them.
EDUCATION_LEVEL_CHOICES = [
    ("none", _("Less than secondary")),
    ("secondary", _("Secondary diploma")),
    ("one_year", _("One-year post-secondary")),
    ("two_year", _("Two-year post-secondary")),
    ("bachelors", _("Bachelor's or 3+ year program")),
    ("two_or_more", _("Two or more credentials (one 3+ years)")),
    ("masters", _("Master's or professional degree")),
    ("doctoral", _("Doctoral (PhD)")),
]
# Education levels inside a sentence ("ECA for the foreign bachelor's (3+ years) credential
# expires"): the engine's English words, translated where they are shown.
CREDENTIAL_NAMES = {
    "none": _("less than secondary"),
    "secondary": _("secondary diploma"),
    "one_year": _("one-year post-secondary"),
    "two_year": _("two-year post-secondary"),
    "bachelors": _("bachelor's (3+ years)"),
    "two_or_more": _("two or more credentials"),
    "masters": _("master's or professional degree"),
    "doctoral": _("doctorate"),
}
# The same names keyed by the engine's English text, to translate its sentences.
CREDENTIALS_IN_SENTENCES = {ENGINE_LEVEL_NAMES[code]: name for code, name in CREDENTIAL_NAMES.items()}


def language_test_name(code: str) -> str:
    """A language test's name ("IELTS General Training"), or the code when unknown."""
    return TEST_NAMES.get(code, code)
