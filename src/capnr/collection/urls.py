from django.urls import path

from . import public_views, views

app_name = "collection"

CAMPAIGN = "collection/<int:campaign_id>/"
ERASURE = f"{CAMPAIGN}outcome/<int:batch_id>/erasure/<int:erasure_id>/certificate/"

urlpatterns = [
    path("collection/", views.campaign_list, name="campaigns"),
    path("collection/new/", views.campaign_create, name="campaign_create"),
    path(CAMPAIGN, views.campaign_detail, name="campaign"),
    path(f"{CAMPAIGN}edit/", views.campaign_edit, name="campaign_edit"),
    path(f"{CAMPAIGN}delete/", views.campaign_delete, name="campaign_delete"),
    path(f"{CAMPAIGN}sites/", views.campaign_sites, name="sites"),
    path(f"{CAMPAIGN}leaderboard.pdf", views.campaign_summary_pdf, name="summary_pdf"),
    path(f"{CAMPAIGN}screen-link/", views.display_link_renew, name="display_renew"),
    path(f"{CAMPAIGN}to-roadmap/", views.results_to_roadmap, name="results_to_roadmap"),
    path(f"{CAMPAIGN}departments/", views.team_list, name="teams"),
    path(f"{CAMPAIGN}departments/new/", views.team_edit, name="team_create"),
    path(
        f"{CAMPAIGN}departments/from-organisation/",
        views.teams_from_departments,
        name="teams_from_departments",
    ),
    path(f"{CAMPAIGN}departments/<int:team_id>/", views.team_edit, name="team_edit"),
    path(f"{CAMPAIGN}boxes/", views.point_list, name="points"),
    path(f"{CAMPAIGN}boxes/new/", views.point_edit, name="point_create"),
    path(f"{CAMPAIGN}boxes/<int:point_id>/", views.point_detail, name="point"),
    path(f"{CAMPAIGN}boxes/<int:point_id>/edit/", views.point_edit, name="point_edit"),
    path(f"{CAMPAIGN}boxes/<int:point_id>/delete/", views.point_delete, name="point_delete"),
    path(f"{CAMPAIGN}boxes/<int:point_id>/revoke/", views.point_revoke, name="point_revoke"),
    path(f"{CAMPAIGN}boxes/<int:point_id>/renew/", views.point_renew, name="point_renew"),
    path(f"{CAMPAIGN}boxes/<int:point_id>/poster.pdf", views.point_poster, name="point_poster"),
    path(f"{CAMPAIGN}boxes/<int:point_id>/labels.pdf", views.point_labels, name="point_labels"),
    path(f"{CAMPAIGN}deposits/", views.deposit_list, name="deposits"),
    path(f"{CAMPAIGN}deposits/<int:deposit_id>/", views.deposit_detail, name="deposit"),
    path(f"{CAMPAIGN}outcome/", views.sorting, name="sorting"),
    path(f"{CAMPAIGN}outcome/new/", views.sorting_add, name="sorting_add"),
    path(f"{CAMPAIGN}outcome/device/", views.device_add, name="device_add"),
    path(f"{CAMPAIGN}outcome/<int:batch_id>/erasure/", views.erasure_add, name="erasure_add"),
    path(f"{CAMPAIGN}outcome/<int:batch_id>/delete/", views.sorting_delete, name="sorting_delete"),
    path(f"{ERASURE}", views.certificate_upload, name="certificate_upload"),
    path(f"{ERASURE}file", views.certificate_file, name="certificate_file"),
    path(f"{ERASURE}delete/", views.certificate_delete, name="certificate_delete"),
    path(f"{CAMPAIGN}outcome/publish/", views.outcomes_publish, name="outcomes_publish"),
    path(f"{CAMPAIGN}outcome/unpublish/", views.outcomes_unpublish, name="outcomes_unpublish"),
    path(f"{CAMPAIGN}register.csv", views.register_csv, name="register_csv"),
    path(f"{CAMPAIGN}register.xlsx", views.register_xlsx, name="register_xlsx"),
    path(
        f"{CAMPAIGN}deposits/<int:deposit_id>/remove/",
        views.deposit_remove,
        name="deposit_remove",
    ),
]

# Reached without an account, by the secret link of a box, of the hall screen or of the
# published page of outcomes.
public_urlpatterns = [
    path("deposit/<str:point_token>/", public_views.deposit, name="collection_deposit"),
    path(
        "deposit/<str:point_token>/thanks/",
        public_views.deposit_thanks,
        name="collection_deposit_thanks",
    ),
    path("screen/<str:display_token>/", public_views.display, name="collection_display"),
    path("results/<str:outcomes_token>/", public_views.outcomes, name="collection_outcomes"),
]
