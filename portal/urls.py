"""Everything a client reaches, under /portal/ (namespace "portal"): see portal.access."""

from django.urls import include, path

from portal import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("sign-in/", views.ask_link, name="ask_link"),
    path("sign-in/<int:client_id>/", views.sign_in, name="sign_in"),
    path("sign-out/", views.sign_out, name="sign_out"),
    path("documents/", include("documents.portal_urls")),
    path("facts/", include("intake.portal_urls")),  # the client's questionnaire
    path("intake/", include("intake.public_urls")),  # a firm's public intake link (anonymous)
]
