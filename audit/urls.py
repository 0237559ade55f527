"""Audit pages (owner only) and the client CSV export; included at the site root."""

from django.urls import path

from audit import views

app_name = "audit"
urlpatterns = [
    path("audit/", views.audit_log, name="log"),
    path("clients/export.csv", views.client_export_csv, name="client_export"),
    path("clients/<int:pk>/history/", views.client_history, name="client_history"),
]
