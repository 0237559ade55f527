"""Client profile forms: the client, the spouse and inline formsets for the facts, on one page.

Everything a consultant types is checked here with a message on the field: dates
in a plausible range, scores on the scale of the chosen test, a NOC 2021 code that
exists. Saving goes through clients.services; `ClientProfileForms` is the bundle
a view builds, validates and hands to the service.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet, inlineformset_factory
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from clients.models import Client, Education, Job, LanguageTest, Spouse
from clients.selectors import consultants_for, noc_titles
from clients.validators import SEARCH_MAX_LENGTH
from eligibility.labels import ABILITY_NAMES, language_test_name
from eligibility.rules import PARTNERED_STATUSES, TEF_NEW_SCALE_FROM, score_range

EARLIEST_DATE = dt.date(1900, 1, 1)
LATEST_DATE = dt.date(2100, 12, 31)
MIN_AGE, MAX_AGE = 14, 100
NOC_LIST_ID = "noc-options"


def _date_widget() -> forms.DateInput:
    attrs = {"type": "date", "min": "1900-01-01", "max": "2100-12-31"}
    return forms.DateInput(attrs=attrs, format="%Y-%m-%d")


def check_date_range(value: dt.date | None) -> None:
    """Reject dates a typo produces (year 0202, 20233): the range is 1900-01-01 to 2100-12-31."""
    if value is not None and not EARLIEST_DATE <= value <= LATEST_DATE:
        raise ValidationError(_("Enter a date between 1900 and 2100."), code="date_range")


def check_not_future(value: dt.date | None, message: str) -> None:
    if value is not None and value > timezone.localdate():
        raise ValidationError(message, code="future")


def age_on(born: dt.date, day: dt.date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


class NocCodeField(forms.CharField):
    """A NOC 2021 unit group, typed as a code or picked from the datalist ("31301 — Registered nurses…").

    Cleans to the five-digit code; an unknown code is an error naming it. The titles
    are handed in once per page (one query) rather than looked up per row.
    """

    def __init__(self, *, titles: Mapping[str, str] | None = None, **kwargs):
        kwargs.setdefault("max_length", 300)
        kwargs.setdefault("label", _("NOC 2021"))
        super().__init__(**kwargs)
        self._titles = titles
        self.widget.attrs.update(
            {"list": NOC_LIST_ID, "autocomplete": "off", "placeholder": _("code or title"),
             "class": "noc-input"}
        )

    @property
    def titles(self) -> Mapping[str, str]:
        if self._titles is None:
            self._titles = noc_titles()
        return self._titles

    @titles.setter
    def titles(self, value: Mapping[str, str] | None) -> None:
        self._titles = value

    def prepare_value(self, value):
        code = str(value or "").strip()
        if code in self.titles:
            return f"{code} — {self.titles[code]}"
        return value

    def to_python(self, value) -> str:
        value = super().to_python(value)
        if not value:
            return ""
        match = re.match(r"^(\d+)", value)
        if match is None:
            by_title = {title.casefold(): code for code, title in self.titles.items()}
            if value.casefold() in by_title:
                return by_title[value.casefold()]
            raise ValidationError(
                _("Enter a NOC 2021 code of five digits (e.g. 31301) or pick an occupation from the list."),
                code="invalid",
            )
        code = match.group(1)
        if len(code) != 5:
            raise ValidationError(_("A NOC 2021 code has five digits, e.g. 31301."), code="invalid")
        if code not in self.titles:
            raise ValidationError(_("Unknown NOC 2021 code %(code)s"), params={"code": code}, code="unknown")
        return code


def country_choices() -> list[tuple[str, str]]:
    """Every ISO 3166 country as (code, name), by name in the active language (django-countries)."""
    return [(code, str(name)) for code, name in countries]


def split_country_codes(value) -> list[str]:
    """'IN, ph' or ['IN', 'PH'] -> ['IN', 'PH']: the codes of a stored list or of a form's data."""
    parts = value if isinstance(value, list | tuple) else [value]
    codes: list[str] = []
    for part in parts:
        for code in re.split(r"[\s,;/]+", str(part or "")):
            if code and code.upper() not in codes:
                codes.append(code.upper())
    return codes


