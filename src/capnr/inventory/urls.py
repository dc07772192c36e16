from django.urls import path

from . import views

app_name = "inventory"

urlpatterns = [
    path("inventory/", views.asset_list, name="assets"),
    path("inventory/counts/", views.counts, name="counts"),
    path("inventory/export-g4it.csv", views.asset_export_g4it, name="assets_export_g4it"),
    path("inventory/imports/", views.import_list, name="imports"),
    path(
        "inventory/imports/template.csv",
        views.import_template,
        {"fmt": "csv"},
        name="import_template_csv",
    ),
    path(
        "inventory/imports/template.xlsx",
        views.import_template,
        {"fmt": "xlsx"},
        name="import_template_xlsx",
    ),
    path("inventory/imports/<int:import_id>/", views.import_detail, name="import_detail"),
    path("inventory/imports/<int:import_id>/columns/", views.import_mapping, name="import_mapping"),
    path("inventory/imports/<int:import_id>/confirm/", views.import_confirm, name="import_confirm"),
    path("inventory/imports/<int:import_id>/cancel/", views.import_cancel, name="import_cancel"),
    path("inventory/imports/<int:import_id>/retry/", views.import_retry, name="import_retry"),
    path(
        "inventory/imports/<int:import_id>/problems.csv",
        views.import_problems,
        name="import_problems",
    ),
    path("footprint/", views.footprint, name="footprint"),
    path("footprint/recompute/", views.footprint_recompute, name="footprint_recompute"),
    path(
        "footprint/export.csv", views.footprint_export, {"fmt": "csv"}, name="footprint_export_csv"
    ),
    path(
        "footprint/export.xlsx",
        views.footprint_export,
        {"fmt": "xlsx"},
        name="footprint_export_xlsx",
    ),
]
