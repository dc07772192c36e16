"""Reads of peer exchange. An organisation's own rows come through ``for_access``; other
organisations' reports only through ``visibility`` (what their authors chose to share)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from capnr.coalition import peer_selectors
from capnr.coalition.models import Coalition
from capnr.core.access import OrganisationAccess
from capnr.core.owned import get_for_access
from capnr.diagnostics import selectors as diagnostic_selectors
from capnr.diagnostics.models import DiagnosticStatus
from capnr.engine import catalogue as engine_catalogue
from capnr.organisations.models import Organisation
from capnr.organisations.tenancy import peers as visibility
from capnr.roadmap import selectors as roadmap_selectors
from capnr.roadmap.models import PlanItem

from .benchmarks import SIZE_BRACKETS, size_bracket, size_distance
from .models import (
    BenchmarkOptOut,
    CoalitionPublication,
    ContactMode,
    ExperienceReport,
    Inspiration,
    Outcome,
    PublicListing,
    ReportSuggestion,
)

LIBRARY_FILTERS = ("q", "theme", "action", "kind", "size", "year", "outcome")


# --- The organisation's own ------------------------------------------------------------------


def own_reports(*, access: OrganisationAccess) -> QuerySet[ExperienceReport]:
    """The organisation's reports, withdrawn ones included (it may publish them again), with
    how many roadmap items they inspired."""
    return (
        ExperienceReport.objects.for_access(access)
        .annotate(inspired=Count("inspirations"))
        .order_by("withdrawn_at", "-updated_at", "-pk")
    )


def own_report_get(*, access: OrganisationAccess, pk: int) -> ExperienceReport:
    return get_for_access(ExperienceReport, pk, access)


def items_to_report(*, access: OrganisationAccess) -> list[PlanItem]:
    """Done or abandoned roadmap items that have no report yet."""
    return [
        item
        for item in roadmap_selectors.item_list(access=access)
        .filter(status__in=["done", "abandoned"], experience_report__isnull=True)
        .order_by("-updated_at")
    ]


def open_suggestions(*, access: OrganisationAccess) -> QuerySet[ReportSuggestion]:
    return (
        ReportSuggestion.objects.for_access(access)
        .filter(dismissed_at__isnull=True)
        .select_related("item", "suggested_by")
    )


def suggestion_get(*, access: OrganisationAccess, pk: int) -> ReportSuggestion:
    return get_for_access(ReportSuggestion, pk, access)


def roadmap_item_get(*, access: OrganisationAccess, pk: int) -> PlanItem:
    return roadmap_selectors.item_get(access=access, pk=pk)


def report_draft(*, access: OrganisationAccess, item: PlanItem, user: Any) -> dict[str, Any]:
    """A report's fields pre-filled from its roadmap item: what was done, cost, duration, the
    indicators before and after, the expected savings (the item's scenario) and the measured
    ones (its indicators in kWh/yr and €/yr that went down), difficulties when it was
    abandoned. The référent reviews every field before anything is shared."""
    detail = roadmap_selectors.item_detail(item)
    kpis = [_kpi_row(kpi) for kpi in detail["kpis"]]
    action = _action(item.action_id)
    expected = (item.scenario.results if item.scenario is not None else {}) or {}
    draft: dict[str, Any] = {
        "title": item.title,
        "year": timezone.localdate().year,
        "what_was_done": item.description or (action.summary_fr if action else ""),
        "cost_eur": item.budget_eur,
        "duration_months": _months(item.start_date, item.due_date),
        "result": "\n".join(entry.text for entry in detail["journal"][:3]),
        "kpis": kpis,
        "expected_kwh": _figure(expected.get("kwh")),
        "expected_eur": _figure(expected.get("eur")),
        "expected_kgco2e": _figure(expected.get("kgco2e_total")),
        "measured_kwh": _saved(kpis, "kWh/yr"),
        "measured_eur": _saved(kpis, "€/yr"),
        "difficulties": item.abandon_reason if item.status == Outcome.ABANDONED else "",
        "contact_mode": ContactMode.FACILITATOR,
        "contact_name": getattr(user, "full_name", ""),
        "contact_email": getattr(user, "email", ""),
    }
    return draft


def _action(action_id: str) -> engine_catalogue.Action | None:
    if not action_id:
        return None
    try:
        return engine_catalogue.catalogue().action(action_id)
    except KeyError:
        return None


def _kpi_row(kpi: Any) -> dict[str, Any]:
    measurements = list(kpi.measurements.all())
    return {
        "label": kpi.label,
        "unit": kpi.unit,
        "direction": kpi.direction,
        "before": kpi.baseline,
        "after": measurements[-1].value if measurements else None,
    }


def _figure(block: Any) -> float | None:
    if isinstance(block, dict) and block.get("value") is not None:
        return round(float(block["value"]), 1)
    return None


def _saved(kpis: list[dict[str, Any]], unit: str) -> float | None:
    """What indicators in ``unit`` (a catalogue unit code; an item's indicator carries its
    label in either language) that should go down went down by, summed."""
    spellings = {unit, *engine_catalogue.UNIT_LABELS[unit]}
    saved = [
        row["before"] - row["after"]
        for row in kpis
        if row["unit"] in spellings
        and row["direction"] == "down"
        and row["before"] is not None
        and row["after"] is not None
    ]
    return round(sum(saved), 1) if saved else None


def _months(start: dt.date | None, end: dt.date | None) -> int | None:
    if start is None or end is None or end < start:
        return None
    return max(1, (end.year - start.year) * 12 + end.month - start.month)


# --- Other organisations' reports ------------------------------------------------------------


def visible_report_get(*, organisation: Organisation, pk: int) -> ExperienceReport:
    """A report ``organisation``'s people may read, or Http404 (a withdrawn or unshared report
    is not found, so its existence does not leak)."""
    report = (
        visibility.reports_visible_to(organisation)
        .filter(pk=pk)
        .select_related("organisation")
        .annotate(inspired=Count("inspirations"))
        .first()
    )
    if report is None:
        raise Http404("No such report.")
    return report


def visible_report_or_none(*, organisation: Organisation, pk: int) -> ExperienceReport | None:
    return visibility.reports_visible_to(organisation).filter(pk=pk).first()


def has_report(item: PlanItem) -> bool:
    return ExperienceReport.objects.filter(item=item).exists()


def public_report_get(*, pk: int) -> ExperienceReport:
    report = visibility.public_reports().filter(pk=pk).select_related("organisation").first()
    if report is None:
        raise Http404("No such report.")
    return report


@dataclass
class LibraryFilters:
    q: str = ""
    theme: str = ""
    action: str = ""
    kind: str = ""
    size: str = ""
    year: int | None = None
    outcome: str = ""
    active: dict[str, str] = field(default_factory=dict)


def library(
    reports: QuerySet[ExperienceReport], filters: LibraryFilters
) -> QuerySet[ExperienceReport]:
    """``reports`` (already what the viewer may read) narrowed by the library's filters."""
    rows = reports.select_related("organisation")
    if filters.q:
        words = Q()
        for name in ("title", "what_was_done", "result", "difficulties", "tips"):
            words |= Q(**{f"{name}__icontains": filters.q})
        rows = rows.filter(words)
    if filters.theme:
        rows = rows.filter(theme=filters.theme)
    if filters.action:
        rows = rows.filter(action_id=filters.action)
    if filters.kind:
        rows = rows.filter(organisation__kind=filters.kind)
    if filters.size:
        rows = rows.filter(_size_condition(filters.size))
    if filters.year:
        rows = rows.filter(year=filters.year)
    if filters.outcome:
        rows = rows.filter(outcome=filters.outcome)
    return rows.order_by("-year", "-updated_at", "-pk")


