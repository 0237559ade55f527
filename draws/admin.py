"""Admin for categories and rounds: entry goes through draws.services, never around it.

Categories and rounds are IRCC reference data: Django staff who manage draws reach them
(audit.admin_access.DrawsStaffAdmin). Matches and digests name firms and clients: superusers
only, the site's default for every other ModelAdmin.
"""

from __future__ import annotations

from datetime import UTC

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from audit.admin_access import DrawsStaffAdmin
from clients.formatting import total
from draws import importer, seed, services
from draws.forms import CategoryImportForm, DrawAdminForm, ImportForm
from draws.models import Category, Draw, DrawDigest, DrawMatch, FeedCheck


@admin.register(Category)
class CategoryAdmin(DrawsStaffAdmin, admin.ModelAdmin):
    list_display = ["name_en", "slug", "effective_from", "effective_to", "experience_rule", "noc_count",
                    "list_status"]
    list_filter = ["is_list_unconfirmed", "experience_rule", ("effective_from", admin.DateFieldListFilter)]
    search_fields = ["name_en", "name_fr", "slug", "nocs__code"]
    filter_horizontal = ["nocs"]
    readonly_fields = ["list_status"]
    fieldsets = [
        (None, {"fields": ["slug", "name_en", "name_fr", ("effective_from", "effective_to"),
                           "experience_rule"]}),
        (_("Eligible occupations"), {
            "fields": ["list_status", "is_list_unconfirmed", "nocs"],
            "description": _("IRCC changes these lists; follow them here. Untick UNCONFIRMED once "
                             "the list is checked against IRCC's published annex."),
        }),
        (_("IRCC data"), {"fields": ["draw_names", "note"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(noc_total=Count("nocs"))

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        changed = set(form.changed_data) & set(services.CATEGORY_RULE_FIELDS)
        if not change or changed:
            before = {n.pk for n in form.initial.get("nocs", ())}
            after = set(form.instance.nocs.values_list("code", flat=True))
            narrow = change and changed == {"nocs"} and before and after
            services.schedule_refresh_after_category_change(nocs=before ^ after if narrow else None)
            self.message_user(request, _(
                "Every active client's stored assessment is being recomputed with this list; their "
                "consultants get an alert for each client it makes newly eligible."))

    @admin.display(description=_("NOC codes"), ordering="noc_total")
    def noc_count(self, obj: Category) -> int:
        return obj.noc_total

    @admin.display(description=_("list status"), ordering="is_list_unconfirmed")
    def list_status(self, obj: Category) -> str:
        if obj.is_list_unconfirmed:
            return format_html('<strong style="color:#b02a37">⚠ {}</strong>',
                               _("UNCONFIRMED: check against IRCC before relying on it"))
        return _("confirmed")

    # --- category lists upload (the same load as `manage.py import_categories`) ---------------------

    change_list_template = "draws/admin/category_change_list.html"

    def get_urls(self):
        return [
            path("import/", self.admin_site.admin_view(self.import_view), name="draws_category_import"),
            *super().get_urls(),
        ]

    def import_view(self, request):
        """Upload a categories.json: new categories added, changed ones updated, all or nothing."""
        if not (self.has_add_permission(request) and self.has_change_permission(request)):
            raise PermissionDenied
        bound = request.method == "POST"
        form = CategoryImportForm(request.POST if bound else None, request.FILES if bound else None)
        if bound and form.is_valid():
            try:
                report = seed.import_categories(form.cleaned_data["file"].read())
            except seed.CategoryDataError as exc:
                form.add_error("file", str(exc))
                form.add_error(None, _("Nothing was imported."))
            else:
                for line in report.lines():
                    self.message_user(request, line, messages.SUCCESS)
                return redirect(reverse("admin:draws_category_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Import category lists"),
            "form": form,
        }
        return TemplateResponse(request, "draws/admin/import_categories.html", context,
                                status=400 if bound and form.errors else 200)


def round_number_searched(search_term: str) -> str:
    """'#091A' finds round 91a: the stored spelling (importer.normalise_round_number), else as typed."""
    try:
        return importer.normalise_round_number(search_term)
    except ValueError:
        return search_term.strip()


class YearFilter(admin.SimpleListFilter):
    title = _("year")
    parameter_name = "year"

    def lookups(self, request, model_admin):
        return [(str(d.year), str(d.year)) for d in Draw.objects.dates("drawn_on", "year", order="DESC")]

    def queryset(self, request, queryset):
        # A year a date can hold: a hand-made ?year=99999999999999999999 (or 0) was a 500.
        value = self.value() or ""
        if value.isascii() and value.isdigit() and 1 <= int(value) <= 9999:
            return queryset.filter(drawn_on__year=int(value))
        return queryset


class CategoryNameFilter(admin.SimpleListFilter):
    """Rounds by category, listed by name (newest name of each slug), not by slug."""

    title = _("category")
    parameter_name = "category"

    def lookups(self, request, model_admin):
        names: dict[str, str] = {}
        for c in Category.objects.order_by("-effective_from"):  # newest first: the newest name wins
            names.setdefault(c.slug, c.name)
        return sorted(names.items(), key=lambda kv: kv[1].casefold())

    def queryset(self, request, queryset):
        return queryset.filter(category__slug=self.value()) if self.value() else queryset


@admin.register(Draw)
class DrawAdmin(DrawsStaffAdmin, admin.ModelAdmin):
    form = DrawAdminForm
    change_list_template = "draws/admin/draw_change_list.html"
    list_display = ["round_number", "drawn_on", "kind", "invitations", "lowest_crs", "source"]
    list_display_links = ["round_number", "drawn_on"]
    list_filter = ["type", YearFilter, CategoryNameFilter, "source"]
    search_fields = ["=round_number"]
    search_help_text = _("Round number, e.g. 434 or 91a")
    ordering = ["-drawn_on", "-round_number"]
    list_select_related = ["category"]
    list_per_page = 50
    readonly_fields = ["source", "entered_by", "entered_at", "matched_at"]
    fieldsets = [
        (None, {"fields": ["category", "invitations_issued", "lowest_crs", "drawn_on", "round_number"]}),
        (_("Times (UTC)"), {"fields": ["tie_break_at", "drawn_at"]}),
        (_("IRCC details"), {"classes": ["collapse"],
                             "fields": ["ircc_name", "programs_text", "distribution_on", "distribution"]}),
    ]

    class Media:
        js = ["draws/round_form.js"]  # the chooser follows the date typed (no inline script: CSP)
        css = {"all": ["draws/round_form.css"]}

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # IRCC publishes round and tie-break times in UTC: the form shows and reads them in UTC.
        if object_id is None:  # the add page is where staff record a round
            extra_context = {"title": _("Record a round"), **(extra_context or {})}
        with timezone.override(UTC):
            response = super().changeform_view(request, object_id, form_url, extra_context)
            if hasattr(response, "render"):
                response.render()  # a TemplateResponse renders lazily: render while UTC is active
            return response

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return self.fieldsets
        record = ["source", "entered_by", "entered_at", "matched_at"]
        return [*self.fieldsets, (_("Record"), {"fields": record})]

    def get_search_results(self, request, queryset, search_term):
        return super().get_search_results(request, queryset, round_number_searched(search_term))

    @admin.display(description=_("type"), ordering="type")
    def kind(self, obj: Draw) -> str:
        return obj.type_label

    @admin.display(description=_("invitations"), ordering="invitations_issued")
    def invitations(self, obj: Draw) -> str:
        return total(obj.invitations_issued)  # the page's way: 3,000 / 3 000

    def save_model(self, request, obj, form, change):
        if change:
            services.update_draw(obj, by=request.user)
        else:
            services.record_draw(obj, by=request.user)
        if services.is_within_match_window(obj.drawn_on):
            self.message_user(request, _("Matching clients of every firm to round #%(n)s; consultants "
                                         "get their digest by email.") % {"n": obj.round_number})
        else:
            self.message_user(request, _("Round #%(n)s is older than %(days)s days: it is stored, but "
                                         "clients are not matched (their stored scores are today's).")
                              % {"n": obj.round_number, "days": services.MATCH_WINDOW_DAYS},
                              messages.WARNING)

    # --- IRCC import page --------------------------------------------------------------------------

    def get_urls(self):
        return [
            path("import/", self.admin_site.admin_view(self.import_view), name="draws_draw_import"),
            *super().get_urls(),
        ]

    def import_view(self, request):
        """Upload IRCC's rounds JSON: the same import as `manage.py import_ircc_rounds`."""
        if not (self.has_add_permission(request) and self.has_change_permission(request)):
            raise PermissionDenied
        # A POST without a file is a bound form (a "file required" message), not the empty page.
        bound = request.method == "POST"
        form = ImportForm(request.POST if bound else None, request.FILES if bound else None)
        status = 200
        if request.method == "POST" and form.is_valid():
            try:
                report = services.import_ircc_rounds(form.cleaned_data["file"].read(), by=request.user)
            except importer.FeedError as exc:
                for problem in exc.problems[:20]:
                    form.add_error("file", importer.format_problem(*problem))
                if len(exc.problems) > 20:
                    form.add_error("file", _("… and %(n)s more problems.") % {"n": len(exc.problems) - 20})
                form.add_error(None, _("Nothing was imported."))
            else:
                self.message_user(request, report.summary, messages.SUCCESS)
                for warning in report.warnings:
                    self.message_user(request, warning, messages.WARNING)
                return redirect(reverse("admin:draws_draw_changelist"))
        if request.method == "POST" and form.errors:
            status = 400
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Import IRCC rounds"),
            "form": form,
            "default_url": settings.IRCC_ROUNDS_URL or settings.IRCC_PUBLISHED_FEED_URL,
        }
        return TemplateResponse(request, "draws/admin/import.html", context, status=status)


@admin.register(DrawMatch)
class DrawMatchAdmin(admin.ModelAdmin):
    list_display = ["draw", "client", "firm", "crs", "margin", "created"]
    list_filter = ["firm"]
    list_select_related = ["draw", "draw__category", "client", "firm"]
    search_fields = ["=draw__round_number"]
    raw_id_fields = ["draw", "client", "firm"]

    def get_search_results(self, request, queryset, search_term):
        return super().get_search_results(request, queryset, round_number_searched(search_term))

    def has_add_permission(self, request):
        return False  # made by the after-draw job only

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(DrawDigest)
class DrawDigestAdmin(admin.ModelAdmin):
    list_display = ["draw", "consultant", "firm", "match_count", "sent_at", "attempts", "last_error"]
    list_filter = ["firm"]
    list_select_related = ["draw", "draw__category", "consultant", "firm"]
    raw_id_fields = ["draw", "consultant", "firm"]

    def has_add_permission(self, request):
        return False  # made by the after-draw job only

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(FeedCheck)
class FeedCheckAdmin(DrawsStaffAdmin, admin.ModelAdmin):
    """Every check of IRCC's rounds feed, newest first: read-only (draws.feed writes them)."""

    list_display = ["started_at", "status", "http_status", "rounds", "short_error"]
    list_filter = ["status"]
    date_hierarchy = "started_at"
    readonly_fields = [f.name for f in FeedCheck._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=_("rounds read / added / updated"))
    def rounds(self, obj: FeedCheck) -> str:
        return f"{obj.rounds_read} / {obj.rounds_added} / {obj.rounds_updated}"

    @admin.display(description=_("error"))
    def short_error(self, obj: FeedCheck) -> str:
        return obj.error[:160]
