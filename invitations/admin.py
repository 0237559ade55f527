"""Admin: reminder history read-only (written by the scan); item types and schedules editable.

Superusers only, as every admin but draws and categories (audit/admin_access.py).
"""

from django.contrib import admin

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
    list_display = ("name", "key", "firm", "rule", "lead_time_days", "is_active", "position")
    list_filter = ("rule", "is_active", "firm")
    list_editable = ("lead_time_days", "is_active", "position")


@admin.register(FirmReminderSettings)
class FirmReminderSettingsAdmin(admin.ModelAdmin):
    list_display = ("firm", "offsets_days", "updated_at", "updated_by")


@admin.register(ConsultantDigest)
class ConsultantDigestAdmin(admin.ModelAdmin):
    list_display = ("user", "sent_on", "sent_at", "overdue_items")