def _size_condition(bracket: str) -> Q:
    for name, low, high in SIZE_BRACKETS:
        if name == bracket:
            condition = Q(organisation__headcount__gte=low)
            if high != float("inf"):
                condition &= Q(organisation__headcount__lt=high)
            return condition
    return Q(pk__in=[])


def library_years(reports: QuerySet[ExperienceReport]) -> list[int]:
    return sorted(set(reports.values_list("year", flat=True)), reverse=True)


def library_actions(reports: QuerySet[ExperienceReport]) -> list[str]:
    return sorted(set(reports.exclude(action_id="").values_list("action_id", flat=True)))


def who_already_did(
    *, organisation: Organisation, action_id: str, limit: int | None = None
) -> list[ExperienceReport]:
    """Other organisations' reports on catalogue action ``action_id`` that ``organisation`` may
    read, nearest first: same kind of organisation first, then the nearest size (headcount, on a
    log scale; unknown last), then the most recent."""
    reports = _nearest_first(
        visibility.reports_visible_to(organisation)
        .filter(action_id=action_id)
        .exclude(organisation=organisation)
        .select_related("organisation"),
        organisation,
    )
    return reports[:limit] if limit is not None else reports


def who_already_did_each(*, organisation: Organisation) -> dict[str, list[ExperienceReport]]:
    """:func:`who_already_did` for every catalogue action at once (one query), for a page that
    lists many actions (the recommendations): action id -> reports, nearest first."""
    reports = _nearest_first(
        visibility.reports_visible_to(organisation)
        .exclude(action_id="")
        .exclude(organisation=organisation)
        .select_related("organisation")
        .only(
            "pk",
            "title",
            "outcome",
            "year",
            "action_id",
            "organisation__name",
            "organisation__kind",
            "organisation__headcount",
        ),
        organisation,
    )
    found: dict[str, list[ExperienceReport]] = {}
    for report in reports:
        found.setdefault(report.action_id, []).append(report)
    return found


