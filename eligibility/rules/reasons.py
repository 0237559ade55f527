"""The engine's sentences as values: a code and its parameters, whose text is the English sentence.

Every reason, warning, progress line, what-if label and dated-change label the engine writes is a
Reason: a str (so JSON, the spec's output, stored reports and every `in` / `==` read it as today's
English sentence) that also carries `code` (a key of TEMPLATES) and `params` (the values as the
English sentence spells them: numbers with thousands commas, ISO dates, NOC and program codes; a
nested sentence is itself a Reason). The Django side translates by code (eligibility/i18n.py);
TEMPLATES' values are its msgids, so a new sentence is a new code, and a test fails until it has a
French translation.

Stored documents keep the English strings; parse() reads one back into its Reason through the same
templates (an exact, whole-sentence match), so a stored sentence and a fresh one translate alike.

Two codes are structural: SPOUSE ("spouse: " before a sentence about the spouse) is a template like
the others; JOINED (several dated changes of one day, "; " between them) has no template.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from functools import cache, lru_cache
from types import MappingProxyType


def gettext_noop(message: str) -> str:
    """Marks a template as a msgid for makemessages; the engine itself never translates."""
    return message


SPOUSE = "spouse"
JOINED = "joined"
_JOINT = "; "

# code -> English template. Parsing tries them in this order (the first whole match wins), so a
# template that another one's placeholders could swallow comes first ("not met" before "met").
TEMPLATES: dict[str, str] = {
    SPOUSE: gettext_noop("spouse: %(text)s"),
    # Language (programs, categories, what-if)
    "language.not_met": gettext_noop("%(what)s not met (%(results)s)"),
    "language.met": gettext_noop("%(what)s met (%(results)s)"),
    "language.no_valid_result": gettext_noop(
        "no valid language test result (results are valid for %(years)s years)"),
    "french.no_result": gettext_noop(
        "no valid TEF Canada or TCF Canada result (NCLC %(level)s needed in all four abilities)"),
    "french.not_met": gettext_noop(
        "NCLC %(level)s needed in all four abilities (best valid result NCLC %(scores)s)"),
    "french.met": gettext_noop("NCLC %(level)s or higher in all four abilities"),
    "what_if.english": gettext_noop("English CLB %(level)s in all four abilities (%(test)s)"),
    "what_if.french": gettext_noop("French NCLC %(level)s in all four abilities (%(test)s)"),
    "what_if.clb": gettext_noop("CLB %(level)s in all four abilities (%(test)s)"),
    # Settlement funds
    "funds.not_needed": gettext_noop(
        "proof of funds not needed (job offer while authorised to work in Canada)"),
    "funds.table_missing": gettext_noop(
        "the proof-of-funds table in force before %(day)s is not on file; the %(year)s amounts were used"),
    "funds.not_recorded": gettext_noop(
        "settlement funds not recorded (CAD %(need)s needed for a family of %(size)s)"),
    "funds.cover": gettext_noop(
        "settlement funds of CAD %(have)s cover the CAD %(need)s needed for a family of %(size)s"),
    "funds.below": gettext_noop(
        "settlement funds of CAD %(have)s are below the CAD %(need)s needed for a family of %(size)s"),
    # Federal Skilled Worker
    "fsw.work_met": gettext_noop(
        "%(years)s year of continuous skilled work in one occupation (NOC %(noc)s) "
        "in the last %(window)s years"),
    "fsw.no_work": gettext_noop("no paid skilled (TEER 0-3) work in the last %(years)s years"),
    "fsw.work_short": gettext_noop(
        "%(months)s of %(needed)s months of continuous skilled work in one occupation (NOC %(noc)s) "
        "in the last %(years)s years"),
    "fsw.progress": gettext_noop(
        "%(months)s of %(needed)s months of continuous work in one skilled occupation"),
    "fsw.no_education": gettext_noop(
        "no counted education credential (Canadian, or foreign with a valid ECA)"),
    "fsw.education": gettext_noop("education credential held"),
    "fsw.grid": gettext_noop("%(points)s points on the FSW selection grid (%(needed)s needed)"),
    # Canadian Experience Class
    "cec.work_met": gettext_noop(
        "%(years)s year of skilled Canadian work in the last %(window)s years (%(months)s months)"),
    "cec.no_work": gettext_noop("no skilled (TEER 0-3) Canadian work in the last %(years)s years"),
    "cec.work_short": gettext_noop(
        "%(months)s of %(needed)s months of skilled Canadian work in the last %(years)s years"),
    "cec.progress": gettext_noop("%(months)s of %(needed)s months of Canadian experience"),
    # Federal Skilled Trades
    "fstp.no_recent_trade": gettext_noop("no work in an eligible trade in the last %(years)s years"),
    "fstp.no_trade": gettext_noop("no work in an eligible trade"),
    "fstp.progress": gettext_noop("%(months)s of %(needed)s months in a skilled trade"),
    "fstp.work_met": gettext_noop(
        "%(years)s years of work in the skilled trade NOC %(noc)s in the last %(window)s years"),
    "fstp.work_short": gettext_noop(
        "%(months)s of %(needed)s months of work in a skilled trade (NOC %(noc)s) "
        "in the last %(years)s years"),
    "fstp.certificate_without_noc": gettext_noop(
        "the certificate of qualification has no NOC recorded; assumed to be in the trade"),
    "fstp.offer": gettext_noop("job offer of at least %(years)s year in the trade (NOC %(noc)s)"),
    "fstp.certificate": gettext_noop("certificate of qualification in the trade"),
    "fstp.no_offer_or_certificate": gettext_noop(
        "no job offer of at least %(years)s year or certificate of qualification in the trade "
        "(NOC %(nocs)s)"),
    # Categories
    "category.no_program": gettext_noop(
        "not eligible for FSW, CEC or FSTP (category draws also require a program)"),
    "category.list_unconfirmed": gettext_noop(
        "the occupation list used is unconfirmed; check it on canada.ca"),
    "category.list_unknown": gettext_noop(
        "the occupation list for this category is unconfirmed, so eligibility cannot be judged"),
    "category.continuous": gettext_noop(
        "%(months)s months of continuous work in listed occupation NOC %(noc)s in the last %(years)s years "
        "(%(needed)s needed)"),
    "category.in_canada": gettext_noop(
        "%(months)s months of work in Canada in listed occupation NOC %(noc)s in the last %(years)s years "
        "(%(needed)s needed)"),
    "category.continuous_in_canada": gettext_noop(
        "%(months)s months of continuous work in Canada in listed occupation NOC %(noc)s in the last "
        "%(years)s years (%(needed)s needed)"),
    "category.work": gettext_noop(
        "%(months)s months of work in listed occupation NOC %(noc)s in the last %(years)s years "
        "(%(needed)s needed)"),
    "category.no_work_in_canada": gettext_noop(
        "no paid work in Canada in a listed occupation in the last %(years)s years"),
    "category.no_work": gettext_noop("no paid work in a listed occupation in the last %(years)s years"),
    "category.military_offer": gettext_noop("requires a Canadian Armed Forces job offer (not recorded)"),
    "category.military_service": gettext_noop(
        "ten years of Canadian Armed Forces service are needed too (not recorded)"),
    "category.job_without_noc": gettext_noop(
        "a paid job has no NOC code recorded, so whether it is in a listed occupation cannot be judged"),
    "category.program_unknown": gettext_noop(
        "eligibility for FSW, CEC or FSTP cannot be judged (category draws also require a program)"),
    "category.unknown_rule": gettext_noop("unknown experience rule %(rule)s"),
    "program.job_without_noc": gettext_noop(
        "the job starting %(day)s has no NOC code recorded, so this cannot be judged"),
    "program.offer_without_noc": gettext_noop(
        "the job offer has no NOC code recorded, so this cannot be judged"),
    # Warnings: documents and marital status
    "profile.expired": gettext_noop(
        "the Express Entry profile submitted on %(day)s expired on %(expired)s"),
    "test.after_as_of": gettext_noop(
        "%(test)s result of %(day)s is dated after %(until)s and is not counted"),
    "test.expired": gettext_noop(
        "%(test)s result of %(day)s expired on %(expired)s (results are valid for %(years)s years)"),
    "test.pte_core_too_early": gettext_noop(
        "%(test)s result of %(day)s is not counted: PTE Core is accepted from %(since)s"),
    "test.not_counted": gettext_noop("%(test)s result of %(day)s is not counted: %(problem)s"),
    "score.off_scale": gettext_noop(
        "%(score)s is outside the %(test_code)s %(ability)s scale (%(low)s-%(high)s)"),
    "score.half_steps": gettext_noop("%(score)s is not a valid %(test_code)s score (in steps of 0.5)"),
    "score.whole_number": gettext_noop("%(score)s is not a valid %(test_code)s score (a whole number)"),
    "education.unknown_level": gettext_noop("education level %(education)s is unknown and not counted"),
    "eca.missing": gettext_noop(
        "foreign %(credential)s credential: no ECA date recorded; counted as if assessed "
        "(an ECA less than %(years)s years old is required)"),
    "eca.after_as_of": gettext_noop(
        "foreign %(credential)s credential: ECA dated %(day)s is after %(until)s; not counted"),
    "eca.expired": gettext_noop(
        "foreign %(credential)s credential: ECA expired on %(day)s (valid %(years)s years); not counted"),
    "marital.no_spouse_details": gettext_noop(
        "marital status is %(status)s but no spouse details are recorded; scored as without a spouse"),
    "marital.spouse_ignored": gettext_noop("spouse details ignored: marital status is %(status)s"),
    # What would raise the score, and dated changes ahead
    "what_if.second_credential": gettext_noop(
        "a second post-secondary credential (one year or longer, with ECA)"),
    "what_if.nomination": gettext_noop("a provincial nomination"),
    "what_if.canadian_year": gettext_noop("%(years)s years of Canadian skilled work"),
    "ahead.birthday": gettext_noop("turns %(age)s"),
    "ahead.canadian_work": gettext_noop("Canadian skilled work reaches %(years)s years"),
    "ahead.profile_expires": gettext_noop("Express Entry profile expires (12 months after submission)"),
    "ahead.no_longer_eligible": gettext_noop("%(label)s (no longer eligible: %(programs)s)"),
    "ahead.becomes_eligible": gettext_noop("%(label)s (becomes eligible: %(programs)s)"),
    "ahead.no_longer_judged": gettext_noop("%(label)s (can no longer be judged: %(programs)s)"),
    "ahead.now_eligible": gettext_noop("%(label)s (now judged eligible: %(programs)s)"),
    "ahead.now_not_eligible": gettext_noop("%(label)s (now judged not eligible: %(programs)s)"),
    "ahead.spouse_test_expires": gettext_noop("spouse's %(test)s result of %(day)s expires"),
    "ahead.test_expires": gettext_noop("%(test)s result of %(day)s expires"),
    "ahead.spouse_eca_expires": gettext_noop(
        "ECA for the spouse's foreign %(credential)s credential expires"),
    "ahead.eca_expires": gettext_noop("ECA for the foreign %(credential)s credential expires"),
    # The "what" of a language requirement, and the results shown beside it
    "language.clb_for_teer": gettext_noop(
        "CLB %(level)s in all four abilities for TEER %(t1)s or %(t2)s work"),
    "language.clb_for_skilled": gettext_noop("CLB %(level)s in all four abilities for skilled work"),
    "language.clb": gettext_noop("CLB %(level)s in all four abilities"),
    "language.clb_fstp": gettext_noop("CLB %(a)s listening and speaking, CLB %(b)s reading and writing"),
    "language.english_result": gettext_noop("English CLB %(scores)s"),
    "language.french_result": gettext_noop("French NCLC %(scores)s"),
}

# Codes that name a fact or an occupation list the verdict lacks: what a "cannot judge" badge shows.
MISSING = frozenset({
    "funds.not_recorded", "category.list_unknown", "category.military_offer", "category.military_service",
    "category.job_without_noc", "category.program_unknown", "program.job_without_noc",
    "program.offer_without_noc",
})

# Placeholders that hold a sentence of their own (parsed in turn); every other placeholder is one
# value, never containing "; " (so a day's joined changes split right).
NESTED = frozenset({"text", "what", "results", "label", "problem"})
_NUMBER = r"\d[\d,]*(?:\.\d+)?"
_DATE = r"\d{4}-\d{2}-\d{2}"
_SLOTS = {
    "noc": r"\d{5}", "nocs": r"\d{5}(?:, \d{5})*", "year": r"\d{4}",
    "day": _DATE, "until": _DATE, "expired": _DATE, "since": _DATE,
    "scores": r"[\d./]+", "test_code": r"[a-z_]+", "ability": r"listening|reading|writing|speaking",
    "test": r"[A-Z][A-Za-z -]*?",
    # program codes and category slugs: no parenthesis, so one day's several changes
    # ("... (no longer eligible: cec) (can no longer be judged: trades)") split right
    "programs": r"[a-z_]+(?:, [a-z_]+)*",
}
# Placeholders holding a number (written 3,000.5) and an ISO date, which a translation reformats.
NUMBERS = frozenset({"level", "a", "b", "t1", "t2", "months", "needed", "years", "window", "points",
                     "size", "have", "need", "age", "score", "low", "high"})
DATES = frozenset({"day", "until", "expired", "since"})
_SLOTS.update(dict.fromkeys(NUMBERS, _NUMBER))


class Reason(str):
    """One engine sentence: str(reason) is the English text, `code` and `params` what it says.

    Reason("fsw.grid", points="61", needed="67") == "61 points on the FSW selection grid (67 needed)".
    Immutable, compares and hashes as its text.
    """

    code: str
    params: Mapping[str, str]

    def __new__(cls, code: str, /, **params: str) -> Reason:
        self = str.__new__(cls, TEMPLATES[code] % params)
        d = self.__dict__
        d["code"] = code
        d["params"] = MappingProxyType(params)
        return self

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("a Reason is immutable")

    def __delattr__(self, name: str) -> None:
        raise AttributeError("a Reason is immutable")

    def __reduce__(self) -> tuple:
        if self.code == JOINED:
            return joined, (self.params["parts"],)
        return _rebuild, (self.code, dict(self.params))


def _rebuild(code: str, params: dict[str, str]) -> Reason:
    return Reason(code, **params)


def joined(parts: Sequence[Reason]) -> Reason:
    """Several sentences of one day, "; " between them (one part: that part itself)."""
    if len(parts) == 1:
        return parts[0]
    self = str.__new__(Reason, _JOINT.join(parts))
    d = self.__dict__
    d["code"] = JOINED
    d["params"] = MappingProxyType({"parts": tuple(parts)})
    return self


def about_spouse(reason: Reason) -> Reason:
    """A sentence about the spouse ("spouse: " before it)."""
    return Reason(SPOUSE, text=reason)


@cache
def pattern(template: str) -> re.Pattern:
    """The regular expression that reads a sentence of `template` whole, one group per placeholder."""
    parts = re.split(r"%\((\w+)\)s", template)
    regex = "".join(
        re.escape(part) if i % 2 == 0
        else f"(?P<{part}>{'.+?' if part in NESTED else _SLOTS.get(part, r'[^;]+?')})"
        for i, part in enumerate(parts)
    )
    return re.compile(regex)


def parse(text: str) -> Reason | None:
    """The Reason whose English text is exactly `text` (a stored sentence), or None if no template
    reads it whole. Nested sentences are parsed in turn (one that reads as none stays a str).
    Reasons are immutable, so the last few thousand sentences read are remembered."""
    if isinstance(text, Reason):
        return text
    return _parse(str(text))


@lru_cache(maxsize=4096)
def _parse(text: str) -> Reason | None:
    for code, template in TEMPLATES.items():
        m = pattern(template).fullmatch(text)
        if m is not None:
            params = {
                name: (parse(value) or value) if name in NESTED else value
                for name, value in m.groupdict().items()
            }
            return Reason(code, **params)
    if _JOINT in text:
        parts = [parse(p) for p in text.split(_JOINT)]
        if all(p is not None for p in parts):
            return joined(parts)
    return None


def reasons_in(value: object) -> list[Reason]:
    """Every Reason in a sentence, itself included (its nested sentences and joined parts)."""
    out: list[Reason] = []
    if isinstance(value, Reason):
        out.append(value)
        for v in value.params.values():
            for item in v if isinstance(v, tuple) else (v,):
                out.extend(reasons_in(item))
    return out


__all__ = [
    "DATES", "JOINED", "MISSING", "NESTED", "NUMBERS", "SPOUSE", "TEMPLATES", "Reason", "about_spouse",
    "joined", "parse", "pattern", "reasons_in",
]
