"""Peer exchange pages: the library of reports, a report, writing one from a roadmap item, the
organisation's own reports and the suggestions it received, the benchmarks, and the public
pages (no login) of the reports shared with everyone."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from capnr.core.access import Access, OrganisationAccess, organisation_view
from capnr.core.forms import apply_errors
from capnr.core.versioned import StaleEditError
from capnr.diagnostics.referential import theme_title, themes
from capnr.engine import catalogue as engine_catalogue
from capnr.organisations.models import OrganisationKind
from capnr.organisations.sizes import size_labels
from capnr.organisations.tenancy import peers as visibility

from . import benchmark_page, opendata, selectors, services
from .forms import LibraryFilterForm, ReportForm, SuggestionForm
from .models import ExperienceReport, Outcome, Visibility

PAGE_SIZE = 20


def _action_title(action_id: str) -> str:
    if not action_id:
        return ""
    try:
        action = engine_catalogue.catalogue().action(action_id)
    except KeyError:
        return action_id
    from capnr.core.i18n import english

    return action.title_en if english() else action.title_fr


def _labels() -> dict[str, Any]:
    return {
        "theme_titles": {theme.id: theme_title(theme) for theme in themes()},
        "kind_labels": dict(OrganisationKind.choices),
        "size_labels": size_labels(),
        "outcome_labels": dict(Outcome.choices),
        "visibility_labels": dict(Visibility.choices),
    }


def _savings(report: ExperienceReport) -> list[tuple[str, float | None, float | None]]:
    """(label, expected, measured) for each kind of yearly savings the report gives."""
    rows = [
        (_("Electricity (kWh a year)"), report.expected_kwh, report.measured_kwh),
        (_("Money (€ a year)"), report.expected_eur, report.measured_eur),
        (_("Greenhouse gases (kgCO2e a year)"), report.expected_kgco2e, report.measured_kgco2e),
    ]
    return [row for row in rows if row[1] is not None or row[2] is not None]


def _report_context(report: ExperienceReport) -> dict[str, Any]:
    return {
        "report": report,
        "savings": _savings(report),
        "action_title": _action_title(report.action_id),
        "size": selectors.organisation_bracket(report.organisation),
        **_labels(),
    }


# --- Library and report pages ----------------------------------------------------------------


def _filters(
    request: HttpRequest, reports: Any
) -> tuple[LibraryFilterForm, selectors.LibraryFilters]:
    actions = selectors.library_actions(reports)
    form = LibraryFilterForm(
        request.GET or None,
        themes=[(theme.id, theme_title(theme)) for theme in themes()],
        actions=[(action_id, _action_title(action_id)) for action_id in actions],
        years=selectors.library_years(reports),
    )
    filters = selectors.LibraryFilters()
    if form.is_valid():
        data = form.cleaned_data
        filters = selectors.LibraryFilters(
            q=data["q"].strip(),
            theme=data["theme"],
            action=data["action"],
            kind=data["kind"],
            size=data["size"],
            year=data["year"],
            outcome=data["outcome"],
            active={name: str(data[name]) for name in selectors.LIBRARY_FILTERS if data[name]},
        )
    return form, filters


def _library_context(request: HttpRequest, reports: Any) -> dict[str, Any]:
    form, filters = _filters(request, reports)
    rows = selectors.library(reports, filters)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return {
        "form": form,
        "page": page,
        "reports": [
            {"report": report, "action_title": _action_title(report.action_id)}
            for report in page.object_list
        ],
        "filtered": bool(filters.active),
        "query": urlencode(filters.active),
        **_labels(),
    }


@organisation_view()
@require_safe
def library(request: HttpRequest, access: OrganisationAccess) -> HttpResponse:
    reports = visibility.reports_visible_to(access.organisation)
    context = _library_context(request, reports)
    return render(
        request,
        "peers/library.html",
        {
            "access": access,
            "may_suggest": visibility.may_suggest_report(access),
            "facilitated": selectors.coalitions_to_publish(request.user, access.organisation),
            **context,
        },
    )


@organisation_view()
@require_safe
def report_detail(request: HttpRequest, access: OrganisationAccess, report_id: int) -> HttpResponse:
    own = selectors.own_reports(access=access).filter(pk=report_id).first()
    report = own or selectors.visible_report_get(organisation=access.organisation, pk=report_id)
    return render(
        request,
        "peers/report_detail.html",
        {
            "access": access,
            "own": own is not None,
            "may_write": own is not None and visibility.may_write_reports(access),
            **_report_context(report),
        },
    )


@organisation_view()
@require_safe
def mine(request: HttpRequest, access: OrganisationAccess) -> HttpResponse:
    return render(
        request,
        "peers/mine.html",
        {
            "access": access,
            "reports": selectors.own_reports(access=access),
            "items": selectors.items_to_report(access=access),
            "suggestions": selectors.open_suggestions(access=access),
            "may_write": visibility.may_write_reports(access),
            "listed": selectors.is_listed(access=access),
            **_labels(),
        },
    )


# --- Writing ---------------------------------------------------------------------------------


@organisation_view(Access.ADMINISTER)
@require_http_methods(["GET", "HEAD", "POST"])
def report_create(request: HttpRequest, access: OrganisationAccess, item_id: int) -> HttpResponse:
    item = selectors.roadmap_item_get(access=access, pk=item_id)
    draft = selectors.report_draft(access=access, item=item, user=request.user)
    form = ReportForm(request.POST or None, initial=draft)
    if request.method == "POST" and form.is_valid():
        try:
            report = services.report_create(
                access=access,
                user=request.user,  # type: ignore[arg-type]
                item=item,
                fields={**form.cleaned_data, "kpis": draft["kpis"]},
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Your report is shared."))
            return redirect("peers:report", access.organisation.slug, report.pk)
    return render(
        request,
        "peers/report_form.html",
        {
            "access": access,
            "form": form,
            "item": item,
            "kpis": draft["kpis"],
            "heading": _("Share what you learnt: “%(title)s”") % {"title": item.title},
            "back_url": reverse("peers:mine", args=[access.organisation.slug]),
        },
        status=400 if form.errors else 200,
    )


@organisation_view(Access.ADMINISTER)
@require_http_methods(["GET", "HEAD", "POST"])
def report_edit(request: HttpRequest, access: OrganisationAccess, report_id: int) -> HttpResponse:
    report = selectors.own_report_get(access=access, pk=report_id)
    form = ReportForm(request.POST or None, instance=report, initial={"version": report.version})
    if request.method == "POST" and form.is_valid():
        try:
            services.report_update(
                access=access,
                report=selectors.own_report_get(access=access, pk=report_id),
                expected_version=form.cleaned_data.get("version") or 0,
                fields=dict(form.cleaned_data),
            )
        except StaleEditError as error:
            form.add_error(None, str(error))
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The report was saved."))
            return redirect("peers:report", access.organisation.slug, report_id)
    return render(
        request,
        "peers/report_form.html",
        {
            "access": access,
            "form": form,
            "kpis": report.kpis,
            "heading": _("Edit “%(title)s”") % {"title": report.title},
            "back_url": reverse("peers:report", args=[access.organisation.slug, report_id]),
        },
        status=400 if form.errors else 200,
    )


@organisation_view(Access.ADMINISTER)
@require_http_methods(["GET", "HEAD", "POST"])
def report_withdraw(
    request: HttpRequest, access: OrganisationAccess, report_id: int
) -> HttpResponse:
    report = selectors.own_report_get(access=access, pk=report_id)
    if request.method == "POST":
        services.report_withdraw(access=access, report=report)
        messages.success(
            request,
            _("“%(title)s” is withdrawn: nobody outside your organisation sees it any more.")
            % {"title": report.title},
        )
        return redirect("peers:mine", access.organisation.slug)
    return render(
        request,
        "organisations/confirm_delete.html",
        {
            "access": access,
            "confirmation": {
                "question": _("Withdraw “%(title)s”?") % {"title": report.title},
                "consequence": _(
                    "The report disappears at once from the library, the action pages and the "
                    "public page. You keep it and can share it again later."
                ),
                "confirm_label": _("Withdraw"),
            },
            "back_url": reverse("peers:report", args=[access.organisation.slug, report_id]),
        },
    )


@organisation_view(Access.ADMINISTER)
@require_POST
def report_republish(
    request: HttpRequest, access: OrganisationAccess, report_id: int
) -> HttpResponse:
    report = selectors.own_report_get(access=access, pk=report_id)
    services.report_republish(access=access, report=report)
    messages.success(request, _("“%(title)s” is shared again.") % {"title": report.title})
    return redirect("peers:report", access.organisation.slug, report_id)


@organisation_view(Access.CONTRIBUTE)
@require_POST
def inspiration(request: HttpRequest, access: OrganisationAccess, item_id: int) -> HttpResponse:
    """Name (or clear) the report that inspired a roadmap item, from the item's page."""
    item = selectors.roadmap_item_get(access=access, pk=item_id)
    chosen = request.POST.get("report", "")
    report = (
        selectors.visible_report_get(organisation=access.organisation, pk=int(chosen))
        if chosen.isdigit()
        else None
    )
    services.inspiration_set(
        access=access,
        user=request.user,  # type: ignore[arg-type]
        item=item,
        report=report,
    )
    messages.success(request, _("The item's inspiration was saved."))
    return redirect(reverse("roadmap:item", args=[access.organisation.slug, item_id]) + "#peers")