def _nearest_first(
    reports: QuerySet[ExperienceReport], organisation: Organisation
) -> list[ExperienceReport]:
    """Same kind of organisation first, then the nearest size (headcount, on a log scale;
    unknown last), then the most recent."""
    return sorted(
        reports,
        key=lambda report: (
            report.organisation.kind != organisation.kind,
            size_distance(report.organisation.headcount, organisation.headcount),
            -report.year,
            -report.pk,
        ),
    )


def inspiration_of(*, access: OrganisationAccess, item: PlanItem) -> Inspiration | None:
    return Inspiration.objects.for_access(access).filter(item=item).first()


def organisation_bracket(organisation: Organisation) -> str:
    return size_bracket(organisation.headcount)


def has_opted_out(organisation: Organisation) -> bool:
    return BenchmarkOptOut.objects.filter(organisation=organisation).exists()


def is_latest_submitted(*, access: OrganisationAccess, diagnostic: Any) -> bool:
    """Whether ``diagnostic`` is the organisation's latest submitted one, the one whose scores
    the benchmarks compare (an older year's results page shows no position)."""
    if diagnostic is None or not getattr(diagnostic, "is_submitted", False):
        return False
    latest = (
        diagnostic_selectors.diagnostic_list(access=access)
        .filter(status=DiagnosticStatus.SUBMITTED)
        .values_list("pk", flat=True)
        .first()
    )
    return latest == diagnostic.pk


# --- What a coalition publishes ---------------------------------------------------------------


def coalition_get(slug: str) -> Coalition:
    coalition = peer_selectors.coalition_get(slug)
    if coalition is None:
        raise Http404("No such coalition.")
    return coalition


def publication_of(coalition: Coalition) -> CoalitionPublication | None:
    return CoalitionPublication.objects.filter(coalition=coalition).first()


def published_coalition(slug: str, *, what: str) -> Coalition:
    """The coalition ``slug`` if it publishes ``what`` ("public_page" or "open_data"), else
    Http404: an unpublished coalition's page does not say it exists."""
    coalition = coalition_get(slug)
    publication = publication_of(coalition)
    if publication is None or not getattr(publication, what):
        raise Http404("Not published.")
    return coalition


def coalition_members(coalition: Coalition) -> set[int]:
    return set().union(
        *(scope.organisation_ids for scope in peer_selectors.coalition_scopes(coalition.pk))
    )


def listed_organisations(coalition: Coalition) -> QuerySet[Organisation]:
    """The coalition's organisations that agreed to appear by name on its public page."""
    listed = PublicListing.objects.filter(organisation_id__in=coalition_members(coalition))
    return Organisation.objects.filter(pk__in=listed.values("organisation_id")).order_by("name")


def coalition_public_reports(coalition: Coalition) -> QuerySet[ExperienceReport]:
    return (
        visibility.public_reports()
        .filter(organisation_id__in=coalition_members(coalition))
        .select_related("organisation")
        .order_by("-year", "-pk")
    )


def is_listed(*, access: OrganisationAccess) -> bool:
    return PublicListing.objects.for_access(access).exists()


def coalitions_to_publish(user: Any, organisation: Organisation) -> list[Coalition]:
    """The coalitions of ``organisation`` whose publication ``user`` decides (a facilitator)."""
    coalitions = {scope.coalition_id for scope in peer_selectors.scopes_of(organisation.pk)}
    return [
        coalition
        for coalition in Coalition.objects.filter(pk__in=coalitions).order_by("name")
        if visibility.may_publish_for(user, coalition)
    ]
