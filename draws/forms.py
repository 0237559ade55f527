"""Forms of draws: the admin's round entry, the feed upload, the history filters."""

from __future__ import annotations

import json
import re
from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.forms.fields import InvalidJSONInput
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from clients.formatting import total
from draws import importer
from draws.models import Category, Draw, local_today
from eligibility.rules import CRS_MAX_TOTAL
from eligibility.rules import categories_in_force as in_force


def _crs_range_message() -> str:
    return gettext("A CRS score is between 0 and %(maximum)s.") % {"maximum": total(CRS_MAX_TOTAL)}


# In the page's language when shown, with the engine's maximum written the page's way (1,200 / 1 200).
CRS_RANGE_MESSAGE = lazy(_crs_range_message, str)()

PROGRAM_TYPES = [t for t in Draw.Type if t not in (Draw.Type.CATEGORY,)]
MAX_UPLOAD_BYTES = importer.MAX_FEED_BYTES
# Text, not type=number: "3,000" is how everyone (and IRCC) writes it.
NUMBER_ATTRS = {"inputmode": "numeric", "class": "vIntegerField", "autocomplete": "off"}


class GroupedIntegerField(forms.IntegerField):
    """An integer typed the way IRCC writes it: '3,000' or '3 000' is 3000."""

    def to_python(self, value):
        if isinstance(value, str):
            value = re.sub(r"[\s,\u00a0\u202f]", "", value)
        return super().to_python(value)


class BoundedJSONField(forms.JSONField):
    """JSON typed in a form, refused with a message when too long or nested (json would recurse)."""

    max_chars = 2000
    max_depth = 2

    def _is_out_of_bounds(self, value) -> bool:
        return isinstance(value, str) and (len(value) > self.max_chars
                                           or importer.json_depth(value) > self.max_depth)

    def to_python(self, value):
        if self._is_out_of_bounds(value):
            raise ValidationError(
                _("Enter at most %(chars)s characters of JSON, nested at most %(depth)s levels.")
                % {"chars": f"{self.max_chars:,}", "depth": self.max_depth}, code="invalid")
        return super().to_python(value)

    def bound_data(self, data, initial):
        # Shown again as typed (Django parses it for that, and would recurse as to_python would).
        if self._is_out_of_bounds(data):
            return InvalidJSONInput(data[: self.max_chars])
        return super().bound_data(data, initial)


def round_kind_choices(categories) -> list:
    """One chooser for the round's type: the programs, then the categories given (by name).

    The caller gives the categories in force on the round's date (eligibility.rules.categories_in_force),
    so four generations of look-alike names never sit side by side.
    """
    programs = [(t.value, t.label) for t in PROGRAM_TYPES]
    named = sorted(((f"cat-{c.pk}", c.name) for c in categories), key=lambda kv: kv[1].casefold())
    return [("", "---------"), (_("Program"), programs), (_("Category"), named)]


