"""Collection challenge endpoints under /api/v1/organisations/{slug}/collection: campaigns with
their leaderboard, their boxes, their deposits and what became of the devices (sorting), read
by every member (READ). The référent creates, changes and deletes campaigns and boxes and
records the sorting (batches, single devices, erasures) here too; the services check the rules
and the messages that explain a refusal come from them. The boxes' secret links are not given
out here: the référent prints them from the pages. Declaring a deposit is a page reached by a
box's link, not an API without authentication."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from capnr.core.access import Access, OrganisationAccess, organisation_endpoint
from capnr.core.api_types import Id, Pages, Payload
from capnr.engine import collection as engine
from capnr.organisations.selectors import member_list, site_list
from capnr.roadmap import selectors as roadmap_selectors

from . import selectors, services
from .models import Campaign, CollectionPoint, Deposit, Erasure

router = Router(tags=["collection"])


class ErrorOut(Schema):
    detail: Any = Field(..., description="Why the request was refused.")


READ_ERRORS: dict[int, Any] = {401: ErrorOut, 404: ErrorOut}
WRITE_ERRORS: dict[int, Any] = {**READ_ERRORS, 403: ErrorOut, 422: ErrorOut}

ItemTypeChoice = Literal[
    "phones",
    "laptops",
    "tablets",
    "chargers_cables",
    "keyboards_mice",
    "screens",
    "printers",
    "other",
]
OutcomeChoice = Literal["reused_internally", "donated", "sold", "refurbisher", "weee"]
ErasureMethodChoice = Literal["overwrite", "crypto_erase", "factory_reset", "destruction"]


class CampaignOut(Schema):
    id: int
    name: str
    start_date: dt.date
    end_date: dt.date
    rules: str
    item_types: list[str] = Field(..., description=f"Among {', '.join(engine.ITEM_TYPES)}.")
    plan_item_id: int | None = Field(..., description="The roadmap item it carries out.")


class ScoreOut(Schema):
    id: int = Field(..., description="The participating department's id, or the site's.")
    name: str
    headcount: int
    items: int
    estimated_kg: float = Field(..., description="From typical weights per item type, kg.")
    items_per_agent: float | None = Field(
        ..., description="Items ÷ headcount; null when the headcount is 0 (then not ranked)."
    )
    rank: int | None = Field(..., description="1 is first; equal ratios share a rank.")


class LeaderboardOut(Schema):
    items: int
    estimated_kg: float
    deposits: int
    counts: dict[str, int] = Field(..., description="Items per item type.")
    departments: list[ScoreOut] = Field(..., description="Ranked by items per agent.")
    sites: list[ScoreOut] = Field(..., description="Ranked by items.")


class CampaignDetailOut(CampaignOut):
    leaderboard: LeaderboardOut


class PointOut(Schema):
    id: int
    site_id: int | None = Field(..., description="Null once the box's site was deleted.")
    site: str | None
    location: str
    person_in_charge_id: int | None
    link_is_active: bool = Field(..., description="False once the référent stopped its link.")


class DepositOut(Schema):
    id: int
    point_id: int
    department_id: int = Field(..., description="The participating department's id.")
    department: str
    counts: dict[str, int]
    works: str = Field(..., description="yes, no or unknown.")
    held_data: str = Field(..., description="yes, no or unknown.")
    first_name: str
    created_at: dt.datetime
    removed_at: dt.datetime | None = Field(..., description="Set when taken out of the totals.")

    @staticmethod
    def resolve_department_id(deposit: Deposit) -> int:
        return int(deposit.team_id)

    @staticmethod
    def resolve_department(deposit: Deposit) -> str:
        return deposit.team.name

    @staticmethod
    def resolve_counts(deposit: Deposit) -> dict[str, int]:
        return deposit.counts


def _campaign(campaign: Campaign) -> dict[str, Any]:
    return {
        "id": campaign.pk,
        "name": campaign.name,
        "start_date": campaign.start_date,
        "end_date": campaign.end_date,
        "rules": campaign.rules,
        "item_types": list(campaign.item_types),
        "plan_item_id": campaign.plan_item_id,
    }


def _score(score: engine.Score) -> dict[str, Any]:
    return {
        "id": score.key,
        "name": score.name,
        "headcount": score.headcount,
        "items": score.items,
        "estimated_kg": score.kg,
        "items_per_agent": score.per_agent,
        "rank": score.rank,
    }


@router.get(
    "/{slug}/collection/campaigns",
    response={200: list[CampaignOut], **READ_ERRORS},
    summary="List the collection campaigns",
)
@organisation_endpoint()
def campaign_list(request: HttpRequest, access: OrganisationAccess) -> Any:
    return [_campaign(campaign) for campaign in selectors.campaign_list(access=access)]


@router.get(
    "/{slug}/collection/campaigns/{campaign_id}",
    response={200: CampaignDetailOut, **READ_ERRORS},
    summary="One collection campaign with its leaderboard",
)
@organisation_endpoint()
def campaign_detail(request: HttpRequest, access: OrganisationAccess, campaign_id: Id) -> Any:
    campaign = selectors.campaign_get(access=access, pk=campaign_id)
    board = selectors.leaderboard(campaign)
    return {
        **_campaign(campaign),
        "leaderboard": {
            "items": board.items,
            "estimated_kg": board.kg,
            "deposits": board.deposits,
            "counts": board.counts,
            "departments": [_score(score) for score in board.teams],
            "sites": [_score(score) for score in board.sites],
        },
    }


def _point(point: CollectionPoint) -> dict[str, Any]:
    return {
        "id": point.pk,
        "site_id": point.site_id,
        "site": point.site.name if point.site is not None else None,
        "location": point.location,
        "person_in_charge_id": point.person_in_charge_id,
        "link_is_active": point.link_is_active,
    }


@router.get(
    "/{slug}/collection/campaigns/{campaign_id}/points",
    response={200: list[PointOut], **READ_ERRORS},
    summary="The collection boxes of a campaign",
)
@organisation_endpoint()
def point_list(request: HttpRequest, access: OrganisationAccess, campaign_id: Id) -> Any:
    campaign = selectors.campaign_get(access=access, pk=campaign_id)
    return [_point(point) for point in selectors.point_list(campaign)]


@router.get(
    "/{slug}/collection/campaigns/{campaign_id}/deposits",
    response=list[DepositOut],
    summary="The deposits of a campaign, newest first (removed ones included, marked)",
)
@paginate(Pages, page_size=100)
@organisation_endpoint()
def deposit_list(request: HttpRequest, access: OrganisationAccess, campaign_id: Id) -> Any:
    campaign = selectors.campaign_get(access=access, pk=campaign_id)
    return selectors.deposit_list(campaign)


# --- Writes: campaigns ---------------------------------------------------------------------------


class CampaignIn(Payload):
    name: str = Field(..., min_length=1, max_length=200)
    start_date: dt.date
    end_date: dt.date
    rules: str = Field("", max_length=4000)
    item_types: list[ItemTypeChoice] = Field(..., min_length=1, description="What is collected.")
    plan_item_id: Id | None = Field(None, description="The roadmap item it carries out.")


class CampaignUpdate(Payload):
    version: int = Field(..., description="The campaign's version the client last saw.")
    name: str | None = Field(None, min_length=1, max_length=200)
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    rules: str | None = Field(None, max_length=4000)
    item_types: list[ItemTypeChoice] | None = Field(None, min_length=1)
    plan_item_id: Id | None = None


class CampaignWrittenOut(CampaignOut):
    version: int


def _written(campaign: Campaign) -> dict[str, Any]:
    return {**_campaign(campaign), "version": campaign.version}


def _plan_item(access: OrganisationAccess, plan_item_id: int | None) -> Any:
    if plan_item_id is None:
        return None
    try:
        return roadmap_selectors.item_get(access=access, pk=plan_item_id)
    except Http404:
        raise ValidationError(
            {"plan_item_id": [_("No such roadmap item in this organisation.")]}
        ) from None


@router.post(
    "/{slug}/collection/campaigns",
    response={201: CampaignWrittenOut, **WRITE_ERRORS},
    summary="Create a collection campaign",
)
@organisation_endpoint(Access.ADMINISTER)
def campaign_create(
    request: HttpRequest, access: OrganisationAccess, payload: CampaignIn
) -> Status[Any]:
    """For the référent (403 otherwise); 422 for a last day before the first, a name already
    taken, a roadmap item of another organisation."""
    fields = payload.dict()
    fields["plan_item"] = _plan_item(access, fields.pop("plan_item_id"))
    campaign = services.campaign_create(access=access, fields=fields)
    return Status(201, _written(campaign))


@router.put(
    "/{slug}/collection/campaigns/{campaign_id}",
    response={200: CampaignWrittenOut, 409: ErrorOut, **WRITE_ERRORS},
    summary="Change a collection campaign",
)
@organisation_endpoint(Access.ADMINISTER)
def campaign_update(
    request: HttpRequest, access: OrganisationAccess, campaign_id: Id, payload: CampaignUpdate
) -> Any:
    """Change the fields given; those left out keep their value (``plan_item_id`` null unlinks
    the roadmap item). ``version`` is the version the client last saw: 409 if someone saved
    the campaign since. For the référent."""
    campaign = selectors.campaign_get(access=access, pk=campaign_id)
    given = payload.dict(exclude_unset=True)
    version = given.pop("version")
    fields: dict[str, Any] = {name: getattr(campaign, name) for name in services.CAMPAIGN_FIELDS}
    for name, value in given.items():
        if name == "plan_item_id":
            fields["plan_item"] = _plan_item(access, value)
        elif value is not None:
            fields[name] = value
    services.campaign_update(
        access=access, campaign=campaign, expected_version=version, fields=fields
    )
    return _written(selectors.campaign_get(access=access, pk=campaign_id))


@router.delete(
    "/{slug}/collection/campaigns/{campaign_id}",
    response={204: None, **WRITE_ERRORS},
    summary="Delete a collection campaign and everything in it",
)
@organisation_endpoint(Access.ADMINISTER)
def campaign_delete(request: HttpRequest, access: OrganisationAccess, campaign_id: Id) -> Any:
    """Departments, boxes, deposits, sorting and erasures (with their certificate files) go
    with it, for good. For the référent."""
    campaign = selectors.campaign_get(access=access, pk=campaign_id)
    services.campaign_delete(access=access, campaign=campaign)
    return Status(204, None)


# --- Writes: collection points -------------------------------------------------------------------


class PointIn(Payload):
    site_id: Id
    location: str = Field(..., min_length=1, max_length=200, description="Where it stands.")
    person_in_charge_id: Id | None = Field(
        None, description="A référent or contributor of the organisation."
    )


def _point_fields(access: OrganisationAccess, payload: PointIn) -> dict[str, Any]:
    site = site_list(access=access).filter(pk=payload.site_id).first()
    if site is None:
        raise ValidationError({"site_id": [_("No such site in this organisation.")]})
    person = None
    if payload.person_in_charge_id is not None:
        person = next(
            (
                m.user
                for m in member_list(access=access)
                if m.user_id == payload.person_in_charge_id
            ),
            None,
        )
        if person is None:
            raise ValidationError(
                {"person_in_charge_id": [_("The person in charge must be a member.")]}
            )
    return {"site": site, "location": payload.location, "person_in_charge": person}


@router.post(
    "/{slug}/collection/campaigns/{campaign_id}/points",
    response={201: PointOut, **WRITE_ERRORS},
    summary="Place a collection box",
)
@organisation_endpoint(Access.ADMINISTER)
def point_create(
    request: HttpRequest, access: OrganisationAccess, campaign_id: Id, payload: PointIn
) -> Status[Any]:
    """A box on one of the organisation's sites, with its own secret link (printed from the
    pages, not given here). For the référent."""
    campaign = selectors.campaign_get(access=access, pk=campaign_id)
    point = services.point_save(access=access, campaign=campaign, **_point_fields(access, payload))
    return Status(201, _point(selectors.point_get(access=access, campaign=campaign, pk=point.pk)))


@router.put(
    "/{slug}/collection/campaigns/{campaign_id}/points/{point_id}",
    response={200: PointOut, **WRITE_ERRORS},
    summary="Move a collection box",
)
@organisation_endpoint(Access.ADMINISTER)
def point_update(
    request: HttpRequest,
    access: OrganisationAccess,
    campaign_id: Id,
    point_id: Id,
    payload: PointIn,
) -> Any:
    """Its site, where it stands, who looks after it; its link and deposits stay."""
    campaign = selectors.campaign_get(access=access, pk=campaign_id)
    point = selectors.point_get(access=access, campaign=campaign, pk=point_id)
    services.point_save(
        access=access, campaign=campaign, point=point, **_point_fields(access, payload)
    )
    return _point(selectors.point_get(access=access, campaign=campaign, pk=point_id))


@router.delete(
    "/{slug}/collection/campaigns/{campaign_id}/points/{point_id}",
    response={204: None, **WRITE_ERRORS},
    summary="Delete a collection box placed by mistake",
)
@organisation_endpoint(Access.ADMINISTER)
def point_delete(
    request: HttpRequest, access: OrganisationAccess, campaign_id: Id, point_id: Id
) -> Any:
    """422 when the box has deposits (stop its link from the pages instead)."""
    campaign = selectors.campaign_get(access=access, pk=campaign_id)
    point = selectors.point_get(access=access, campaign=campaign, pk=point_id)
    services.point_delete(access=access, point=point)
    return Status(204, None)


# --- Sorting: what became of the devices ---------------------------------------------------------


class ErasureOut(Schema):
    id: int
    date: dt.date
    method: str
    devices: int
    done_by: str
    certificate: str = Field(..., description="The certificate's reference.")
    has_certificate_file: bool = Field(..., description="Downloaded from the pages.")

    @staticmethod
    def resolve_has_certificate_file(erasure: Erasure) -> bool:
        return bool(erasure.certificate_file)


class SortingOut(Schema):
    id: int
    date: dt.date
    item_type: str
    count: int
    outcome: str
    recipient: str
    agreement: str
    weight_kg: float | None
    held_data: int = Field(..., description="How many of these devices held data.")
    replaces_purchase: int = Field(..., description="How many spare buying a new one.")
    is_device: bool = Field(..., description="One device recorded on its own.")
    serial_number: str
    asset_tag: str
    erasures: list[ErasureOut]


class SortingIn(Payload):
    date: dt.date
    item_type: ItemTypeChoice
    count: int = Field(..., ge=1, le=1_000_000)
    outcome: OutcomeChoice
    recipient: str = Field("", max_length=200, description="Required unless reused internally.")
    agreement: str = Field("", max_length=200)
    weight_kg: float | None = Field(None, ge=0, le=1e9)
    held_data: int = Field(0, ge=0, le=1_000_000)
    replaces_purchase: int = Field(0, ge=0, le=1_000_000)


class DeviceIn(Payload):
    date: dt.date
    item_type: ItemTypeChoice
    outcome: OutcomeChoice
    recipient: str = Field("", max_length=200)
    agreement: str = Field("", max_length=200)
    weight_kg: float | None = Field(None, ge=0, le=1e9)
    serial_number: str = Field("", max_length=100)
    asset_tag: str = Field("", max_length=100)
    held_data: bool = False
    replaces_purchase: bool = False
    erasure_method: ErasureMethodChoice | None = Field(None, description="Required if held data.")
    erasure_date: dt.date | None = None
    erasure_done_by: str = Field("", max_length=200)
    erasure_certificate: str = Field("", max_length=200)


class ErasureIn(Payload):
    date: dt.date
    method: ErasureMethodChoice
    devices: int = Field(..., ge=1, le=1_000_000)
    done_by: str = Field(..., min_length=1, max_length=200)
    certificate: str = Field("", max_length=200)


@router.get(
    "/{slug}/collection/campaigns/{campaign_id}/sorting",
    response=list[SortingOut],
    summary="What became of a campaign's devices: the sorted batches and devices",
)
@paginate(Pages, page_size=100)
@organisation_endpoint()
def sorting_list(request: HttpRequest, access: OrganisationAccess, campaign_id: Id) -> Any:
    campaign = selectors.campaign_get(access=access, pk=campaign_id)
    return selectors.sorting_list(campaign)


@router.post(
    "/{slug}/collection/campaigns/{campaign_id}/sorting",
    response={201: SortingOut, **WRITE_ERRORS},
    summary="Record where a batch of devices went",
)
@organisation_endpoint(Access.ADMINISTER)
def sorting_create(
    request: HttpRequest, access: OrganisationAccess, campaign_id: Id, payload: SortingIn
) -> Status[Any]:
    """Devices of one type sent to one outcome on one day. 422: a donation, sale, refurbisher
    or take-back scheme without a recipient, more devices holding data or sparing a purchase
    than the batch counts, recycled devices said to spare a purchase. For the référent."""
    campaign = selectors.campaign_get(access=access, pk=campaign_id)
    batch = services.sorting_record(
        access=access,
        user=request.user,  # type: ignore[arg-type]
        campaign=campaign,
        fields=payload.dict(),
    )
    return Status(201, batch)


@router.post(
    "/{slug}/collection/campaigns/{campaign_id}/sorting/devices",
    response={201: SortingOut, **WRITE_ERRORS},
    summary="Record where one device went, with its erasure",
)
@organisation_endpoint(Access.ADMINISTER)
def device_create(
    request: HttpRequest, access: OrganisationAccess, campaign_id: Id, payload: DeviceIn
) -> Status[Any]:
    """One device, with its serial number or asset tag if known (the same one twice in a
    campaign: 422). A device that held data needs its erasure (method, date, by whom): 422
    otherwise, and nothing is stored. For the référent."""
    campaign = selectors.campaign_get(access=access, pk=campaign_id)
    fields = payload.dict()
    fields["erasure_method"] = fields["erasure_method"] or ""
    batch = services.device_record(
        access=access,
        user=request.user,  # type: ignore[arg-type]
        campaign=campaign,
        data=services.DeviceInput(**fields),
    )
    return Status(201, batch)


@router.post(
    "/{slug}/collection/campaigns/{campaign_id}/sorting/{batch_id}/erasures",
    response={201: SortingOut, **WRITE_ERRORS},
    summary="Record a data erasure on sorted devices",
)
@organisation_endpoint(Access.ADMINISTER)
def erasure_create(
    request: HttpRequest,
    access: OrganisationAccess,
    campaign_id: Id,
    batch_id: Id,
    payload: ErasureIn,
) -> Status[Any]:
    """Never more devices than held data and are not erased yet (422). The certificate's file
    is uploaded from the pages. For the référent."""
    campaign = selectors.campaign_get(access=access, pk=campaign_id)
    batch = selectors.batch_get(access=access, campaign=campaign, pk=batch_id)
    services.erasure_record(
        access=access,
        user=request.user,  # type: ignore[arg-type]
        batch=batch,
        fields=payload.dict(),
    )
    return Status(201, selectors.batch_get(access=access, campaign=campaign, pk=batch_id))


@router.delete(
    "/{slug}/collection/campaigns/{campaign_id}/sorting/{batch_id}",
    response={204: None, **WRITE_ERRORS},
    summary="Delete a sorting line recorded by mistake",
)
@organisation_endpoint(Access.ADMINISTER)
def sorting_delete(
    request: HttpRequest, access: OrganisationAccess, campaign_id: Id, batch_id: Id
) -> Any:
    """With its erasures and their certificate files. For the référent."""
    campaign = selectors.campaign_get(access=access, pk=campaign_id)
    batch = selectors.batch_get(access=access, campaign=campaign, pk=batch_id)
    services.sorting_delete(access=access, batch=batch)
    return Status(204, None)
