from django.contrib import admin

from .models import ExperienceReport, ReportSuggestion


@admin.register(ExperienceReport)
class ExperienceReportAdmin(admin.ModelAdmin):
    list_display = ["title", "organisation", "visibility", "year", "withdrawn_at"]
    list_filter = ["visibility", "outcome", "year"]
    search_fields = ["title", "organisation__name"]
    raw_id_fields = ["organisation", "item", "author"]


@admin.register(ReportSuggestion)
class ReportSuggestionAdmin(admin.ModelAdmin):
    list_display = ["organisation", "created_at", "dismissed_at"]
    raw_id_fields = ["organisation", "item", "suggested_by"]
