from django.urls import path

from draws import views

app_name = "draws"
urlpatterns = [
    path("", views.history, name="history"),
]
