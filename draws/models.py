"""Express Entry draw categories and rounds of invitations."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from eligibility.labels import ROUND_TYPE_NAMES
from eligibility.rules import CRS_MAX_TOTAL, in_force


def local_today() -> date:
    """Today in the project's time zone (TIME_ZONE, Ottawa's by default), whatever zone is active.

    The admin shows round times in UTC (timezone.override), but "today" for a
    round's date stays the local one.
    """
    return timezone.localdate(timezone=timezone.get_default_timezone())


class Category(models.Model):
    """A category of category-based selection for one period (e.g. healthcare_social 2026).

    Seeded from draws/data/categories.json and editable in the admin, because
    IRCC changes the lists and an admin must follow without a release.
    """

    EXPERIENCE_RULES = [
        ("occupation_2023_2025", _("6 continuous months in 3 years (2023-05-31 to 2026-02-17)")),
        ("occupation_2026", _("12 months in 3 years, not necessarily continuous (from 2026-02-18)")),
        ("canadian_experience_2026", _("12 months of Canadian work in 3 years")),
        ("skilled_military_2026", _("Skilled military recruit (CAF job offer)")),
        ("language", _("French: NCLC 7 in all four abilities")),
    ]

    slug = models.SlugField(_("category id"), max_length=40)
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_fr = models.CharField(_("name (French)"), max_length=200, blank=True)
    effective_from = models.DateField(_("applies from"))
    effective_to = models.DateField(_("applies to"), null=True, blank=True)
    experience_rule = models.CharField(_("experience rule"), max_length=40, choices=EXPERIENCE_RULES)
    nocs = models.ManyToManyField("clients.Noc", blank=True, related_name="categories",
                                  verbose_name=_("eligible NOC 2021 codes"))
    draw_names = models.JSONField(_("names IRCC uses for its rounds"), default=list, blank=True)
    is_list_unconfirmed = models.BooleanField(_("list UNCONFIRMED"), default=False)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["-effective_from", "slug"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        constraints = [
            models.UniqueConstraint(fields=["slug", "effective_from"], name="category_slug_period"),
        ]

    def __str__(self) -> str:
        return f"{self.name_en} ({self.effective_from.year})"

    @property
    def name(self) -> str:
        """The name in the interface's language: the French name on French pages when one is recorded."""
        if self.name_fr and (get_language() or "").startswith("fr"):
            return self.name_fr
        return self.name_en

    def applies_on(self, day: date) -> bool:
        """Whether this category's list was in force on `day`."""
        return in_force(self, day)

    @property
    def period_label(self) -> str:
        """'May 31, 2023 to Dec 31, 2023', or 'from Feb 18, 2026' (French: '18 fév. 2026')."""
        start = date_format(self.effective_from, "DATE_FORMAT")
        if self.effective_to is None:
            return str(_("from %(start)s") % {"start": start})
        end = date_format(self.effective_to, "DATE_FORMAT")
        return str(_("%(start)s to %(end)s") % {"start": start, "end": end})


