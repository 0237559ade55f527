"""Comprehensive Ranking System score (MI respecting Express Entry, s.10-30; rule sets by date).

crs_score() is the hot path (benchmarked at >= 50,000 calls/s): plain table lookups on the
precomputed tuples of tables.py, no copies. Input validation happens once, when a CrsProfile is
built (__post_init__) or parsed (crs_profile_from_json), never while scoring.

Caps: when a cap binds, the later details are reduced so that details always add up to their
part (transferability: education group, foreign-work group, then certificate; additional:
nomination, arranged employment, Canadian education, French, sibling).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, overload

from . import spec as S
from . import tables as T
from .clb import TEF_NEW_SCALE_FROM, clb_for, language_of
from .dates import age_on
from .facts import ABILITIES, EDUCATION_LEVELS, ENGLISH_TESTS, FRENCH_TESTS, LANGUAGE_TESTS
from .spec import SpecError
from .unchecked import unchecked

SPOUSE_STATUSES = ("none", "accompanying", "non_accompanying", "canadian")
ARRANGED_EMPLOYMENT = ("none", "teer_00", "other")
CANADIAN_EDUCATION = ("none", "one_or_two_year", "three_year_or_more")
PROFILE_TESTS = LANGUAGE_TESTS + ("clb",)
DETAIL_KEYS = (
    "age",
    "education",
    "first_language",
    "second_language",
    "canadian_work",
    "spouse_education",
    "spouse_language",
    "spouse_canadian_work",
    "transfer_education",
    "transfer_foreign_work",
    "transfer_certificate",
    "provincial_nomination",
    "arranged_employment",
    "canadian_education",
    "french",
    "sibling",
)


@dataclass(frozen=True, slots=True)
class LanguageLevels:
    """CLB/NCLC level (0-12; 0 = below CLB 4) per ability of one official language.

    test: the test name (LANGUAGE_TESTS) or "clb" when levels were given directly.
    language: "en" or "fr"; derived from the test, required when test is "clb".
    """

    test: str
    listening: int
    reading: int
    writing: int
    speaking: int
    language: str = ""

    def __post_init__(self) -> None:
        if self.test not in PROFILE_TESTS:
            raise ValueError(f"unknown test {self.test!r}")
        if self.test != "clb":
            lang = language_of(self.test)
            if self.language and self.language != lang:
                raise ValueError(f"{self.test} is not a {self.language!r} test")
            object.__setattr__(self, "language", lang)
        elif self.language not in ("en", "fr"):
            raise ValueError('language ("en" or "fr") is required when test is "clb"')
        for a in ABILITIES:
            v = getattr(self, a)
            if isinstance(v, bool) or not isinstance(v, int) or not 0 <= v <= T.MAX_CLB:
                raise ValueError(f"{a} must be a CLB level 0-{T.MAX_CLB}, not {v!r}")

    def as_dict(self) -> dict[str, int]:
        return {a: getattr(self, a) for a in ABILITIES}

    @property
    def minimum(self) -> int:
        return min(self.listening, self.reading, self.writing, self.speaking)


@dataclass(frozen=True, slots=True)
class SpouseProfile:
    """The accompanying spouse's CRS inputs (MI s.16-18)."""

    education: str = "none"
    language: LanguageLevels | None = None
    canadian_work_years: int = 0

    def __post_init__(self) -> None:
        if self.education not in EDUCATION_LEVELS:
            raise ValueError(f"unknown education level {self.education!r}")
        _check_years("canadian_work_years", self.canadian_work_years)