class CountryListWidget(forms.SelectMultiple):
    """Countries as a list of checkboxes in a scrolling box, the chosen ones first.

    A fieldset with its legend names the group; each box has its own label (the country's
    name). clients/profile_form.js adds a filter box and arrow-key moves within the list. Reads
    a browser's checkboxes (several values) and a stored value posted as one ("IN, PH": the
    fact changes' forms, intake.changes.form_data).
    """

    template_name = "clients/widgets/country_list.html"
    option_template_name = "django/forms/widgets/input_option.html"
    input_type = "checkbox"
    add_id_index = True
    option_inherits_attrs = True  # each box's id (its label's "for"); the template writes no other attribute
    use_fieldset = True
    checked_attribute = {"checked": True}

    def format_value(self, value) -> list[str]:
        return split_country_codes(value)

    def value_from_datadict(self, data, files, name) -> list[str]:
        getter = getattr(data, "getlist", None)
        return split_country_codes(getter(name) if getter else data.get(name))

    def optgroups(self, name, value, attrs=None):
        groups = super().optgroups(name, value, attrs)
        return sorted(groups, key=lambda group: not group[1][0]["selected"])  # stable: by name after

    def id_for_label(self, id_, index="0") -> str:
        return super().id_for_label(id_, index)


class CountryListField(forms.MultipleChoiceField):
    """Countries picked by name, stored as the model stores them: ISO codes joined by ", ".

    `max_length` is the model field's: the list is refused, with a message, before it would
    not fit. Unchanged means the same countries, in any order (the stored order is kept).
    """

    widget = CountryListWidget

    def __init__(self, *, max_length: int, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(choices=country_choices, **kwargs)
        self.max_countries = (max_length + 2) // 4  # "IN, PH": four characters a country

    def to_python(self, value) -> list[str]:
        return split_country_codes(value) if value not in self.empty_values else []

    def validate(self, value) -> None:
        if self.required and not value:
            raise ValidationError(self.error_messages["required"], code="required")
        known = {code for code, _name in country_choices()}
        if unknown := [code for code in value if code not in known]:
            raise ValidationError(
                _("%(field)s: %(value)s is not a country of the list; choose the countries by name."),
                params={"field": self.label, "value": ", ".join(unknown)}, code="invalid_choice",
            )
        if len(value) > self.max_countries:
            raise ValidationError(
                _("%(field)s: choose at most %(max)s countries."),
                params={"field": self.label, "max": self.max_countries}, code="too_many",
            )

    def has_changed(self, initial, data) -> bool:
        return set(split_country_codes(initial)) != set(split_country_codes(data))


def country_list_value(codes: list[str], stored: str) -> str:
    """The chosen `codes` as stored: the countries already `stored` keep their place, new ones follow;
    the same countries leave the stored text as it is ("PH,IN" is no change to record)."""
    if set(codes) == set(split_country_codes(stored)):
        return stored
    kept = [code for code in split_country_codes(stored) if code in codes]
    return ", ".join(kept + [code for code in codes if code not in kept])


def country_list_field(name: str, **kwargs) -> CountryListField:
    """The form field of a Client country list (citizenship_countries, residence_countries)."""
    return CountryListField(max_length=Client._meta.get_field(name).max_length, **kwargs)


class CountryField(forms.ChoiceField):
    """One country picked by name (a job's country), cleaned to its ISO code."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Country"))
        super().__init__(choices=lambda: [("", "—"), *country_choices()], **kwargs)

    def to_python(self, value) -> str:
        value = super().to_python(value).strip()
        return value.upper() if len(value) == 2 else value  # "ph" from an older form is PH

    def validate(self, value) -> None:
        if value in self.empty_values:
            return super().validate(value)
        if not countries.name(value):
            raise ValidationError(
                _("%(field)s: %(value)s is not a country of the list; choose the country by name."),
                params={"field": self.label, "value": value}, code="invalid_choice",
            )


class ConsultantChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.get_full_name() or obj.username


class ClientForm(forms.ModelForm):
    """The client's own record. The firm is never a field: it comes from the user's membership."""

    certificate_noc = NocCodeField(required=False, label=_("Certificate NOC"))
    job_offer_noc = NocCodeField(required=False, label=_("Job offer NOC"))
    citizenship_countries = country_list_field("citizenship_countries", label=_("Citizenship countries"))
    residence_countries = country_list_field(
        "residence_countries", label=_("Residence countries"),
        help_text=_("Every country lived in for 6 months or more since age 18."),
    )

    class Meta:
        model = Client
        fields = [
            "first_name", "last_name", "email", "phone", "preferred_language", "date_of_birth",
            "marital_status", "citizenship_countries", "residence_countries",
            "consultant", "status", "ee_profile_number", "ee_submitted_at", "notes",
            "family_size", "settlement_funds_cad", "has_sibling_in_canada",
            "has_certificate", "certificate_province", "has_provincial_nomination",
            "has_job_offer", "job_offer_years",
        ]
        field_classes = {"consultant": ConsultantChoiceField}
        labels = {"certificate_province": _("Province"), "job_offer_years": _("Years")}
        widgets = {
            "date_of_birth": _date_widget(),
            "ee_submitted_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user, titles: Mapping[str, str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["consultant"].queryset = consultants_for(user)
        self.fields["consultant"].empty_label = None
        for name in ("certificate_noc", "job_offer_noc"):
            self.fields[name].titles = titles
        if self.instance.pk:
            self.initial["certificate_noc"] = self.instance.certificate_noc_id or ""
            self.initial["job_offer_noc"] = self.instance.job_offer_noc_id or ""
        elif not self.initial.get("consultant"):  # a new client: the user, when a consultant
            if self.fields["consultant"].queryset.filter(pk=user.pk).exists():
                self.initial["consultant"] = user.pk
        self.fields["settlement_funds_cad"].widget.attrs.setdefault("min", 0)
        self.fields["certificate_province"].widget.attrs["placeholder"] = "ON"

    def clean_date_of_birth(self) -> dt.date:
        born = self.cleaned_data["date_of_birth"]
        check_date_range(born)
        age = age_on(born, timezone.localdate())
        if not MIN_AGE <= age <= MAX_AGE:
            raise ValidationError(
                _("This date of birth gives an age of %(age)s today; expected %(min)s to %(max)s."),
                params={"age": age, "min": MIN_AGE, "max": MAX_AGE}, code="age",
            )
        return born

    def clean_ee_submitted_at(self):
        value = self.cleaned_data.get("ee_submitted_at")
        if value is not None:
            check_date_range(value.date())
            if value > timezone.now():
                raise ValidationError(_("The profile submission cannot be in the future."), code="future")
        return value

    def clean_citizenship_countries(self) -> str:
        chosen = self.cleaned_data["citizenship_countries"]
        return country_list_value(chosen, self.instance.citizenship_countries)

    def clean_residence_countries(self) -> str:
        return country_list_value(self.cleaned_data["residence_countries"], self.instance.residence_countries)

    def clean_certificate_province(self) -> str:
        return self.cleaned_data.get("certificate_province", "").strip().upper()

    def clean(self):
        data = super().clean()
        if data.get("has_certificate"):
            if not data.get("certificate_noc") and "certificate_noc" not in self.errors:
                self.add_error("certificate_noc",
                               _("Enter the NOC code of the certificate of qualification."))
            if not data.get("certificate_province"):
                self.add_error("certificate_province", _("Enter the province that issued the certificate."))
        if data.get("has_job_offer") and not data.get("job_offer_noc") and "job_offer_noc" not in self.errors:
            self.add_error("job_offer_noc", _("Enter the NOC code of the job offer."))
        self.instance.certificate_noc_id = data.get("certificate_noc") or None
        self.instance.job_offer_noc_id = data.get("job_offer_noc") or None
        return data


class SpouseForm(forms.ModelForm):
    class Meta:
        model = Spouse
        fields = ["first_name", "last_name", "is_accompanying", "is_canadian_citizen_or_pr"]
        help_texts = {
            "is_accompanying": _("Coming to Canada with the client."),
            "is_canadian_citizen_or_pr": _("A citizen or PR spouse is scored as if the client were single."),
        }


class FactForm(forms.ModelForm):
    """A row of an inline formset (a credential, a test or a job of the client or the spouse)."""

    def __init__(self, *args, titles: Mapping[str, str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.help_text = ""  # a table row has no room for it; the column header says it


class EducationForm(FactForm):
    class Meta:
        model = Education
        fields = ["level", "is_canadian", "completed_on", "eca_reference", "eca_on"]
        labels = {"is_canadian": _("Canadian"), "completed_on": _("Completed"), "eca_on": _("ECA date")}
        widgets = {"completed_on": _date_widget(), "eca_on": _date_widget()}

    def clean_completed_on(self):
        value = self.cleaned_data.get("completed_on")
        check_date_range(value)
        check_not_future(value, _("The completion date cannot be in the future."))
        return value

    def clean_eca_on(self):
        value = self.cleaned_data.get("eca_on")
        check_date_range(value)
        check_not_future(value, _("The ECA date cannot be in the future."))
        return value


def score_error(test: str, ability: str, score: Decimal, taken_on: dt.date | None) -> str | None:
    """The message for a score off the test's scale, or None when it is a possible score.

    The scale is the engine's (eligibility.rules.score_range), so a score the form accepts is one
    the engine converts: TEF Canada results before the December 2023 switch use the old scale.
    """
    taken_on = taken_on or timezone.localdate()
    try:
        low, high = score_range(test, ability, taken_on)
    except ValueError:
        return None  # an unknown test is the test field's own error
    step = Decimal("0.5") if test == "ielts_general" else Decimal(1)
    low, high = Decimal(str(low)), Decimal(str(high))
    if low <= score <= high and (score - low) % step == 0:
        return None
    params = {
        "test": language_test_name(test), "ability": ABILITY_NAMES[ability],
        "low": f"{float(low):g}", "high": f"{float(high):g}",
    }
    if step != 1:
        return _("%(test)s scores run from %(low)s to %(high)s in steps of 0.5.") % params
    if test == "tef_canada" and taken_on < TEF_NEW_SCALE_FROM:
        return _("%(test)s %(ability)s scores on the old scale (tests before 11 December 2023) "
                 "are whole numbers from %(low)s to %(high)s.") % params
    return _("%(test)s %(ability)s scores are whole numbers from %(low)s to %(high)s.") % params


class LanguageTestForm(FactForm):
    class Meta:
        model = LanguageTest
        fields = ["test", "taken_on", "listening", "reading", "writing", "speaking"]
        widgets = {"taken_on": _date_widget()}
        labels = {"taken_on": _("Test date")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for ability in ("listening", "reading", "writing", "speaking"):
            self.fields[ability].widget.attrs.update({"step": "0.5", "min": 0, "max": 699})
            value = self.initial.get(ability)
            if isinstance(value, Decimal) and value == value.to_integral_value():
                self.initial[ability] = value.to_integral_value()  # 470, not 470.0; 7.5 stays 7.5

    def clean_taken_on(self):
        value = self.cleaned_data.get("taken_on")
        check_date_range(value)
        check_not_future(value, _("The test date cannot be in the future."))
        return value

    def clean(self):
        data = super().clean()
        test, taken_on = data.get("test"), data.get("taken_on")
        for ability in ("listening", "reading", "writing", "speaking"):
            score = data.get(ability)
            if test and score is not None and (message := score_error(test, ability, score, taken_on)):
                self.add_error(ability, message)
        return data


class JobForm(FactForm):
    noc = NocCodeField()
    country = CountryField(initial="CA")

    class Meta:
        model = Job
        fields = ["employer", "country", "start_on", "end_on", "hours_per_week",
                  "is_paid", "is_self_employed", "was_full_time_student"]
        labels = {
            "start_on": _("Start"), "end_on": _("End"), "hours_per_week": _("Hours/week"),
            "is_paid": _("Paid"), "is_self_employed": _("Self-employed"),
            "was_full_time_student": _("FT student"),
        }
        widgets = {
            "start_on": _date_widget(), "end_on": _date_widget(),
        }

    def __init__(self, *args, titles: Mapping[str, str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["noc"].titles = titles
        # The NOC picker first, as a consultant reads a job: occupation, then where and when.
        self.order_fields(["noc"])
        if self.instance.pk:
            self.initial["noc"] = self.instance.noc_id
        self.fields["hours_per_week"].widget.attrs.update({"min": 1, "max": 168, "step": "0.5"})

    def clean_start_on(self):
        value = self.cleaned_data.get("start_on")
        check_date_range(value)
        check_not_future(value, _("The start date cannot be in the future."))
        return value

    def clean_end_on(self):
        value = self.cleaned_data.get("end_on")
        check_date_range(value)
        check_not_future(value, _("The end date is in the future; leave it empty while the job is ongoing."))
        return value

    def clean(self):
        data = super().clean()
        start, end = data.get("start_on"), data.get("end_on")
        if start and end and end < start:
            self.add_error("end_on", _("The end date is before the start date."))
        if data.get("noc"):
            self.instance.noc_id = data["noc"]
        return data


class FactFormSet(BaseInlineFormSet):
    """Inline rows of one kind of fact, of the client or (of_spouse) of the spouse."""

    of_spouse = False
    # Another wording of the rows (intake.forms: the client's questionnaire), set before the rows
    # are built: labels by field name, and the remove box's name per row for screen readers
    # ("Remove this job (job %(number)s)"; "__number__" in the empty row, numbered by profile_form.js).
    labels: Mapping[str, str] = {}
    remove_row_label: str | None = None

    def __init__(self, *args, titles: Mapping[str, str] | None = None, **kwargs):
        kwargs.setdefault("queryset", self.model.objects.filter(of_spouse=self.of_spouse))
        self.titles = titles
        super().__init__(*args, **kwargs)

    def add_fields(self, form, index) -> None:
        super().add_fields(form, index)
        form.fields["DELETE"].label = _("Remove")
        for name, label in self.labels.items():
            form.fields[name].label = label
        if self.remove_row_label:
            number = "__number__" if index is None else index + 1
            form.fields["DELETE"].widget.attrs["aria-label"] = self.remove_row_label % {"number": number}

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "titles": self.titles}

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        form.instance.of_spouse = self.of_spouse
        return form

    @property
    def empty_form(self):
        form = super().empty_form
        form.instance.of_spouse = self.of_spouse
        return form


class SpouseFactFormSet(FactFormSet):
    of_spouse = True


# Rows per kind of fact: far above any real profile. Also the cap on a posted TOTAL_FORMS (Django's
# default is 2,000 forms, and a POST claiming 10,000 jobs took over a minute to answer).
MAX_FACT_ROWS = 50


def _formset(model, form, base, *, extra: int):
    return inlineformset_factory(Client, model, form=form, formset=base, extra=extra, can_delete=True,
                                 max_num=MAX_FACT_ROWS, absolute_max=MAX_FACT_ROWS, validate_max=True)


class ClientProfileForms:
    """The client form, the spouse form and the six fact formsets of the profile page, as one unit.

    Spouse forms are validated and saved only when the marital status is married or
    common-law; otherwise the spouse and the spouse's facts are removed on save.
    """

    FORMSETS = (
        # (prefix, model, form, of_spouse, title)
        ("educations", Education, EducationForm, False, _("Education credentials")),
        ("languagetests", LanguageTest, LanguageTestForm, False, _("Language tests")),
        ("jobs", Job, JobForm, False, _("Work history")),
        ("spouse_educations", Education, EducationForm, True, _("Spouse's education")),
        ("spouse_languagetests", LanguageTest, LanguageTestForm, True, _("Spouse's language tests")),
        ("spouse_jobs", Job, JobForm, True, _("Spouse's work history")),
    )

    def __init__(self, *, user, instance: Client | None = None, data=None):
        self.instance = instance if instance is not None else Client()
        self.titles = noc_titles()
        self.client_form = ClientForm(data, instance=self.instance, user=user, titles=self.titles)
        is_new = self.instance.pk is None
        spouse = None if is_new else getattr(self.instance, "spouse", None)
        self.spouse_form = SpouseForm(data, instance=spouse or Spouse(), prefix="spouse")
        self.formsets = {}
        self.titles_by_prefix = {}
        for prefix, model, form, of_spouse, title in self.FORMSETS:
            base = SpouseFactFormSet if of_spouse else FactFormSet
            extra = 1 if is_new and not of_spouse else 0
            self.formsets[prefix] = _formset(model, form, base, extra=extra)(
                data, instance=self.instance, prefix=prefix, titles=self.titles
            )
            self.titles_by_prefix[prefix] = title
        if data is not None:
            self.has_spouse = data.get("marital_status") in PARTNERED_STATUSES
        else:
            self.has_spouse = self.instance.marital_status in PARTNERED_STATUSES

    @property
    def own_formsets(self) -> list:
        return [self.formsets[p] for p in ("educations", "languagetests", "jobs")]

    @property
    def spouse_formsets(self) -> list:
        return [self.formsets[p] for p in ("spouse_educations", "spouse_languagetests", "spouse_jobs")]

    def is_valid(self) -> bool:
        """Validate everything that will be saved (all forms, so every error shows at once)."""
        parts = [self.client_form, *self.own_formsets]
        if self.has_spouse:
            parts += [self.spouse_form, *self.spouse_formsets]
        results = [part.is_valid() for part in parts]
        return all(results)

    @property
    def error_count(self) -> int:
        count = len(self.client_form.errors)
        for formset in self.own_formsets + (self.spouse_formsets if self.has_spouse else []):
            count += sum(len(e) for e in formset.errors) + len(formset.non_form_errors())
        if self.has_spouse:
            count += len(self.spouse_form.errors)
        return count

    # The writer protocol clients.services uses (see services.ProfileWriter).
    def build_client(self) -> Client:
        """The client with the form's values, not saved yet."""
        return self.client_form.save(commit=False)

    def save_facts(self, client: Client) -> None:
        """Save the spouse and the fact rows of a saved client (inside the service's transaction)."""
        for formset in self.own_formsets:
            formset.instance = client
            formset.save()
        if self.has_spouse:
            spouse = self.spouse_form.save(commit=False)
            spouse.client = client
            spouse.save()
            for formset in self.spouse_formsets:
                formset.instance = client
                formset.save()
        else:
            Spouse.objects.filter(client=client).delete()
            for model in (Education, LanguageTest, Job):
                model.objects.filter(client=client, of_spouse=True).delete()


class ClientFilterForm(forms.Form):
    """Search and filters of the client list (GET)."""

    q = forms.CharField(required=False, label=_("Search"), max_length=SEARCH_MAX_LENGTH,
                        widget=forms.TextInput(attrs={"placeholder": _("Name, email or EE profile number"),
                                                      "type": "search"}))
    consultant = ConsultantChoiceField(queryset=None, required=False, label=_("Consultant"),
                                       empty_label=_("All consultants"))
    status = forms.ChoiceField(required=False, label=_("Status"),
                               choices=[("", _("All statuses")), *Client.Status.choices])

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["consultant"].queryset = consultants_for(user)

    def filters(self) -> dict:
        """Keyword arguments for selectors.search_client_ids (empty when the form is not valid)."""
        if not self.is_valid():
            return {}
        consultant = self.cleaned_data.get("consultant")
        return {
            "q": self.cleaned_data.get("q", ""),
            "consultant_id": consultant.pk if consultant else None,
            "status": self.cleaned_data.get("status", ""),
        }