# --- Suggestions -----------------------------------------------------------------------------


@organisation_view()
@require_http_methods(["GET", "HEAD", "POST"])
def suggest(request: HttpRequest, access: OrganisationAccess) -> HttpResponse:
    if not visibility.may_suggest_report(access):
        raise PermissionDenied("Only the facilitator of the organisation's cohort suggests.")
    form = SuggestionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.suggestion_create(
                access=access,
                user=request.user,  # type: ignore[arg-type]
                message=form.cleaned_data["message"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Your suggestion was sent to the organisation."))
            return redirect("peers:library", access.organisation.slug)
    return render(
        request,
        "peers/suggest.html",
        {"access": access, "form": form},
        status=400 if form.errors else 200,
    )


@organisation_view(Access.ADMINISTER)
@require_POST
def suggestion_dismiss(
    request: HttpRequest, access: OrganisationAccess, suggestion_id: int
) -> HttpResponse:
    suggestion = selectors.suggestion_get(access=access, pk=suggestion_id)
    services.suggestion_dismiss(access=access, suggestion=suggestion)
    return redirect("peers:mine", access.organisation.slug)


# --- Benchmarks ------------------------------------------------------------------------------


@organisation_view()
@require_safe
def benchmarks(request: HttpRequest, access: OrganisationAccess) -> HttpResponse:
    return render(
        request,
        "peers/benchmarks.html",
        {
            "access": access,
            "may_write": visibility.may_write_reports(access),
            **benchmark_page.context(access.organisation, request.GET),
        },
    )


@organisation_view(Access.ADMINISTER)
@require_POST
def benchmarks_participation(request: HttpRequest, access: OrganisationAccess) -> HttpResponse:
    opt_out = request.POST.get("take_part") != "yes"
    services.benchmarks_opt_out(access=access, user=request.user, opt_out=opt_out)  # type: ignore[arg-type]
    messages.success(
        request,
        _("Your organisation no longer takes part in the benchmarks.")
        if opt_out
        else _("Your organisation takes part in the benchmarks again."),
    )
    return redirect("peers:benchmarks", access.organisation.slug)


# --- Public pages ----------------------------------------------------------------------------


@require_safe
def public_library(request: HttpRequest) -> HttpResponse:
    return render(
        request, "peers/public_library.html", _library_context(request, visibility.public_reports())
    )


@require_safe
def public_report(request: HttpRequest, report_id: int) -> HttpResponse:
    report = selectors.public_report_get(pk=report_id)
    return render(request, "peers/public_report.html", _report_context(report))


@require_safe
def coalition_page(request: HttpRequest, coalition_slug: str) -> HttpResponse:
    """A coalition's public page, when it chose to publish one: the organisations that agreed to
    appear, the public reports of its organisations, its aggregated figures."""
    coalition = selectors.published_coalition(coalition_slug, what="public_page")
    publication = selectors.publication_of(coalition)
    return render(
        request,
        "peers/public_coalition.html",
        {
            "coalition": coalition,
            "organisations": selectors.listed_organisations(coalition),
            "reports": selectors.coalition_public_reports(coalition)[:PAGE_SIZE],
            "rows": benchmark_page.scope_rows(f"coalition:{coalition.pk}"),
            "open_data": publication is not None and publication.open_data,
            **_labels(),
        },
    )


@require_safe
def open_data(request: HttpRequest, coalition_slug: str) -> HttpResponse:
    """The coalition's aggregated figures as CSV (Table Schema: data/benchmarks.schema.json)."""
    coalition = selectors.published_coalition(coalition_slug, what="open_data")
    response = HttpResponse(opendata.csv_file(coalition.pk), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{coalition.slug}-benchmarks.csv"'
    return response


class PublicationForm(forms.Form):
    public_page = forms.BooleanField(label=_("Publish the coalition's public page"), required=False)
    open_data = forms.BooleanField(
        label=_("Publish the aggregated figures as open data (CSV)"), required=False
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def publication(request: HttpRequest, coalition_slug: str) -> HttpResponse:
    """What a coalition publishes, decided by its facilitators (others: not found)."""
    coalition = selectors.coalition_get(coalition_slug)
    if not visibility.may_publish_for(request.user, coalition):
        raise Http404("No such coalition.")
    current = selectors.publication_of(coalition)
    form = PublicationForm(
        request.POST or None,
        initial={
            "public_page": bool(current and current.public_page),
            "open_data": bool(current and current.open_data),
        },
    )
    if request.method == "POST" and form.is_valid():
        services.publication_set(
            user=request.user,  # type: ignore[arg-type]
            coalition=coalition,
            public_page=form.cleaned_data["public_page"],
            open_data=form.cleaned_data["open_data"],
        )
        messages.success(request, _("What the coalition publishes was saved."))
        return redirect("peers_coalition:publication", coalition.slug)
    return render(
        request,
        "peers/publication.html",
        {"coalition": coalition, "form": form, "publication": current},
    )


@organisation_view(Access.ADMINISTER)
@require_POST
def listing(request: HttpRequest, access: OrganisationAccess) -> HttpResponse:
    listed = request.POST.get("listed") == "yes"
    services.listing_set(access=access, user=request.user, listed=listed)  # type: ignore[arg-type]
    messages.success(
        request,
        _("Your organisation appears on its coalition's public page.")
        if listed
        else _("Your organisation no longer appears on its coalition's public page."),
    )
    return redirect("peers:mine", access.organisation.slug)
