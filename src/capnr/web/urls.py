from django.urls import path

from . import views

app_name = "web"

urlpatterns = [
    path("", views.landing, name="home"),
    path("switch/", views.switch_organisation, name="switch"),
    path("o/<slug:slug>/", views.organisation_home, name="organisation_home"),
    path("o/<slug:slug>/export.zip", views.organisation_export, name="organisation_export"),
    path("account/", views.account, name="account"),
    path("account/tokens/<int:token_id>/revoke/", views.token_revoke, name="token_revoke"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("legal/", views.legal, name="legal"),
]
