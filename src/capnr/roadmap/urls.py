from django.urls import path

from . import exports_views, views

app_name = "roadmap"

urlpatterns = [
    # The roadmap
    path("roadmap/", views.roadmap, name="roadmap"),
    path("roadmap/new/", views.item_create, name="item_create"),
    path("roadmap/bin/", views.item_bin, name="bin"),
    path("roadmap/approval/", views.approval, name="approval"),
    path("roadmap/export.xlsx", exports_views.roadmap_xlsx, name="export_xlsx"),
    path("roadmap/report.pdf", exports_views.roadmap_pdf, name="report_pdf"),
    path("roadmap/calendar/", exports_views.calendar_settings, name="calendar"),
    path("roadmap/reminders/", exports_views.reminders, name="reminders"),
    path("roadmap/<int:item_id>/", views.item_detail, name="item"),
    path("roadmap/<int:item_id>/edit/", views.item_edit, name="item_edit"),
    path("roadmap/<int:item_id>/delete/", views.item_delete, name="item_delete"),
    path("roadmap/<int:item_id>/restore/", views.item_restore, name="item_restore"),
    path("roadmap/<int:item_id>/journal/", views.journal_add, name="journal_add"),
    path("roadmap/<int:item_id>/kpis/", views.kpi_add, name="kpi_add"),
    path(
        "roadmap/<int:item_id>/measurements/",
        views.measurement_record,
        name="measurement_record",
    ),
    path(
        "roadmap/<int:item_id>/kpis/<int:kpi_id>/measurements/",
        views.measurement_add,
        name="measurement_add",
    ),
    # Working groups
    path("groups/", views.group_list, name="groups"),
    path("groups/new/", views.group_create, name="group_create"),
    path("groups/usual/", views.group_templates, name="group_templates"),
    path("groups/<int:group_id>/", views.group_detail, name="group"),
    path("groups/<int:group_id>/edit/", views.group_edit, name="group_edit"),
    path("groups/<int:group_id>/delete/", views.group_delete, name="group_delete"),
    path("groups/<int:group_id>/members/", views.member_add, name="member_add"),
    path(
        "groups/<int:group_id>/members/<int:member_id>/remove/",
        views.member_remove,
        name="member_remove",
    ),
    path("groups/<int:group_id>/notes/", views.meeting_note_add, name="meeting_note_add"),
]

public_urlpatterns = [
    path("calendar/<str:token>.ics", exports_views.calendar_feed, name="calendar_feed"),
]
