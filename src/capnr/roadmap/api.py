"""Roadmap endpoints under /api/v1/organisations/{slug}/roadmap: plan items (with optimistic
locking and a bin), their follow-up journal, and their indicators' measurements.

Reading needs READ. Creating, deleting and restoring items is for the référent; updating an item,
writing its journal and recording its measurements is for the référent and the item's owner,
which the services check. Messages that explain a refusal come from the services, in the user's
language."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.responses import Status

from capnr.actions import selectors as action_selectors
from capnr.core.access import Access, OrganisationAccess, organisation_endpoint
from capnr.core.api_types import Payload
from capnr.organisations import selectors as organisation_selectors

from . import exports, selectors, services
from .models import JournalEntry, KpiMeasurement, KpiTarget, PlanItem

router = Router(tags=["roadmap"])

StatusChoice = Literal["planned", "in_progress", "done", "abandoned"]
CommitmentChoice = Literal["considering", "pilot", "deployed"]


class ErrorOut(Schema):
    detail: Any = Field(..., description="Why the request was refused.")


class BoundsOut(Schema):
    value: float | None
    low: float | None
    high: float | None


class EffectOut(Schema):
    kwh: BoundsOut = Field(..., description="Electricity saved a year, kWh.")
    eur: BoundsOut = Field(..., description="Money saved a year, €.")
    kgco2e_total: BoundsOut = Field(..., description="Emissions avoided a year, kg CO2e.")


class PlanItemOut(Schema):
    id: int
    title: str
    description: str
    theme: str = Field(..., description="A theme id of the self-diagnostic's referential.")
    action_id: str = Field(
        ..., description="The catalogue action the item comes from; empty if written here."
    )
    owner_id: int | None
    owner: str | None = Field(..., description="The owner's name, or email without a name.")
    working_group_id: int | None
    site_ids: list[int]
    department_ids: list[int]
    start_date: dt.date | None
    due_date: dt.date | None
    status: StatusChoice
    abandon_reason: str
    commitment: CommitmentChoice
    budget_eur: float | None
    scenario_id: int | None = Field(
        ..., description="The saved simulator scenario behind the expected effect."
    )
    expected_effect: EffectOut | None = Field(
        ..., description="What the scenario expects each year, with low and high bounds."
    )
    last_activity_at: dt.datetime | None = Field(
        ..., description="Last change, journal entry or measurement."
    )
    version: int = Field(..., description="Send it back as `version` to change this item.")


class PlanItemIn(Payload):
    action_id: str = Field(
        "",
        description="A catalogue action id: its title, theme and indicators come along unless "
        "given here.",
    )
    title: str | None = Field(None, description="Required unless `action_id` is given.")
    description: str = ""
    theme: str | None = None
    owner_id: int | None = Field(None, description="A member of the organisation.")
    working_group_id: int | None = None
    site_ids: list[int] = []
    department_ids: list[int] = []
    start_date: dt.date | None = None
    due_date: dt.date | None = None
    status: StatusChoice = "planned"
    abandon_reason: str = Field("", description="Required when the status is `abandoned`.")
    commitment: CommitmentChoice = "considering"
    budget_eur: Decimal | None = Field(None, max_digits=12, decimal_places=2)
    scenario_id: int | None = None


class PlanItemUpdate(Payload):
    version: int = Field(..., description="The item's version the client last saw.")
    title: str | None = None
    description: str | None = None
    theme: str | None = None
    owner_id: int | None = Field(None, description="Only the référent hands an item over.")
    working_group_id: int | None = None
    site_ids: list[int] | None = None
    department_ids: list[int] | None = None
    start_date: dt.date | None = None
    due_date: dt.date | None = None
    status: StatusChoice | None = None
    abandon_reason: str | None = None
    commitment: CommitmentChoice | None = None
    budget_eur: Decimal | None = Field(None, max_digits=12, decimal_places=2)
    scenario_id: int | None = None


class ItemConflictOut(Schema):
    detail: str
    current: PlanItemOut = Field(
        ..., description="The item as someone else saved it meanwhile, with its version."
    )


class JournalEntryOut(Schema):
    id: int
    date: dt.date
    text: str
    side_effect: bool = Field(..., description="A side effect observed, good or bad.")
    author: str | None
    created_at: dt.datetime


class JournalEntryIn(Payload):
    date: dt.date | None = Field(None, description="When it happened; today if left out.")
    text: str = Field(..., description="What happened (4,000 characters at most).")
    side_effect: bool = False


class MeasurementOut(Schema):
    id: int
    date: dt.date
    value: float
    note: str
    author: str | None


class MeasurementIn(Payload):
    date: dt.date | None = Field(None, description="The day measured; today if left out.")
    # Required, but checked after the access rights, so that a 403 or 404 comes before a 422.
    value: float | None = Field(None, allow_inf_nan=False, description="The value measured.")
    note: str = Field("", max_length=300)


class KpiOut(Schema):
    id: int
    item_id: int
    item_title: str
    catalogue_kpi_id: str = Field(..., description="The catalogue's indicator id, or empty.")
    label: str
    unit: str
    baseline: float | None
    target: float | None
    direction: Literal["up", "down"] = Field(..., description="Whether more or less is better.")
    latest: MeasurementOut | None


READ_ERRORS: dict[int, Any] = {401: ErrorOut, 404: ErrorOut}
WRITE_ERRORS: dict[int, Any] = {**READ_ERRORS, 403: ErrorOut, 422: ErrorOut}


def _bounds(effect: dict[str, exports.Bounds] | None) -> dict[str, Any] | None:
    if effect is None:
        return None
    return {
        key: {"value": value.value, "low": value.low, "high": value.high}
        for key, value in effect.items()
    }


def _item(item: PlanItem) -> dict[str, Any]:
    return {
        "id": item.pk,
        "title": item.title,
        "description": item.description,
        "theme": item.theme,
        "action_id": item.action_id,
        "owner_id": item.owner_id,
        "owner": str(item.owner) if item.owner else None,
        "working_group_id": item.working_group_id,
        "site_ids": sorted(site.pk for site in item.sites.all()),
        "department_ids": sorted(department.pk for department in item.departments.all()),
        "start_date": item.start_date,
        "due_date": item.due_date,
        "status": item.status,
        "abandon_reason": item.abandon_reason,
        "commitment": item.commitment,
        "budget_eur": None if item.budget_eur is None else float(item.budget_eur),
        "scenario_id": item.scenario_id,
        "expected_effect": _bounds(exports.scenario_effect(item)),
        "last_activity_at": item.last_activity_at,
        "version": item.version,
    }


def _entry(entry: JournalEntry) -> dict[str, Any]:
    return {
        "id": entry.pk,
        "date": entry.date,
        "text": entry.text,
        "side_effect": entry.side_effect,
        "author": str(entry.author) if entry.author else None,
        "created_at": entry.created_at,
    }


def _measurement(measurement: KpiMeasurement) -> dict[str, Any]:
    return {
        "id": measurement.pk,
        "date": measurement.date,
        "value": measurement.value,
        "note": measurement.note,
        "author": str(measurement.author) if measurement.author else None,
    }


def _kpi(kpi: KpiTarget) -> dict[str, Any]:
    latest = exports.latest_measurement(kpi)
    return {
        "id": kpi.pk,
        "item_id": kpi.item_id,
        "item_title": kpi.item.title,
        "catalogue_kpi_id": kpi.kpi_id,
        "label": kpi.label,
        "unit": kpi.unit,
        "baseline": kpi.baseline,
        "target": kpi.target,
        "direction": kpi.direction,
        "latest": _measurement(latest) if latest else None,
    }


def _one(field: str, message: str, lookup: Any) -> Any:
    """A row named by id in the payload, or a 422 on that field (never a 404: the URL exists)."""
    try:
        return lookup()
    except Http404:
        raise ValidationError({field: message}) from None


def _related(access: OrganisationAccess, fields: dict[str, Any]) -> dict[str, Any]:
    """Ids of the payload turned into the organisation's rows, for the services."""
    if "owner_id" in fields:
        owner_id = fields.pop("owner_id")
        owner = None
        if owner_id is not None:
            membership = (
                organisation_selectors.member_list(access=access).filter(user_id=owner_id).first()
            )
            if membership is None:
                raise ValidationError({"owner_id": "No member with this id in the organisation."})
            owner = membership.user
        fields["owner"] = owner
    if "working_group_id" in fields:
        group_id = fields.pop("working_group_id")
        fields["working_group"] = (
            None
            if group_id is None
            else _one(
                "working_group_id",
                "No working group with this id in the organisation.",
                lambda: selectors.group_get(access=access, pk=group_id),
            )
        )
    if "scenario_id" in fields:
        scenario_id = fields.pop("scenario_id")
        fields["scenario"] = (
            None
            if scenario_id is None
            else _one(
                "scenario_id",
                "No scenario with this id in the organisation.",
                lambda: action_selectors.scenario_get(access=access, pk=scenario_id),
            )
        )
    return fields


