"""The client's questionnaire: the staff profile forms (clients.forms), without the staff-only fields.

No field rule is written here: dates, scores on the test's scale, NOC codes, the spouse
section and the row caps are clients.forms' own. The questionnaire only leaves out what is
the firm's to decide (consultant, file status, Express Entry profile, notes) and, for a
client who signs in, the email address they sign in with.
"""

from __future__ import annotations

import re

from django import forms
from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext_lazy as _

from clients.forms import ClientProfileForms, NocCodeField
from clients.models import Client
from intake.models import RETURN_NOTE_MAX_LENGTH

# What only the firm records; never a questionnaire field (a posted value is ignored).
STAFF_ONLY_FIELDS = ("consultant", "status", "ee_profile_number", "ee_submitted_at", "notes")

# The client's wording where the staff form's is the firm's shorthand ("FT student", "Remove").
CLIENT_LABELS = {
    "citizenship_countries": (
        _("Countries of citizenship"), _("Tick every one if you have more than one citizenship.")
    ),
    "residence_countries": (
        _("Countries you have lived in"),
        _("Every country where you lived for 6 months or more since age 18, Canada included."),
    ),
}
_EDUCATION_LABELS = {
    "is_canadian": _("Obtained in Canada"),
    "completed_on": _("Date obtained"),
    "eca_reference": _("ECA reference number (credential assessment)"),
    "eca_on": _("ECA date (credential assessment)"),
    "DELETE": _("Remove this credential"),
}
_JOB_LABELS = {
    "hours_per_week": _("Hours per week"),
    "was_full_time_student": _("Full-time student during this job"),
    "DELETE": _("Remove this job"),
}
# By formset prefix (clients.forms.ClientProfileForms.FORMSETS): labels, and each remove box's name.
ROW_WORDING = {
    "educations": (_EDUCATION_LABELS, _("Remove this credential (credential %(number)s)")),
    "languagetests": ({"DELETE": _("Remove this test")}, _("Remove this test (test %(number)s)")),
    "jobs": (_JOB_LABELS, _("Remove this job (job %(number)s)")),
    "spouse_educations": (_EDUCATION_LABELS, _("Remove this credential (credential %(number)s)")),
    "spouse_languagetests": ({"DELETE": _("Remove this test")}, _("Remove this test (test %(number)s)")),
    "spouse_jobs": (_JOB_LABELS, _("Remove this job (job %(number)s)")),
}


class LoadedRowField(forms.Field):
    """A formset row's id, found among the client's rows the formset already read.

    Django's own field for it (a ModelChoiceField) runs one query per row; the review page and the
    questionnaire validate on GET, so this keeps their query count constant. An id that is not
    one of this client's rows is refused as Django refuses it.
    """

    widget = forms.HiddenInput
    default_error_messages = {
        "invalid_choice": _("Select a valid choice. That choice is not one of the available choices.")
    }

    def __init__(self, rows: dict, **kwargs):
        super().__init__(required=False, **kwargs)
        self.rows = rows

    def prepare_value(self, value):
        return getattr(value, "pk", value)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        obj = self.rows.get(str(getattr(value, "pk", value)))
        if obj is None:
            raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return obj

    def has_changed(self, initial, data) -> bool:
        return str(self.prepare_value(initial) or "") != str(self.prepare_value(data) or "")


class CodeOnlyNocField(NocCodeField):
    """The NOC picker of clients.forms, showing the code in the box and the title under it.

    A phone's box cannot hold "31301 — Registered nurses and registered psychiatric nurses";
    the list still offers code and title, and the same code is cleaned the same way.
    """

    def prepare_value(self, value):
        match = re.match(r"^\s*(\d{5})\b", str(value or ""))
        return match.group(1) if match else value


def _code_only(form: forms.BaseForm, name: str, titles) -> None:
    old = form.fields[name]
    field = CodeOnlyNocField(titles=titles, required=old.required, label=old.label)
    field.widget.attrs.update(old.widget.attrs)
    form.fields[name] = field
    value = form.data.get(form.add_prefix(name)) if form.is_bound else form.initial.get(name)
    code = field.prepare_value(value)
    field.help_text = titles.get(code, "") if isinstance(code, str) else ""


class QuestionnaireForms(ClientProfileForms):
    """ClientProfileForms as the client fills it in: the same forms and formsets, fewer client fields.

    `with_email`: the intake page asks for the email (required); a signed-in client's
    address is their sign-in and is changed by the firm only.
    """

    def __init__(self, *, instance: Client | None = None, data=None, with_email: bool = False):
        # No staff user: the consultant field is dropped below, so its choices are never read.
        super().__init__(user=AnonymousUser(), instance=instance, data=data)
        fields = self.client_form.fields
        for name in STAFF_ONLY_FIELDS:
            fields.pop(name, None)
        if with_email:
            fields["email"].required = True
        else:
            fields.pop("email", None)
        for name in ("certificate_noc", "job_offer_noc"):
            _code_only(self.client_form, name, self.titles)
        for name, (label, help_text) in CLIENT_LABELS.items():
            fields[name].label, fields[name].help_text = label, help_text
        for prefix, formset in self.formsets.items():
            # Before the rows are built (formset.forms, read below): the rows take the client's words.
            formset.labels, formset.remove_row_label = ROW_WORDING[prefix]
        for formset in self.formsets.values():
            rows = {str(obj.pk): obj for obj in formset.get_queryset()}
            for form in formset.forms:
                if "id" in form.fields:
                    form.fields["id"] = LoadedRowField(rows, initial=form.fields["id"].initial)
                if "noc" in form.fields:
                    _code_only(form, "noc", self.titles)

    @property
    def client_field_names(self) -> list[str]:
        return list(self.client_form.fields)


class ReturnForm(forms.Form):
    """Returning a change to the client: the note is required (it is what the client reads).

    Not marked required on the page: it sits above both decisions, and accepting needs none; an
    empty note is refused by clean_note, with the same message.
    """

    note = forms.CharField(
        required=False,
        label=_("Note to the client"),
        max_length=RETURN_NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Needed to return the changes: say what to correct. The client reads it on the portal and "
            "by email. Accepting sends no note."
        ),
    )
    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1)

    def clean_note(self) -> str:
        note = self.cleaned_data["note"].strip()
        if not note:
            raise forms.ValidationError(_("Write a note saying what to correct."), code="required")
        return note


class AcceptForm(forms.Form):
    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1)


class IntakeExtraForm(forms.Form):
    """The intake page's own fields: the honeypot (a field people never see and bots fill in)."""

    website = forms.CharField(required=False, max_length=200, label=_("Leave this field empty"))
