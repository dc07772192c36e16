from django.urls import path

from . import views

app_name = "coalition"

urlpatterns = [path("", views.coalition_list, name="list")]