class Draw(models.Model):
    """One round of invitations, as IRCC publishes it."""

    class Type(models.TextChoices):
        GENERAL = "general", ROUND_TYPE_NAMES["general"]
        CEC = "cec", ROUND_TYPE_NAMES["cec"]
        FSW = "fsw", ROUND_TYPE_NAMES["fsw"]
        FSTP = "fstp", ROUND_TYPE_NAMES["fstp"]
        PNP = "pnp", ROUND_TYPE_NAMES["pnp"]
        CATEGORY = "category", ROUND_TYPE_NAMES["category"]
        OTHER = "other", ROUND_TYPE_NAMES["other"]

    class Source(models.TextChoices):
        MANUAL = "manual", _("Manual entry")
        IMPORT = "import", _("IRCC import")

    round_number = models.CharField(_("round number"), max_length=10, unique=True)
    drawn_on = models.DateField(_("date"))
    drawn_at = models.DateTimeField(_("date-time (UTC)"), null=True, blank=True)
    tie_break_at = models.DateTimeField(_("tie-break cut-off"), null=True, blank=True)
    type = models.CharField(_("type"), max_length=10, choices=Type.choices)
    category = models.ForeignKey(Category, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="draws", verbose_name=_("category"))
    ircc_name = models.CharField(_("IRCC round name"), max_length=200, blank=True)
    programs_text = models.CharField(_("programs covered"), max_length=300, blank=True)
    invitations_issued = models.PositiveIntegerField(
        _("invitations issued"), validators=[MinValueValidator(1)]
    )
    lowest_crs = models.PositiveSmallIntegerField(
        _("lowest CRS invited"), validators=[MaxValueValidator(CRS_MAX_TOTAL)]
    )
    distribution_on = models.DateField(_("distribution as on"), null=True, blank=True)
    distribution = models.JSONField(_("CRS distribution (dd1..dd18)"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default="manual")
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    entered_at = models.DateTimeField(_("entered at"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Set when the after-draw job has stored the round's matches; a recent round still without it
    # (its job lost with the broker, say) is picked up by the sweep (services.match_pending_draws).
    matched_at = models.DateTimeField(_("matched at"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-drawn_on", "-round_number"]
        indexes = [models.Index(fields=["type", "drawn_on"]), models.Index(fields=["drawn_on"])]
        # What staff call it, with its plural spelt out (Django's default adds an "s" to the name).
        verbose_name = _("round of invitations")
        verbose_name_plural = _("rounds of invitations")

    def __str__(self) -> str:
        return f"#{self.round_number} {self.drawn_on} {self.type_label} ({self.lowest_crs})"

    def clean(self) -> None:
        """The invariants of a round, with messages that name the field.

        A category round needs a category in force on its date; any other round
        has none; a round cannot be dated in the future (today in TIME_ZONE).
        """
        errors: dict[str, list] = {}
        if self.drawn_on and self.drawn_on > local_today():
            errors.setdefault("drawn_on", []).append(
                _("The date %(date)s is in the future; record a round once IRCC has held it.")
                % {"date": self.drawn_on.isoformat()}
            )
        if self.type == self.Type.CATEGORY and self.category_id is None:
            errors.setdefault("category", []).append(_("A category round needs a category."))
        elif self.type != self.Type.CATEGORY and self.category_id is not None:
            errors.setdefault("category", []).append(
                _("Only a category round has a category; this round's type is %(type)s.")
                % {"type": self.get_type_display()}
            )
        elif self.category_id is not None and self.drawn_on and not self.category.applies_on(self.drawn_on):
            errors.setdefault("category", []).append(
                _("%(category)s applies %(period)s, not on the round's date %(date)s.")
                % {"category": self.category, "period": self.category.period_label,
                   "date": self.drawn_on.isoformat()}
            )
        if errors:
            raise ValidationError(errors)

    @property
    def type_label(self) -> str:
        if self.type == self.Type.CATEGORY and self.category_id:
            return self.category.name
        if self.type == self.Type.OTHER and self.ircc_name:
            return self.ircc_name
        # Not get_type_display(): it rebuilds and hashes the lazy choices on every call, and the
        # history page asks once per round (a third of that page's time for 435 rounds).
        try:
            return str(self.Type(self.type).label)
        except ValueError:
            return self.type


class DrawMatch(models.Model):
    """A client who would have been invited in a round (stored by the after-draw job).

    The score is the client's stored CRS when the job ran (eligibility.ClientAssessment),
    and the margin how far above the round's cut-off it was.
    """

    draw = models.ForeignKey(Draw, on_delete=models.CASCADE, related_name="matches", verbose_name=_("round"))
    client = models.ForeignKey("clients.Client", on_delete=models.CASCADE, related_name="draw_matches",
                               verbose_name=_("client"))
    firm = models.ForeignKey("clients.Firm", on_delete=models.CASCADE, related_name="+",
                             verbose_name=_("firm"))
    crs = models.PositiveSmallIntegerField(_("CRS score"))
    margin = models.SmallIntegerField(_("points above the cut-off"))
    created = models.DateTimeField(_("matched at"), auto_now_add=True)

    class Meta:
        ordering = ["-draw__drawn_on", "-crs"]
        constraints = [models.UniqueConstraint(fields=["draw", "client"], name="drawmatch_once_per_client")]
        indexes = [models.Index(fields=["firm", "draw", "-crs"], name="drawmatch_firm_draw_crs")]
        verbose_name = _("round match")
        verbose_name_plural = _("round matches")

    def __str__(self) -> str:
        return f"round {self.draw_id}: client {self.client_id} ({self.crs}, +{self.margin})"


class DrawDigest(models.Model):
    """The one email a consultant gets about a round: claimed before sending, marked sent after.

    Unique per (round, consultant); see draws.services.send_draw_digests.
    """

    draw = models.ForeignKey(Draw, on_delete=models.CASCADE, related_name="digests", verbose_name=_("round"))
    consultant = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
                                   verbose_name=_("consultant"))
    firm = models.ForeignKey("clients.Firm", on_delete=models.CASCADE, related_name="+",
                             verbose_name=_("firm"))
    match_count = models.PositiveIntegerField(_("clients in the digest"), default=0)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    claimed_at = models.DateTimeField(_("claimed for sending at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)

    class Meta:
        ordering = ["-created"]
        constraints = [
            models.UniqueConstraint(fields=["draw", "consultant"], name="drawdigest_once_per_consultant"),
        ]
        verbose_name = _("round digest")
        verbose_name_plural = _("round digests")

    def __str__(self) -> str:
        return f"round {self.draw_id} digest to user {self.consultant_id}"


class FeedCheck(models.Model):
    """One check of IRCC's rounds feed (beat, or `manage.py check_ircc_feed`): what came back.

    A row is created as `running` before the download (one running check at a time, by the
    partial unique constraint: a second worker polling at the same moment records `skipped`),
    and finished with the outcome. The ETag and Last-Modified of the last good answer make the
    next request conditional. Staff read these rows in the admin; the round-data banner reads
    the last successful one (draws.freshness.round_data_freshness).
    """

    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        IMPORTED = "imported", _("Read and imported")
        NOT_MODIFIED = "not_modified", _("Not modified since the last check")
        FAILED = "failed", _("Could not be fetched")
        MALFORMED = "malformed", _("Malformed feed: nothing changed")
        SKIPPED = "skipped", _("Skipped: another check was running")

    SUCCESSFUL = (Status.IMPORTED, Status.NOT_MODIFIED)

    url = models.CharField(_("address"), max_length=500)
    started_at = models.DateTimeField(_("started at"), default=timezone.now, db_index=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    status = models.CharField(_("outcome"), max_length=20, choices=Status.choices, default=Status.RUNNING)
    http_status = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    rounds_read = models.PositiveIntegerField(_("rounds read"), default=0)
    rounds_added = models.PositiveIntegerField(_("rounds added"), default=0)
    rounds_updated = models.PositiveIntegerField(_("rounds updated"), default=0)
    error = models.TextField(_("error"), blank=True)
    etag = models.CharField(_("ETag"), max_length=500, blank=True)
    last_modified = models.CharField(_("Last-Modified"), max_length=100, blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["status"], condition=models.Q(status="running"),
                                    name="feedcheck_one_running"),
        ]
        indexes = [models.Index(fields=["status", "-started_at"], name="feedcheck_status_started")]
        verbose_name = _("IRCC feed check")
        verbose_name_plural = _("IRCC feed checks")

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M} {self.status}"

    @property
    def is_successful(self) -> bool:
        return self.status in self.SUCCESSFUL
