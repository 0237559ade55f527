"""Admin: a client of the services, like the pages (style.md 21).

Superusers only, as every admin but draws and categories (audit/admin_access.py). What a service
writes is read-only here (invitations, reminders, daily summaries, checklist types); a firm's
reminder schedule is saved through services.set_reminder_offsets' path, so its open invitations
follow as they do from the owner's page.
"""

from django.contrib import admin

from invitations import services
from invitations.models import (
    ChecklistItem,
    ChecklistItemType,
    ConsultantDigest,
    FirmReminderSettings,
    Invitation,
    Reminder,
    ReminderAttempt,
)


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ReminderInline(ReadOnlyInline):
    model = Reminder
    fields = ("offset_days", "due_at", "status", "status_note", "sent_at", "recipients", "attempts",
              "next_attempt_at")


class ChecklistInline(ReadOnlyInline):
    model = ChecklistItem
    fields = ("label", "lead_time_days", "start_by", "status", "requested_on", "received_on")


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    """Read-only: statuses change through the client page (services.change_status)."""

    list_display = ("client", "issued_at", "deadline_at", "status", "submitted_on")
    list_filter = ("status",)
    search_fields = ("client__first_name", "client__last_name", "client__email")
    list_select_related = ("client",)
    inlines = [ReminderInline, ChecklistInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class AttemptInline(ReadOnlyInline):
    model = ReminderAttempt
    fields = ("attempted_at", "succeeded", "error", "worker")


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = ("invitation", "offset_days", "due_at", "status", "sent_at", "attempts")
    list_filter = ("status", "offset_days")
    list_select_related = ("invitation__client",)
    inlines = [AttemptInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ChecklistItemType)
class ChecklistItemTypeAdmin(admin.ModelAdmin):
    """Read-only. The defaults (no firm) are shared by every firm, loaded by a migration and shown
    translated by their stored English name (checklist.DEFAULT_NAMES); a firm's own types are the
    owner's, edited on the checklist settings page (checklist_services.save_item_types, which
    copies a changed default into the firm's own row rather than editing it for everyone)."""

    list_display = ("name", "key", "firm", "rule", "lead_time_days", "is_active", "position")
    list_filter = ("rule", "is_active", "firm")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(FirmReminderSettings)
class FirmReminderSettingsAdmin(admin.ModelAdmin):
    list_display = ("firm", "offsets_days", "updated_at", "updated_by")
    fields = ("firm", "offsets_days", "updated_at", "updated_by")
    readonly_fields = ("updated_at", "updated_by")

    def get_readonly_fields(self, request, obj=None):
        return (*self.readonly_fields, "firm") if obj else self.readonly_fields

    def save_model(self, request, obj, form, change):
        """Through the service, so the firm's open invitations follow, as from the owner's page.

        The form has already checked the days (the model field's validator, the service's own).
        """
        services.set_reminder_offsets(firm=obj.firm, offsets=obj.offsets_days, by=request.user)
        saved = FirmReminderSettings.objects.get(firm=obj.firm)
        obj.pk, obj.offsets_days, obj.updated_at, obj.updated_by = (
            saved.pk, saved.offsets_days, saved.updated_at, saved.updated_by)

    def has_delete_permission(self, request, obj=None):
        return False  # the firm would fall back to the defaults without its open invitations following


@admin.register(ConsultantDigest)
class ConsultantDigestAdmin(admin.ModelAdmin):
    """Read-only: one row per consultant and day, written by the daily summary job (its "send once")."""

    list_display = ("user", "sent_on", "sent_at", "overdue_items")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
