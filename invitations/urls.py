from django.urls import path

from invitations import views

app_name = "invitations"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("settings/", views.firm_settings, name="settings"),
    path("clients/<int:client_pk>/", views.client_page, name="client"),
    path("clients/<int:client_pk>/record/", views.record, name="record"),
    path("<int:pk>/status/", views.change_status, name="status"),
    path("items/<int:pk>/", views.update_item, name="item"),
    path("<int:pk>/items/add/", views.add_item, name="add_item"),
]
