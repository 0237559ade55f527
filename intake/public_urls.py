"""A firm's public intake page, under /portal/intake/ (names in the "portal" namespace)."""

from django.urls import path

from intake import portal_views

urlpatterns = [
    path("<str:token>/", portal_views.intake, name="intake"),
    path("<str:token>/thanks/", portal_views.intake_thanks, name="intake_thanks"),
]
