"""A client's documents for the firm, under /clients/<client_pk>/documents/ (namespace "documents")."""

from django.urls import path

from documents import views

app_name = "documents"

urlpatterns = [
    path("<int:pk>/download/", views.staff_download, name="download"),
    path("<int:pk>/review/", views.review, name="review"),
]