@dataclass(frozen=True, slots=True)
class CrsProfile:
    """Pre-digested CRS inputs, mirroring shared/spec/crs-profile.md (input)."""

    age: int
    spouse_status: str = "none"
    education: str = "none"
    first_language: LanguageLevels | None = None
    second_language: LanguageLevels | None = None
    canadian_work_years: int = 0
    foreign_work_years: int = 0
    certificate_of_qualification: bool = False
    provincial_nomination: bool = False
    arranged_employment: str = "none"
    canadian_education: str = "none"
    sibling_in_canada: bool = False
    spouse: SpouseProfile | None = None

    def __post_init__(self) -> None:
        if isinstance(self.age, bool) or not isinstance(self.age, int) or not 0 <= self.age <= 150:
            raise ValueError(f"age must be a whole number 0-150, not {self.age!r}")
        for name, value, choices in (
            ("spouse_status", self.spouse_status, SPOUSE_STATUSES),
            ("education", self.education, EDUCATION_LEVELS),
            ("arranged_employment", self.arranged_employment, ARRANGED_EMPLOYMENT),
            ("canadian_education", self.canadian_education, CANADIAN_EDUCATION),
        ):
            if value not in choices:
                raise ValueError(f"{name} must be one of {', '.join(choices)}, not {value!r}")
        _check_years("canadian_work_years", self.canadian_work_years)
        _check_years("foreign_work_years", self.foreign_work_years)
        fl, sl = self.first_language, self.second_language
        if fl is not None and sl is not None and fl.language == sl.language:
            raise ValueError("second_language must be the other official language")

    @property
    def with_spouse(self) -> bool:
        """True when the with-spouse columns apply (accompanying, not a citizen/PR)."""
        return self.spouse_status == "accompanying"


def _check_years(name: str, value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"{name} must be a whole number of years >= 0, not {value!r}")


@dataclass(frozen=True, slots=True)
class CrsResult:
    """A CRS score: four parts, the rule set id, and points per factor (DETAIL_KEYS).

    `details` is a plain dict for speed; treat it as read-only.
    """

    total: int
    core_human_capital: int
    spouse_factors: int
    skill_transferability: int
    additional: int
    rules: str
    details: dict[str, int]

    def to_dict(self) -> dict[str, Any]:
        """Exactly the output document of shared/spec/crs-profile.md."""
        return {
            "total": self.total,
            "core_human_capital": self.core_human_capital,
            "spouse_factors": self.spouse_factors,
            "skill_transferability": self.skill_transferability,
            "additional": self.additional,
            "rules": self.rules,
            "details": dict(self.details),
        }


# CrsResult is built without its frozen __init__ in the hot path (5x faster): the slot
# descriptors' setters write the fields directly. The object is identical to CrsResult(...).
_new_result = object.__new__
(_set_total, _set_core, _set_spouse, _set_transfer, _set_additional, _set_rules, _set_details) = (
    CrsResult.__dict__[f].__set__
    for f in (
        "total",
        "core_human_capital",
        "spouse_factors",
        "skill_transferability",
        "additional",
        "rules",
        "details",
    )
)

# The engine's own CrsProfile/SpouseProfile/LanguageLevels values are valid by construction
# (derive.py), so it builds them without __post_init__ validation (unchecked.py).
trusted_profile = unchecked(CrsProfile)
trusted_spouse = unchecked(SpouseProfile)
trusted_levels = unchecked(LanguageLevels)

_FIRST = T.FIRST_LANGUAGE_BY_CLB
_SECOND = T.SECOND_LANGUAGE_BY_CLB
_SECOND_CAP = T.SECOND_LANGUAGE_CAP_BY_SPOUSE
_AGE = T.AGE_BY_YEARS
_AGE_MAX = T.MAX_AGE_INDEX
_CDN = T.CANADIAN_WORK_BY_YEARS
_EDU = T.EDUCATION_BY_LEVEL
_EDU_CLASS = T.EDUCATION_CLASS_INDEX
_SP_EDU = T.SPOUSE_EDUCATION
_SP_LANG = T.SPOUSE_LANGUAGE_BY_CLB
_SP_CDN = T.SPOUSE_CANADIAN_WORK_BY_YEARS
_TEL, _TEC = T.TRANSFER_EDU_LANG, T.TRANSFER_EDU_CDN
_TFL, _TFC = T.TRANSFER_FOREIGN_LANG, T.TRANSFER_FOREIGN_CDN
_CERT = T.CERTIFICATE_BY_CONDITION
_RULE_SETS = T.RULE_SETS
_STARTS = tuple(r.effective_from for r in _RULE_SETS)