def _places(
    access: OrganisationAccess, site_ids: list[int] | None, department_ids: list[int] | None
) -> tuple[list[Any] | None, list[Any] | None]:
    sites = None
    if site_ids is not None:
        sites = [
            _one(
                "site_ids",
                f"No site {pk} in the organisation.",
                lambda pk=pk: organisation_selectors.site_get(access=access, pk=pk),
            )
            for pk in site_ids
        ]
    departments = None
    if department_ids is not None:
        departments = [
            _one(
                "department_ids",
                f"No department {pk} in the organisation.",
                lambda pk=pk: organisation_selectors.department_get(access=access, pk=pk),
            )
            for pk in department_ids
        ]
    return sites, departments


def _reload(access: OrganisationAccess, item_id: int) -> dict[str, Any]:
    return _item(selectors.item_get(access=access, pk=item_id))


@router.get(
    "/{slug}/roadmap/items",
    response={200: list[PlanItemOut], **READ_ERRORS},
    summary="List the roadmap's items",
)
@organisation_endpoint()
def item_list(request: HttpRequest, access: OrganisationAccess) -> Any:
    """Every plan item not in the bin, earliest due date first, with its expected yearly effect
    (from its simulator scenario) and its ``version``."""
    return [_item(item) for item in selectors.item_list(access=access)]


