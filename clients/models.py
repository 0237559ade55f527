"""Firms, memberships and client profiles: facts as recorded from documents.

Nothing here is a conclusion; the rules engine (eligibility.rules) derives
CLB levels, years of work and points as of a date.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clients.noc import localized_title
from clients.validators import NOTES_MAX_LENGTH, notes_length, single_line
from eligibility.labels import EDUCATION_LEVEL_CHOICES, LANGUAGE_TEST_CHOICES
from eligibility.rules import profile_expires_on


class Firm(models.Model):
    # The firm's name and address are the From header of every client email.
    name = models.CharField(_("name"), max_length=200, validators=[single_line])
    email = models.EmailField(_("firm email"), blank=True, help_text=_("Sender of client emails."),
                              validators=[single_line])
    time_zone = models.CharField(_("time zone"), max_length=64, default="America/Toronto")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("firm")

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    class Role(models.TextChoices):
        OWNER = "owner", _("Owner")
        CONSULTANT = "consultant", _("Consultant")
        ASSISTANT = "assistant", _("Assistant")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membership"
    )
    firm = models.ForeignKey(Firm, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.CONSULTANT)
    rcic_number = models.CharField(_("RCIC licence number"), max_length=20, blank=True)
    # The language of the emails sent to this member; the navbar's EN/FR switcher updates it.
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE,
        help_text=_("Emails to this member (round digests, daily summaries) are written in it."),
    )

    class Meta:
        verbose_name = _("membership")

    def __str__(self) -> str:
        return f"{self.user} @ {self.firm} ({self.role})"


class Noc(models.Model):
    """A NOC 2021 unit group (all 516, loaded from clients/data/noc-2021.csv)."""

    code = models.CharField(max_length=5, primary_key=True)
    title = models.CharField(max_length=255)
    teer = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["code"]
        verbose_name = _("NOC 2021 unit group")
        verbose_name_plural = _("NOC 2021 unit groups")  # French: not "… CNP 2021s"

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def local_title(self) -> str:
        """The title in the active language: the CNP 2021 French title on French pages (clients.noc)."""
        return localized_title(self.code, self.title)


class ClientQuerySet(models.QuerySet):
    def for_user(self, user) -> ClientQuerySet:
        """The one place firm isolation lives: a user sees only their firm's clients."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        membership = getattr(user, "membership", None)
        if membership is None:
            return self.none()
        return self.filter(firm_id=membership.firm_id)

    def active(self) -> ClientQuerySet:
        return self.exclude(status__in=[Client.Status.LANDED, Client.Status.CLOSED])


