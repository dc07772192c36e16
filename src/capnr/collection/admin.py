from django.contrib import admin

from .models import Campaign, CollectionPoint, Deposit, DepositChange, Team


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation", "start_date", "end_date"]
    list_filter = ["organisation"]
    exclude = ["display_token"]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "campaign", "headcount"]


@admin.register(CollectionPoint)
class CollectionPointAdmin(admin.ModelAdmin):
    list_display = ["site", "location", "campaign", "token_revoked_at"]
    exclude = ["token"]


@admin.register(Deposit)
class DepositAdmin(admin.ModelAdmin):
    list_display = ["point", "team", "created_at", "removed_at"]


admin.site.register(DepositChange)
