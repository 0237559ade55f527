"""Stored assessments: a deliberate cache of each client's current result.

`ClientAssessment` holds one row per client, refreshed by
eligibility.services.refresh_assessments whenever the profile changes and
nightly, so the after-draw matching job and the dashboard read scores in bulk
instead of recomputing every profile.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from eligibility import rules
from eligibility.i18n import category_name
from eligibility.labels import CRS_FACTOR_NAMES_IN_SENTENCES, DOCUMENT_NAMES, PROGRAM_NAMES
from eligibility.rules import verdict

# The three verdicts of shared/spec/assessment.md, with the one label each shows everywhere
# (the badge of templatetags/verdicts.py reads these; programs say met / not met).
STATUS_CHOICES = [
    (verdict.ELIGIBLE, _("Eligible")),
    (verdict.NOT_ELIGIBLE, _("Not eligible")),
    (verdict.CANNOT_JUDGE, pgettext_lazy("verdict", "Check")),
]
STATUS_LABELS = {
    "category": dict(STATUS_CHOICES),
    "program": {verdict.ELIGIBLE: _("Met"), verdict.NOT_ELIGIBLE: _("Not met"),
                verdict.CANNOT_JUDGE: pgettext_lazy("verdict", "Check")},
}


class ClientAssessment(models.Model):
    client = models.OneToOneField("clients.Client", on_delete=models.CASCADE, related_name="assessment")
    firm = models.ForeignKey("clients.Firm", on_delete=models.CASCADE, related_name="+")
    as_of = models.DateField()
    rules = models.CharField(max_length=10)
    crs_total = models.PositiveSmallIntegerField(db_index=True)
    fsw = models.BooleanField(default=False)
    cec = models.BooleanField(default=False)
    fstp = models.BooleanField(default=False)
    # Three-way verdicts (rules.status values); the booleans above are status == "eligible",
    # kept for the readers that only ask "eligible?". "cannot_judge" is never "not eligible".
    fsw_status = models.CharField(max_length=12, choices=STATUS_CHOICES, default=verdict.NOT_ELIGIBLE)
    cec_status = models.CharField(max_length=12, choices=STATUS_CHOICES, default=verdict.NOT_ELIGIBLE)
    fstp_status = models.CharField(max_length=12, choices=STATUS_CHOICES, default=verdict.NOT_ELIGIBLE)
    categories = models.JSONField(default=list)  # slugs of eligible categories
    categories_check = models.JSONField(default=list)  # slugs of categories that cannot be judged
    # The round types the client is open to (rules.open_round_types: "general", "cec", "pnp",
    # "category:<slug>"...), so the after-draw matching reads the engine's rule instead of re-deriving it.
    open_round_types = models.JSONField(default=list)
    result = models.JSONField()  # Assessment.to_dict()
    # A digest of what the refresh wrote besides the day (services._digest): a nightly refresh that
    # computes the same digest only moves as_of (and result's as_of) instead of rewriting the document.
    # The database's default too: a worker still running the previous code during a deployment
    # writes rows without it (a full write next night).
    result_digest = models.CharField(max_length=32, blank=True, default="", db_default="")
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["firm", "crs_total"])]
        verbose_name = _("stored assessment")
        verbose_name_plural = _("stored assessments")

    def __str__(self) -> str:
        return f"{self.client_id}: {self.crs_total} on {self.as_of}"

    @property
    def any_program(self) -> bool:
        return self.fsw or self.cec or self.fstp

    @property
    def check_programs(self) -> list[str]:
        """Codes of the programs that cannot be judged (shown as "Check", never as not met)."""
        return [code for code in rules.PROGRAMS
                if getattr(self, f"{code}_status") == verdict.CANNOT_JUDGE]


class Report(models.Model):
    """A stored eligibility report: what the advice was on a given day, and why.

    A snapshot, never recomputed: the input facts and the full report content
    (assessment, backtest, pool position, what-if, changes ahead) are kept as
    JSON exactly as they were when the consultant generated it, so two reports
    can be compared later even after the rules or the profile changed.
    """

    client = models.ForeignKey("clients.Client", on_delete=models.CASCADE, related_name="reports",
                               verbose_name=_("client"))
    firm = models.ForeignKey("clients.Firm", on_delete=models.CASCADE, related_name="+",
                             verbose_name=_("firm"))
    as_of = models.DateField(_("as of"))
    rules = models.CharField(_("rule set"), max_length=10,
                             help_text=_("Date the CRS rule set applied came into force."))
    crs_total = models.PositiveSmallIntegerField(_("CRS total"))
    facts = models.JSONField(_("input facts"))
    results = models.JSONField(_("results"))
    generated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+",
                                     verbose_name=_("generated by"))
    generated_at = models.DateTimeField(_("generated at"), auto_now_add=True)

    class Meta:
        ordering = ["-generated_at", "-id"]
        indexes = [models.Index(fields=["client", "-generated_at"])]
        verbose_name = _("report")
        verbose_name_plural = _("reports")

    def __str__(self) -> str:
        return f"Report {self.pk} for client {self.client_id} as of {self.as_of}"


class Alert(models.Model):
    """Something the consultant should know about a client, raised by the nightly job.

    Unique per (client, kind, key): the key names the event (e.g. the date and
    the scores, the program, the document and its expiry), so running the job
    twice never raises the same alert twice.
    """

    class Kind(models.TextChoices):
        SCORE_CHANGE = "score_change", _("Score change")
        NEWLY_ELIGIBLE = "newly_eligible", _("Newly eligible")
        NO_LONGER_ELIGIBLE = "no_longer_eligible", _("No longer eligible")
        # A change to or from "cannot judge" is neither of the two above, and says so.
        CANNOT_JUDGE = "cannot_judge", _("Can no longer be judged")
        NOW_JUDGED = "now_judged", _("Now judged")
        DOCUMENT_EXPIRING = "document_expiring", _("Document expiring")

    firm = models.ForeignKey("clients.Firm", on_delete=models.CASCADE, related_name="+",
                             verbose_name=_("firm"))
    client = models.ForeignKey("clients.Client", on_delete=models.CASCADE, related_name="alerts",
                               verbose_name=_("client"))
    consultant = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="eligibility_alerts",
                                   verbose_name=_("consultant"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    key = models.CharField(_("event key"), max_length=120)
    data = models.JSONField(_("details"), default=dict)
    raised_on = models.DateField(_("raised on"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    dismissed_at = models.DateTimeField(_("dismissed at"), null=True, blank=True)

    class Meta:
        ordering = ["-raised_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["client", "kind", "key"], name="alert_once_per_event"),
        ]
        indexes = [models.Index(fields=["firm", "consultant", "dismissed_at", "-raised_on"])]
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")

    def __str__(self) -> str:
        return f"{self.kind} {self.key} (client {self.client_id})"

    @property
    def message(self) -> str:
        """One translated sentence for the consultant, built from kind and data."""
        return alert_message(self.kind, self.data)


def alert_message(kind: str, data: dict) -> str:
    """The sentence shown for an alert (translated when displayed, not when raised)."""
    if kind == Alert.Kind.SCORE_CHANGE:
        text = _("CRS score changed from %(old)s to %(new)s") % data
        reasons = data.get("reasons") or []
        if reasons:
            text += " (" + "; ".join(str(_factor_reason(r)) for r in reasons) + ")"
        return text
    if kind in (Alert.Kind.NEWLY_ELIGIBLE, Alert.Kind.NO_LONGER_ELIGIBLE):
        name = PROGRAM_NAMES.get(data.get("program")) or category_name(data.get("category", ""),
                                                                        data.get("name", ""))
        if kind == Alert.Kind.NEWLY_ELIGIBLE:
            return _("Newly eligible: %(name)s") % {"name": name}
        return _("No longer eligible: %(name)s") % {"name": name}
    if kind in (Alert.Kind.CANNOT_JUDGE, Alert.Kind.NOW_JUDGED):
        name = PROGRAM_NAMES.get(data.get("program")) or category_name(data.get("category", ""),
                                                                        data.get("name", ""))
        if kind == Alert.Kind.CANNOT_JUDGE:
            return _("Can no longer be judged: %(name)s (check the missing facts or list)") % {"name": name}
        if data.get("status") == verdict.ELIGIBLE:
            return _("Now judged: eligible for %(name)s") % {"name": name}
        return _("Now judged: not eligible for %(name)s") % {"name": name}
    if kind == Alert.Kind.DOCUMENT_EXPIRING:
        return _("%(document)s expires on %(expires_on)s") % {
            "document": DOCUMENT_NAMES.get(data.get("document"), data.get("document")),
            "expires_on": data.get("expires_on"),
        }
    return str(kind)


def _factor_reason(reason: dict) -> str:
    if reason.get("factor") == "age" and reason.get("age"):
        return _("birthday: now %(age)s, age points %(delta)+d") % reason
    label = CRS_FACTOR_NAMES_IN_SENTENCES.get(reason["factor"], reason["factor"])
    return _("%(label)s %(delta)+d") % {"label": label, "delta": reason["delta"]}


class RefreshRun(models.Model):
    """One fanned-out nightly refresh (eligibility.tasks.nightly_refresh): when it was dispatched, so
    that beat's periodic sweep (tasks.nightly_sweep) can redo the chunks a dead worker lost, and until
    when it is watched. Written by services.start_refresh_run and services.sweep_refresh_runs only."""

    as_of = models.DateField()
    started_at = models.DateTimeField()
    chunk_size = models.PositiveIntegerField()
    sweeps = models.PositiveSmallIntegerField(default=0)
    swept_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)  # nothing left to redo, or given up

    class Meta:
        indexes = [models.Index(fields=["finished_at", "started_at"])]

    def __str__(self) -> str:
        return f"refresh of {self.as_of} started {self.started_at:%Y-%m-%d %H:%M}"