@router.post(
    "/{slug}/roadmap/items",
    response={201: PlanItemOut, **WRITE_ERRORS},
    summary="Add an item to the roadmap",
)
@organisation_endpoint(Access.ADMINISTER)
def item_create(
    request: HttpRequest, access: OrganisationAccess, payload: PlanItemIn
) -> Status[Any]:
    """A plan item from a catalogue action (``action_id``: its title, theme and indicators come
    along) or written from scratch (``title`` required). For the référent (403 otherwise); 422
    for an unknown action, an owner who is not a member, a due date before the start, an
    abandoned item without a reason."""
    fields = {key: value for key, value in payload.dict(exclude_unset=True).items()}
    action_id = fields.pop("action_id", "")
    sites, departments = _places(
        access, fields.pop("site_ids", None), fields.pop("department_ids", None)
    )
    for name in ("title", "theme", "description", "abandon_reason"):
        if fields.get(name, "") is None:
            del fields[name]
    item = services.item_create(
        access=access,
        fields=_related(access, fields),
        sites=sites or (),
        departments=departments or (),
        action_id=action_id,
    )
    return Status(201, _reload(access, item.pk))


@router.get(
    "/{slug}/roadmap/items/{item_id}",
    response={200: PlanItemOut, **READ_ERRORS},
    summary="One roadmap item",
)
@organisation_endpoint()
def item_detail(request: HttpRequest, access: OrganisationAccess, item_id: int) -> Any:
    return _reload(access, item_id)


@router.put(
    "/{slug}/roadmap/items/{item_id}",
    response={200: PlanItemOut, 409: ItemConflictOut, **WRITE_ERRORS},
    summary="Change a roadmap item",
)
@organisation_endpoint(Access.CONTRIBUTE)
def item_update(
    request: HttpRequest, access: OrganisationAccess, item_id: int, payload: PlanItemUpdate
) -> Status[Any]:
    """Change the fields given; those left out keep their value. ``version`` is the version the
    client last saw: if someone saved the item since, nothing is written and the reply is 409
    with the item as it is now in ``current``; apply the change again on its version.

    For the référent and the item's owner (403 otherwise); only the référent changes the owner."""
    item = selectors.item_get(access=access, pk=item_id)
    given = payload.dict(exclude_unset=True)
    version = given.pop("version")
    sites, departments = _places(
        access, given.pop("site_ids", None), given.pop("department_ids", None)
    )
    # The service checks the whole item (a title, dates in order, a reason to abandon): start
    # from what is stored; the owner, group and scenario are only checked when given.
    fields: dict[str, Any] = {
        name: getattr(item, name)
        for name in services.ITEM_FIELDS
        if name not in ("owner", "working_group", "scenario")
    }
    for name, value in given.items():
        if value is None and name in ("title", "description", "theme", "status", "commitment"):
            continue  # these cannot be empty: null leaves them as they are
        fields[name] = "" if value is None and name == "abandon_reason" else value
    try:
        services.item_update(
            access=access,
            item=item,
            user=request.user,  # type: ignore[arg-type]
            expected_version=version,
            fields=_related(access, fields),
            sites=sites,
            departments=departments,
        )
    except services.ItemConflict as conflict:
        return Status(409, {"detail": str(conflict), "current": _reload(access, item_id)})
    return Status(200, _reload(access, item_id))


