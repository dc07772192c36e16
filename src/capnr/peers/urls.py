from django.urls import path

from . import views

app_name = "peers"

urlpatterns = [
    path("peers/", views.library, name="library"),
    path("peers/mine/", views.mine, name="mine"),
    path("peers/reports/<int:report_id>/", views.report_detail, name="report"),
    path("peers/reports/<int:report_id>/edit/", views.report_edit, name="report_edit"),
    path("peers/reports/<int:report_id>/withdraw/", views.report_withdraw, name="report_withdraw"),
    path(
        "peers/reports/<int:report_id>/republish/",
        views.report_republish,
        name="report_republish",
    ),
    path("peers/write/<int:item_id>/", views.report_create, name="report_create"),
    path("peers/items/<int:item_id>/inspiration/", views.inspiration, name="inspiration"),
    path("peers/suggest/", views.suggest, name="suggest"),
    path(
        "peers/suggestions/<int:suggestion_id>/dismiss/",
        views.suggestion_dismiss,
        name="suggestion_dismiss",
    ),
    path("peers/listing/", views.listing, name="listing"),
    path("peers/benchmarks/", views.benchmarks, name="benchmarks"),
    path(
        "peers/benchmarks/participation/",
        views.benchmarks_participation,
        name="benchmarks_participation",
    ),
]

# Pages with no login: the reports their organisations chose to show everyone.
public_urlpatterns = (
    [
        path("peers/", views.public_library, name="library"),
        path("peers/reports/<int:report_id>/", views.public_report, name="report"),
        path("peers/coalitions/<slug:coalition_slug>/", views.coalition_page, name="coalition"),
        path(
            "peers/coalitions/<slug:coalition_slug>/open-data.csv",
            views.open_data,
            name="open_data",
        ),
    ],
    "peers_public",
)
# A coalition's facilitators decide what it publishes.
coalition_urlpatterns = (
    [
        path(
            "peers/coalitions/<slug:coalition_slug>/publish/",
            views.publication,
            name="publication",
        ),
    ],
    "peers_coalition",
)
