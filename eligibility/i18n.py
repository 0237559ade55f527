"""The rules engine's English sentences in the page's language (reasons, warnings, progress, labels).

The engine (eligibility/rules) stays free of Django and writes plain English; its sentences
are data, stored as they are in assessments and reports. They are translated when shown,
here and only here: each sentence shape the engine writes is a msgid with named placeholders.
Read as a pattern, the English msgid recognises a sentence and pulls out its values; its
translation puts them back (some values are translated in turn: test results, credential
levels, marital statuses, program codes, nested phrases). A sentence of no known shape is
shown as the engine wrote it. English pages get the engine's text untouched.

Templates: {% load engine_i18n %}{{ reason|engine_text }}, {{ name|category_name:slug }}.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import cache

from django.utils.translation import get_language, gettext, ngettext
from django.utils.translation import gettext_noop as _  # marks the msgids; gettext() translates when shown

from clients.formatting import local_date, total
from draws.seed import NAMES_FR

# Placeholders by name: numbers, ISO dates, NOC lists, or free text (translated by SUBSTITUTES).
_NUMBER = r"\d[\d,]*(?:\.\d+)?"
_DATE = r"\d{4}-\d{2}-\d{2}"
_SLOT = {
    "level": _NUMBER, "a": _NUMBER, "b": _NUMBER, "t1": _NUMBER, "t2": _NUMBER, "months": _NUMBER,
    "needed": _NUMBER, "years": _NUMBER, "window": _NUMBER, "points": _NUMBER, "size": _NUMBER,
    "have": _NUMBER, "need": _NUMBER, "age": _NUMBER, "score": _NUMBER, "low": _NUMBER, "high": _NUMBER,
    "noc": r"\d{5}", "nocs": r"\d{5}(?:, \d{5})*", "year": r"\d{4}",
    "day": _DATE, "until": _DATE, "expired": _DATE, "since": _DATE,
    "scores": r"[\d./]+", "test_code": r"[a-z_]+", "ability": r"listening|reading|writing|speaking",
    "test": r"[A-Z][A-Za-z -]*?",
    # program codes and category slugs: no parenthesis, so one day's several changes
    # ("... (no longer eligible: cec) (can no longer be judged: trades)") split right
    "programs": r"[a-z_]+(?:, [a-z_]+)*",
}
_NUMBERS = {name for name, slot in _SLOT.items() if slot == _NUMBER}
_DATES = {name for name, slot in _SLOT.items() if slot == _DATE}
# French puts a no-break space before a semicolon: the joint between several results or changes.
_JOINT_FR = "\u00a0; "

# Whole sentences, most specific first (the first full match wins).
SENTENCES: tuple[str, ...] = (
    # Language (programs, categories, what-if)
    _("%(what)s not met (%(results)s)"),
    _("%(what)s met (%(results)s)"),
    _("no valid language test result (results are valid for %(years)s years)"),
    _("no valid TEF Canada or TCF Canada result (NCLC %(level)s needed in all four abilities)"),
    _("NCLC %(level)s needed in all four abilities (best valid result NCLC %(scores)s)"),
    _("NCLC %(level)s or higher in all four abilities"),
    _("English CLB %(level)s in all four abilities (%(test)s)"),
    _("French NCLC %(level)s in all four abilities (%(test)s)"),
    _("CLB %(level)s in all four abilities (%(test)s)"),
    # Settlement funds
    _("proof of funds not needed (job offer while authorised to work in Canada)"),
    _("the proof-of-funds table in force before %(day)s is not on file; the %(year)s amounts were used"),
    _("settlement funds not recorded (CAD %(need)s needed for a family of %(size)s)"),
    _("settlement funds of CAD %(have)s cover the CAD %(need)s needed for a family of %(size)s"),
    _("settlement funds of CAD %(have)s are below the CAD %(need)s needed for a family of %(size)s"),
    # Federal Skilled Worker
    _("%(years)s year of continuous skilled work in one occupation (NOC %(noc)s) "
       "in the last %(window)s years"),
    _("no paid skilled (TEER 0-3) work in the last %(years)s years"),
    _("%(months)s of %(needed)s months of continuous skilled work in one occupation (NOC %(noc)s) "
       "in the last %(years)s years"),
    _("%(months)s of %(needed)s months of continuous work in one skilled occupation"),
    _("no counted education credential (Canadian, or foreign with a valid ECA)"),
    _("education credential held"),
    _("%(points)s points on the FSW selection grid (%(needed)s needed)"),
    # Canadian Experience Class
    _("%(years)s year of skilled Canadian work in the last %(window)s years (%(months)s months)"),
    _("no skilled (TEER 0-3) Canadian work in the last %(years)s years"),
    _("%(months)s of %(needed)s months of skilled Canadian work in the last %(years)s years"),
    _("%(months)s of %(needed)s months of Canadian experience"),
    # Federal Skilled Trades
    _("no work in an eligible trade in the last %(years)s years"),
    _("no work in an eligible trade"),
    _("%(months)s of %(needed)s months in a skilled trade"),
    _("%(years)s years of work in the skilled trade NOC %(noc)s in the last %(window)s years"),
    _("%(months)s of %(needed)s months of work in a skilled trade (NOC %(noc)s) "
       "in the last %(years)s years"),
    _("the certificate of qualification has no NOC recorded; assumed to be in the trade"),
    _("job offer of at least %(years)s year in the trade (NOC %(noc)s)"),
    _("certificate of qualification in the trade"),
    _("no job offer of at least %(years)s year or certificate of qualification in the trade (NOC %(nocs)s)"),
    # Categories
    _("not eligible for FSW, CEC or FSTP (category draws also require a program)"),
    _("the occupation list used is unconfirmed; check it on canada.ca"),
    _("the occupation list for this category is unconfirmed, so eligibility cannot be judged"),
    _("%(months)s months of continuous work in listed occupation NOC %(noc)s in the last %(years)s years "
       "(%(needed)s needed)"),
    _("%(months)s months of work in Canada in listed occupation NOC %(noc)s in the last %(years)s years "
       "(%(needed)s needed)"),
    _("%(months)s months of continuous work in Canada in listed occupation NOC %(noc)s in the last "
       "%(years)s years (%(needed)s needed)"),
    _("%(months)s months of work in listed occupation NOC %(noc)s in the last %(years)s years "
       "(%(needed)s needed)"),
    _("no paid work in Canada in a listed occupation in the last %(years)s years"),
    _("no paid work in a listed occupation in the last %(years)s years"),
    _("requires a Canadian Armed Forces job offer (not recorded)"),
    _("ten years of Canadian Armed Forces service are needed too (not recorded)"),
    _("a paid job has no NOC code recorded, so whether it is in a listed occupation cannot be judged"),
    _("eligibility for FSW, CEC or FSTP cannot be judged (category draws also require a program)"),
    _("the job starting %(day)s has no NOC code recorded, so this cannot be judged"),
    _("the job offer has no NOC code recorded, so this cannot be judged"),
    # Warnings: documents and marital status
    _("the Express Entry profile submitted on %(day)s expired on %(expired)s"),
    _("%(test)s result of %(day)s is dated after %(until)s and is not counted"),
    _("%(test)s result of %(day)s expired on %(expired)s (results are valid for %(years)s years)"),
    _("%(test)s result of %(day)s is not counted: PTE Core is accepted from %(since)s"),
    _("%(test)s result of %(day)s is not counted: %(problem)s"),
    _("%(score)s is outside the %(test_code)s %(ability)s scale (%(low)s-%(high)s)"),
    _("%(score)s is not a valid %(test_code)s score (in steps of 0.5)"),
    _("%(score)s is not a valid %(test_code)s score (a whole number)"),
    _("foreign %(credential)s credential: no ECA date recorded; counted as if assessed "
       "(an ECA less than %(years)s years old is required)"),
    _("foreign %(credential)s credential: ECA dated %(day)s is after %(until)s; not counted"),
    _("foreign %(credential)s credential: ECA expired on %(day)s (valid %(years)s years); not counted"),
    _("marital status is %(status)s but no spouse details are recorded; scored as without a spouse"),
    _("spouse details ignored: marital status is %(status)s"),
    # What would raise the score, and dated changes ahead
    _("a second post-secondary credential (one year or longer, with ECA)"),
    _("a provincial nomination"),
    _("%(years)s years of Canadian skilled work"),
    _("turns %(age)s"),
    _("Canadian skilled work reaches %(years)s years"),
    _("Express Entry profile expires (12 months after submission)"),
    _("%(label)s (no longer eligible: %(programs)s)"),
    _("%(label)s (becomes eligible: %(programs)s)"),
    _("%(label)s (can no longer be judged: %(programs)s)"),
    _("%(label)s (now judged eligible: %(programs)s)"),
    _("%(label)s (now judged not eligible: %(programs)s)"),
    _("spouse's %(test)s result of %(day)s expires"),
    _("%(test)s result of %(day)s expires"),
    _("ECA for the spouse's foreign %(credential)s credential expires"),
    _("ECA for the foreign %(credential)s credential expires"),
    _("%(test)s result of %(day)s"),
)

# The "what" of a language requirement.
PHRASES: tuple[str, ...] = (
    _("CLB %(level)s in all four abilities for TEER %(t1)s or %(t2)s work"),
    _("CLB %(level)s in all four abilities for skilled work"),
    _("CLB %(level)s in all four abilities"),
    _("CLB %(a)s listening and speaking, CLB %(b)s reading and writing"),
)
RESULTS: tuple[str, ...] = (
    _("English CLB %(scores)s"),
    _("French NCLC %(scores)s"),
)
CREDENTIALS = {
    "less than secondary": _("less than secondary"),
    "secondary diploma": _("secondary diploma"),
    "one-year post-secondary": _("one-year post-secondary"),
    "two-year post-secondary": _("two-year post-secondary"),
    "bachelor's (3+ years)": _("bachelor's (3+ years)"),
    "two or more credentials": _("two or more credentials"),
    "master's or professional degree": _("master's or professional degree"),
    "doctorate": _("doctorate"),
}
MARITAL_STATUSES = {
    "single": _("single"), "married": _("married"), "common_law": _("common-law"),
    "separated": _("separated"), "divorced": _("divorced"), "widowed": _("widowed"),
}
ABILITIES = {"listening": _("listening"), "reading": _("reading"), "writing": _("writing"),
             "speaking": _("speaking")}
PROGRAMS = {"fsw": _("FSW"), "cec": _("CEC"), "fstp": _("FSTP")}
TEST_NAMES = {"ielts_general": "IELTS General Training", "celpip_general": "CELPIP-General",
              "pte_core": "PTE Core", "tef_canada": "TEF Canada", "tcf_canada": "TCF Canada"}
SPOUSE_PREFIX = "spouse: "


@cache
def _pattern(msgid: str) -> re.Pattern:
    parts = re.split(r"%\((\w+)\)s", msgid)
    regex = "".join(
        re.escape(part) if i % 2 == 0 else f"(?P<{part}>{_SLOT.get(part, '.+?')})"
        for i, part in enumerate(parts)
    )
    return re.compile(regex)


def _match(text: str, msgids: tuple[str, ...]) -> tuple[str, dict[str, str]] | None:
    for msgid in msgids:
        m = _pattern(msgid).fullmatch(text)
        if m:
            return msgid, m.groupdict()
    return None


def _number(value: str) -> str:
    """3,000.5 -> 3 000,5: the one format of totals (clients.formatting.total), no-break space included."""
    return total(value)


def _value(name: str, value: str) -> str:
    """One placeholder's value in the page's language."""
    if name == "size":  # "une famille de 2 personnes", never "personne(s)"
        return ngettext("%(count)s person", "%(count)s people", int(value)) % {"count": _number(value)}
    if name in _NUMBERS:
        return _number(value)
    if name in _DATES:
        return local_date(dt.date.fromisoformat(value))
    if name == "what":
        return _translate(value, PHRASES)
    if name == "results":
        return _JOINT_FR.join(_translate(part, RESULTS) for part in value.split("; "))
    if name == "credential":
        return gettext(CREDENTIALS[value]) if value in CREDENTIALS else value
    if name == "status":
        return gettext(MARITAL_STATUSES[value]) if value in MARITAL_STATUSES else value
    if name == "ability":
        return gettext(ABILITIES[value])
    if name == "test_code":
        return TEST_NAMES.get(value, value)
    if name in ("label", "problem"):
        return engine_text(value)
    if name == "programs":
        return ", ".join(gettext(PROGRAMS[p]) if p in PROGRAMS else category_name(p, p)
                         for p in value.split(", "))
    return value


def _translate(text: str, msgids: tuple[str, ...]) -> str:
    found = _match(text, msgids)
    if found is None:
        return text
    msgid, values = found
    return gettext(msgid) % {name: _value(name, value) for name, value in values.items()}


def _is_english() -> bool:
    return not (get_language() or "en").startswith("fr")


def engine_text(text: str) -> str:
    """An engine sentence (reason, warning, progress, what-if or dated-change label) in the page's language.

    Several dated changes on one day come joined with "; " and are translated one by one.
    """
    if not text or _is_english():
        return text
    text = str(text)
    if text.startswith(SPOUSE_PREFIX):
        return gettext("spouse: %(text)s") % {"text": engine_text(text[len(SPOUSE_PREFIX):])}
    if "; " in text:  # several dated changes, unless the sentence itself has a semicolon
        parts = text.split("; ")
        if all(_match(p, SENTENCES) for p in parts):
            return _JOINT_FR.join(engine_text(p) for p in parts)
    return _translate(text, SENTENCES)


def category_name(slug: str, name: str = "") -> str:
    """A category's name in the page's language: IRCC's French name on French pages, else `name`."""
    if not _is_english() and slug in NAMES_FR:
        return NAMES_FR[slug]
    return name or slug
