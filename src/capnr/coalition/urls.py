from django.urls import path

from . import views

app_name = "coalition"

urlpatterns = [
    path("", views.coalition_list, name="list"),
    path("join/<int:cohort_membership_id>/", views.join, name="join"),
    path("o/<slug:slug>/cohort/", views.organisation_cohort, name="organisation_cohort"),
    path("calendar/", views.calendar_subscription, name="calendar_subscription"),
    path("calendar/renew/", views.calendar_subscription_renew, name="calendar_subscription_renew"),
    path(
        "calendar/revoke/", views.calendar_subscription_revoke, name="calendar_subscription_revoke"
    ),
    path(
        "calendar/<str:feed_token>.ics",
        views.personal_calendar_feed,
        name="personal_calendar_feed",
    ),
    path("<slug:coalition>/cohorts/new/", views.cohort_create, name="cohort_create"),
    path("<slug:coalition>/cohorts/<int:cohort_id>/", views.cohort_detail, name="cohort"),
    path("<slug:coalition>/cohorts/<int:cohort_id>/edit/", views.cohort_edit, name="cohort_edit"),
    path(
        "<slug:coalition>/cohorts/<int:cohort_id>/close/", views.cohort_close, name="cohort_close"
    ),
    path(
        "<slug:coalition>/cohorts/<int:cohort_id>/sessions.ics",
        views.cohort_calendar,
        name="cohort_calendar",
    ),
    path(
        "<slug:coalition>/cohorts/<int:cohort_id>/organisations/add/",
        views.cohort_add_organisation,
        name="cohort_add_organisation",
    ),
    path(
        "<slug:coalition>/cohorts/<int:cohort_id>/sessions/new/",
        views.session_create,
        name="session_create",
    ),
    path("<slug:coalition>/sessions/<int:session_id>/", views.session_detail, name="session"),
    path(
        "<slug:coalition>/sessions/<int:session_id>/edit/", views.session_edit, name="session_edit"
    ),
    path(
        "<slug:coalition>/sessions/<int:session_id>/delete/",
        views.session_delete,
        name="session_delete",
    ),
    path(
        "<slug:coalition>/sessions/<int:session_id>/attendance/",
        views.session_attendance,
        name="session_attendance",
    ),
    path(
        "<slug:coalition>/sessions/<int:session_id>/invite/",
        views.session_invite,
        name="session_invite",
    ),
    path(
        "<slug:coalition>/sessions/<int:session_id>/materials/",
        views.material_add,
        name="material_add",
    ),
    path(
        "<slug:coalition>/sessions/<int:session_id>/materials/<int:material_id>/remove/",
        views.material_remove,
        name="material_remove",
    ),
    path(
        "<slug:coalition>/sessions/<int:session_id>/files/",
        views.session_file_add,
        name="session_file_add",
    ),
    path(
        "<slug:coalition>/sessions/<int:session_id>/files/<int:file_id>/",
        views.session_file,
        name="session_file",
    ),
    path(
        "<slug:coalition>/sessions/<int:session_id>/files/<int:file_id>/delete/",
        views.session_file_delete,
        name="session_file_delete",
    ),
    path(
        "<slug:coalition>/organisations/<slug:slug>/notes/",
        views.organisation_notes,
        name="notes",
    ),
    path("<slug:coalition>/notes/<int:note_id>/delete/", views.note_delete, name="note_delete"),
]
