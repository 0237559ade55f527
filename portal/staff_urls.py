"""Staff pages of the portal, under a client: /clients/<pk>/portal/... (namespace "portal_staff")."""

from django.urls import path

from portal import staff_views

app_name = "portal_staff"

urlpatterns = [
    path("invite/", staff_views.invite, name="invite"),
    path("revoke/", staff_views.revoke, name="revoke"),
    path("notes/", staff_views.notes, name="notes"),
    path("note/", staff_views.note, name="note"),
]