class RoundKindField(forms.ChoiceField):
    """The type-or-category chooser: any recorded category passes here, so a category out of force
    on the round's date gets the model's message naming its period (Draw.clean), not "not one of
    the available choices"."""

    def __init__(self, *args, known=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.known: set[str] = set(known)

    def valid_value(self, value) -> bool:
        return str(value) in self.known or super().valid_value(value)


def category_periods(categories) -> list[dict]:
    """Every category's chooser entry with its period, for the page's script (draws/round_form.js)
    to offer only those in force on the date typed, as the server does."""
    return [{"value": f"cat-{c.pk}", "label": c.name, "from": c.effective_from.isoformat(),
             "to": c.effective_to.isoformat() if c.effective_to else None} for c in categories]


class DrawAdminForm(forms.ModelForm):
    """The short form: "Healthcare, 3,000 ITAs, lowest CRS 434, today".

    `category` is a single chooser holding both the program types and the
    categories, so a category round always has one and a program round never has.
    """

    category = RoundKindField(label=_("Type or category"), choices=())
    invitations_issued = GroupedIntegerField(
        label=_("Invitations issued"), min_value=1, max_value=importer.MAX_INTEGER,
        widget=forms.TextInput(NUMBER_ATTRS),
        error_messages={"min_value": _("Invitations issued must be at least 1."),
                        "max_value": _("Invitations issued must be at most %(limit_value)s."),
                        "invalid": _("Enter the number of invitations, e.g. 3,000.")},
    )
    lowest_crs = GroupedIntegerField(
        label=_("Lowest CRS invited"), min_value=0, max_value=CRS_MAX_TOTAL,
        widget=forms.TextInput(NUMBER_ATTRS),
        error_messages={"min_value": CRS_RANGE_MESSAGE, "max_value": CRS_RANGE_MESSAGE,
                        "invalid": _("Enter the CRS score of the lowest-ranked candidate invited.")},
    )

    distribution = BoundedJSONField(
        label=_("CRS distribution (dd1..dd18)"), required=False,
        help_text=_('As IRCC publishes it: {"dd1": 1234, ..., "dd18": 229100}.'),
    )

    class Meta:
        model = Draw
        fields = ["category", "invitations_issued", "lowest_crs", "drawn_on", "round_number",
                  "tie_break_at", "drawn_at", "ircc_name", "programs_text", "distribution_on",
                  "distribution"]
        help_texts = {
            "round_number": _("As IRCC writes it, e.g. 435 or 91a. Suggested: the next number."),
            "tie_break_at": _("UTC, from the round's Ministerial Instruction (optional)."),
            "drawn_at": _("UTC (optional)."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.categories = {c.pk: c for c in Category.objects.order_by("-effective_from", "name_en")}
        day = self._round_date()
        field = self.fields["category"]
        field.choices = round_kind_choices(in_force(list(self.categories.values()), day))
        field.known = {f"cat-{pk}" for pk in self.categories}
        field.widget.attrs["data-periods"] = json.dumps(category_periods(self.categories.values()))
        field.widget.attrs["data-category-label"] = str(_("Category"))
        if self.instance.pk:
            self.initial["category"] = (f"cat-{self.instance.category_id}" if self.instance.category_id
                                        else self.instance.type)
        else:
            self.initial.setdefault("drawn_on", local_today())
            self.initial.setdefault("round_number", next_round_number())

    def _round_date(self) -> date:
        """The round's date as typed (bound), else the round's own, else today: which categories to offer."""
        if self.is_bound:
            try:
                day = self.fields["drawn_on"].clean(self.data.get(self.add_prefix("drawn_on")))
            except ValidationError:
                day = None
            if day:
                return day
        return self.instance.drawn_on or local_today()

    def clean_category(self) -> Category | None:
        value = self.cleaned_data["category"]
        if value.startswith("cat-"):
            category = self.categories.get(int(value[4:]) if value[4:].isdigit() else None)
            if category is None:
                raise ValidationError(_("Choose a category from the list."))
            self.instance.type = Draw.Type.CATEGORY
            return category
        self.instance.type = value
        return None

    def clean_round_number(self) -> str:
        try:
            number = importer.normalise_round_number(self.cleaned_data["round_number"])
        except ValueError:
            raise ValidationError(
                _("A round number is digits, optionally followed by letters (e.g. 435, 91a).")
            ) from None
        taken = Draw.objects.filter(round_number=number).exclude(pk=self.instance.pk).first()
        if taken is not None:
            raise ValidationError(
                _("Round #%(number)s is already recorded (%(date)s, %(kind)s).")
                % {"number": taken.round_number, "date": taken.drawn_on.isoformat(), "kind": taken.type_label}
            )
        return number


    def clean_distribution(self) -> dict[str, int] | None:
        """dd1..dd18, each a count of candidates the columns hold (the import's own bounds)."""
        value = self.cleaned_data["distribution"]
        if value in (None, "", {}, []):
            return None
        if not isinstance(value, dict) or set(value) - set(importer.DISTRIBUTION_KEYS):
            raise ValidationError(_("Enter an object with the keys dd1 to dd18, e.g. {\"dd1\": 1234}."))
        try:
            return {k: importer.parse_number(v) or 0 for k, v in value.items()}
        except ValueError:
            raise ValidationError(
                _("Each count is a whole number from 0 to %(limit)s.")
                % {"limit": f"{importer.MAX_INTEGER:,}"}
            ) from None


def next_round_number() -> str:
    """One more than the highest numeric round recorded ('1' for an empty history)."""
    numbers = [int(m.group()) for n in Draw.objects.values_list("round_number", flat=True)
               if (m := re.match(r"\d+", n))]
    return str(max(numbers, default=0) + 1)


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("IRCC rounds JSON"),
        help_text=_("The file IRCC publishes as ee_rounds_123_en.json (up to 5 MB)."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise ValidationError(_("The file is larger than 5 MB; IRCC's feed is about 1 MB."))
        return upload


class HistoryFilterForm(forms.Form):
    """?kind=general|cec|...|cat:healthcare_social & year=2026 (both optional)."""

    kind = forms.ChoiceField(label=_("Program or category"), required=False)
    year = forms.TypedChoiceField(label=_("Year"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, types: list[str], category_names: dict[str, str], years: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [
            ("", _("All rounds")),
            (_("Program"), [(t.value, t.label) for t in PROGRAM_TYPES if t.value in types]),
            (_("Category"), [(f"cat:{slug}", name) for slug, name in category_names.items()]),
        ]
        self.fields["year"].choices = [("", _("All years"))] + [(y, str(y)) for y in years]
        for name in ("kind", "year"):
            self.fields[name].widget.attrs["class"] = "form-select form-select-sm"

    def full_clean(self) -> None:
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                self.fields[name].widget.attrs["class"] += " is-invalid"


class CategoryImportForm(forms.Form):
    """The admin's upload of category lists (the same load as `manage.py import_categories`)."""

    file = forms.FileField(
        label=_("Category lists (JSON)"),
        help_text=_("A file shaped like draws/data/categories.json: every year's categories with their "
                    "NOC codes (up to 2 MB)."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > 2 * 1024 * 1024:
            raise ValidationError(_("The file is larger than 2 MB; the shipped lists are about 80 KB."))
        return upload
