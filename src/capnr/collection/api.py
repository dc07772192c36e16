"""Collection challenge endpoints under /api/v1/organisations/{slug}/collection: campaigns with
their leaderboard, their boxes and their deposits, for every member (READ). The boxes' secret
links are not given out here: the référent prints them from the pages. Declaring a deposit is a
page reached by a box's link, not an API without authentication."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from capnr.core.access import OrganisationAccess, organisation_endpoint
from capnr.core.api_types import Id, Pages
from capnr.engine import collection as engine

from . import selectors
from .models import Campaign, CollectionPoint, Deposit

router = Router(tags=["collection"])


class ErrorOut(Schema):
    detail: Any = Field(..., description="Why the request was refused.")


READ_ERRORS: dict[int, Any] = {401: ErrorOut, 404: ErrorOut}


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
    site_id: int
    site: str
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
        "site": point.site.name,
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
