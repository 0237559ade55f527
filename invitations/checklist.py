"""The ITA checklist: which documents a client needs, generated from their recorded facts."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from clients.formatting import country_name
from clients.models import Client, Firm
from invitations.models import ChecklistItem, ChecklistItemType, Invitation

# IRCC asks for a police certificate from each country (other than Canada) where the
# applicant spent six months or more since age 18.
NO_POLICE_CERTIFICATE_FROM = {"CA"}

# The default document names (migration 0002), by key: stored in English on the items, shown in
# the page's or the email's language. A firm's own names are shown as the firm wrote them.
DEFAULT_NAMES = {
    "police_certificate": gettext_noop("Police certificate"),
    "medical_exam": gettext_noop("Immigration medical exam"),
    "reference_letter": gettext_noop("Employment reference letter (duties matching the NOC)"),
    "proof_of_funds": gettext_noop("Proof of settlement funds"),
    "trade_qualification": gettext_noop("Trade certificate or qualifying job offer (FSTP)"),
    "relationship_proof": gettext_noop("Proof of marriage or common-law relationship"),
    "passport": gettext_noop("Passport copies (all pages)"),
    "photos": gettext_noop("Digital photos"),
}


def type_name(item_type: ChecklistItemType) -> str:
    """A document type's name as shown: a default's in the current language, a firm's as written."""
    if item_type.firm_id is None and DEFAULT_NAMES.get(item_type.key) == item_type.name:
        return _(item_type.name)
    return item_type.name


def display_label(item: ChecklistItem) -> str:
    """An item's label in the current language: a default document's name translated, and the
    country of a police certificate by name ("Certificat de police — Inde"). No query."""
    label = item.label
    default = DEFAULT_NAMES.get(item.key)
    if default and label.startswith(default):
        label = _(default) + label[len(default):]
    code = item.subject.removeprefix("spouse-")
    if item.key == "police_certificate" and len(code) == 2 and f" — {code}" in label:
        label = label.replace(f" — {code}", f" — {country_name(code)}", 1)
    return label


def item_types_for(firm: Firm) -> list[ChecklistItemType]:
    """The firm's item types: its own rows, plus every default it has not replaced (same key)."""
    by_key: dict[str, ChecklistItemType] = {}
    rows = ChecklistItemType.objects.filter(Q(firm=firm) | Q(firm__isnull=True))
    for row in sorted(rows, key=lambda r: r.firm_id is not None):  # defaults first, firm rows win
        by_key[row.key] = row
    return sorted(by_key.values(), key=lambda r: (r.position, r.name.lower()))


def country_codes(text: str) -> list[str]:
    """'in, ae ; PH' -> ['IN', 'AE', 'PH']: ISO codes in order of appearance, without repeats."""
    codes: list[str] = []
    for part in re.split(r"[\s,;/]+", text or ""):
        code = part.strip().upper()
        if len(code) == 2 and code.isalpha() and code not in codes:
            codes.append(code)
    return codes


def police_certificate_countries(client: Client) -> list[str]:
    """Countries of residence and of the applicant's jobs, except Canada."""
    codes = country_codes(client.residence_countries)
    codes += country_codes(", ".join(job.country for job in client.jobs.all() if not job.of_spouse))
    return [c for c in dict.fromkeys(codes) if c not in NO_POLICE_CERTIFICATE_FROM]


def spouse_police_certificate_countries(client: Client) -> list[str]:
    """Countries of an accompanying spouse's recorded jobs, except Canada.

    IRCC asks the accompanying spouse or partner for police certificates too. The profile records
    the spouse's jobs (with their country) but not where else the spouse lived, so the consultant
    adds any other country by hand; a spouse who is not coming, or who is already a Canadian
    citizen or PR, needs none.
    """
    spouse = getattr(client, "spouse", None)
    if not _has_spouse(client) or spouse is None or not spouse.is_accompanying \
            or spouse.is_canadian_citizen_or_pr:
        return []
    codes = country_codes(", ".join(job.country for job in client.jobs.all() if job.of_spouse))
    return [c for c in codes if c not in NO_POLICE_CERTIFICATE_FROM]


def _has_spouse(client: Client) -> bool:
    if client.marital_status in (Client.MaritalStatus.MARRIED, Client.MaritalStatus.COMMON_LAW):
        return True
    return getattr(client, "spouse", None) is not None


def _spouse_name(client: Client) -> str:
    spouse = getattr(client, "spouse", None)
    return str(spouse) if spouse and str(spouse) != "spouse" else _("spouse")


def _family_members(client: Client) -> Iterator[tuple[str, str]]:
    yield "applicant", client.full_name
    others = max(client.family_size - 1, 0)
    if _has_spouse(client):
        yield "spouse", _spouse_name(client)
        others -= 1
    for n in range(1, others + 1):
        yield f"dependant-{n}", _("dependant %(n)s") % {"n": n}


def _subjects(
    item_type: ChecklistItemType, client: Client, invitation: Invitation
) -> Iterable[tuple[str, str]]:
    """(subject, label) pairs: one checklist item each."""
    rule, name, Rule = item_type.rule, item_type.name, ChecklistItemType.Rule
    if rule == Rule.ALWAYS:
        return [("", name)]
    if rule == Rule.PER_COUNTRY:
        own = [(code, f"{name} — {code}") for code in police_certificate_countries(client)]
        return own + [(f"spouse-{code}", f"{name} — {code} ({_spouse_name(client)})")
                      for code in spouse_police_certificate_countries(client)]
    if rule == Rule.PER_FAMILY_MEMBER:
        return [(subject, f"{name} — {who}") for subject, who in _family_members(client)]
    if rule == Rule.PER_JOB:
        jobs = [j for j in client.jobs.all() if not j.of_spouse]
        return [(f"job-{j.pk}", f"{name} — {j.employer or j.noc_id} ({j.start_on:%Y-%m})") for j in jobs]
    draw_type = invitation.draw.type if invitation.draw_id else ""
    if rule == Rule.IF_SPOUSE:
        return [("", name)] if _has_spouse(client) else []
    if rule == Rule.UNLESS_CEC:
        return [] if draw_type == "cec" or client.has_job_offer else [("", name)]
    if rule == Rule.FSTP_ONLY:
        return [("", name)] if draw_type == "fstp" else []
    return []


# The rules whose items depend on the client's facts (countries, family, jobs, spouse, job offer):
# the ones an open invitation's checklist re-evaluates when the facts change
# (checklist_services.sync_checklist).
FACT_RULES = frozenset({
    ChecklistItemType.Rule.PER_COUNTRY, ChecklistItemType.Rule.PER_FAMILY_MEMBER,
    ChecklistItemType.Rule.PER_JOB, ChecklistItemType.Rule.IF_SPOUSE, ChecklistItemType.Rule.UNLESS_CEC,
})


def build_checklist(
    invitation: Invitation, client: Client, item_types: Iterable[ChecklistItemType], *, deadline_on: dt.date
) -> list[ChecklistItem]:
    """Unsaved checklist items, each with 'start by' = deadline date minus the type's lead time."""
    items = []
    for item_type in item_types:
        if not item_type.is_active:
            continue
        for subject, label in _subjects(item_type, client, invitation):
            items.append(ChecklistItem(
                invitation=invitation, item_type=item_type, key=item_type.key, subject=subject[:40],
                label=label[:250], lead_time_days=item_type.lead_time_days,
                start_by=deadline_on - dt.timedelta(days=item_type.lead_time_days),
            ))
    items.sort(key=lambda i: i.start_by)
    return items
