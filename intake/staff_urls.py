"""Staff pages of fact changes, under /clients/ (namespace "intake")."""

from django.urls import path

from intake import views

app_name = "intake"
urlpatterns = [
    path("<int:pk>/changes/<int:change_id>/", views.review, name="review"),
    path("<int:pk>/changes/<int:change_id>/accept/", views.accept, name="accept"),
    path("<int:pk>/changes/<int:change_id>/return/", views.return_change, name="return"),
    path("changes/", views.to_review, name="to_review"),
    path("intake-link/", views.intake_link, name="link"),
]
