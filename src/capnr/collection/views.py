"""Members' pages of the collection challenge: campaigns, the departments taking part, the boxes
and their links (revoke, renew, poster), the deposits with their corrections and journal, and
the leaderboard. The pages reached without an account are in ``public_views``."""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from capnr.core.access import Access, OrganisationAccess, organisation_view
from capnr.core.forms import apply_errors
from capnr.core.spreadsheets import csv_bytes, xlsx_bytes
from capnr.core.versioned import StaleEditError
from capnr.organisations.models import Role
from capnr.organisations.selectors import department_list, member_list, site_list
from capnr.roadmap.selectors import item_list

from . import poster, selectors, services
from .forms import (
    CampaignForm,
    CertificateForm,
    CorrectionForm,
    DeviceForm,
    ErasureForm,
    PointForm,
    RemovalForm,
    SortingForm,
    TeamForm,
)
from .models import Campaign, CollectionPoint, Deposit, Erasure, SortingBatch

DEPOSITS_PER_PAGE = 20
POINTS_PER_PAGE = 20


def _url(name: str, access: OrganisationAccess, *args: Any) -> str:
    return reverse(f"collection:{name}", args=[access.organisation.slug, *args])


def _form_page(
    request: HttpRequest, access: OrganisationAccess, form: Any, title: str, back_url: str
) -> HttpResponse:
    return render(
        request,
        "organisations/item_form.html",
        {"access": access, "form": form, "title": title, "back_url": back_url},
    )


def _confirm_page(
    request: HttpRequest,
    access: OrganisationAccess,
    *,
    question: str,
    consequence: str,
    label: str,
    back_url: str,
) -> HttpResponse:
    return render(
        request,
        "organisations/confirm_delete.html",
        {
            "access": access,
            "confirmation": {
                "question": question,
                "consequence": consequence,
                "confirm_label": label,
            },
            "back_url": back_url,
        },
    )


# --- Campaigns -----------------------------------------------------------------------------------


@organisation_view()
@require_safe
def campaign_list(request: HttpRequest, access: OrganisationAccess) -> HttpResponse:
    return render(
        request,
        "collection/campaign_list.html",
        {"access": access, "campaigns": selectors.campaign_list(access=access)},
    )


def _campaign_fields(form: CampaignForm) -> dict[str, Any]:
    return {name: form.cleaned_data.get(name) for name in services.CAMPAIGN_FIELDS}


@organisation_view(Access.ADMINISTER)
@require_http_methods(["GET", "HEAD", "POST"])
def campaign_create(request: HttpRequest, access: OrganisationAccess) -> HttpResponse:
    form = CampaignForm(request.POST or None, plan_items=item_list(access=access))
    if request.method == "POST" and form.is_valid():
        try:
            campaign = services.campaign_create(access=access, fields=_campaign_fields(form))
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request,
                _("Campaign created. Next: add the departments taking part, then the boxes."),
            )
            return redirect("collection:campaign", access.organisation.slug, campaign.pk)
    return _form_page(
        request, access, form, _("New collection campaign"), _url("campaigns", access)
    )


