"""Coalition endpoints under /api/v1/coalitions: coalitions, their cohorts, the cohorts'
sessions and their attendance.

Reading is for the coalition's facilitators and for the members of the organisations in its
cohorts (a member reads only their own organisations' attendance); writing is for the
facilitators (403 for a member, 404 for anyone else). Tenancy decides
(``capnr.organisations.tenancy``: ``coalition_access``, ``cohort_access``, ``get_for_cohort``);
the facilitators' private notes are not in the API."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema
from ninja.responses import Status

from capnr.core.api_types import Payload
from capnr.core.versioned import StaleEditError
from capnr.organisations import tenancy

from . import selectors, services
from .models import Attendance, Cohort, Session

router = Router(tags=["coalitions"])

KindChoice = Literal[
    "kick_off", "diagnostic_workshop", "roadmap_workshop", "peer_meeting", "webinar", "closing"
]
AttendanceChoice = Literal["present", "excused", "absent"]


class ErrorOut(Schema):
    detail: Any = Field(..., description="Why the request was refused.")


READ_ERRORS: dict[int, Any] = {401: ErrorOut, 404: ErrorOut}
WRITE_ERRORS: dict[int, Any] = {**READ_ERRORS, 403: ErrorOut, 422: ErrorOut}


class CoalitionOut(Schema):
    slug: str
    name: str
    can_manage: bool = Field(..., description="Whether you facilitate it (you may write).")


class OrganisationRef(Schema):
    slug: str
    name: str


class CohortOut(Schema):
    id: int
    name: str
    year: int
    start_date: dt.date | None
    end_date: dt.date | None
    description: str
    closed: bool = Field(..., description="Ended: its organisations are alumni.")
    organisations: list[OrganisationRef]


class SessionOut(Schema):
    id: int
    cohort_id: int
    kind: KindChoice
    title: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    place: str
    video_url: str
    agenda: str
    expected: list[str] = Field(..., description="Short names of the organisations expected.")
    materials: list[dict[str, str]] = Field(..., description="Documents: title and url.")
    version: int


class SessionIn(Payload):
    kind: KindChoice
    title: str = Field(..., min_length=1, max_length=200)
    starts_at: dt.datetime
    ends_at: dt.datetime
    place: str = Field("", max_length=250)
    video_url: str = Field("", max_length=200)
    agenda: str = Field("", max_length=20_000)
    expected: list[str] | None = Field(
        None,
        description="Short names of the organisations expected; all of the cohort's if left out.",
    )


class SessionPatch(Payload):
    version: int = Field(..., description="The session's version the client last saw.")
    kind: KindChoice | None = None
    title: str | None = Field(None, min_length=1, max_length=200)
    starts_at: dt.datetime | None = None
    ends_at: dt.datetime | None = None
    place: str | None = Field(None, max_length=250)
    video_url: str | None = Field(None, max_length=200)
    agenda: str | None = Field(None, max_length=20_000)
    expected: list[str] | None = None


class AttendanceOut(Schema):
    organisation: str = Field(..., description="The organisation's short name.")
    status: AttendanceChoice
    people: list[str] = Field(..., description="Email addresses of the people present.")


class AttendanceIn(Payload):
    status: AttendanceChoice
    people: list[str] = Field(
        default_factory=list, description="Email addresses of the organisation's members present."
    )


def _user(request: HttpRequest) -> Any:
    return request.user


def _cohort(cohort: Cohort) -> dict[str, Any]:
    return {
        "id": cohort.pk,
        "name": cohort.name,
        "year": cohort.year,
        "start_date": cohort.start_date,
        "end_date": cohort.end_date,
        "description": cohort.description,
        "closed": cohort.is_closed(),
        "organisations": [
            {"slug": o.slug, "name": o.name} for o in selectors.cohort_members(cohort)
        ],
    }


def _session(session: Session) -> dict[str, Any]:
    return {
        "id": session.pk,
        "cohort_id": session.cohort_id,
        "kind": session.kind,
        "title": session.title,
        "starts_at": session.starts_at,
        "ends_at": session.ends_at,
        "place": session.place,
        "video_url": session.video_url,
        "agenda": session.agenda,
        "expected": sorted(session.expected.values_list("slug", flat=True)),
        "materials": [{"title": m.title, "url": m.url} for m in session.materials.all()],
        "version": session.version,
    }


def _attendance(attendance: Attendance) -> dict[str, Any]:
    return {
        "organisation": attendance.organisation.slug,
        "status": attendance.status,
        "people": sorted(person.email for person in attendance.people.all()),
    }


def _aware(moment: dt.datetime | None) -> dt.datetime | None:
    """A time without a zone is read in the instance's time zone (Europe/Paris)."""
    if moment is not None and timezone.is_naive(moment):
        return timezone.make_aware(moment)
    return moment


