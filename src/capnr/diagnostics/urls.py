from django.urls import path

from . import exports_views, views, workshop_views

app_name = "diagnostics"

urlpatterns = [
    path("diagnostic/", views.diagnostic_index, name="index"),
    path("diagnostic/start/", views.diagnostic_start, name="start"),
    path("diagnostic/mine/", views.my_questions, name="mine"),
    path("diagnostic/mine/<int:delegation_id>/", views.my_question, name="my_question"),
    path("diagnostic/<int:year>/", views.diagnostic_overview, name="overview"),
    path("diagnostic/<int:year>/theme/<slug:theme>/", views.theme_answers, name="theme"),
    path(
        "diagnostic/<int:year>/theme/<slug:theme>/autosave/",
        views.theme_autosave,
        name="theme_autosave",
    ),
    path(
        "diagnostic/<int:year>/question/<str:question_id>/delegate/",
        views.delegate,
        name="delegate",
    ),
    path(
        "diagnostic/<int:year>/delegations/<int:delegation_id>/revoke/",
        views.delegation_revoke,
        name="delegation_revoke",
    ),
    path("diagnostic/<int:year>/submit/", views.diagnostic_submit, name="submit"),
    path("diagnostic/<int:year>/reopen/", views.diagnostic_reopen, name="reopen"),
    path("diagnostic/<int:year>/results/", views.results, name="results"),
    path("diagnostic/<int:year>/results/gaps/", views.results_gaps, name="results_gaps"),
    path("diagnostic/<int:year>/workshop/", workshop_views.workshop_start, name="workshop"),
    path(
        "diagnostic/<int:year>/workshop/summary/",
        workshop_views.workshop_summary,
        name="workshop_summary",
    ),
    path(
        "diagnostic/<int:year>/workshop/pause/",
        workshop_views.workshop_pause,
        name="workshop_pause",
    ),
    path(
        "diagnostic/<int:year>/workshop/<str:question_id>/",
        workshop_views.workshop_question,
        name="workshop_question",
    ),
    path("diagnostic/<int:year>/report.pdf", exports_views.report_pdf, name="report_pdf"),
    path("diagnostic/<int:year>/answers.xlsx", exports_views.answers_xlsx, name="answers_xlsx"),
]

public_urlpatterns = [
    path("delegated/<str:token>/", views.delegated_question, name="delegated"),
]
