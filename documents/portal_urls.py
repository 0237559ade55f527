"""The client's documents, under /portal/documents/ (namespace "portal:documents")."""

from django.urls import path

from documents import portal_views as views

app_name = "documents"

urlpatterns = [
    path("", views.portal_list, name="list"),
    path("items/<int:pk>/", views.portal_item, name="item"),
    path("<int:pk>/download/", views.portal_download, name="download"),
]
