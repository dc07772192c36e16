"""Training endpoints under /api/v1/organisations/{slug}/training: offers and sessions (any
member reads them; HR and the référent create, change and cancel them), registrations (names:
HR and the référent only), registering and cancelling (a member for themselves, HR and the
référent for anyone; the same capacity lock and waiting list as the pages), and attendance.
The rules are the services'; refusals come with their reason (422), as on the pages; a change
made on an older ``version`` than the stored one is refused (409)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.http import Http404, HttpRequest
from ninja import Field, Router, Schema
from ninja.responses import Status

from capnr.core.access import Access, OrganisationAccess, organisation_endpoint
from capnr.core.api_types import OMITTED, Id, Payload
from capnr.organisations import selectors as organisation_selectors
from capnr.organisations.tenancy.training import may_see_trainees
from capnr.roadmap import selectors as roadmap_selectors

from . import selectors, services
from .models import Registration, TrainingOffer, TrainingSession

router = Router(tags=["training"])


class OfferOut(Schema):
    id: int
    version: int = Field(..., description="Send it back as `version` to change the offer.")
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
    version: int = Field(..., description="Send it back as `version` to change the session.")
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


KindChoice = Literal[
    "awareness", "fresque", "mooc", "field_basics", "accessibility", "ecodesign", "own"
]
FormatChoice = Literal["on_site", "remote", "self_paced"]


class OfferIn(Payload):
    # The fields without a default are required, but checked after the access rights (by the
    # service), so that a 403 or 404 comes before a 422.
    kind: KindChoice | None = Field(None, description="Required.")
    title: str | None = Field(None, max_length=200, description="Required.")
    audience: str = Field("", max_length=200)
    format: FormatChoice = "on_site"
    duration_hours: Decimal | None = Field(
        None, ge=Decimal("0.5"), le=500, decimal_places=1, description="Required."
    )
    provider: str = Field("", max_length=200)
    cost_eur: Decimal | None = Field(None, ge=0, max_digits=9, decimal_places=2)
    prerequisites: str = Field("", max_length=2000)
    action_id: str = Field("", max_length=64, description="A catalogue action it serves.")
    plan_item_id: Id | None = Field(None, description="The roadmap item it serves.")


class OfferPatch(Payload):
    version: int = Field(..., description="The offer's version the client last saw.")
    kind: KindChoice = OMITTED
    title: str = Field(OMITTED, min_length=1, max_length=200)
    audience: str = Field(OMITTED, max_length=200)
    format: FormatChoice = OMITTED
    duration_hours: Decimal = Field(OMITTED, ge=Decimal("0.5"), le=500, decimal_places=1)
    provider: str = Field(OMITTED, max_length=200)
    cost_eur: Decimal | None = Field(None, ge=0, max_digits=9, decimal_places=2)
    prerequisites: str = Field(OMITTED, max_length=2000)
    action_id: str = Field(OMITTED, max_length=64)
    plan_item_id: Id | None = None


class SessionIn(Payload):
    # Required fields checked after the access rights, as for an offer.
    starts_at: dt.datetime | None = Field(None, description="Required.")
    ends_at: dt.datetime | None = Field(None, description="Required, after ``starts_at``.")
    site_id: Id | None = Field(None, description="None for a remote session.")
    room: str = Field("", max_length=120)
    capacity: int | None = Field(None, ge=1, le=1000, description="Required.")
    trainer_name: str | None = Field(None, max_length=150, description="Required.")
    trainer_email: str = Field("", max_length=254, description="Where the trainer's link goes.")


class SessionPatch(Payload):
    version: int = Field(..., description="The session's version the client last saw.")
    starts_at: dt.datetime = OMITTED
    ends_at: dt.datetime = OMITTED
    site_id: Id | None = None
    room: str = Field(OMITTED, max_length=120)
    capacity: int = Field(OMITTED, ge=1, le=1000)
    trainer_name: str = Field(OMITTED, min_length=1, max_length=150)
    trainer_email: str = Field(OMITTED, max_length=254)


class SessionSavedOut(Schema):
    session: SessionOut
    moved_up: list[RegistrationOut] = Field(
        ..., description="Who got a place from the waiting list (more places)."
    )


def _plan_item(access: OrganisationAccess, pk: int | None) -> Any:
    if pk is None:
        return None
    try:
        return roadmap_selectors.item_get(access=access, pk=pk)
    except Http404:
        raise ValidationError({"plan_item_id": "No roadmap item with this id."}) from None


def _site(access: OrganisationAccess, pk: int | None) -> Any:
    if pk is None:
        return None
    try:
        return organisation_selectors.site_get(access=access, pk=pk)
    except Http404:
        raise ValidationError({"site_id": "No site with this id in the organisation."}) from None


def _offer_fields(access: OrganisationAccess, given: dict[str, Any]) -> dict[str, Any]:
    if "plan_item_id" in given:
        given["plan_item"] = _plan_item(access, given.pop("plan_item_id"))
    return given


def _session_fields(access: OrganisationAccess, given: dict[str, Any]) -> dict[str, Any]:
    if "site_id" in given:
        given["site"] = _site(access, given.pop("site_id"))
    if given.get("trainer_email"):
        try:
            validate_email(given["trainer_email"])
        except ValidationError:
            raise ValidationError({"trainer_email": "Not an email address."}) from None
    return given


def _offer(offer: TrainingOffer) -> dict[str, Any]:
    return {
        "id": offer.pk,
        "version": offer.version,
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
        "version": session.version,
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


@router.post("/{slug}/training/offers", response={201: OfferOut}, summary="Create a training offer")
@organisation_endpoint(Access.CONTRIBUTE)
def offer_create(request: HttpRequest, access: OrganisationAccess, payload: OfferIn) -> Any:
    """For HR and the référent (403 otherwise); 422 for a catalogue action that does not exist
    or a roadmap item of another organisation."""
    offer = services.offer_create(
        access=access, fields=_offer_fields(access, payload.dict(exclude_unset=True))
    )
    return Status(201, _offer(offer))


@router.patch(
    "/{slug}/training/offers/{offer_id}", response=OfferOut, summary="Change a training offer"
)
@organisation_endpoint(Access.CONTRIBUTE)
def offer_update(
    request: HttpRequest, access: OrganisationAccess, offer_id: Id, payload: OfferPatch
) -> Any:
    """Change the fields given (those left out keep their value); 409 when someone saved the
    offer since ``version``."""
    offer = selectors.offer_get(access=access, pk=offer_id)
    given = payload.dict(exclude_unset=True)
    version = given.pop("version")
    services.offer_update(
        access=access, offer=offer, expected_version=version, fields=_offer_fields(access, given)
    )
    return _offer(selectors.offer_get(access=access, pk=offer_id))


@router.post(
    "/{slug}/training/offers/{offer_id}/sessions",
    response={201: SessionOut},
    summary="Add a session to an offer",
)
@organisation_endpoint(Access.CONTRIBUTE)
def session_create(
    request: HttpRequest, access: OrganisationAccess, offer_id: Id, payload: SessionIn
) -> Any:
    """For HR and the référent; 422 when it ends before it starts or names another
    organisation's site."""
    offer = selectors.offer_get(access=access, pk=offer_id)
    session = services.session_create(
        access=access,
        offer=offer,
        fields=_session_fields(access, payload.dict(exclude_unset=True)),
    )
    return Status(201, _session(selectors.session_get(access=access, pk=session.pk)))


