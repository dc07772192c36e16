"""The shell: landing, an organisation's home (the journey), organisation switcher, account and
tokens, legal pages, error pages."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import i18n
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from capnr.api import selectors as api_selectors
from capnr.api import services as api_services
from capnr.core.access import (
    LAST_ORGANISATION_KEY,
    Access,
    OrganisationAccess,
    organisation_view,
)
from capnr.organisations.lockout import login_lockout_clear
from capnr.organisations.selectors import organisation_choices_for, organisation_counts
from capnr.organisations.services import user_language_set
from capnr.organisations.tenancy import facilitates_a_coalition, visible_to

from .forms import ApiTokenForm
from .home import home_for
from .journey import journey_for
from .portability import export_organisation


@require_safe
def landing(request: HttpRequest) -> HttpResponse:
    """Logged in: the last organisation used (or the only one). Otherwise: what Cap NR is."""
    if not request.user.is_authenticated:
        return render(request, "web/landing.html")
    visible = visible_to(request.user)
    last = request.session.get(LAST_ORGANISATION_KEY)
    if last and visible.filter(slug=last).exists():
        return redirect("web:organisation_home", slug=last)
    if facilitates_a_coalition(request.user):
        return redirect("coalition:list")
    first = visible.order_by("name").first()
    if first is not None:
        return redirect("web:organisation_home", slug=first.slug)
    return render(request, "web/no_organisation.html")


@organisation_view()
@require_safe
def organisation_home(request: HttpRequest, access: OrganisationAccess) -> HttpResponse:
    return render(
        request,
        "web/organisation_home.html",
        {
            "access": access,
            "journey": journey_for(access),
            "home": home_for(access),
            "counts": organisation_counts(access=access),
        },
    )


@login_required
@require_POST
def switch_organisation(request: HttpRequest) -> HttpResponse:
    slug = request.POST.get("organisation", "")
    if visible_to(request.user).filter(slug=slug).exists():
        return redirect("web:organisation_home", slug=slug)
    messages.error(request, _("You cannot open this organisation."))
    return redirect("web:home")


@login_required
@require_http_methods(["GET", "POST"])
def account(request: HttpRequest) -> HttpResponse:
    form = ApiTokenForm(request.POST or None)
    new_secret = None
    if request.method == "POST" and form.is_valid():
        token, new_secret = api_services.api_token_create(
            user=request.user, name=form.cleaned_data["name"]
        )  # type: ignore[arg-type]
        messages.success(request, _("Token “%(name)s” created.") % {"name": token.name})
        form = ApiTokenForm()
    return render(
        request,
        "web/account.html",
        {
            "choices": organisation_choices_for(request.user),  # type: ignore[arg-type]
            "tokens": api_selectors.api_token_list(user=request.user),  # type: ignore[arg-type]
            "form": form,
            "new_secret": new_secret,
        },
    )


def language_set(request: HttpRequest) -> HttpResponse:
    """Django's ``set_language`` (the footer's form: the cookie, then back to the page), and
    for someone logged in the language kept on their account: their emails are written in it
    and their next login, on any browser, opens in it (ADR 0016)."""
    response = i18n.set_language(request)
    if request.method == "POST" and request.user.is_authenticated:
        user_language_set(user=request.user, language=request.POST.get("language", ""))  # type: ignore[arg-type]
    return response


@login_required
@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    if api_services.api_token_revoke(user=request.user, token_id=token_id):  # type: ignore[arg-type]
        messages.success(request, _("The token was revoked; it no longer works."))
    else:
        messages.error(request, _("This token does not exist or was already revoked."))
    return redirect("web:account")


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """The link from the reset email. Whoever completes it holds the mailbox: the login lock
    on the account goes, so the locked-out page can send people here; the account's API
    tokens are revoked (the page says so), as someone who knew the old password may hold one."""

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        login_lockout_clear(email=form.user.email)
        api_services.api_tokens_revoke_all(user=form.user)
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    """Changing one's password revokes one's API tokens too (the page says so)."""

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        api_services.api_tokens_revoke_all(user=form.user)
        return response


@require_safe
def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "web/accessibility.html")


@require_safe
def legal(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "web/legal.html",
        {
            "operator_name": settings.CAPNR_OPERATOR_NAME,
            "operator_contact": settings.CAPNR_OPERATOR_CONTACT,
        },
    )


def error_400(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "400.html", status=400)


def error_403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", status=403)


def error_404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


def error_500(request: HttpRequest) -> HttpResponse:
    return render(request, "500.html", status=500)


@organisation_view(Access.ADMINISTER)
@require_safe
def organisation_export(request: HttpRequest, access: OrganisationAccess) -> HttpResponse:
    """All of the organisation's data as a ZIP of JSON (portability; the way to leave), for the
    référent. Another Cap NR instance reads it with ``capnr import_organisation``."""
    organisation = access.organisation
    response = HttpResponse(export_organisation(organisation), content_type="application/zip")
    day = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="capnr-{organisation.slug}-{day}.zip"'
    return response
