from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

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
    path("i18n/", include("django.conf.urls.i18n")),  # set_language: the EN/FR switcher in the navbar
    path("admin/", admin.site.urls),
]
