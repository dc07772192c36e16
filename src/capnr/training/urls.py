from django.urls import path

from . import satisfaction_views, skills_views, trainer_views, views

app_name = "training"

urlpatterns = [
    path("training/", views.index, name="index"),
    path("training/offers/new/", views.offer_create, name="offer_create"),
    path("training/indicators-to-roadmap/", views.kpis_to_roadmap, name="kpis_to_roadmap"),
    path("training/offers/<int:offer_id>/", views.offer_detail, name="offer"),
    path("training/offers/<int:offer_id>/edit/", views.offer_edit, name="offer_edit"),
    path(
        "training/offers/<int:offer_id>/sessions/new/",
        views.session_create,
        name="session_create",
    ),
    path("training/sessions/", views.session_list, name="sessions"),
    path("training/sessions/<int:session_id>/", views.session_detail, name="session"),
    path("training/sessions/<int:session_id>/edit/", views.session_edit, name="session_edit"),
    path("training/sessions/<int:session_id>/cancel/", views.session_cancel, name="session_cancel"),
    path("training/sessions/<int:session_id>/register/", views.register, name="register"),
    path(
        "training/sessions/<int:session_id>/session.ics",
        views.session_calendar,
        name="session_calendar",
    ),
    path("training/sessions/<int:session_id>/register-me/", views.register_me, name="register_me"),
    path("training/sessions/<int:session_id>/attendance/", views.attendance, name="attendance"),
    path(
        "training/sessions/<int:session_id>/sign-in-sheet.pdf",
        views.sign_in_sheet,
        name="sign_in_sheet",
    ),
    path(
        "training/sessions/<int:session_id>/trainer-link/",
        trainer_views.trainer_link,
        name="trainer_link",
    ),
    path(
        "training/sessions/<int:session_id>/satisfaction/",
        satisfaction_views.satisfaction_links,
        name="satisfaction_links",
    ),
    path(
        "training/registrations/<int:registration_id>/cancel/",
        views.registration_cancel,
        name="registration_cancel",
    ),
    path(
        "training/registrations/<int:registration_id>/certificate.pdf",
        views.certificate,
        name="certificate",
    ),
    path("training/people/", views.people, name="people"),
    path("training/people/<int:trainee_id>/erase/", views.trainee_erase, name="trainee_erase"),
    path("training/export.xlsx", views.export_xlsx, name="export_xlsx"),
    path("training/attendance.csv", views.export_csv, name="export_csv"),
    path("training/self-assessment/", skills_views.campaigns, name="campaigns"),
    path(
        "training/self-assessment/<int:campaign_id>/",
        skills_views.campaign_detail,
        name="campaign",
    ),
    path(
        "training/self-assessment/<int:campaign_id>/poster.pdf",
        skills_views.campaign_poster,
        name="campaign_poster",
    ),
    path(
        "training/self-assessment/<int:campaign_id>/close/",
        skills_views.campaign_close,
        name="campaign_close",
    ),
]

# The agents' self-assessment, reached by its campaign's link without an account.
public_urlpatterns = [
    path("skills/<str:token>/", skills_views.skills_assessment, name="skills_assessment"),
    path("skills/<str:token>/thanks/", skills_views.skills_thanks, name="skills_thanks"),
    path(
        "satisfaction/thanks/", satisfaction_views.satisfaction_thanks, name="satisfaction_thanks"
    ),
    path("satisfaction/<str:token>/", satisfaction_views.satisfaction, name="satisfaction"),
    # The session's trainer, by the link emailed to them (ADR 0015).
    path("trainer/<str:trainer_token>/", trainer_views.session, name="trainer_session"),
    path(
        "trainer/<str:trainer_token>/attendance/",
        trainer_views.attendance,
        name="trainer_attendance",
    ),
    path(
        "trainer/<str:trainer_token>/sign-in-sheet.pdf",
        trainer_views.sign_in_sheet,
        name="trainer_sign_in_sheet",
    ),
]
