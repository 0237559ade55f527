"""The client's facts questionnaire, under /portal/facts/ (names in the "portal" namespace)."""

from django.urls import path

from intake import portal_views

urlpatterns = [
    path("", portal_views.questionnaire, name="facts"),
]
