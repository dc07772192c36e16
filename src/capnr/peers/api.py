"""Peer exchange endpoints under /api/v1/organisations/{slug}/peers: the experience reports the
organisation may read (its own, and the others' as far as their visibility allows), without
anything personal: never the author, the contact's name and email only when its organisation
chose to show them, never the roadmap item a report was written from.

And one public endpoint, with no authentication (``public_router``, under /api/v1/open-data/):
a coalition's aggregated figures, the rows of its open-data CSV (``opendata.rows``: the same
thresholds, described by the Table Schema ``data/benchmarks.schema.json``), only once its
facilitators chose to publish them."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema

from capnr.core.access import OrganisationAccess, organisation_endpoint
from capnr.organisations.tenancy import peers as visibility

from . import opendata, selectors
from .models import ExperienceReport

router = Router(tags=["peers"])
public_router = Router(tags=["open data"])


class ErrorOut(Schema):
    detail: Any = Field(..., description="Why the request was refused.")


READ_ERRORS: dict[int, Any] = {401: ErrorOut, 404: ErrorOut}


class KpiOut(Schema):
    label: str
    unit: str
    direction: str
    before: float | None
    after: float | None


class SavingsOut(Schema):
    kwh: float | None = Field(..., description="Electricity saved a year, kWh.")
    eur: float | None = Field(..., description="Money saved a year, €.")
    kgco2e: float | None = Field(..., description="Emissions avoided a year, kg CO2e.")


class ReportOut(Schema):
    id: int
    title: str
    organisation: str = Field(..., description="The name of the organisation that shares it.")
    organisation_kind: str
    size_bracket: str = Field(..., description="Headcount bracket; empty when not known.")
    action_id: str = Field(..., description="The catalogue action; empty if none.")
    theme: str
    outcome: str = Field(..., description="done or abandoned")
    year: int
    visibility: str = Field(..., description="cohort, coalition or public")
    what_was_done: str
    effort: str
    cost_eur: float | None
    duration_months: int | None
    result: str
    kpis: list[KpiOut]
    expected: SavingsOut
    measured: SavingsOut
    difficulties: str
    tips: str
    links: list[str]
    contact_mode: str = Field(..., description="none, facilitator or person")
    contact_name: str | None = Field(..., description="Only when contact_mode is person.")
    contact_email: str | None = Field(..., description="Only when contact_mode is person.")


def _report(report: ExperienceReport) -> dict[str, Any]:
    person = report.shows_contact_person
    return {
        "id": report.pk,
        "title": report.title,
        "organisation": report.organisation.name,
        "organisation_kind": report.organisation.kind,
        "size_bracket": selectors.organisation_bracket(report.organisation),
        "action_id": report.action_id,
        "theme": report.theme,
        "outcome": report.outcome,
        "year": report.year,
        "visibility": report.visibility,
        "what_was_done": report.what_was_done,
        "effort": report.effort,
        "cost_eur": float(report.cost_eur) if report.cost_eur is not None else None,
        "duration_months": report.duration_months,
        "result": report.result,
        "kpis": [
            {key: row.get(key) for key in ("label", "unit", "direction", "before", "after")}
            for row in report.kpis
        ],
        "expected": {
            "kwh": report.expected_kwh,
            "eur": report.expected_eur,
            "kgco2e": report.expected_kgco2e,
        },
        "measured": {
            "kwh": report.measured_kwh,
            "eur": report.measured_eur,
            "kgco2e": report.measured_kgco2e,
        },
        "difficulties": report.difficulties,
        "tips": report.tips,
        "links": report.link_list(),
        "contact_mode": report.contact_mode,
        "contact_name": report.contact_name if person else None,
        "contact_email": report.contact_email if person else None,
    }


@router.get(
    "/{slug}/peers/reports",
    response={200: list[ReportOut], **READ_ERRORS},
    summary="List the experience reports the organisation may read",
)
@organisation_endpoint()
def report_list(request: HttpRequest, access: OrganisationAccess, action_id: str = "") -> Any:
    """Its own reports and those other organisations share with it (their cohort, their
    coalition, or everyone), withdrawn ones never; ``action_id`` keeps those on one catalogue
    action, nearest organisations first."""
    if action_id:
        own = list(
            visibility.reports_visible_to(access.organisation)
            .filter(organisation=access.organisation, action_id=action_id)
            .select_related("organisation")
        )
        others = selectors.who_already_did(organisation=access.organisation, action_id=action_id)
        return [_report(report) for report in [*own, *others]]
    reports = selectors.library(
        visibility.reports_visible_to(access.organisation), selectors.LibraryFilters()
    )
    return [_report(report) for report in reports[:200]]


@router.get(
    "/{slug}/peers/reports/{report_id}",
    response={200: ReportOut, **READ_ERRORS},
    summary="Read one experience report",
)
@organisation_endpoint()
def report_detail(request: HttpRequest, access: OrganisationAccess, report_id: int) -> Any:
    return _report(selectors.visible_report_get(organisation=access.organisation, pk=report_id))


class OpenDataRow(Schema):
    """One row of the open-data file; the Table Schema data/benchmarks.schema.json describes
    each field (a test checks the rows against it)."""

    scope: str = Field(..., description="coalition or cohort")
    scope_name: str = Field(..., description="The name of the coalition or the cohort.")
    organisation_kind: str = Field(..., description="The kind of organisation; empty: every kind.")
    size_bracket: str = Field(
        ..., description="under_50, 50_249, 250_999 or 1000_plus agents; empty: every size."
    )
    metric: str = Field(
        ...,
        description="score, theme:<id>, footprint_per_employee, share_past_lifetime or "
        "roadmap_completion",
    )
    unit: str = Field(..., description="/100, kgCO2e/agent or %")
    organisations: int = Field(..., description="Organisations with the figure; never under 5.")
    q1: float = Field(..., description="First quartile.")
    median: float
    q3: float = Field(..., description="Third quartile.")


@public_router.get(
    "/coalitions/{coalition_slug}/benchmarks",
    auth=None,
    response={200: list[OpenDataRow], 404: ErrorOut},
    summary="A coalition's aggregated figures (open data, no authentication)",
)
def open_data(request: HttpRequest, coalition_slug: str) -> Any:
    """Read-only and public: the quartiles of anonymous figures over the coalition and each of
    its cohorts (each narrowed by kind of organisation and size bracket), the same rows as the
    coalition's open-data CSV. A group appears only when at least 5 organisations have the
    figure and no other group anyone can request differs from it by 1 to 4 organisations; no row
    names an organisation. 404 unless the coalition's facilitators published its open data."""
    coalition = selectors.published_coalition(coalition_slug, what="open_data")
    return opendata.rows(coalition.pk)
