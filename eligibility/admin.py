"""Admin for stored assessments, reports and alerts (read-mostly: services are the writers).

Superusers only, as every admin but draws and categories (audit/admin_access.py).
"""

from django.contrib import admin

from eligibility.models import Alert, ClientAssessment, Report


@admin.register(ClientAssessment)
class ClientAssessmentAdmin(admin.ModelAdmin):
    list_display = ("client", "firm", "crs_total", "fsw", "cec", "fstp", "as_of", "computed_at")
    list_filter = ("fsw", "cec", "fstp", "firm")
    search_fields = ("client__first_name", "client__last_name")
    raw_id_fields = ("client",)
    readonly_fields = ("computed_at",)


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ("id", "client", "firm", "as_of", "crs_total", "rules", "generated_by", "generated_at")
    list_filter = ("firm", "rules")
    search_fields = ("client__first_name", "client__last_name")
    raw_id_fields = ("client", "generated_by")
    readonly_fields = ("client", "firm", "as_of", "rules", "crs_total", "facts", "results",
                       "generated_by", "generated_at")
    date_hierarchy = "generated_at"


@admin.register(Alert)
class AlertAdmin(admin.ModelAdmin):
    list_display = ("raised_on", "client", "consultant", "kind", "message", "dismissed_at")
    list_filter = ("kind", "firm", "raised_on")
    search_fields = ("client__first_name", "client__last_name", "key")
    raw_id_fields = ("client", "consultant")
    readonly_fields = ("created_at",)