def _expected_ids(cohort: Cohort, slugs: list[str] | None) -> list[int] | None:
    if slugs is None:
        return None
    by_slug = {o.slug: o.pk for o in selectors.cohort_members(cohort)}
    unknown = sorted(set(slugs) - set(by_slug))
    if unknown:
        raise ValidationError({"expected": [f"Not in the cohort: {', '.join(unknown)}"]})
    return [by_slug[slug] for slug in slugs]


@router.get("", response={200: list[CoalitionOut], **READ_ERRORS}, summary="Your coalitions")
def coalition_list(request: HttpRequest) -> Any:
    """The coalitions you facilitate or that hold one of your organisations in a cohort."""
    user = _user(request)
    return [
        {
            "slug": c.slug,
            "name": c.name,
            "can_manage": tenancy.coalition_access(user, c.slug).can_manage,
        }
        for c in tenancy.coalitions_visible_to(user).order_by("name")
    ]


@router.get(
    "/{coalition}/cohorts",
    response={200: list[CohortOut], **READ_ERRORS},
    summary="The coalition's cohorts you may read",
)
def cohort_list(request: HttpRequest, coalition: str) -> Any:
    """All of them for its facilitators; those holding one of your organisations otherwise."""
    tenancy.coalition_access(_user(request), coalition)
    cohorts = tenancy.cohorts_visible_to(_user(request)).filter(coalition__slug=coalition)
    return [_cohort(cohort) for cohort in cohorts.order_by("-year", "name")]


@router.get(
    "/{coalition}/cohorts/{cohort_id}",
    response={200: CohortOut, **READ_ERRORS},
    summary="One cohort and its organisations",
)
def cohort_detail(request: HttpRequest, coalition: str, cohort_id: int) -> Any:
    cohort, _access = tenancy.cohort_access(_user(request), coalition, cohort_id)
    return _cohort(cohort)


@router.get(
    "/{coalition}/cohorts/{cohort_id}/sessions",
    response={200: list[SessionOut], **READ_ERRORS},
    summary="The cohort's sessions",
)
def session_list(request: HttpRequest, coalition: str, cohort_id: int) -> Any:
    """Every session of the cohort, the earliest first."""
    cohort, _access = tenancy.cohort_access(_user(request), coalition, cohort_id)
    return [_session(session) for session in selectors.cohort_calendar_sessions(cohort)]


@router.post(
    "/{coalition}/cohorts/{cohort_id}/sessions",
    response={201: SessionOut, **WRITE_ERRORS},
    summary="Add a session to the cohort",
)
def session_create(
    request: HttpRequest, coalition: str, cohort_id: int, payload: SessionIn
) -> Status[Any]:
    """For the coalition's facilitators (403 for a member of the cohort). 422 for an end before
    the start, no place nor video link, an organisation not in the cohort."""
    cohort, access = tenancy.cohort_access(_user(request), coalition, cohort_id, manage=True)
    data = payload.dict()
    expected = _expected_ids(cohort, data.pop("expected"))
    data["starts_at"], data["ends_at"] = _aware(data["starts_at"]), _aware(data["ends_at"])
    if not data["place"] and not data["video_url"]:
        raise ValidationError({"place": ["Give a place, a video link, or both."]})
    session = services.session_create(
        access=access, cohort=cohort, user=_user(request), fields=data, expected_ids=expected
    )
    return Status(201, _session(session))


