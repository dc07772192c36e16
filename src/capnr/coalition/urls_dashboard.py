"""A cohort's dashboard and its organisations' milestones, under /coalitions/cohorts/ (included
from config.urls beside the coalition's own pages)."""

from django.urls import path

from . import views_dashboard

app_name = "cohorts"

urlpatterns = [
    path("cohorts/<int:cohort_id>/dashboard/", views_dashboard.dashboard, name="dashboard"),
    path(
        "cohorts/<int:cohort_id>/dashboard.xlsx",
        views_dashboard.dashboard_xlsx,
        name="dashboard_xlsx",
    ),
    path(
        "cohorts/<int:cohort_id>/o/<slug:slug>/milestones/",
        views_dashboard.organisation_milestones,
        name="milestones",
    ),
]
