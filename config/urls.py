from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from clients import views as clients_views
from dashboard import views as dashboard_views
from ops import views as ops_views

urlpatterns = [
    path("", dashboard_views.dashboard, name="dashboard"),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", include("audit.urls")),  # /audit/, /clients/export.csv, /clients/<pk>/history/
    path("clients/", include("clients.urls")),
    path("draws/", include("draws.urls")),
    path("invitations/", include("invitations.urls")),
    path("", include("eligibility.urls")),  # /clients/<pk>/reports/, /reports/<pk>/ (+pdf, json, compare)
    path("ping/", ops_views.ping, name="ping"),
    path("portal/", include("portal.urls")),  # the client portal: client sessions only (portal.access)
    path("", include("documents.staff_urls")),  # /clients/<pk>/documents/<id>/..., /settings/documents/
    path("clients/<int:pk>/portal/", include("portal.staff_urls")),  # invite, revoke (staff)
    # /clients/<pk>/changes/<id>/ (review), /clients/intake-link/
    path("clients/", include("intake.staff_urls")),
    # The EN/FR switcher in the navbar: Django's set_language, also kept on the user's membership.
    path("i18n/setlang/", clients_views.set_language, name="set_language"),
    path("admin/", admin.site.urls),
]
