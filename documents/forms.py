"""Forms of documents: the client's upload (files checked by documents.validation) and the review."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from documents.models import MAX_KEEP_DAYS, REVIEW_REASON_MAX_LENGTH
from documents.validation import ACCEPT_ATTRIBUTE


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class UploadForm(forms.Form):
    """The file input only; what the files are is judged by documents.validation, each by name."""

    files = forms.Field(
        label=_("Files (PDF, JPEG or PNG)"), required=False,
        widget=MultipleFileInput(attrs={"accept": ACCEPT_ATTRIBUTE}),
    )


class ReviewForm(forms.Form):
    ACCEPT, RETURN = "accept", "return"

    decision = forms.ChoiceField(label=_("Decision"), choices=[(ACCEPT, _("Accept")), (RETURN, _("Return"))],
                                 widget=forms.RadioSelect(attrs={"class": "form-check-input"}))
    reason = forms.CharField(
        label=_("Reason (the client reads it)"), required=False, max_length=REVIEW_REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == self.RETURN and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Say why the document is returned: the client reads it."))
        return data


class RetentionForm(forms.Form):
    keep_days_after_close = forms.IntegerField(
        label=_("Days to keep uploaded files after an application closes"),
        min_value=0, max_value=MAX_KEEP_DAYS,
        help_text=_("Counted from the day the invitation was submitted, declined or expired; the files are "
                    "then deleted for good. 0 deletes them at the next daily clean-up."),
    )
