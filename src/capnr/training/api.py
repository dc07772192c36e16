"""Training endpoints under /api/v1/organisations/{slug}/training: offers and sessions (any
member reads them), registrations (names: HR and the référent only), registering and cancelling
(a member for themselves, HR and the référent for anyone), and attendance. The rules are the
services'; refusals come with their reason (422), as on the pages."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from ninja import Field, Router, Schema
from ninja.responses import Status

from capnr.core.access import Access, OrganisationAccess, organisation_endpoint
from capnr.core.api_types import Id, Payload
from capnr.organisations import selectors as organisation_selectors

from . import selectors, services
from .models import Registration, TrainingOffer, TrainingSession
from .rules import may_see_trainees

router = Router(tags=["training"])


class OfferOut(Schema):
    id: int
    kind: str = Field(..., description="awareness, fresque, mooc, field_basics, … or own.")
    title: str
    audience: str
    format: Literal["on_site", "remote", "self_paced"]
    duration_hours: float
    provider: str
    cost_eur: float | None
    prerequisites: str
    action_id: str = Field(..., description="The catalogue action it serves, or empty.")
    plan_item_id: int | None = Field(..., description="The roadmap item it serves.")


class SessionOut(Schema):
    id: int
    offer_id: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    site_id: int | None = Field(..., description="None for a remote session.")
    room: str
    capacity: int
    registered: int
    waiting: int
    cancelled: bool
    trainer_name: str


class RegistrationOut(Schema):
    id: int
    session_id: int
    trainee: str = Field(..., description="The person's name (erased on request).")
    department_id: int | None
    status: Literal["registered", "waiting", "cancelled"]
    waiting_position: int | None = Field(..., description="The ticket in the queue.")
    attended: Literal["unknown", "present", "absent"]


class RegistrationIn(Payload):
    user_id: Id | None = Field(
        None, description="A member with an account (yourself, or anyone for HR and the référent)."
    )
    name: str = Field("", max_length=150, description="Or an agent without an account.")
    department_id: Id | None = Field(None, description="The agent's department.")


class Mark(Schema):
    registration_id: Id
    attended: Literal["unknown", "present", "absent"]


class AttendanceIn(Payload):
    # Required, but checked after the access rights (by the service), so that a 403 or 404
    # comes before a 422.
    source: Literal["room", "sheet"] | None = Field(
        None, description="Taken in the room, or typed in from the printed sheet (required)."
    )
    marks: list[Mark] = Field([], max_length=1000)


class ChangedOut(Schema):
    changed: int


def _offer(offer: TrainingOffer) -> dict[str, Any]:
    return {
        "id": offer.pk,
        "kind": offer.kind,
        "title": offer.title,
        "audience": offer.audience,
        "format": offer.format,
        "duration_hours": float(offer.duration_hours),
        "provider": offer.provider,
        "cost_eur": None if offer.cost_eur is None else float(offer.cost_eur),
        "prerequisites": offer.prerequisites,
        "action_id": offer.action_id,
        "plan_item_id": offer.plan_item_id,
    }


def _session(session: TrainingSession) -> dict[str, Any]:
    return {
        "id": session.pk,
        "offer_id": session.offer_id,
        "starts_at": session.starts_at,
        "ends_at": session.ends_at,
        "site_id": session.site_id,
        "room": session.room,
        "capacity": session.capacity,
        "registered": session.registered,  # type: ignore[attr-defined]
        "waiting": session.waiting,  # type: ignore[attr-defined]
        "cancelled": session.cancelled,
        "trainer_name": session.trainer_name,
    }


def _registration(registration: Registration) -> dict[str, Any]:
    return {
        "id": registration.pk,
        "session_id": registration.session_id,
        "trainee": str(registration.trainee),
        "department_id": registration.trainee.department_id,
        "status": registration.status,
        "waiting_position": registration.position,
        "attended": registration.attended,
    }


@router.get("/{slug}/training/offers", response=list[OfferOut], summary="List training offers")
@organisation_endpoint()
def offer_list(request: HttpRequest, access: OrganisationAccess) -> Any:
    return [_offer(offer) for offer in selectors.offer_list(access=access)]


@router.get(
    "/{slug}/training/sessions", response=list[SessionOut], summary="List upcoming sessions"
)
@organisation_endpoint()
def session_list(request: HttpRequest, access: OrganisationAccess, past: bool = False) -> Any:
    return [_session(session) for session in selectors.session_list(access=access, past=past)]


@router.get(
    "/{slug}/training/sessions/{session_id}/registrations",
    response=list[RegistrationOut],
    summary="A session's registrations and waiting list (HR and the référent)",
)
@organisation_endpoint(Access.CONTRIBUTE)
def registration_list(request: HttpRequest, access: OrganisationAccess, session_id: Id) -> Any:
    session = selectors.session_get(access=access, pk=session_id)
    if not may_see_trainees(access):
        raise PermissionDenied("Trainees' names are for HR and the référent.")
    people = selectors.session_people(access=access, session=session, user=request.user)
    return [_registration(row) for row in [*people.registered, *people.waiting]]


@router.post(
    "/{slug}/training/sessions/{session_id}/registrations",
    response={201: RegistrationOut},
    summary="Register someone: a place, or the waiting list when the session is full",
)
@organisation_endpoint()
def registration_create(
    request: HttpRequest, access: OrganisationAccess, session_id: Id, payload: RegistrationIn
) -> Any:
    session = selectors.session_get(access=access, pk=session_id)
    if payload.user_id is not None:
        membership = (
            organisation_selectors.member_list(access=access)
            .filter(user_id=payload.user_id)
            .select_related("user")
            .first()
        )
        if membership is None:
            raise ValidationError({"user_id": "No member with this id in the organisation."})
        trainee = services.trainee_for_user(access=access, user=membership.user)
    else:
        department = None
        if payload.department_id is not None:
            try:
                department = organisation_selectors.department_get(
                    access=access, pk=payload.department_id
                )
            except Http404:
                raise ValidationError(
                    {"department_id": "No department with this id in the organisation."}
                ) from None
        trainee = services.trainee_for_name(access=access, name=payload.name, department=department)
    registration = services.registration_create(
        access=access, session=session, trainee=trainee, by=request.user
    )
    return Status(201, _registration(registration))


@router.post(
    "/{slug}/training/registrations/{registration_id}/cancel",
    response=list[RegistrationOut],
    summary="Cancel a registration; returns who moved up from the waiting list",
)
@organisation_endpoint()
def registration_cancel(
    request: HttpRequest, access: OrganisationAccess, registration_id: Id
) -> Any:
    registration = selectors.registration_get(access=access, pk=registration_id)
    promoted = services.registration_cancel(
        access=access, registration=registration, by=request.user
    )
    return [_registration(row) for row in promoted]


@router.put(
    "/{slug}/training/sessions/{session_id}/attendance",
    response=ChangedOut,
    summary="Record who was present (in the room, or from the signed sheet)",
)
@organisation_endpoint(Access.CONTRIBUTE)
def attendance_record(
    request: HttpRequest, access: OrganisationAccess, session_id: Id, payload: AttendanceIn
) -> Any:
    session = selectors.session_get(access=access, pk=session_id)
    changed = services.attendance_record(
        access=access,
        session=session,
        marks={mark.registration_id: mark.attended for mark in payload.marks},
        source=payload.source or "",
    )
    return {"changed": changed}
