from django.urls import path

from eligibility import views

app_name = "eligibility"
urlpatterns = [
    path("clients/<int:client_pk>/reports/", views.client_reports, name="client_reports"),
    path("clients/<int:client_pk>/reports/generate/", views.generate, name="generate"),
    path("reports/<int:pk>/", views.report_detail, name="report"),
    path("reports/<int:pk>/pdf/", views.report_pdf, name="report_pdf"),
    path("reports/<int:pk>/json/", views.report_json, name="report_json"),
    path("reports/<int:pk>/compare/<int:other_pk>/", views.report_compare, name="compare"),
    path("alerts/", views.alerts, name="alerts"),
    path("alerts/<int:pk>/dismiss/", views.dismiss_alert, name="dismiss_alert"),
]