@organisation_view(Access.ADMINISTER)
@require_http_methods(["GET", "HEAD", "POST"])
def campaign_edit(
    request: HttpRequest, access: OrganisationAccess, campaign_id: int
) -> HttpResponse:
    campaign = selectors.campaign_get(access=access, pk=campaign_id)
    form = CampaignForm(
        request.POST or None, instance=campaign, plan_items=item_list(access=access)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.campaign_update(
                access=access,
                campaign=campaign,
                expected_version=form.cleaned_data.get("version") or 0,
                fields=_campaign_fields(form),
            )
        except StaleEditError as error:
            form.add_error(None, str(error))
        except ValidationError as error:
            apply_errors(form, error)
        else:
            return redirect("collection:campaign", access.organisation.slug, campaign.pk)
    return _form_page(
        request, access, form, _("Edit the campaign"), _url("campaign", access, campaign_id)
    )


@organisation_view()
@require_safe
def campaign_detail(
    request: HttpRequest, access: OrganisationAccess, campaign_id: int
) -> HttpResponse:
    campaign = selectors.campaign_get(access=access, pk=campaign_id)
    return render(
        request,
        "collection/campaign_detail.html",
        {
            "access": access,
            "campaign": campaign,
            "board": selectors.leaderboard(campaign),
            "names": selectors.thank_you_names(campaign),
            "running": selectors.is_running(campaign),
            "display_url": request.build_absolute_uri(
                reverse("collection_display", args=[campaign.display_token]) + "?screen=1"
            )
            if access.can_administer
            else "",
        },
    )


@organisation_view()
@require_safe
def campaign_sites(
    request: HttpRequest, access: OrganisationAccess, campaign_id: int
) -> HttpResponse:
    campaign = selectors.campaign_get(access=access, pk=campaign_id)
    return render(
        request,
        "collection/campaign_sites.html",
        {"access": access, "campaign": campaign, "board": selectors.leaderboard(campaign)},
    )


@organisation_view()
@require_safe
def campaign_summary_pdf(
    request: HttpRequest, access: OrganisationAccess, campaign_id: int
) -> HttpResponse:
    """The leaderboard on one printable page, for every member (no personal data on it)."""
    campaign = selectors.campaign_get(access=access, pk=campaign_id)
    try:
        content = poster.summary_pdf(
            campaign, selectors.leaderboard(campaign), timezone.localdate()
        )
    except poster.ReportUnavailable as error:
        messages.error(request, str(error))
        return redirect("collection:campaign", access.organisation.slug, campaign.pk)
    return _download(content, f"leaderboard-{campaign.pk}.pdf", "application/pdf")


@organisation_view(Access.ADMINISTER)
@require_http_methods(["GET", "HEAD", "POST"])
def display_link_renew(
    request: HttpRequest, access: OrganisationAccess, campaign_id: int
) -> HttpResponse:
    campaign = selectors.campaign_get(access=access, pk=campaign_id)
    if request.method == "POST":
        services.display_link_renew(access=access, campaign=campaign)
        messages.success(request, _("The screen has a new link; the old one no longer works."))
        return redirect("collection:campaign", access.organisation.slug, campaign.pk)
    return _confirm_page(
        request,
        access,
        question=_("Give the hall screen a new link?"),
        consequence=_("The old link stops working: open the new one on the screen."),
        label=_("New link"),
        back_url=_url("campaign", access, campaign_id),
    )


@organisation_view(Access.ADMINISTER)
@require_http_methods(["GET", "HEAD", "POST"])
def results_to_roadmap(
    request: HttpRequest, access: OrganisationAccess, campaign_id: int
) -> HttpResponse:
    campaign = selectors.campaign_get(access=access, pk=campaign_id)
    back = _url("campaign", access, campaign_id)
    if request.method == "POST":
        try:
            written = services.results_to_roadmap(
                access=access,
                user=request.user,  # type: ignore[arg-type]
                campaign=campaign,
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("%(count)s indicator values written on the roadmap item, dated today.")
                % {"count": written},
            )
        return redirect(back)
    return _confirm_page(
        request,
        access,
        question=_("Write the results on the roadmap item?"),
        consequence=_(
            "Items collected, estimated kg and the reuse rate become indicator values of the "
            "roadmap item, dated today. Writing again the same day replaces that day's values."
        ),
        label=_("Write the results"),
        back_url=back,
    )


# --- Departments taking part ---------------------------------------------------------------------


@organisation_view()
@require_safe
def team_list(request: HttpRequest, access: OrganisationAccess, campaign_id: int) -> HttpResponse:
    campaign = selectors.campaign_get(access=access, pk=campaign_id)
    return render(
        request,
        "collection/team_list.html",
        {
            "access": access,
            "campaign": campaign,
            "teams": selectors.team_list(campaign),
            "has_departments": department_list(access=access).exists(),
        },
    )


@organisation_view(Access.ADMINISTER)
@require_http_methods(["GET", "HEAD", "POST"])
def team_edit(
    request: HttpRequest, access: OrganisationAccess, campaign_id: int, team_id: int | None = None
) -> HttpResponse:
    campaign = selectors.campaign_get(access=access, pk=campaign_id)
    team = selectors.team_get(access=access, campaign=campaign, pk=team_id) if team_id else None
    initial = (
        {"department": team.department_id, "name": team.name, "headcount": team.headcount}
        if team
        else None
    )
    form = TeamForm(
        request.POST or None, initial=initial, departments=department_list(access=access)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.team_save(
                access=access,
                campaign=campaign,
                team=team,
                department=form.cleaned_data.get("department"),
                name=form.cleaned_data.get("name") or "",
                headcount=form.cleaned_data["headcount"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            return redirect("collection:teams", access.organisation.slug, campaign.pk)
    title = _("Change the department") if team else _("Add a department")
    return _form_page(request, access, form, title, _url("teams", access, campaign_id))


@organisation_view(Access.ADMINISTER)
@require_POST
def teams_from_departments(
    request: HttpRequest, access: OrganisationAccess, campaign_id: int
) -> HttpResponse:
    campaign = selectors.campaign_get(access=access, pk=campaign_id)
    added = services.teams_from_departments(access=access, campaign=campaign)
    messages.success(
        request,
        _("%(count)s departments added: give each its headcount.") % {"count": len(added)},
    )
    return redirect("collection:teams", access.organisation.slug, campaign.pk)


# --- Collection points ---------------------------------------------------------------------------


def _may_see_link(access: OrganisationAccess, request: HttpRequest, point: CollectionPoint) -> bool:
    return access.can_administer or point.person_in_charge_id == request.user.pk


def _people(access: OrganisationAccess) -> list[tuple[int, str]]:
    return [
        (membership.user.pk, str(membership.user))
        for membership in member_list(access=access)
        if membership.role in (Role.REFERENT, Role.CONTRIBUTOR)
    ]


@organisation_view()
@require_safe
def point_list(request: HttpRequest, access: OrganisationAccess, campaign_id: int) -> HttpResponse:
    campaign = selectors.campaign_get(access=access, pk=campaign_id)
    page = Paginator(selectors.point_list(campaign), POINTS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "collection/point_list.html",
        {"access": access, "campaign": campaign, "page": page},
    )


@organisation_view(Access.ADMINISTER)
@require_http_methods(["GET", "HEAD", "POST"])
def point_edit(
    request: HttpRequest, access: OrganisationAccess, campaign_id: int, point_id: int | None = None
) -> HttpResponse:
    campaign = selectors.campaign_get(access=access, pk=campaign_id)
    point = selectors.point_get(access=access, campaign=campaign, pk=point_id) if point_id else None
    initial = (
        {
            "site": point.site_id,
            "location": point.location,
            "person_in_charge": point.person_in_charge_id,
        }
        if point
        else None
    )
    people = _people(access)
    form = PointForm(
        request.POST or None, initial=initial, sites=site_list(access=access), people=people
    )
    if request.method == "POST" and form.is_valid():
        chosen = form.cleaned_data.get("person_in_charge")
        person = next((m.user for m in member_list(access=access) if m.user.pk == chosen), None)
        try:
            point = services.point_save(
                access=access,
                campaign=campaign,
                point=point,
                site=form.cleaned_data["site"],
                location=form.cleaned_data["location"],
                person_in_charge=person,
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            return redirect("collection:point", access.organisation.slug, campaign.pk, point.pk)
    title = _("Move the box") if point else _("Place a box")
    return _form_page(request, access, form, title, _url("points", access, campaign_id))


@organisation_view()
@require_safe
def point_detail(
    request: HttpRequest, access: OrganisationAccess, campaign_id: int, point_id: int
) -> HttpResponse:
    campaign = selectors.campaign_get(access=access, pk=campaign_id)
    point = selectors.point_get(access=access, campaign=campaign, pk=point_id)
    may_see_link = _may_see_link(access, request, point)
    return render(
        request,
        "collection/point_detail.html",
        {
            "access": access,
            "campaign": campaign,
            "point": point,
            "deposit_url": (
                request.build_absolute_uri(reverse("collection_deposit", args=[point.token]))
                if may_see_link and point.link_is_active
                else ""
            ),
            "may_see_link": may_see_link,
        },
    )


def _link_action(
    request: HttpRequest, access: OrganisationAccess, campaign_id: int, point_id: int, renew: bool
) -> HttpResponse:
    campaign = selectors.campaign_get(access=access, pk=campaign_id)
    point = selectors.point_get(access=access, campaign=campaign, pk=point_id)
    back = _url("point", access, campaign_id, point_id)
    if request.method == "POST":
        if renew:
            services.point_link_renew(access=access, point=point)
            messages.success(request, _("The box has a new link: print its poster again."))
        else:
            services.point_link_revoke(access=access, point=point)
            messages.success(request, _("The box's link no longer works."))
        return redirect(back)
    if renew:
        return _confirm_page(
            request,
            access,
            question=_("Give this box a new link?"),
            consequence=_(
                "The QR code on its poster stops working: print the new poster and put it on "
                "the box. The deposits already made stay."
            ),
            label=_("New link"),
            back_url=back,
        )
    return _confirm_page(
        request,
        access,
        question=_("Stop this box's link?"),
        consequence=_(
            "Nobody can declare a deposit from its QR code any more. The deposits already made "
            "stay. You can give it a new link later."
        ),
        label=_("Stop the link"),
        back_url=back,
    )


@organisation_view(Access.ADMINISTER)
@require_http_methods(["GET", "HEAD", "POST"])
def point_revoke(
    request: HttpRequest, access: OrganisationAccess, campaign_id: int, point_id: int
) -> HttpResponse:
    return _link_action(request, access, campaign_id, point_id, renew=False)


@organisation_view(Access.ADMINISTER)
@require_http_methods(["GET", "HEAD", "POST"])
def point_renew(
    request: HttpRequest, access: OrganisationAccess, campaign_id: int, point_id: int
) -> HttpResponse:
    return _link_action(request, access, campaign_id, point_id, renew=True)


def _point_pdf(
    request: HttpRequest, access: OrganisationAccess, campaign_id: int, point_id: int, kind: str
) -> HttpResponse:
    campaign = selectors.campaign_get(access=access, pk=campaign_id)
    point = selectors.point_get(access=access, campaign=campaign, pk=point_id)
    if not _may_see_link(access, request, point):
        raise PermissionDenied(_("Only the référent and the box's person in charge print it."))
    if not point.link_is_active:
        messages.error(request, _("This box's link was stopped: give it a new link first."))
        return redirect("collection:point", access.organisation.slug, campaign.pk, point.pk)
    url = request.build_absolute_uri(reverse("collection_deposit", args=[point.token]))
    make = poster.labels_pdf if kind == "labels" else poster.poster_pdf
    try:
        content = make(point, url)
    except poster.ReportUnavailable as error:
        return render(
            request,
            "collection/poster_unavailable.html",
            {"access": access, "campaign": campaign, "point": point, "reason": str(error)},
            status=503,
        )
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{kind}-{point.pk}.pdf"'
    return response


@organisation_view()
@require_safe
def point_poster(
    request: HttpRequest, access: OrganisationAccess, campaign_id: int, point_id: int
) -> HttpResponse:
    """The A4 poster to stick on the box, with its QR code: for whoever may see the link."""
    return _point_pdf(request, access, campaign_id, point_id, "poster")


@organisation_view()
@require_safe
def point_labels(
    request: HttpRequest, access: OrganisationAccess, campaign_id: int, point_id: int
) -> HttpResponse:
    """A sheet of small labels with the box's QR code, for the same people."""
    return _point_pdf(request, access, campaign_id, point_id, "labels")


# --- Deposits ------------------------------------------------------------------------------------


@organisation_view()
@require_safe
def deposit_list(
    request: HttpRequest, access: OrganisationAccess, campaign_id: int
) -> HttpResponse:
    campaign = selectors.campaign_get(access=access, pk=campaign_id)
    page = Paginator(selectors.deposit_list(campaign), DEPOSITS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "collection/deposit_list.html",
        {
            "access": access,
            "campaign": campaign,
            "page": page,
        },
    )


def _correction_form(request: HttpRequest, campaign: Campaign, deposit: Deposit) -> CorrectionForm:
    initial = {
        **deposit.counts,
        "team": deposit.team_id,
        "works": deposit.works,
        "held_data": deposit.held_data,
        "first_name": deposit.first_name,
    }
    kinds = [k for k in deposit.counts if k in campaign.item_types or deposit.counts[k]]
    return CorrectionForm(
        request.POST or None,
        initial=initial,
        teams=selectors.team_list(campaign),
        item_types=kinds,
    )


@organisation_view()
@require_http_methods(["GET", "HEAD", "POST"])
def deposit_detail(
    request: HttpRequest, access: OrganisationAccess, campaign_id: int, deposit_id: int
) -> HttpResponse:
    """A deposit, its journal, and the correction form for who may correct it."""
    campaign = selectors.campaign_get(access=access, pk=campaign_id)
    deposit = selectors.deposit_get(access=access, campaign=campaign, pk=deposit_id)
    may_correct = (
        services.can_correct(access, request.user, deposit)  # type: ignore[arg-type]
        and deposit.removed_at is None
    )
    if request.method == "POST" and not may_correct:
        raise PermissionDenied(_("Only the box's person in charge or the référent changes it."))
    form = _correction_form(request, campaign, deposit) if may_correct else None
    if form is not None and request.method == "POST" and form.is_valid():
        try:
            change = services.deposit_correct(
                access=access,
                user=request.user,  # type: ignore[arg-type]
                deposit=deposit,
                data=form.deposit_input(),
                reason=form.cleaned_data.get("reason") or "",
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request,
                _("Deposit corrected.") if change else _("Nothing changed: nothing recorded."),
            )
            return redirect("collection:deposit", access.organisation.slug, campaign.pk, deposit.pk)
    return render(
        request,
        "collection/deposit_detail.html",
        {
            "access": access,
            "campaign": campaign,
            "deposit": deposit,
            "journal": selectors.deposit_journal_lines(deposit),
            "form": form,
        },
    )


@organisation_view(Access.CONTRIBUTE)
@require_http_methods(["GET", "HEAD", "POST"])
def deposit_remove(
    request: HttpRequest, access: OrganisationAccess, campaign_id: int, deposit_id: int
) -> HttpResponse:
    campaign = selectors.campaign_get(access=access, pk=campaign_id)
    deposit = selectors.deposit_get(access=access, campaign=campaign, pk=deposit_id)
    if not services.can_correct(access, request.user, deposit):  # type: ignore[arg-type]
        raise PermissionDenied(_("Only the box's person in charge or the référent removes it."))
    back = _url("deposit", access, campaign_id, deposit_id)
    form = RemovalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.deposit_remove(
                access=access,
                user=request.user,  # type: ignore[arg-type]
                deposit=deposit,
                reason=form.cleaned_data.get("reason") or "",
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Deposit removed from the totals; the journal keeps it."))
            return redirect(back)
    return render(
        request,
        "collection/deposit_remove.html",
        {"access": access, "campaign": campaign, "deposit": deposit, "form": form, "back": back},
    )


# --- What became of the devices ------------------------------------------------------------------

SORTING_PER_PAGE = 20
CSV = "text/csv; charset=utf-8"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@organisation_view()
@require_safe
def sorting(request: HttpRequest, access: OrganisationAccess, campaign_id: int) -> HttpResponse:
    campaign = selectors.campaign_get(access=access, pk=campaign_id)
    page = Paginator(selectors.sorting_list(campaign), SORTING_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "collection/sorting.html",
        {
            "access": access,
            "campaign": campaign,
            "summary": selectors.sorting_summary(campaign),
            "organisation_reuse": selectors.organisation_reuse(
                access=access, year=campaign.end_date.year
            ),
            "page": page,
            "outcomes_url": (
                request.build_absolute_uri(
                    reverse("collection_outcomes", args=[campaign.outcomes_token])
                )
                if campaign.outcomes_token
                else ""
            ),
        },
    )


def _publication(
    request: HttpRequest, access: OrganisationAccess, campaign_id: int, publish: bool
) -> HttpResponse:
    campaign = selectors.campaign_get(access=access, pk=campaign_id)
    back = _url("sorting", access, campaign_id)
    if request.method == "POST":
        if publish:
            services.outcomes_publish(access=access, campaign=campaign)
            messages.success(
                request,
                _("The page is public: its link is on the hall screen and after each deposit."),
            )
        else:
            services.outcomes_unpublish(access=access, campaign=campaign)
            messages.success(request, _("The page is no longer public; its link no longer works."))
        return redirect(back)
    if publish:
        return _confirm_page(
            request,
            access,
            question=_("Publish what became of the devices?"),
            consequence=_(
                "Anyone with the link sees, without an account: how many devices were reused, "
                "donated, sold, refurbished or recycled, the weights, the associations and "
                "take-back schemes that received them, and the manufacturing avoided. No first "
                "name, no agent, no erasure detail. The link is shown on the hall screen and "
                "after each deposit."
            ),
            label=_("Publish"),
            back_url=back,
        )
    return _confirm_page(
        request,
        access,
        question=_("Stop publishing what became of the devices?"),
        consequence=_(
            "The public page and its link stop working. Publishing again later gives a new link."
        ),
        label=_("Stop publishing"),
        back_url=back,
    )


@organisation_view(Access.ADMINISTER)
@require_http_methods(["GET", "HEAD", "POST"])
def outcomes_publish(
    request: HttpRequest, access: OrganisationAccess, campaign_id: int
) -> HttpResponse:
    return _publication(request, access, campaign_id, publish=True)


@organisation_view(Access.ADMINISTER)
@require_http_methods(["GET", "HEAD", "POST"])
def outcomes_unpublish(
    request: HttpRequest, access: OrganisationAccess, campaign_id: int
) -> HttpResponse:
    return _publication(request, access, campaign_id, publish=False)


@organisation_view(Access.ADMINISTER)
@require_http_methods(["GET", "HEAD", "POST"])
def sorting_add(request: HttpRequest, access: OrganisationAccess, campaign_id: int) -> HttpResponse:
    campaign = selectors.campaign_get(access=access, pk=campaign_id)
    form = SortingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in form.Meta.fields}
        try:
            services.sorting_record(
                access=access,
                user=request.user,  # type: ignore[arg-type]
                campaign=campaign,
                fields=fields,
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            return redirect("collection:sorting", access.organisation.slug, campaign.pk)
    return _form_page(
        request,
        access,
        form,
        _("Record what became of devices"),
        _url("sorting", access, campaign_id),
    )


@organisation_view(Access.ADMINISTER)
@require_http_methods(["GET", "HEAD", "POST"])
def device_add(request: HttpRequest, access: OrganisationAccess, campaign_id: int) -> HttpResponse:
    """One device on its own, with its erasure when it held data."""
    campaign = selectors.campaign_get(access=access, pk=campaign_id)
    form = DeviceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.device_record(
                access=access,
                user=request.user,  # type: ignore[arg-type]
                campaign=campaign,
                data=form.device_input(),
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Device recorded."))
            return redirect("collection:sorting", access.organisation.slug, campaign.pk)
    return _form_page(
        request,
        access,
        form,
        _("Record what became of one device"),
        _url("sorting", access, campaign_id),
    )


@organisation_view(Access.ADMINISTER)
@require_http_methods(["GET", "HEAD", "POST"])
def erasure_add(
    request: HttpRequest, access: OrganisationAccess, campaign_id: int, batch_id: int
) -> HttpResponse:
    campaign = selectors.campaign_get(access=access, pk=campaign_id)
    batch = selectors.batch_get(access=access, campaign=campaign, pk=batch_id)
    form = ErasureForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in form.Meta.fields}
        try:
            services.erasure_record(
                access=access,
                user=request.user,  # type: ignore[arg-type]
                batch=batch,
                fields=fields,
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            return redirect("collection:sorting", access.organisation.slug, campaign.pk)
    return _form_page(
        request, access, form, _("Record a data erasure"), _url("sorting", access, campaign_id)
    )


def _erasure(
    access: OrganisationAccess, campaign_id: int, batch_id: int, erasure_id: int
) -> tuple[Campaign, SortingBatch, Erasure]:
    campaign = selectors.campaign_get(access=access, pk=campaign_id)
    batch = selectors.batch_get(access=access, campaign=campaign, pk=batch_id)
    return campaign, batch, selectors.erasure_get(access=access, batch=batch, pk=erasure_id)


@organisation_view(Access.ADMINISTER)
@require_http_methods(["GET", "HEAD", "POST"])
def certificate_upload(
    request: HttpRequest,
    access: OrganisationAccess,
    campaign_id: int,
    batch_id: int,
    erasure_id: int,
) -> HttpResponse:
    """Keep (or replace) the file of an erasure's certificate."""
    campaign, batch, erasure = _erasure(access, campaign_id, batch_id, erasure_id)
    form = CertificateForm(
        request.POST or None, request.FILES or None, max_mb=settings.CAPNR_CERTIFICATE_MAX_MB
    )
    if getattr(request, "capnr_upload_too_large", False):
        form.is_valid()
        form.add_error("file", _("The file is too large."))
    elif request.method == "POST" and form.is_valid():
        try:
            services.certificate_attach(
                access=access, erasure=erasure, upload=form.cleaned_data["file"]
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Certificate file kept."))
            return redirect("collection:sorting", access.organisation.slug, campaign.pk)
    return render(
        request,
        "collection/certificate_form.html",
        {"access": access, "campaign": campaign, "batch": batch, "erasure": erasure, "form": form},
        status=400 if form.errors else 200,
    )


@organisation_view(Access.ADMINISTER)
@require_safe
def certificate_file(
    request: HttpRequest,
    access: OrganisationAccess,
    campaign_id: int,
    batch_id: int,
    erasure_id: int,
) -> HttpResponse:
    """The certificate's file, for the référent only: an attachment, never shown inline."""
    _campaign, _batch, erasure = _erasure(access, campaign_id, batch_id, erasure_id)
    if not erasure.certificate_file:
        raise Http404("No certificate file.")
    extension = PurePosixPath(erasure.certificate_file.name).suffix
    response = FileResponse(
        erasure.certificate_file.open("rb"),
        as_attachment=True,
        filename=f"erasure-certificate-{erasure.pk}{extension}",
        content_type=erasure.certificate_content_type or "application/octet-stream",
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@organisation_view(Access.ADMINISTER)
@require_http_methods(["GET", "HEAD", "POST"])
def certificate_delete(
    request: HttpRequest,
    access: OrganisationAccess,
    campaign_id: int,
    batch_id: int,
    erasure_id: int,
) -> HttpResponse:
    _campaign, _batch, erasure = _erasure(access, campaign_id, batch_id, erasure_id)
    back = _url("sorting", access, campaign_id)
    if request.method == "POST":
        services.certificate_remove(access=access, erasure=erasure)
        messages.success(request, _("Certificate file deleted; the erasure record stays."))
        return redirect(back)
    return _confirm_page(
        request,
        access,
        question=_("Delete this certificate file?"),
        consequence=_(
            "The file is deleted for good. The erasure record and its certificate reference stay."
        ),
        label=_("Delete the file"),
        back_url=back,
    )


# --- Deletions -----------------------------------------------------------------------------------


@organisation_view(Access.ADMINISTER)
@require_http_methods(["GET", "HEAD", "POST"])
def campaign_delete(
    request: HttpRequest, access: OrganisationAccess, campaign_id: int
) -> HttpResponse:
    campaign = selectors.campaign_get(access=access, pk=campaign_id)
    if request.method == "POST":
        services.campaign_delete(access=access, campaign=campaign)
        messages.success(request, _("Campaign deleted."))
        return redirect("collection:campaigns", access.organisation.slug)
    return _confirm_page(
        request,
        access,
        question=_("Delete the campaign “%(name)s”?") % {"name": campaign.name},
        consequence=_(
            "Everything in it is deleted for good: departments, boxes (their QR codes stop "
            "working), deposits and their journal, sorting, erasure records and certificate "
            "files. Export the register first if you need it."
        ),
        label=_("Delete the campaign"),
        back_url=_url("campaign", access, campaign_id),
    )


@organisation_view(Access.ADMINISTER)
@require_http_methods(["GET", "HEAD", "POST"])
def point_delete(
    request: HttpRequest, access: OrganisationAccess, campaign_id: int, point_id: int
) -> HttpResponse:
    campaign = selectors.campaign_get(access=access, pk=campaign_id)
    point = selectors.point_get(access=access, campaign=campaign, pk=point_id)
    back = _url("point", access, campaign_id, point_id)
    if request.method == "POST":
        try:
            services.point_delete(access=access, point=point)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(back)
        messages.success(request, _("Box deleted."))
        return redirect("collection:points", access.organisation.slug, campaign.pk)
    return _confirm_page(
        request,
        access,
        question=_("Delete this box?"),
        consequence=_(
            "For a box placed by mistake: its QR code stops working. A box with deposits cannot "
            "be deleted; stop its link instead."
        ),
        label=_("Delete the box"),
        back_url=back,
    )


@organisation_view(Access.ADMINISTER)
@require_http_methods(["GET", "HEAD", "POST"])
def sorting_delete(
    request: HttpRequest, access: OrganisationAccess, campaign_id: int, batch_id: int
) -> HttpResponse:
    campaign = selectors.campaign_get(access=access, pk=campaign_id)
    batch = selectors.batch_get(access=access, campaign=campaign, pk=batch_id)
    back = _url("sorting", access, campaign_id)
    if request.method == "POST":
        services.sorting_delete(access=access, batch=batch)
        messages.success(request, _("Sorting line deleted."))
        return redirect(back)
    return _confirm_page(
        request,
        access,
        question=_("Delete this sorting line?"),
        consequence=_(
            "For a line recorded by mistake: it leaves the register and the rates, with its "
            "erasure records and their certificate files."
        ),
        label=_("Delete the line"),
        back_url=back,
    )


def _register_name(access: OrganisationAccess, campaign: Campaign, extension: str) -> str:
    # Slugs are ASCII letters, digits, "-" and "_": safe in a header without quoting tricks.
    return f"register-{access.organisation.slug}-{campaign.pk}.{extension}"


def _download(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@organisation_view()
@require_safe
def register_csv(
    request: HttpRequest, access: OrganisationAccess, campaign_id: int
) -> HttpResponse:
    campaign = selectors.campaign_get(access=access, pk=campaign_id)
    header, rows = selectors.register_rows(campaign)
    return _download(csv_bytes(header, rows), _register_name(access, campaign, "csv"), CSV)


@organisation_view()
@require_safe
def register_xlsx(
    request: HttpRequest, access: OrganisationAccess, campaign_id: int
) -> HttpResponse:
    campaign = selectors.campaign_get(access=access, pk=campaign_id)
    header, rows = selectors.register_rows(campaign)
    content = xlsx_bytes([(str(_("Register")), header, rows)])
    return _download(content, _register_name(access, campaign, "xlsx"), XLSX)
