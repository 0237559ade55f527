"""The rules engine's sentences in the page's language (reasons, warnings, progress, labels).

The engine (eligibility/rules) stays free of Django and writes each sentence as a Reason
(rules/reasons.py): a str whose text is the English sentence, with a code and its parameters.
Here, and only here, a sentence is translated by its code: the engine's English template
(rules.reasons.TEMPLATES) is the msgid, the parameters are put back in the page's language (some
are translated in turn: test results, credential levels, marital statuses, program codes, nested
sentences). Stored assessments and reports keep the English strings: rules.reasons.parse() reads
one back into its Reason through the same templates. Only a sentence no current template reads
(a shape the engine wrote once and no longer does) goes to LEGACY_SENTENCES, matched as a pattern;
one of no known shape is shown as the engine wrote it. English pages get the engine's text untouched.

Templates: {% load engine_i18n %}{{ reason|engine_text }}, {{ name|category_name:slug }}.
"""

from __future__ import annotations

import datetime as dt

from django.utils.translation import get_language, gettext, ngettext
from django.utils.translation import gettext_noop as _  # marks the msgids; gettext() translates when shown

from clients.formatting import local_date, total
from draws.selectors import category_names_fr
from eligibility.labels import (
    ABILITY_NAMES,
    CREDENTIALS_IN_SENTENCES,
    PROGRAM_SHORT_NAMES,
    language_test_name,
)
from eligibility.rules import TEST_NAMES, Reason, reasons

# French puts a no-break space before a semicolon: the joint between several results or changes.
_JOINT_FR = "\u00a0; "

# Sentence shapes the engine wrote once and no longer writes, still in stored reports and
# assessments: read as patterns (most specific first) only when no current template reads a
# sentence. When a template of rules.reasons changes its English, its old msgid moves here.
LEGACY_SENTENCES: tuple[str, ...] = (
    _("%(test)s result of %(day)s"),
)
# The parameters' labels, defined once in eligibility.labels (test names: the engine's own).
CREDENTIALS, ABILITIES, PROGRAMS = CREDENTIALS_IN_SENTENCES, ABILITY_NAMES, PROGRAM_SHORT_NAMES
__all__ = ["ABILITIES", "CREDENTIALS", "MARITAL_STATUSES", "PROGRAMS", "TEST_NAMES", "category_name",
           "engine_text", "legacy_text"]
MARITAL_STATUSES = {
    "single": _("single"), "married": _("married"), "common_law": _("common-law"),
    "separated": _("separated"), "divorced": _("divorced"), "widowed": _("widowed"),
}


def _number(value: str) -> str:
    """3,000.5 -> 3 000,5: the one format of totals (clients.formatting.total), no-break space included."""
    return total(value)


def _value(name: str, value: str) -> str:
    """One parameter's value in the page's language (a nested sentence translated in turn)."""
    if isinstance(value, Reason):
        return _by_code(value)
    if name in reasons.NESTED:  # a nested sentence no current template reads
        return engine_text(value)
    if name == "size":  # "une famille de 2 personnes", never "personne(s)"
        return ngettext("%(count)s person", "%(count)s people", int(value)) % {"count": _number(value)}
    if name in reasons.NUMBERS:
        return _number(value)
    if name in reasons.DATES:
        return local_date(dt.date.fromisoformat(value))
    if name == "credential":
        return str(CREDENTIALS_IN_SENTENCES.get(value, value))
    if name == "status":
        return gettext(MARITAL_STATUSES[value]) if value in MARITAL_STATUSES else value
    if name == "ability":
        return str(ABILITY_NAMES[value])
    if name == "test_code":
        return language_test_name(value)
    if name == "programs":
        return ", ".join(str(PROGRAM_SHORT_NAMES[p]) if p in PROGRAM_SHORT_NAMES else category_name(p, p)
                         for p in value.split(", "))
    return value


def _by_code(reason: Reason) -> str:
    """A Reason in the page's language: its code's template translated, its parameters put back."""
    if reason.code == reasons.JOINED:
        return _JOINT_FR.join(_by_code(part) for part in reason.params["parts"])
    values = {name: _value(name, value) for name, value in reason.params.items()}
    return gettext(reasons.TEMPLATES[reason.code]) % values


def _legacy_match(text: str) -> tuple[str, dict[str, str]] | None:
    for msgid in LEGACY_SENTENCES:
        m = reasons.pattern(msgid).fullmatch(text)
        if m:
            return msgid, m.groupdict()
    return None


def legacy_text(text: str) -> str:
    """A stored sentence no current template reads: a LEGACY_SENTENCES shape translated, several
    dated changes of one day ("; " between them) one by one, else the text as the engine wrote it."""
    found = _legacy_match(text)
    if found is not None:
        msgid, values = found
        return gettext(msgid) % {name: _value(name, value) for name, value in values.items()}
    if "; " in text:
        parts = text.split("; ")
        if all(reasons.parse(p) is not None or _legacy_match(p) for p in parts):
            return _JOINT_FR.join(engine_text(p) for p in parts)
    return text


def _is_english() -> bool:
    return not (get_language() or "en").startswith("fr")


def engine_text(text: str) -> str:
    """An engine sentence (reason, warning, progress, what-if or dated-change label) in the page's
    language: a Reason by its code; a stored string read back into its Reason (rules.reasons.parse),
    else through LEGACY_SENTENCES."""
    if not text or _is_english():
        return text
    reason = reasons.parse(text)
    return _by_code(reason) if reason is not None else legacy_text(str(text))


def category_name(slug: str, name: str = "") -> str:
    """A category's name in the page's language: on French pages its French name as recorded
    (draws.Category.name_fr, which an admin may correct), else `name`."""
    if not _is_english():
        french = category_names_fr().get(slug)
        if french:
            return french
    return name or slug
