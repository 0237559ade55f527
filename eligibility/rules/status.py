"""The three verdicts of a program or category (shared/spec/assessment.md, `status`).

Defined once here; the Django side (stored columns, badges, counts, alerts) reads these values.
CANNOT_JUDGE means the recorded facts or the reference data do not allow a verdict (an
occupation list not yet known, a condition no recorded fact covers, a missing fact); the
reasons say what is missing. It is never a "not eligible".
"""

ELIGIBLE = "eligible"
NOT_ELIGIBLE = "not_eligible"
CANNOT_JUDGE = "cannot_judge"
STATUSES = (ELIGIBLE, NOT_ELIGIBLE, CANNOT_JUDGE)


def combine(*statuses: str) -> str:
    """The verdict of conditions that must all hold: any not met wins, then any unknown."""
    if NOT_ELIGIBLE in statuses:
        return NOT_ELIGIBLE
    if CANNOT_JUDGE in statuses:
        return CANNOT_JUDGE
    return ELIGIBLE


# What the engine said, before it had a status, when it could not judge a category (an empty,
# unconfirmed occupation list; skilled military recruits). Stored reports and assessments from
# then carry no `status`: of() reads their verdict from these.
LEGACY_CANNOT_JUDGE = (
    "the occupation list for this category is unconfirmed, so eligibility cannot be judged",
    "requires a Canadian Armed Forces job offer (not recorded)",
)
_LEGACY_NO_PROGRAM = "not eligible for FSW, CEC or FSTP (category draws also require a program)"


def of(entry: dict) -> str:
    """The status of a program or category entry of an assessment document (spec JSON).

    Documents written before `status` existed (stored reports, assessments not yet refreshed)
    are read with the rules the engine had then: eligible, or cannot judge for the two legacy
    reasons while a program was met, else not eligible.
    """
    status = entry.get("status")
    if status in STATUSES:
        return status
    if entry.get("eligible"):
        return ELIGIBLE
    reasons = entry.get("reasons") or []
    if reasons and reasons[0] in LEGACY_CANNOT_JUDGE and _LEGACY_NO_PROGRAM not in reasons:
        return CANNOT_JUDGE
    return NOT_ELIGIBLE