@router.delete(
    "/{slug}/roadmap/items/{item_id}",
    response={204: None, **WRITE_ERRORS},
    summary="Put a roadmap item in the bin",
)
@organisation_endpoint(Access.ADMINISTER)
def item_delete(request: HttpRequest, access: OrganisationAccess, item_id: int) -> Status[None]:
    """The item goes to the bin with its journal and indicators; it can be restored for 30 days,
    then it is deleted for good. For the référent."""
    services.item_delete(access=access, item=selectors.item_get(access=access, pk=item_id))
    return Status(204, None)


@router.post(
    "/{slug}/roadmap/items/{item_id}/restore",
    response={200: PlanItemOut, **WRITE_ERRORS},
    summary="Take a roadmap item out of the bin",
)
@organisation_endpoint(Access.ADMINISTER)
def item_restore(request: HttpRequest, access: OrganisationAccess, item_id: int) -> Any:
    """For the référent, within 30 days of the deletion (422 after)."""
    item = selectors.item_get(access=access, pk=item_id, deleted=True)
    services.item_restore(access=access, item=item)
    return _reload(access, item_id)


@router.get(
    "/{slug}/roadmap/items/{item_id}/journal",
    response={200: list[JournalEntryOut], **READ_ERRORS},
    summary="The follow-up journal of an item",
)
@organisation_endpoint()
def journal_list(request: HttpRequest, access: OrganisationAccess, item_id: int) -> Any:
    """Dated facts about the item, newest first."""
    item = selectors.item_get(access=access, pk=item_id)
    return [_entry(entry) for entry in selectors.journal_for(item)]


@router.post(
    "/{slug}/roadmap/items/{item_id}/journal",
    response={201: JournalEntryOut, **WRITE_ERRORS},
    summary="Add a journal entry to an item",
)
@organisation_endpoint(Access.CONTRIBUTE)
def journal_add(
    request: HttpRequest, access: OrganisationAccess, item_id: int, payload: JournalEntryIn
) -> Status[Any]:
    """For the référent and the item's owner; 422 for an empty text or a date in the future."""
    item = selectors.item_get(access=access, pk=item_id)
    entry = services.journal_add(
        access=access,
        item=item,
        user=request.user,  # type: ignore[arg-type]
        date=payload.date or timezone.localdate(),
        text=payload.text,
        side_effect=payload.side_effect,
    )
    return Status(201, _entry(entry))


@router.get(
    "/{slug}/roadmap/kpis",
    response={200: list[KpiOut], **READ_ERRORS},
    summary="List the roadmap's indicators",
)
@organisation_endpoint()
def kpi_list(request: HttpRequest, access: OrganisationAccess) -> Any:
    """Every indicator of the items not in the bin, with its target and latest measurement."""
    return [_kpi(kpi) for kpi in selectors.kpi_list(access=access)]


@router.get(
    "/{slug}/roadmap/items/{item_id}/kpis/{kpi_id}/measurements",
    response={200: list[MeasurementOut], **READ_ERRORS},
    summary="The measurements of an indicator",
)
@organisation_endpoint()
def measurement_list(
    request: HttpRequest, access: OrganisationAccess, item_id: int, kpi_id: int
) -> Any:
    """Oldest first."""
    item = selectors.item_get(access=access, pk=item_id)
    kpi = selectors.kpi_get(access=access, item=item, pk=kpi_id)
    return [_measurement(measurement) for measurement in selectors.measurements_for(kpi)]


@router.post(
    "/{slug}/roadmap/items/{item_id}/kpis/{kpi_id}/measurements",
    response={201: MeasurementOut, **WRITE_ERRORS},
    summary="Record a measurement of an indicator",
)
@organisation_endpoint(Access.CONTRIBUTE)
def measurement_add(
    request: HttpRequest,
    access: OrganisationAccess,
    item_id: int,
    kpi_id: int,
    payload: MeasurementIn,
) -> Status[Any]:
    """For the référent and the item's owner; 422 for a date in the future."""
    item = selectors.item_get(access=access, pk=item_id)
    kpi = selectors.kpi_get(access=access, item=item, pk=kpi_id)
    if payload.value is None:
        raise ValidationError({"value": _("A measurement needs a number.")})
    measurement = services.measurement_add(
        access=access,
        kpi=kpi,
        user=request.user,  # type: ignore[arg-type]
        date=payload.date or timezone.localdate(),
        value=payload.value,
        note=payload.note,
    )
    return Status(201, _measurement(measurement))
