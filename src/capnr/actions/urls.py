from django.urls import path

from . import views

app_name = "actions"

urlpatterns = [
    path("actions/", views.recommendations, name="recommendations"),
    path("actions/matrix/", views.matrix, name="matrix"),
    path("actions/catalogue/", views.catalogue, name="catalogue"),
    path("actions/catalogue/<str:action_id>/", views.action_detail, name="action"),
    path("actions/simulate/<slug:model_id>/", views.simulator, name="simulator"),
    path("actions/simulate/<slug:model_id>/save/", views.scenario_save, name="scenario_save"),
    path("actions/scenarios/<int:scenario_id>/", views.scenario_detail, name="scenario"),
]
