"""Forms of the client page section and the owner's settings page."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.functional import lazy
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from clients.validators import single_line
from draws.models import Draw
from invitations.models import MAX_OFFSET_DAYS, ChecklistItem, ChecklistItemType, Invitation, validate_offsets

DATETIME_LOCAL = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class RecordInvitationForm(forms.Form):
    """issued_at is read in the firm's time zone (the view activates it)."""

    issued_at = forms.DateTimeField(label=_("Invitation issued at (firm time)"), widget=DATETIME_LOCAL)
    draw = forms.ModelChoiceField(queryset=Draw.objects.none(), required=False, label=_("Round"),
                                  empty_label=_("— not linked to a recorded round —"))

    def __init__(self, *args, today: dt.date, **kwargs):
        super().__init__(*args, **kwargs)
        # An invitation can only be open for 60 days: older rounds are not offered.
        self.fields["draw"].queryset = Draw.objects.filter(
            drawn_on__gte=today - dt.timedelta(days=61)).order_by("-drawn_on", "-round_number")


class StatusForm(forms.Form):
    """The statuses an open invitation can move to by hand (expired is set by the scan)."""

    MANUAL = [Invitation.Status.IN_PROGRESS, Invitation.Status.SUBMITTED, Invitation.Status.DECLINED]

    status = forms.ChoiceField(label=_("New status"), choices=[(s.value, s.label) for s in MANUAL])
    submitted_on = forms.DateField(label=_("Submitted on"), required=False, widget=DATE)

    def __init__(self, *args, current: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if current == Invitation.Status.IN_PROGRESS:
            self.fields["status"].choices = [(s.value, s.label) for s in self.MANUAL[1:]]

    def clean(self):
        data = super().clean()
        if data.get("status") == Invitation.Status.SUBMITTED and not data.get("submitted_on"):
            self.add_error("submitted_on", _("Give the date the application was submitted."))
        return data


class ChecklistItemForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=ChecklistItem.Status.choices)
    received_on = forms.DateField(label=_("Received on"), required=False, widget=DATE)


class AddChecklistItemForm(forms.Form):
    label = forms.CharField(label=_("Document"), max_length=250, validators=[single_line])
    start_by = forms.DateField(label=_("Start by"), widget=DATE)


class ReminderOffsetsForm(forms.Form):
    offsets = forms.CharField(
        label=_("Reminder days before the deadline"), max_length=100,
        # Interpolated when shown (lazy), so it follows the page's language rather than import time's.
        help_text=lazy(lambda: _("Whole numbers from 0 (the deadline day) to %(max)s, separated by commas.")
                       % {"max": MAX_OFFSET_DAYS}, str)(),
    )

    def clean_offsets(self) -> list[int]:
        parts = [p.strip() for p in self.cleaned_data["offsets"].replace(";", ",").split(",") if p.strip()]
        try:
            days = [int(p) for p in parts]
        except ValueError as exc:
            raise forms.ValidationError(
                _("Use whole numbers separated by commas, e.g. 45, 30, 14, 7, 3, 1, 0.")) from exc
        validate_offsets(days)
        return sorted(days, reverse=True)


class ItemTypeForm(forms.Form):
    key = forms.SlugField(required=False, widget=forms.HiddenInput)
    name = forms.CharField(label=_("Document"), max_length=120, validators=[single_line])
    rule = forms.ChoiceField(label=_("Generated"), choices=ChecklistItemType.Rule.choices,
                             initial=ChecklistItemType.Rule.ALWAYS)
    lead_time_days = forms.IntegerField(label=_("Lead time (days)"), min_value=0, max_value=365)
    is_active = forms.BooleanField(label=_("In use"), required=False, initial=True)

    def clean(self):
        data = super().clean()
        if not data.get("key") and data.get("name"):
            data["key"] = slugify(data["name"])[:40] or "item"
        return data


class BaseItemTypeFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        keys = [f.cleaned_data.get("key") for f in self.forms if f.cleaned_data]
        if len(keys) != len(set(keys)):
            raise forms.ValidationError(_("Two documents have the same name; give each its own."))


# At most 60 document types (a posted TOTAL_FORMS above it is refused, not built into 2,000 forms).
ItemTypeFormSet = forms.formset_factory(ItemTypeForm, formset=BaseItemTypeFormSet, extra=1,
                                        max_num=60, absolute_max=60, validate_max=True)