def crs_score(profile: CrsProfile, *, as_of: date) -> CrsResult:
    """CRS points for a profile under the rule set in force on as_of (tables.rule_set_for)."""
    # rule set: newest first, most calls are for current dates
    for i in range(len(_STARTS) - 1, -1, -1):
        if as_of >= _STARTS[i]:
            rs = _RULE_SETS[i]
            break
    else:
        raise ValueError("Express Entry began on 2015-01-01; no CRS before")

    s = 1 if profile.spouse_status == "accompanying" else 0
    # core
    age = profile.age
    age_pts = _AGE[s][age if age < _AGE_MAX else _AGE_MAX]
    edu_pts = _EDU[profile.education][s]
    fl = profile.first_language
    if fl is not None:
        fl_l, fl_r, fl_w, fl_s = fl.listening, fl.reading, fl.writing, fl.speaking
        tab = _FIRST[s]
        first_pts = tab[fl_l] + tab[fl_r] + tab[fl_w] + tab[fl_s]
        m = min(fl_l, fl_r, fl_w, fl_s)
    else:
        first_pts = m = 0
    sl = profile.second_language
    if sl is not None:
        tab = _SECOND[s]
        second_pts = tab[sl.listening] + tab[sl.reading] + tab[sl.writing] + tab[sl.speaking]
        if second_pts > _SECOND_CAP[s]:
            second_pts = _SECOND_CAP[s]
    else:
        second_pts = 0
    cdn = profile.canadian_work_years
    cdn_pts = _CDN[s][cdn if cdn < 5 else 5]
    core = age_pts + edu_pts + first_pts + second_pts + cdn_pts

    # spouse factors
    sp = profile.spouse
    if s and sp is not None:
        sp_edu = _SP_EDU[sp.education]
        spl = sp.language
        sp_lang = (
            _SP_LANG[spl.listening]
            + _SP_LANG[spl.reading]
            + _SP_LANG[spl.writing]
            + _SP_LANG[spl.speaking]
            if spl is not None
            else 0
        )
        spc = sp.canadian_work_years
        sp_cdn = _SP_CDN[spc if spc < 5 else 5]
    else:
        sp_edu = sp_lang = sp_cdn = 0
    spouse_pts = sp_edu + sp_lang + sp_cdn

    # skill transferability
    lang_c = 2 if m >= 9 else (1 if m >= 7 else 0)
    cdn_c = 2 if cdn >= 2 else cdn
    fw = profile.foreign_work_years
    fw_c = 2 if fw >= 3 else (1 if fw >= 1 else 0)
    ec = _EDU_CLASS[profile.education]
    t_edu = _TEL[ec][lang_c] + _TEC[ec][cdn_c]
    if t_edu > 50:
        t_edu = 50
    t_fw = _TFL[fw_c][lang_c] + _TFC[fw_c][cdn_c]
    if t_fw > 50:
        t_fw = 50
    if profile.certificate_of_qualification:
        t_cert = _CERT[2 if m >= 7 else (1 if m >= 5 else 0)]
        if t_edu + t_fw + t_cert > 100:
            t_cert = 100 - t_edu - t_fw
    else:
        t_cert = 0
    transfer = t_edu + t_fw + t_cert

    # additional (cap 600, allocated in order)
    room = 600
    pn = rs.provincial_nomination if profile.provincial_nomination else 0
    room -= pn
    ae = rs.arranged_employment[profile.arranged_employment]
    if ae > room:
        ae = room
    room -= ae
    ce = rs.canadian_education[profile.canadian_education]
    if ce > room:
        ce = room
    room -= ce
    french = 0
    if fl is not None and fl.language == "fr":
        fr, en = fl, sl
    elif sl is not None and sl.language == "fr":
        fr, en = sl, fl
    else:
        fr = en = None
    if fr is not None and min(fr.listening, fr.reading, fr.writing, fr.speaking) >= 7:
        if en is not None and min(en.listening, en.reading, en.writing, en.speaking) >= 5:
            french = rs.french[1]
        else:
            french = rs.french[0]
        if french > room:
            french = room
        room -= french
    sib = rs.sibling if profile.sibling_in_canada else 0
    if sib > room:
        sib = room
    additional = pn + ae + ce + french + sib

    r = _new_result(CrsResult)
    _set_total(r, core + spouse_pts + transfer + additional)
    _set_core(r, core)
    _set_spouse(r, spouse_pts)
    _set_transfer(r, transfer)
    _set_additional(r, additional)
    _set_rules(r, rs.id)
    _set_details(
        r,
        {
            "age": age_pts,
            "education": edu_pts,
            "first_language": first_pts,
            "second_language": second_pts,
            "canadian_work": cdn_pts,
            "spouse_education": sp_edu,
            "spouse_language": sp_lang,
            "spouse_canadian_work": sp_cdn,
            "transfer_education": t_edu,
            "transfer_foreign_work": t_fw,
            "transfer_certificate": t_cert,
            "provincial_nomination": pn,
            "arranged_employment": ae,
            "canadian_education": ce,
            "french": french,
            "sibling": sib,
        },
    )
    return r


