app_name = "draws"
urlpatterns: list = []