class Client(models.Model):
    class Status(models.TextChoices):
        PROSPECT = "prospect", _("Prospect")
        IN_POOL = "in_pool", _("In pool")
        INVITED = "invited", _("Invited")
        APPLIED = "applied", _("Applied")
        LANDED = "landed", _("Landed")
        CLOSED = "closed", _("Closed")

    class MaritalStatus(models.TextChoices):
        SINGLE = "single", _("Single")
        MARRIED = "married", _("Married")
        COMMON_LAW = "common_law", _("Common-law")
        SEPARATED = "separated", _("Separated")
        DIVORCED = "divorced", _("Divorced")
        WIDOWED = "widowed", _("Widowed")

    class Language(models.TextChoices):
        EN = "en", _("English")
        FR = "fr", _("French")

    firm = models.ForeignKey(Firm, on_delete=models.PROTECT, related_name="clients")
    consultant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="assigned_clients",
        verbose_name=_("assigned consultant"),
    )
    # Name and address are the To header of the client's reminders.
    first_name = models.CharField(_("first name"), max_length=100, validators=[single_line])
    last_name = models.CharField(_("last name"), max_length=100, validators=[single_line])
    email = models.EmailField(_("email"), blank=True, validators=[single_line])
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=2, choices=Language.choices, default=Language.EN
    )
    date_of_birth = models.DateField(_("date of birth"))
    marital_status = models.CharField(
        _("marital status"), max_length=20, choices=MaritalStatus.choices, default="single"
    )
    citizenship_countries = models.CharField(
        _("citizenship countries"), max_length=100, blank=True,
        help_text=_("ISO codes separated by commas, e.g. IN, PH"),
    )
    residence_countries = models.CharField(
        _("residence countries"), max_length=200, blank=True,
        help_text=_("Countries lived in 6 months or more since age 18, ISO codes separated by commas"),
    )
    ee_profile_number = models.CharField(_("Express Entry profile number"), max_length=20, blank=True)
    ee_submitted_at = models.DateTimeField(_("profile submitted at"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default="prospect")
    notes = models.TextField(_("notes"), blank=True, max_length=NOTES_MAX_LENGTH, validators=[notes_length()])

    has_certificate = models.BooleanField(_("certificate of qualification"), default=False)
    certificate_noc = models.ForeignKey(
        Noc, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("certificate NOC"),
    )
    certificate_province = models.CharField(_("certificate province"), max_length=2, blank=True)
    has_provincial_nomination = models.BooleanField(_("provincial nomination"), default=False)
    has_job_offer = models.BooleanField(_("Canadian job offer"), default=False)
    job_offer_noc = models.ForeignKey(
        Noc, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("job offer NOC"),
    )
    job_offer_years = models.PositiveSmallIntegerField(_("job offer length (years)"), default=1)
    has_sibling_in_canada = models.BooleanField(_("sibling in Canada (citizen/PR, 18+)"), default=False)
    family_size = models.PositiveSmallIntegerField(
        _("family size"), default=1, validators=[MinValueValidator(1), MaxValueValidator(30)]
    )
    settlement_funds_cad = models.PositiveIntegerField(_("settlement funds (CAD)"), null=True, blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ClientQuerySet.as_manager()

    class Meta:
        ordering = ["last_name", "first_name", "id"]
        indexes = [
            models.Index(fields=["firm", "status"]),
            models.Index(fields=["firm", "consultant"]),
            models.Index(fields=["firm", "last_name", "first_name"]),
        ]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def profile_expires_on(self) -> date | None:
        """The day the Express Entry profile expires (the engine's validity period), in local time."""
        if self.ee_submitted_at is None:
            return None
        return profile_expires_on(timezone.localdate(self.ee_submitted_at))


class Spouse(models.Model):
    client = models.OneToOneField(Client, on_delete=models.CASCADE, related_name="spouse")
    first_name = models.CharField(_("first name"), max_length=100, blank=True, validators=[single_line])
    last_name = models.CharField(_("last name"), max_length=100, blank=True, validators=[single_line])
    is_accompanying = models.BooleanField(_("accompanying"), default=True)
    is_canadian_citizen_or_pr = models.BooleanField(_("Canadian citizen or PR"), default=False)

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}".strip() or "spouse"


class _PersonFact(models.Model):
    """A fact about the client, or their spouse when `of_spouse` is true."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="%(class)ss")
    of_spouse = models.BooleanField(_("spouse's"), default=False)

    class Meta:
        abstract = True


class Education(_PersonFact):
    level = models.CharField(_("level"), max_length=20, choices=EDUCATION_LEVEL_CHOICES)
    is_canadian = models.BooleanField(_("Canadian credential"), default=False)
    completed_on = models.DateField(_("completion date"), null=True, blank=True)
    eca_reference = models.CharField(_("ECA reference"), max_length=50, blank=True)
    eca_on = models.DateField(_("ECA date"), null=True, blank=True, help_text=_("Valid 5 years."))

    class Meta:
        ordering = ["completed_on", "id"]
        verbose_name = _("education credential")

    def __str__(self) -> str:
        return self.get_level_display()


class LanguageTest(_PersonFact):
    test = models.CharField(_("test"), max_length=20, choices=LANGUAGE_TEST_CHOICES)
    taken_on = models.DateField(_("test date"))
    listening = models.DecimalField(_("listening"), max_digits=5, decimal_places=1)
    reading = models.DecimalField(_("reading"), max_digits=5, decimal_places=1)
    writing = models.DecimalField(_("writing"), max_digits=5, decimal_places=1)
    speaking = models.DecimalField(_("speaking"), max_digits=5, decimal_places=1)

    class Meta:
        ordering = ["taken_on", "id"]
        verbose_name = _("language test")

    def __str__(self) -> str:
        return f"{self.get_test_display()} {self.taken_on}"


class Job(_PersonFact):
    noc = models.ForeignKey(Noc, on_delete=models.PROTECT, related_name="+", verbose_name=_("NOC 2021"))
    employer = models.CharField(_("employer"), max_length=200, blank=True)
    country = models.CharField(_("country"), max_length=2, default="CA", help_text=_("ISO code, e.g. CA"))
    start_on = models.DateField(_("start date"))
    end_on = models.DateField(_("end date"), null=True, blank=True, help_text=_("Empty if ongoing."))
    hours_per_week = models.DecimalField(
        _("hours per week"), max_digits=4, decimal_places=1,
        validators=[MinValueValidator(1), MaxValueValidator(168)],
    )
    is_paid = models.BooleanField(_("paid"), default=True)
    is_self_employed = models.BooleanField(_("self-employed"), default=False)
    was_full_time_student = models.BooleanField(_("full-time student at the time"), default=False)

    class Meta:
        ordering = ["start_on", "id"]
        verbose_name = _("job")

    def __str__(self) -> str:
        return f"{self.noc_id} {self.start_on}"