# --- JSON input (shared/spec/crs-profile.md) ----------------------------------------------------

_PROFILE_KEYS = frozenset(
    {
        "as_of",
        "age",
        "date_of_birth",
        "spouse_status",
        "education",
        "first_language",
        "second_language",
        "canadian_work_years",
        "foreign_work_years",
        "certificate_of_qualification",
        "provincial_nomination",
        "arranged_employment",
        "canadian_education",
        "sibling_in_canada",
        "spouse",
    }
)
_LANGUAGE_KEYS = frozenset({"test", "language", *ABILITIES})
_SPOUSE_KEYS = frozenset({"education", "language", "canadian_work_years"})


def _language_from_json(value: Any, path: str, as_of: date) -> tuple[LanguageLevels, bool]:
    """(levels, language_was_given) for a language object; TEF scale chosen by as_of."""
    data = S.obj(value, path, _LANGUAGE_KEYS)
    test = S.enum(S.required(data, "test", path), S.join(path, "test"), PROFILE_TESTS)
    lang = data.get("language")
    if lang is not None:
        lang = S.enum(lang, S.join(path, "language"), ("en", "fr"))
        if test != "clb" and language_of(test) != lang:
            raise SpecError(S.join(path, "language"), f"{test} is not a {lang!r} test")
    levels: dict[str, int] = {}
    for a in ABILITIES:
        p = S.join(path, a)
        raw = S.required(data, a, path)
        if test == "clb":
            levels[a] = S.integer(raw, p, minimum=0, maximum=T.MAX_CLB)
            continue
        if test == "celpip_general" and raw == "M":
            raw = 0
        score = S.number(raw, p)
        try:
            levels[a] = clb_for(test, a, score, as_of)
        except ValueError as exc:
            raise SpecError(p, str(exc)) from None
    language = lang or ("" if test == "clb" else language_of(test))
    return LanguageLevels(test=test, language=language or "en", **levels), bool(language)


@overload
def crs_profile_from_json(data: Mapping[str, Any], *, as_of: date | None = None) -> CrsProfile: ...


@overload
def crs_profile_from_json(
    data: Mapping[str, Any], *, as_of: date | None = None, default_as_of: date
) -> tuple[CrsProfile, date]: ...


def crs_profile_from_json(
    data: Mapping[str, Any], *, as_of: date | None = None, default_as_of: date | None = None
) -> CrsProfile | tuple[CrsProfile, date]:
    """Parse and validate a crs-profile.md input document; SpecError(path, message) if bad.

    The date used (for date_of_birth and the TEF Canada scale, since the format carries no test
    date) is `as_of` if given, else the document's "as_of", else `default_as_of`, else today.
    With default_as_of given, returns (profile, that date) so a caller can score on it.
    A "clb" language object may say "language": "en"|"fr"; otherwise it is the other language of
    its partner object, or English for first_language / French for second_language.
    """
    if not isinstance(data, Mapping):
        raise SpecError("(document)", "must be an object")
    S.obj(data, "", _PROFILE_KEYS)
    doc_as_of = S.as_of_from_json(data, default=default_as_of or date.today())
    profile = _profile_from_json(data, as_of or doc_as_of)
    return profile if default_as_of is None else (profile, as_of or doc_as_of)


