"""Express Entry draw categories and rounds of invitations."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


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

    def applies_on(self, day) -> bool:
        return self.effective_from <= day and (self.effective_to is None or day <= self.effective_to)


class Draw(models.Model):
    """One round of invitations, as IRCC publishes it."""

    class Type(models.TextChoices):
        GENERAL = "general", _("General")
        CEC = "cec", _("Canadian Experience Class")
        FSW = "fsw", _("Federal Skilled Worker")
        FSTP = "fstp", _("Federal Skilled Trades")
        PNP = "pnp", _("Provincial Nominee Program")
        CATEGORY = "category", _("Category")
        OTHER = "other", _("Other")

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
        _("lowest CRS invited"), validators=[MaxValueValidator(1200)]
    )
    distribution_on = models.DateField(_("distribution as on"), null=True, blank=True)
    distribution = models.JSONField(_("CRS distribution (dd1..dd18)"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default="manual")
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    entered_at = models.DateTimeField(_("entered at"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-drawn_on", "-round_number"]
        indexes = [models.Index(fields=["type", "drawn_on"]), models.Index(fields=["drawn_on"])]
        verbose_name = _("draw")

    def __str__(self) -> str:
        return f"#{self.round_number} {self.drawn_on} {self.type_label} ({self.lowest_crs})"

    @property
    def type_label(self) -> str:
        if self.type == self.Type.CATEGORY and self.category_id:
            return self.category.name_en
        if self.type == self.Type.OTHER and self.ircc_name:
            return self.ircc_name
        return str(self.get_type_display())
