"""A cohort's dashboard, its report and its organisations' milestones, under
/coalitions/cohorts/ (included from config.urls beside the coalition's own pages)."""

from django.urls import path

from . import views_dashboard, views_report

app_name = "cohorts"

urlpatterns = [
    path("cohorts/<int:cohort_id>/dashboard/", views_dashboard.dashboard, name="dashboard"),
    path(
        "cohorts/<int:cohort_id>/dashboard.xlsx",
        views_dashboard.dashboard_xlsx,
        name="dashboard_xlsx",
    ),
    path("cohorts/<int:cohort_id>/report.pdf", views_report.report_pdf, name="report_pdf"),
    path(
        "cohorts/<int:cohort_id>/report.xlsx",
        views_report.report_xlsx_download,
        name="report_xlsx",
    ),
    path(
        "cohorts/<int:cohort_id>/o/<slug:slug>/milestones/",
        views_dashboard.organisation_milestones,
        name="milestones",
    ),
]