@router.patch(
    "/{slug}/training/sessions/{session_id}",
    response=SessionSavedOut,
    summary="Change a session; more places move the waiting list up",
)
@organisation_endpoint(Access.CONTRIBUTE)
def session_update(
    request: HttpRequest, access: OrganisationAccess, session_id: Id, payload: SessionPatch
) -> Any:
    """Change the fields given, under the session's lock as on the pages: more places give
    them to the first people waiting (returned in ``moved_up``, emailed when they have an
    account); fewer places than people registered is refused (422); 409 when someone saved
    the session since ``version``."""
    session = selectors.session_get(access=access, pk=session_id)
    given = payload.dict(exclude_unset=True)
    version = given.pop("version")
    if "starts_at" in given or "ends_at" in given:  # checked against each other
        given.setdefault("starts_at", session.starts_at)
        given.setdefault("ends_at", session.ends_at)
    promoted = services.session_update(
        access=access,
        session=session,
        expected_version=version,
        fields=_session_fields(access, given),
    )
    return {
        "session": _session(selectors.session_get(access=access, pk=session_id)),
        "moved_up": [_registration(row) for row in promoted],
    }


@router.post(
    "/{slug}/training/sessions/{session_id}/cancel",
    response=SessionOut,
    summary="Cancel a session (the people with an account and the trainer get an email)",
)
@organisation_endpoint(Access.CONTRIBUTE)
def session_cancel(request: HttpRequest, access: OrganisationAccess, session_id: Id) -> Any:
    """422 for a session already cancelled or that has started."""
    session = selectors.session_get(access=access, pk=session_id)
    services.session_cancel(access=access, session=session)
    return _session(selectors.session_get(access=access, pk=session_id))


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
