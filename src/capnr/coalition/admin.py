from django.contrib import admin

from .models import Coalition, Cohort, CohortMembership


class CohortMembershipInline(admin.TabularInline):
    model = CohortMembership
    extra = 0
    autocomplete_fields = ["organisation"]


@admin.register(Coalition)
class CoalitionAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["facilitators"]


@admin.register(Cohort)
class CohortAdmin(admin.ModelAdmin):
    list_display = ["name", "coalition", "year", "start_date", "end_date"]
    list_filter = ["year", "coalition"]
    inlines = [CohortMembershipInline]
