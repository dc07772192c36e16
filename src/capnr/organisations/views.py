"""Organisation pages: profile, sites, departments, members, invitations."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from capnr.core.access import Access, OrganisationAccess, organisation_view
from capnr.core.forms import apply_errors
from capnr.core.versioned import StaleEditError

from . import selectors, services
from .forms import (
    AcceptInvitationForm,
    DepartmentCreateForm,
    DepartmentForm,
    InvitationForm,
    MemberRoleForm,
    OrganisationProfileForm,
    SiteCreateForm,
    SiteForm,
)


@organisation_view()
@require_safe
def profile(request: HttpRequest, access: OrganisationAccess) -> HttpResponse:
    return render(request, "organisations/profile.html", {"access": access})


@organisation_view(Access.ADMINISTER)
@require_http_methods(["GET", "POST"])
def profile_edit(request: HttpRequest, access: OrganisationAccess) -> HttpResponse:
    organisation = access.organisation
    form = OrganisationProfileForm(request.POST or None, instance=organisation)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in form.Meta.fields}
        try:
            services.organisation_update(
                access=access, expected_version=form.cleaned_data["version"], **fields
            )
        except StaleEditError as error:
            form.add_error(None, str(error))
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The profile was saved."))
            return redirect("organisations:profile", slug=organisation.slug)
    return render(request, "organisations/profile_form.html", {"access": access, "form": form})


@organisation_view()
@require_safe
def site_list(request: HttpRequest, access: OrganisationAccess) -> HttpResponse:
    return render(
        request,
        "organisations/site_list.html",
        {"access": access, "sites": selectors.site_list(access=access)},
    )


@organisation_view(Access.ADMINISTER)
@require_http_methods(["GET", "POST"])
def site_create(request: HttpRequest, access: OrganisationAccess) -> HttpResponse:
    form = SiteCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            site = services.site_create(access=access, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Site “%(name)s” added.") % {"name": site.name})
            return redirect("organisations:sites", slug=access.organisation.slug)
    return render(
        request,
        "organisations/item_form.html",
        {
            "access": access,
            "form": form,
            "title": _("Add a site"),
            "back_url": reverse("organisations:sites", args=[access.organisation.slug]),
        },
    )


@organisation_view(Access.ADMINISTER)
@require_http_methods(["GET", "POST"])
def site_edit(request: HttpRequest, access: OrganisationAccess, site_id: int) -> HttpResponse:
    site = selectors.site_get(access=access, pk=site_id)
    form = SiteForm(request.POST or None, instance=site)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in SiteForm.Meta.fields}
        try:
            services.site_update(
                access=access, site=site, expected_version=form.cleaned_data["version"], **fields
            )
        except StaleEditError as error:
            form.add_error(None, str(error))
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Site “%(name)s” saved.") % {"name": site.name})
            return redirect("organisations:sites", slug=access.organisation.slug)
    return render(
        request,
        "organisations/item_form.html",
        {
            "access": access,
            "form": form,
            "title": _("Edit the site “%(name)s”") % {"name": site},
            "back_url": reverse("organisations:sites", args=[access.organisation.slug]),
        },
    )


@dataclass(frozen=True)
class Confirmation:
    """The words of a confirmation page: what is asked, what follows, the button, the result."""

    question: str
    consequence: str
    confirm_label: str
    done_message: str


def _confirm_delete(
    request: HttpRequest,
    access: OrganisationAccess,
    confirmation: Confirmation,
    back_url: str,
    delete: Callable[[], None],
) -> HttpResponse:
    if request.method == "POST":
        try:
            delete()
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, confirmation.done_message)
        return redirect(back_url)
    return render(
        request,
        "organisations/confirm_delete.html",
        {"access": access, "back_url": back_url, "confirmation": confirmation},
    )


@organisation_view(Access.ADMINISTER)
@require_http_methods(["GET", "POST"])
def site_delete(request: HttpRequest, access: OrganisationAccess, site_id: int) -> HttpResponse:
    site = selectors.site_get(access=access, pk=site_id)
    return _confirm_delete(
        request,
        access,
        Confirmation(
            _("Delete the site “%(name)s”?") % {"name": site.name},
            _("The site and what is recorded for it will be deleted. This cannot be undone."),
            _("Yes, delete the site"),
            _("Site “%(name)s” deleted.") % {"name": site.name},
        ),
        reverse("organisations:sites", args=[access.organisation.slug]),
        lambda: services.site_delete(access=access, site=site),
    )


@organisation_view()
@require_safe
def department_list(request: HttpRequest, access: OrganisationAccess) -> HttpResponse:
    return render(
        request,
        "organisations/department_list.html",
        {"access": access, "departments": selectors.department_list(access=access)},
    )


@organisation_view(Access.ADMINISTER)
@require_http_methods(["GET", "POST"])
def department_create(request: HttpRequest, access: OrganisationAccess) -> HttpResponse:
    form = DepartmentCreateForm(request.POST or None, access=access)
    if request.method == "POST" and form.is_valid():
        try:
            department = services.department_create(access=access, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Department “%(name)s” added.") % {"name": department})
            return redirect("organisations:departments", slug=access.organisation.slug)
    return render(
        request,
        "organisations/item_form.html",
        {
            "access": access,
            "form": form,
            "title": _("Add a department"),
            "back_url": reverse("organisations:departments", args=[access.organisation.slug]),
        },
    )


@organisation_view(Access.ADMINISTER)
@require_http_methods(["GET", "POST"])
def department_edit(
    request: HttpRequest, access: OrganisationAccess, department_id: int
) -> HttpResponse:
    department = selectors.department_get(access=access, pk=department_id)
    form = DepartmentForm(request.POST or None, instance=department, access=access)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in DepartmentForm.Meta.fields}
        try:
            services.department_update(
                access=access,
                department=department,
                expected_version=form.cleaned_data["version"],
                **fields,
            )
        except StaleEditError as error:
            form.add_error(None, str(error))
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Department “%(name)s” saved.") % {"name": department})
            return redirect("organisations:departments", slug=access.organisation.slug)
    return render(
        request,
        "organisations/item_form.html",
        {
            "access": access,
            "form": form,
            "title": _("Edit the department “%(name)s”") % {"name": department},
            "back_url": reverse("organisations:departments", args=[access.organisation.slug]),
        },
    )


@organisation_view(Access.ADMINISTER)
@require_http_methods(["GET", "POST"])
def department_delete(
    request: HttpRequest, access: OrganisationAccess, department_id: int
) -> HttpResponse:
    department = selectors.department_get(access=access, pk=department_id)
    return _confirm_delete(
        request,
        access,
        Confirmation(
            _("Delete the department “%(name)s”?") % {"name": department.name},
            _("The department will be deleted. This cannot be undone."),
            _("Yes, delete the department"),
            _("Department “%(name)s” deleted.") % {"name": department.name},
        ),
        reverse("organisations:departments", args=[access.organisation.slug]),
        lambda: services.department_delete(access=access, department=department),
    )


@organisation_view()
@require_safe
def member_list(request: HttpRequest, access: OrganisationAccess) -> HttpResponse:
    context: dict[str, Any] = {"access": access, "members": selectors.member_list(access=access)}
    if access.can_administer:
        context["invitations"] = selectors.pending_invitation_list(access=access)
    return render(request, "organisations/member_list.html", context)


@organisation_view(Access.ADMINISTER)
@require_http_methods(["GET", "POST"])
def member_invite(request: HttpRequest, access: OrganisationAccess) -> HttpResponse:
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.invitation_create(
                access=access,
                invited_by=request.user,
                **form.cleaned_data,  # type: ignore[arg-type]
                build_accept_url=lambda raw: request.build_absolute_uri(
                    reverse("invitation_accept", args=[raw])
                ),
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request, _("An invitation was sent to %(email)s.") % {"email": invitation.email}
            )
            return redirect("organisations:members", slug=access.organisation.slug)
    return render(
        request,
        "organisations/item_form.html",
        {
            "access": access,
            "form": form,
            "title": _("Invite someone"),
            "submit_label": _("Send the invitation"),
            "back_url": reverse("organisations:members", args=[access.organisation.slug]),
        },
    )


@organisation_view(Access.ADMINISTER)
@require_http_methods(["GET", "POST"])
def member_edit(
    request: HttpRequest, access: OrganisationAccess, membership_id: int
) -> HttpResponse:
    membership = selectors.member_get(access=access, pk=membership_id)
    form = MemberRoleForm(request.POST or None, initial={"role": membership.role})
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_change_role(
                access=access, membership=membership, role=form.cleaned_data["role"]
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request, _("The role of %(name)s was changed.") % {"name": membership.user}
            )
            return redirect("organisations:members", slug=access.organisation.slug)
    return render(
        request,
        "organisations/item_form.html",
        {
            "access": access,
            "form": form,
            "title": _("Role of %(name)s") % {"name": membership.user},
            "back_url": reverse("organisations:members", args=[access.organisation.slug]),
        },
    )


@organisation_view(Access.ADMINISTER)
@require_http_methods(["GET", "POST"])
def member_remove(
    request: HttpRequest, access: OrganisationAccess, membership_id: int
) -> HttpResponse:
    membership = selectors.member_get(access=access, pk=membership_id)
    return _confirm_delete(
        request,
        access,
        Confirmation(
            _("Remove %(name)s from the organisation?") % {"name": membership.user},
            _("They will lose access to the organisation. You can invite them again later."),
            _("Yes, remove this member"),
            _("%(name)s no longer belongs to the organisation.") % {"name": membership.user},
        ),
        reverse("organisations:members", args=[access.organisation.slug]),
        lambda: services.membership_remove(access=access, membership=membership),
    )


@organisation_view(Access.ADMINISTER)
@require_POST
def invitation_revoke(
    request: HttpRequest, access: OrganisationAccess, invitation_id: int
) -> HttpResponse:
    invitation = selectors.invitation_get(access=access, pk=invitation_id)
    services.invitation_revoke(access=access, invitation=invitation)
    messages.success(
        request, _("The invitation to %(email)s was withdrawn.") % {"email": invitation.email}
    )
    return redirect("organisations:members", slug=access.organisation.slug)


def _invitation_refused(
    request: HttpRequest, error: services.InvitationUnusable, token: str
) -> HttpResponse:
    """Why the link cannot be used: 403 for another account than the invited address, 410 for a
    known invitation that is no longer usable, 404 for an unknown link."""
    if error.reason == "other_account":
        return render(
            request,
            "organisations/invitation_other_account.html",
            {"invitation": error.invitation},
            status=403,
        )
    return render(
        request,
        "organisations/invitation_unusable.html",
        {"reason": error.reason, "invitation": error.invitation, "token": token},
        status=410 if error.invitation else 404,
    )


@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """Public: the link from the invitation email. Only the invited address joins: logged in as
    another account, the page says so and offers to log out."""
    try:
        invitation = services.invitation_find(raw_token=token)
    except services.InvitationUnusable as error:
        return _invitation_refused(request, error, token)
    user = request.user if request.user.is_authenticated else None
    if user is not None and not invitation.is_addressed_to(user):  # type: ignore[arg-type]
        return _invitation_refused(
            request, services.InvitationUnusable("other_account", invitation), token
        )
    account_exists = user is None and selectors.account_exists(email=invitation.email)
    form = (
        None
        if user or account_exists
        else AcceptInvitationForm(request.POST or None, email=invitation.email)
    )
    if request.method == "POST" and (user is not None or (form is not None and form.is_valid())):
        try:
            membership = services.invitation_accept(
                raw_token=token,
                user=user,  # type: ignore[arg-type]
                full_name=form.cleaned_data["full_name"] if form else "",
                password=form.cleaned_data["password1"] if form else "",
                language=translation.get_language() or settings.LANGUAGE_CODE,
            )
        except services.InvitationUnusable as error:
            return _invitation_refused(request, error, token)
        if user is None:
            login(request, membership.user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(
            request, _("Welcome to %(organisation)s.") % {"organisation": membership.organisation}
        )
        return redirect("web:organisation_home", slug=membership.organisation.slug)
    return render(
        request,
        "organisations/invitation_accept.html",
        {
            "invitation": invitation,
            "form": form,
            "account_exists": account_exists,
        },
    )


@require_POST
def invitation_request_new(request: HttpRequest, token: str) -> HttpResponse:
    """Public: from an expired or used link, ask the référents for a new invitation."""
    try:
        services.invitation_find(raw_token=token)
    except services.InvitationUnusable as error:
        invitation = error.invitation
    else:
        return redirect("invitation_accept", token=token)
    if invitation is None:
        return render(
            request,
            "organisations/invitation_unusable.html",
            {"reason": "unknown", "invitation": None, "token": token},
            status=404,
        )
    try:
        notified = services.invitation_request_new(
            invitation=invitation,
            message_url=request.build_absolute_uri(
                reverse("organisations:members", args=[invitation.organisation.slug])
            ),
        )
    except services.NewInvitationAlreadyRequested as already:
        return render(
            request,
            "organisations/invitation_requested.html",
            {"invitation": invitation, "already": True, "retry_at": already.retry_at},
            status=429,
        )
    return render(
        request,
        "organisations/invitation_requested.html",
        {"invitation": invitation, "notified": notified},
    )
