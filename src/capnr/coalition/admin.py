from django.contrib import admin

from .models import Coalition, Cohort, CohortMembership, Session, SessionMaterial


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


class SessionMaterialInline(admin.TabularInline):
    model = SessionMaterial
    extra = 0


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    list_display = ["title", "cohort", "kind", "starts_at"]
    list_filter = ["kind", "cohort"]
    filter_horizontal = ["expected"]
    inlines = [SessionMaterialInline]
