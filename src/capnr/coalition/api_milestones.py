"""Milestone endpoints under /api/v1/organisations/{slug}/milestones: an organisation's
milestones in each cohort it belongs to, read by its members and the cohorts' facilitators;
the by-hand ones (the six-month review, the closing) written by the cohort's facilitators only
(403 for the organisation's own members, whatever their role)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.responses import Status

from capnr.core.access import OrganisationAccess, organisation_endpoint
from capnr.core.api_types import Id, Payload
from capnr.organisations.tenancy.cohorts import facilitates_cohort, memberships_of

from . import milestone_services
from .models import CohortMembership
from .progress import organisation_progress

router = Router(tags=["coalition"])

ByHandKind = Literal["six_month_review", "closing"]


class ErrorOut(Schema):
    detail: Any = Field(..., description="Why the request was refused.")


ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


class MilestoneOut(Schema):
    kind: str = Field(
        ...,
        description="joined, profile_complete, first_footprint, diagnostic_submitted, "
        "roadmap_approved, six_month_review or closing.",
    )
    label: str = Field(..., description="Its name, in the user's language.")
    status: str = Field(..., description="reached, overdue or pending.")
    expected_on: dt.date
    reached_on: dt.date | None
    by_hand: bool = Field(..., description="Recorded by the facilitator, not computed.")


class CohortMilestonesOut(Schema):
    cohort_id: int
    cohort: str
    year: int
    as_of: dt.date = Field(..., description="Today, or the cohort's end once it has ended.")
    stalled: bool = Field(
        ..., description="30 days or more without activity, or a milestone overdue."
    )
    days_without_activity: int
    milestones: list[MilestoneOut]


class MilestoneIn(Payload):
    reached_on: dt.date | None = Field(None, description="Required: the day it was reached.")
    note: str = Field("", max_length=300)


def _cohort_rows(membership: CohortMembership, access: OrganisationAccess) -> dict[str, Any]:
    progress = organisation_progress(
        access=access, membership=membership, today=timezone.localdate()
    )
    return {
        "cohort_id": membership.cohort_id,
        "cohort": membership.cohort.name,
        "year": membership.cohort.year,
        "as_of": progress.on,
        "stalled": progress.stall.stalled,
        "days_without_activity": progress.stall.days_inactive,
        "milestones": [
            {
                "kind": state.kind,
                "label": str(state.label),
                "status": state.status,
                "expected_on": state.expected_on,
                "reached_on": state.reached_on,
                "by_hand": state.by_hand,
            }
            for state in progress.milestones
        ],
    }


def _membership(access: OrganisationAccess, cohort_id: int) -> CohortMembership:
    found = next((m for m in memberships_of(access) if m.cohort_id == cohort_id), None)
    if found is None:
        raise Http404("This organisation is not in this cohort.")
    return found


@router.get(
    "/{slug}/milestones",
    response={200: list[CohortMilestonesOut], 401: ErrorOut, 404: ErrorOut},
    summary="The organisation's milestones in each of its cohorts",
)
@organisation_endpoint()
def milestone_list(request: HttpRequest, access: OrganisationAccess) -> Any:
    """For the organisation's members and its cohorts' facilitators: each cohort it belongs to
    (the latest first), read as of today or the cohort's end, with every milestone."""
    return [_cohort_rows(membership, access) for membership in memberships_of(access)]


@router.put(
    "/{slug}/cohorts/{cohort_id}/milestones/{kind}",
    response={200: CohortMilestonesOut, **ERRORS},
    summary="Record a by-hand milestone",
)
@organisation_endpoint()
def milestone_put(
    request: HttpRequest,
    access: OrganisationAccess,
    cohort_id: Id,
    kind: ByHandKind,
    payload: MilestoneIn,
) -> Any:
    """The day the six-month review or the closing was reached. For the cohort's facilitators
    (403 otherwise); 404 when the organisation is not in the cohort; 422 for a day in the
    future or before the organisation joined."""
    membership = _membership(access, cohort_id)
    if not facilitates_cohort(request.user, membership.cohort):
        raise PermissionDenied("Only the cohort's facilitators record its milestones.")
    if payload.reached_on is None:
        raise ValidationError({"reached_on": [_("This field is required.")]})
    milestone_services.milestone_record(
        user=request.user,  # type: ignore[arg-type]
        membership=membership,
        kind=kind,
        reached_on=payload.reached_on,
        note=payload.note,
        today=timezone.localdate(),
    )
    return _cohort_rows(membership, access)


@router.delete(
    "/{slug}/cohorts/{cohort_id}/milestones/{kind}",
    response={204: None, **ERRORS},
    summary="Remove a by-hand milestone",
)
@organisation_endpoint()
def milestone_delete(
    request: HttpRequest, access: OrganisationAccess, cohort_id: Id, kind: ByHandKind
) -> Status[None]:
    """For the cohort's facilitators (403 otherwise); 204 whether or not it was recorded."""
    milestone_services.milestone_clear(
        user=request.user,  # type: ignore[arg-type]
        membership=_membership(access, cohort_id),
        kind=kind,
    )
    return Status(204, None)