def _profile_from_json(data: Mapping[str, Any], as_of: date) -> CrsProfile:
    if data.get("age") is not None:
        if data.get("date_of_birth") is not None:
            raise SpecError("date_of_birth", "give age or date_of_birth, not both")
        age = S.integer(data["age"], "age", minimum=0, maximum=150)
    elif data.get("date_of_birth") is not None:
        dob = S.iso_date(data["date_of_birth"], "date_of_birth")
        if dob > as_of:
            raise SpecError("date_of_birth", f"is after as_of ({as_of.isoformat()})")
        age = age_on(dob, as_of)
    else:
        raise SpecError("age", "is required (or date_of_birth)")
    education = S.enum(S.required(data, "education", ""), "education", EDUCATION_LEVELS)
    status = S.enum(data.get("spouse_status", "none"), "spouse_status", SPOUSE_STATUSES)

    first = second = None
    first_given = second_given = False
    if data.get("first_language") is not None:
        first, first_given = _language_from_json(data["first_language"], "first_language", as_of)
    if data.get("second_language") is not None:
        second, second_given = _language_from_json(
            data["second_language"], "second_language", as_of
        )
    if first is not None and second is not None:
        if not first_given and second_given:
            first = _relabel(first, "fr" if second.language == "en" else "en")
        elif first_given and not second_given:
            second = _relabel(second, "fr" if first.language == "en" else "en")
        elif not first_given and not second_given:
            second = _relabel(second, "fr")
        if first.language == second.language:
            raise SpecError("second_language.test", "must be the other official language")
    elif second is not None and not second_given:
        second = _relabel(second, "fr")

    def years(key: str) -> int:
        return S.integer(data.get(key, 0), key, minimum=0, maximum=100)

    spouse = None
    if status == "accompanying":
        sp = S.obj(S.required(data, "spouse", ""), "spouse", _SPOUSE_KEYS)
        sp_lang = None
        if sp.get("language") is not None:
            sp_lang, _ = _language_from_json(sp["language"], "spouse.language", as_of)
        spouse = SpouseProfile(
            education=S.enum(
                S.required(sp, "education", "spouse"), "spouse.education", EDUCATION_LEVELS
            ),
            language=sp_lang,
            canadian_work_years=S.integer(
                sp.get("canadian_work_years", 0),
                "spouse.canadian_work_years",
                minimum=0,
                maximum=100,
            ),
        )
    elif data.get("spouse") is not None:
        S.obj(data["spouse"], "spouse", _SPOUSE_KEYS)  # shape still checked; not scored

    return CrsProfile(
        age=age,
        spouse_status=status,
        education=education,
        first_language=first,
        second_language=second,
        canadian_work_years=years("canadian_work_years"),
        foreign_work_years=years("foreign_work_years"),
        certificate_of_qualification=S.boolean(
            data.get("certificate_of_qualification", False), "certificate_of_qualification"
        ),
        provincial_nomination=S.boolean(
            data.get("provincial_nomination", False), "provincial_nomination"
        ),
        arranged_employment=S.enum(
            data.get("arranged_employment", "none"), "arranged_employment", ARRANGED_EMPLOYMENT
        ),
        canadian_education=S.enum(
            data.get("canadian_education", "none"), "canadian_education", CANADIAN_EDUCATION
        ),
        sibling_in_canada=S.boolean(data.get("sibling_in_canada", False), "sibling_in_canada"),
        spouse=spouse,
    )


def _relabel(levels: LanguageLevels, language: str) -> LanguageLevels:
    return LanguageLevels(
        levels.test, levels.listening, levels.reading, levels.writing, levels.speaking, language
    )


def crs_score_json(data: Mapping[str, Any], *, today: date) -> dict[str, Any]:
    """Convenience for the crs_score command: parse one document and return the output dict."""
    profile, as_of = crs_profile_from_json(data, default_as_of=today)
    return crs_score(profile, as_of=as_of).to_dict()


__all__ = [
    "CrsProfile",
    "CrsResult",
    "LanguageLevels",
    "SpouseProfile",
    "SpecError",
    "DETAIL_KEYS",
    "crs_score",
    "crs_profile_from_json",
    "crs_score_json",
    "TEF_NEW_SCALE_FROM",
    "ENGLISH_TESTS",
    "FRENCH_TESTS",
]
