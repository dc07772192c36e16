from django.contrib import admin

from .models import Asset, ColumnMapping, FootprintRun, InventoryImport


@admin.register(Asset)
class AssetAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation", "category", "model", "site", "status"]
    list_filter = ["category", "status", "origin"]
    search_fields = ["name", "serial_number", "inventory_number", "model"]
    raw_id_fields = ["organisation", "site", "department", "last_import"]


@admin.register(InventoryImport)
class InventoryImportAdmin(admin.ModelAdmin):
    list_display = ["file_name", "organisation", "status", "total_rows", "created_at"]
    list_filter = ["status"]
    readonly_fields = ["problems", "uncertain", "summary", "detected", "header", "mapping"]


admin.site.register(ColumnMapping)


@admin.register(FootprintRun)
class FootprintRunAdmin(admin.ModelAdmin):
    list_display = [
        "organisation",
        "created_at",
        "method",
        "engine_version",
        "data_version",
        "device_count",
    ]
    readonly_fields = ["inputs", "results"]
