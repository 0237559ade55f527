"""Admin for stored assessments, reports and alerts: read-only, services are the writers.

Superusers only, as every admin but draws and categories (audit/admin_access.py). A stored
assessment is a cache the refresh recomputes from the facts, a report is what was given to the
client, an alert is raised by the nightly job and dismissed by its consultant: none is typed in
here. Deleting stays possible (a stored assessment is recomputed by the next refresh).
"""

from django.contrib import admin

from eligibility.models import Alert, ClientAssessment, Report


class _ReadOnly:
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ClientAssessment)
class ClientAssessmentAdmin(_ReadOnly, admin.ModelAdmin):
    list_display = ("client", "firm", "crs_total", "fsw", "cec", "fstp", "as_of", "computed_at")
    list_filter = ("fsw", "cec", "fstp", "firm")
    search_fields = ("client__first_name", "client__last_name")
    raw_id_fields = ("client",)
    readonly_fields = ("computed_at",)


@admin.register(Report)
class ReportAdmin(_ReadOnly, admin.ModelAdmin):
    list_display = ("id", "client", "firm", "as_of", "crs_total", "rules", "generated_by", "generated_at")
    list_filter = ("firm", "rules")
    search_fields = ("client__first_name", "client__last_name")
    raw_id_fields = ("client", "generated_by")
    readonly_fields = ("client", "firm", "as_of", "rules", "crs_total", "facts", "results",
                       "generated_by", "generated_at")
    date_hierarchy = "generated_at"


@admin.register(Alert)
class AlertAdmin(_ReadOnly, admin.ModelAdmin):
    list_display = ("raised_on", "client", "consultant", "kind", "message", "dismissed_at")
    list_filter = ("kind", "firm", "raised_on")
    search_fields = ("client__first_name", "client__last_name", "key")
    raw_id_fields = ("client", "consultant")
    readonly_fields = ("created_at",)
