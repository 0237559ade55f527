"""Who reaches which page of Django's admin: superusers everything, other staff draws and categories.

The admin knows nothing of firms: a list there is every firm's rows, a form's foreign-key
choices are every firm's objects. So a page of it that a non-superuser may open must hold no
firm's data at all, whatever model permissions that user was given (a staff user of one firm
holding ``view_report`` would otherwise read every firm's reports, and one holding
``change_client`` could move a client into another firm). Only the IRCC reference data
qualifies: rounds and categories (draws.Draw, draws.Category), which Django staff manage
(clients.permissions.MANAGE_DRAWS, ``is_staff``), with the pages that work needs (the IRCC
import). Everything else is for superusers: firms, members, clients, reports, alerts, stored
assessments, matches and digests, invitations and reminders, checklist types, NOC codes, users
and groups, login records (django-axes), periodic tasks (django-celery-beat).

The default is kept by the site, not by each admin's memory: ``AdminSite.register`` makes every
ModelAdmin superuser-only unless its class derives from ``DrawsStaffAdmin`` — ours, and those
packages register (auth, axes, celery beat), whatever order they load in. A ModelAdmin added
later is closed until someone opens it on purpose, and tests/test_admin_access.py, which lists
every registered model with its decision, fails until the decision is written there too.

    @admin.register(Category)
    class CategoryAdmin(DrawsStaffAdmin, admin.ModelAdmin):   # staff who manage draws
        ...
    @admin.register(Firm)
    class FirmAdmin(admin.ModelAdmin):                       # superusers only (the default)
        ...

Every admin page also answers a hand-made link cleanly: a NUL in the query string is a 400
(``AdminSite.admin_view``), an out-of-range number in a filter the admin's "invalid lookup"
redirect (``CleanChangelist``), where both were 500s.

Installed through ``audit.apps.AdminConfig`` in INSTALLED_APPS, in place of
``django.contrib.admin``.
"""

from __future__ import annotations

from functools import wraps

from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import BadRequest
from django.utils.translation import gettext_lazy as _

from clients.permissions import MANAGE_DRAWS, can
from clients.selectors import SearchTooLong, search_limit_message, search_terms


def _is_superuser(user) -> bool:
    return bool(user.is_active and user.is_superuser)


class CleanChangelist:
    """Mixin: a changelist link with a number no date or column can hold (``?started_at__year=
    99999999999999999999``) gets the admin's own "invalid lookup" answer, not a 500; a search
    past the client list's bounds is refused with its message.

    Django turns a ValueError of a filter into that answer but lets an OverflowError through.
    """

    def get_changelist_instance(self, request):
        try:
            return super().get_changelist_instance(request)
        except OverflowError as exc:
            raise IncorrectLookupParameters(exc) from exc

    def get_search_results(self, request, queryset, search_term):
        """A search past the client list's bounds (words, characters) finds nothing, with the same
        message: every word is one more condition on every row of the changelist."""
        try:
            search_terms(search_term)
        except SearchTooLong:
            messages.error(request, search_limit_message())
            return queryset.none(), False
        return super().get_search_results(request, queryset, search_term)


class SuperuserOnly(CleanChangelist):
    """Mixin: the admin's permission checks answer no to anyone but an active superuser.

    It narrows the ModelAdmin's own answers (a read-only admin stays read-only for superusers);
    the site applies it to every ModelAdmin that is not a DrawsStaffAdmin.
    """

    def has_module_permission(self, request) -> bool:
        return _is_superuser(request.user) and super().has_module_permission(request)

    def has_view_permission(self, request, obj=None) -> bool:
        return _is_superuser(request.user) and super().has_view_permission(request, obj)

    def has_add_permission(self, request, *args) -> bool:
        # *args: an inline's has_add_permission also receives the parent object.
        return _is_superuser(request.user) and super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None) -> bool:
        return _is_superuser(request.user) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return _is_superuser(request.user) and super().has_delete_permission(request, obj)


class DrawsStaffAdmin(CleanChangelist):
    """Mixin: Django staff who manage draws (clients.permissions.MANAGE_DRAWS) view, add, change and
    delete, whatever their model permissions; nobody else but superusers sees the model.

    Only for models that hold no firm's data. A page an admin adds in ``get_urls`` (an import)
    checks ``has_add_permission`` and ``has_change_permission`` itself, as the draws import does.
    """

    def _manages_draws(self, request) -> bool:
        return can(request.user, MANAGE_DRAWS)  # is_staff; the admin lets in no one else anyway

    def has_module_permission(self, request) -> bool:
        return self._manages_draws(request)

    def has_view_permission(self, request, obj=None) -> bool:
        return self._manages_draws(request)

    def has_add_permission(self, request) -> bool:
        return self._manages_draws(request)

    def has_change_permission(self, request, obj=None) -> bool:
        return self._manages_draws(request)

    def has_delete_permission(self, request, obj=None) -> bool:
        return self._manages_draws(request)


def restricted(admin_class: type[admin.ModelAdmin]) -> type[admin.ModelAdmin]:
    """`admin_class` as the site registers it: unchanged if it opens itself to draws staff or is
    already restricted, else a subclass with SuperuserOnly in front."""
    if issubclass(admin_class, DrawsStaffAdmin | SuperuserOnly):
        return admin_class
    return type(admin_class.__name__, (SuperuserOnly, admin_class), {
        "__module__": admin_class.__module__,
        "__qualname__": admin_class.__qualname__,
        "__doc__": admin_class.__doc__,
    })


class AdminSite(admin.AdminSite):
    """Django's admin site, with superuser-only as the default of every registered ModelAdmin."""

    site_header = _("ITA Desk administration")
    site_title = _("ITA Desk administration")

    def register(self, model_or_iterable, admin_class=None, **options) -> None:
        super().register(model_or_iterable, restricted(admin_class or admin.ModelAdmin), **options)

    def admin_view(self, view, cacheable=False):
        """Every admin page refuses a NUL character in its query string with a 400.

        The changelists pass filter values (``?status__exact=…``) straight to the database, and
        PostgreSQL refuses NUL in text: without this, a hand-made link was a 500. Forms need no
        such guard: Django's form fields refuse NUL with a message naming the field.
        """
        inner = super().admin_view(view, cacheable)

        @wraps(view)
        def guarded(request, *args, **kwargs):
            if "\x00" in "".join(key + "".join(values) for key, values in request.GET.lists()):
                raise BadRequest("NUL character in the query string")
            return inner(request, *args, **kwargs)

        return guarded
