from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from capnr.api.api import api
from capnr.collection.urls import public_urlpatterns as collection_public_urls
from capnr.diagnostics.urls import public_urlpatterns as diagnostic_public_urls
from capnr.organisations import views as organisation_views
from capnr.peers.urls import coalition_urlpatterns as peers_coalition_urls
from capnr.peers.urls import public_urlpatterns as peers_public_urls
from capnr.roadmap.urls import public_urlpatterns as roadmap_public_urls
from capnr.training.urls import public_urlpatterns as training_public_urls
from capnr.web import views as web_views

handler400 = "capnr.web.views.error_400"
handler403 = "capnr.web.views.error_403"
handler404 = "capnr.web.views.error_404"
handler500 = "capnr.web.views.error_500"

accounts = [
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/change/", web_views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("password/reset/", auth_views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        web_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]

urlpatterns = [
    path("", include("capnr.web.urls")),
    path("accounts/", include(accounts)),
    path(
        "invitations/<str:token>/", organisation_views.invitation_accept, name="invitation_accept"
    ),
    path(
        "invitations/<str:token>/request-new/",
        organisation_views.invitation_request_new,
        name="invitation_request_new",
    ),
    path("o/<slug:slug>/", include("capnr.organisations.urls")),
    path("o/<slug:slug>/", include("capnr.inventory.urls")),
    path("o/<slug:slug>/", include("capnr.diagnostics.urls")),
    path("", include(diagnostic_public_urls)),
    path("o/<slug:slug>/", include("capnr.actions.urls")),
    path("o/<slug:slug>/", include("capnr.roadmap.urls")),
    path("", include(roadmap_public_urls)),
    path("o/<slug:slug>/", include("capnr.collection.urls")),
    path("", include(collection_public_urls)),
    path("o/<slug:slug>/", include("capnr.peers.urls")),
    path("", include(peers_public_urls)),
    path("", include(peers_coalition_urls)),
    path("o/<slug:slug>/", include("capnr.training.urls")),
    path("", include(training_public_urls)),
    path("coalitions/", include("capnr.coalition.urls")),
    path("coalitions/", include("capnr.coalition.urls_dashboard")),
    path("i18n/setlang/", web_views.language_set, name="set_language"),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]
