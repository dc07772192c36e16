"""The anonymous digital-skills self-assessment: campaigns and their results for the
organisation, and the page agents answer on their phone, reached by the campaign's link or its
QR code, without an account."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from capnr.core.access import Access, OrganisationAccess, organisation_view
from capnr.core.forms import apply_errors
from capnr.organisations.tenancy.training import may_organise_training

from . import anonymity, documents, selectors, services, skills
from .forms import CampaignForm, ResultsFilterForm, SkillsForm

GET_POST = ["GET", "HEAD", "POST"]


@organisation_view()
@require_http_methods(GET_POST)
def campaigns(request: HttpRequest, access: OrganisationAccess) -> HttpResponse:
    form = None
    if may_organise_training(access):
        form = CampaignForm(request.POST or None, auto_id="campaign-%s")
    elif request.method == "POST":
        access.require(Access.CONTRIBUTE)
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            campaign = services.campaign_create(access=access, name=form.cleaned_data["name"])
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The campaign is open: share its link."))
            return redirect("training:campaign", access.organisation.slug, campaign.pk)
    return render(
        request,
        "training/campaigns.html",
        {"access": access, "campaigns": selectors.campaign_list(access=access), "form": form},
    )


@organisation_view()
@require_safe
def campaign_detail(
    request: HttpRequest, access: OrganisationAccess, campaign_id: int
) -> HttpResponse:
    """The link to share while the campaign is open; its results once it is closed, by site or
    department, never for fewer than anonymity.MINIMUM_GROUP people."""
    campaign = selectors.campaign_get(access=access, pk=campaign_id)
    names = selectors.context_names(access)
    context = {
        "access": access,
        "campaign": campaign,
        "can_organise": may_organise_training(access),
        "minimum": anonymity.MINIMUM_GROUP,
        "link": request.build_absolute_uri(
            reverse("skills_assessment", args=[campaign.link_token])
        ),
    }
    if not campaign.is_open:
        filters = ResultsFilterForm(
            request.GET or None, sites=names["sites"], departments=names["departments"]
        )
        data = filters.cleaned_data if filters.is_valid() else {}
        by = data.get("by") or "site"
        result = selectors.campaign_breakdown(
            campaign=campaign,
            by=by,
            site=data.get("site") or None,
            department=data.get("department") or None,
        )
        group_names = names["sites"] if by == "site" else names["departments"]
        groups = [
            {
                "name": group_names.get(group.key, _("Not said")),
                "group": group,
                "needs": _top_needs(group),
            }
            for group in result.groups
        ]
        context.update(
            filters=filters,
            by=by,
            result=result,
            total_rows=_question_rows(result.total),
            groups=groups,
            suggestions=_suggestions(groups),
        )
    return render(request, "training/campaign_detail.html", context)


def _need(group: anonymity.GroupResult, question: str) -> float:
    """The share who answered "with help" or "not yet"."""
    shares = group.shares.get(question, {})
    return shares.get(skills.WITH_HELP, 0.0) + shares.get(skills.NOT_YET, 0.0)


def _question_rows(group: anonymity.GroupResult) -> list[dict[str, object]]:
    if not group.shown:
        return []
    return [
        {
            "question": question,
            "easy": round(100 * group.shares[question.id][skills.EASY]),
            "with_help": round(100 * group.shares[question.id][skills.WITH_HELP]),
            "not_yet": round(100 * group.shares[question.id][skills.NOT_YET]),
        }
        for question in skills.QUESTIONS
    ]


def _top_needs(group: anonymity.GroupResult, count: int = 3) -> list[dict[str, object]]:
    """The tasks the group most needs help with (a share of at least a quarter)."""
    if not group.shown:
        return []
    ranked = sorted(skills.QUESTIONS, key=lambda question: -_need(group, question.id))
    return [
        {"question": question, "percent": round(100 * _need(group, question.id))}
        for question in ranked[:count]
        if _need(group, question.id) >= 0.25
    ]


SUGGESTION_THRESHOLD = 40  # % of a group needing help with a task before an offer is suggested


def _suggestions(groups: list[dict[str, Any]], count: int = 3) -> list[dict[str, Any]]:
    """Where to start: for the groups that need help most, the offer that fills their first
    gap (each question names one)."""
    found = [
        {"group": row["name"], "need": row["needs"][0]}
        for row in groups
        if row["needs"] and row["needs"][0]["percent"] >= SUGGESTION_THRESHOLD
    ]
    found.sort(key=lambda suggestion: -suggestion["need"]["percent"])
    return found[:count]


@organisation_view(Access.CONTRIBUTE)
@require_http_methods(GET_POST)
def campaign_close(
    request: HttpRequest, access: OrganisationAccess, campaign_id: int
) -> HttpResponse:
    campaign = selectors.campaign_get(access=access, pk=campaign_id)
    back_url = reverse("training:campaign", args=[access.organisation.slug, campaign_id])
    if request.method == "POST":
        try:
            services.campaign_close(access=access, campaign=campaign)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The campaign is closed: its results are below."))
        return redirect(back_url)
    return render(
        request,
        "organisations/confirm_delete.html",
        {
            "access": access,
            "confirmation": {
                "question": _("Close the campaign “%(name)s”?") % {"name": campaign.name},
                "consequence": _(
                    "Its link stops working: nobody can answer any more. The results can then "
                    "be read. A closed campaign cannot be opened again."
                ),
                "confirm_label": _("Close the campaign"),
            },
            "back_url": back_url,
        },
    )


# --- The agents' page, without an account ---------------------------------------------------


@require_http_methods(GET_POST)
def skills_assessment(request: HttpRequest, token: str) -> HttpResponse:
    campaign = selectors.campaign_for_token(token)
    if campaign is None:
        raise Http404("No self-assessment at this address.")
    if not campaign.is_open:
        return render(request, "training/skills_closed.html", {"campaign": campaign}, status=410)
    sites, departments = selectors.campaign_places(campaign)
    form = SkillsForm(
        request.POST or None,
        sites=list(sites.values_list("pk", "name")),
        departments=list(departments.values_list("pk", "name")),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.skills_answer(
                campaign=campaign,
                site_id=form.cleaned_data["site"] or None,
                department_id=form.cleaned_data["department"] or None,
                levels=form.levels(),
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            return redirect("skills_thanks", token)
    return render(
        request,
        "training/skills_form.html",
        {"campaign": campaign, "form": form},
    )


@require_safe
def skills_thanks(request: HttpRequest, token: str) -> HttpResponse:
    campaign = selectors.campaign_for_token(token)
    if campaign is None:
        raise Http404("No self-assessment at this address.")
    return render(request, "training/skills_thanks.html", {"campaign": campaign})


@organisation_view(Access.CONTRIBUTE)
@require_safe
def campaign_poster(
    request: HttpRequest, access: OrganisationAccess, campaign_id: int
) -> HttpResponse:
    """The A4 poster with the QR code of the campaign's link, while it takes answers."""
    campaign = selectors.campaign_get(access=access, pk=campaign_id)
    if not campaign.is_open:
        messages.error(request, _("This campaign is closed: its poster would lead nowhere."))
        return redirect("training:campaign", access.organisation.slug, campaign_id)
    url = request.build_absolute_uri(reverse("skills_assessment", args=[campaign.link_token]))
    try:
        content = documents.skills_poster_pdf(campaign, url)
    except documents.ReportUnavailable as error:
        return render(
            request,
            "training/document_unavailable.html",
            {"access": access, "reason": str(error)},
            status=503,
        )
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="affiche-{campaign.pk}.pdf"'
    return response