def _session_for(request: HttpRequest, coalition: str, session_id: int, manage: bool) -> Any:
    return tenancy.get_for_cohort(
        selectors.sessions_of(coalition), session_id, _user(request), manage=manage
    )


@router.get(
    "/{coalition}/sessions/{session_id}",
    response={200: SessionOut, **READ_ERRORS},
    summary="One session",
)
def session_detail(request: HttpRequest, coalition: str, session_id: int) -> Any:
    session, _access = _session_for(request, coalition, session_id, manage=False)
    return _session(session)


@router.patch(
    "/{coalition}/sessions/{session_id}",
    response={200: SessionOut, 409: ErrorOut, **WRITE_ERRORS},
    summary="Change a session",
)
def session_update(
    request: HttpRequest, coalition: str, session_id: int, payload: SessionPatch
) -> Any:
    """The fields given change; ``version`` is the one the client last saw (409 if someone
    saved the session since). For the coalition's facilitators."""
    session, access = _session_for(request, coalition, session_id, manage=True)
    given = payload.dict(exclude_unset=True)
    version = given.pop("version")
    expected = _expected_ids(session.cohort, given.pop("expected", None))
    fields = {name: value for name, value in given.items() if value is not None}
    for name in ("starts_at", "ends_at"):
        if name in fields:
            fields[name] = _aware(fields[name])
    try:
        session = services.session_update(
            access=access,
            session=session,
            expected_version=version,
            fields=fields,
            expected_ids=expected,
        )
    except StaleEditError as error:
        return Status(409, {"detail": str(error)})
    return _session(session)


@router.delete(
    "/{coalition}/sessions/{session_id}",
    response={204: None, **WRITE_ERRORS},
    summary="Delete a session",
)
def session_delete(request: HttpRequest, coalition: str, session_id: int) -> Status[None]:
    """With its documents and attendance; for the coalition's facilitators."""
    session, access = _session_for(request, coalition, session_id, manage=True)
    services.session_delete(access=access, session=session)
    return Status(204, None)


@router.get(
    "/{coalition}/sessions/{session_id}/attendance",
    response={200: list[AttendanceOut], **READ_ERRORS},
    summary="The session's attendance",
)
def attendance_list(request: HttpRequest, coalition: str, session_id: int) -> Any:
    """Every organisation's for the facilitators; your own organisations' for a member."""
    session, access = _session_for(request, coalition, session_id, manage=False)
    return [_attendance(row) for row in selectors.attendance_list(session, access)]


@router.put(
    "/{coalition}/sessions/{session_id}/attendance/{slug}",
    response={200: AttendanceOut, **WRITE_ERRORS},
    summary="Record an organisation's attendance",
)
def attendance_record(
    request: HttpRequest, coalition: str, session_id: int, slug: str, payload: AttendanceIn
) -> Any:
    """Present, excused or absent, and which of its members came (their email addresses). For
    the coalition's facilitators; recording again replaces it. 422 for an organisation not in
    the cohort, someone not of the organisation, people present with another status."""
    session, access = _session_for(request, coalition, session_id, manage=True)
    organisation = next(
        (o for o in selectors.cohort_members(session.cohort) if o.slug == slug), None
    )
    if organisation is None:
        raise Http404("No such organisation in this cohort.")
    people = selectors.member_ids_by_email(organisation, payload.people)
    attendance = services.attendance_record(
        access=access,
        session=session,
        organisation=organisation,
        status=payload.status,
        people_ids=people,
        user=_user(request),
    )
    return _attendance(attendance)
