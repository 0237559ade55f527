"""The firm's pages of documents (namespace "documents"): a client's files, those to review, retention."""

from django.urls import path

from documents import views

app_name = "documents"

urlpatterns = [
    path("clients/<int:client_pk>/documents/<int:pk>/download/", views.staff_download, name="download"),
    path("clients/<int:client_pk>/documents/<int:pk>/review/", views.review, name="review"),
    path("settings/documents/", views.retention, name="retention"),
    path("documents/to-review/", views.to_review, name="to_review"),
]
