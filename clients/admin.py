"""Admin for firms, members, NOC codes and clients: superusers only (day-to-day work uses the client pages).

Every admin here lists all firms' rows, so the site keeps them from other staff whatever their
model permissions (audit/admin_access.py). A client saved here goes through
clients.services.save_client_in_admin, so the apps above follow (facts_saved) as from the pages.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from clients import services
from clients.models import Client, Education, Firm, Job, LanguageTest, Membership, Noc, Spouse
from clients.validators import single_line

# A consultant's name and address reach the From/Reply-To/Cc headers of the emails sent for their
# clients, like a client's own: refuse line breaks and control characters when typed.
_USER_HEADER_FIELDS = ("first_name", "last_name", "email")


class _SingleLineUserFields:
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name in _USER_HEADER_FIELDS:
            if name in self.fields:
                self.fields[name].validators.append(single_line)


class ConsultantChangeForm(_SingleLineUserFields, UserChangeForm):
    pass


class ConsultantCreationForm(_SingleLineUserFields, AdminUserCreationForm):
    pass


admin.site.unregister(get_user_model())


@admin.register(get_user_model())
class ConsultantUserAdmin(UserAdmin):
    """Django's user admin, with the single-line rule on the fields that reach email headers."""

    form = ConsultantChangeForm
    add_form = ConsultantCreationForm


@admin.register(Firm)
class FirmAdmin(admin.ModelAdmin):
    list_display = ["name", "email", "time_zone", "created_at"]
    search_fields = ["name", "email"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "firm", "role", "language", "rcic_number"]
    list_filter = ["role", "language", "firm"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "user__email", "firm__name"]
    autocomplete_fields = ["user", "firm"]


@admin.register(Noc)
class NocAdmin(admin.ModelAdmin):
    """The 516 NOC 2021 unit groups are reference data loaded by a migration: read-only here."""

    list_display = ["code", "title", "teer"]
    list_filter = ["teer"]
    search_fields = ["code", "title"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class SpouseInline(admin.StackedInline):
    model = Spouse
    extra = 0


class _FactInline(admin.TabularInline):
    extra = 0


class EducationInline(_FactInline):
    model = Education


class LanguageTestInline(_FactInline):
    model = LanguageTest


class JobInline(_FactInline):
    model = Job
    autocomplete_fields = ["noc"]


class ClientAdminForm(forms.ModelForm):
    """The admin's client form: the service's consultant rule shown as a field message, never a 500."""

    def clean(self):
        cleaned = super().clean()
        firm, consultant = cleaned.get("firm"), cleaned.get("consultant")
        if firm is not None and consultant is not None:
            try:
                services.check_consultant(firm_id=firm.pk, consultant_id=consultant.pk)
            except ValidationError as exc:
                self.add_error(None, exc)
        return cleaned


class _AdminProfile:
    """The admin's client form and inlines, in the shape clients.services takes (ProfileWriter)."""

    def __init__(self, model_admin, request, form, formsets, change) -> None:
        self.model_admin, self.request, self.form, self.formsets, self.change = (
            model_admin, request, form, formsets, change)

    def build_client(self) -> Client:
        return self.form.instance  # the admin's save_form applied the form to it (commit=False)

    def save_facts(self, client: Client) -> None:
        self.form.save_m2m()
        for formset in self.formsets:
            self.model_admin.save_formset(self.request, self.form, formset, change=self.change)


@admin.register(Client)
class ClientAdmin(admin.ModelAdmin):
    form = ClientAdminForm
    list_display = ["__str__", "firm", "consultant", "status", "ee_profile_number", "updated_at"]
    list_filter = ["status", "firm"]
    search_fields = ["first_name", "last_name", "email", "ee_profile_number"]
    list_select_related = ["firm", "consultant"]
    autocomplete_fields = ["consultant", "certificate_noc", "job_offer_noc"]
    inlines = [SpouseInline, EducationInline, LanguageTestInline, JobInline]
    readonly_fields = ["created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["firm", "consultant", "status", ("first_name", "last_name"), "date_of_birth",
                           "marital_status", ("email", "phone"), "preferred_language",
                           ("citizenship_countries", "residence_countries")]}),
        (_("Express Entry"), {"fields": ["ee_profile_number", "ee_submitted_at", "notes"]}),
        (_("Other factors"), {"fields": [
            ("has_certificate", "certificate_noc", "certificate_province"), "has_provincial_nomination",
            ("has_job_offer", "job_offer_noc", "job_offer_years"), "has_sibling_in_canada",
            ("family_size", "settlement_funds_cad"),
        ]}),
        (_("Record"), {"fields": ["created_at", "updated_at"]}),
    ]

    def save_model(self, request, obj, form, change) -> None:
        """Nothing yet: the client is saved with its facts in save_related, through the service."""

    def save_related(self, request, form, formsets, change) -> None:
        """clients.services.save_client_in_admin: one transaction, then facts_saved as from the pages."""
        services.save_client_in_admin(by=request.user, profile=_AdminProfile(self, request, form, formsets,
                                                                             change))
