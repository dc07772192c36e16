"""Reads of the coalition workspace, each taking the access tenancy gave (``coalition_access``,
``cohort_access``, ``get_for_cohort``): what a facilitator manages, what a member of a cohort's
organisation reads (never a note, only their own organisations' attendance)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from capnr.core.tokens import hash_token
from capnr.organisations import tenancy
from capnr.organisations.models import Membership, Organisation, User
from capnr.organisations.tenancy import CoalitionAccess
from capnr.organisations.tenancy.cohorts import cohorts_of

from .models import (
    Attendance,
    AttendanceStatus,
    CalendarSubscription,
    Coalition,
    Cohort,
    CohortMembership,
    FacilitatorNote,
    Session,
    SessionFile,
    SessionMaterial,
)


def coalitions_facilitated_by(user: User) -> QuerySet[Coalition]:
    """The coalitions ``user`` facilitates, with their cohorts and organisations prefetched."""
    return (
        tenancy.coalitions_facilitated_by(user)
        .prefetch_related(
            Prefetch(
                "cohorts",
                queryset=Cohort.objects.order_by("-year", "name").prefetch_related(
                    Prefetch(
                        "memberships",
                        queryset=CohortMembership.objects.select_related("organisation").order_by(
                            "pending", "organisation__name"
                        ),
                    )
                ),
            )
        )
        .order_by("name")
    )


def cohorts_of_member(user: User) -> QuerySet[Cohort]:
    """The cohorts holding one of ``user``'s organisations (for a member, not a facilitator)."""
    return (
        tenancy.cohorts_visible_to(user)
        .filter(memberships__pending=False, memberships__organisation__memberships__user=user)
        .select_related("coalition")
        .distinct()
        .order_by("-year", "name")
    )


def cohort_members(cohort: Cohort) -> list[Organisation]:
    """The organisations of ``cohort`` (invitations not accepted yet left out)."""
    return list(
        Organisation.objects.filter(
            cohort_memberships__cohort=cohort, cohort_memberships__pending=False
        )
        .order_by("name")
        .distinct()
    )


def pending_invitations(cohort: Cohort) -> list[CohortMembership]:
    return list(
        CohortMembership.objects.filter(cohort=cohort, pending=True)
        .select_related("organisation")
        .order_by("organisation__name")
    )


@dataclass
class SessionsSplit:
    upcoming: list[Session] = field(default_factory=list)  # soonest first
    past: list[Session] = field(default_factory=list)  # latest first


def cohort_sessions(cohort: Cohort, *, now: dt.datetime | None = None) -> SessionsSplit:
    """The cohort's sessions, upcoming first (the soonest at the top), then the past ones."""
    moment = now or timezone.now()
    split = SessionsSplit()
    for session in Session.objects.filter(cohort=cohort).order_by("starts_at", "pk"):
        (split.upcoming if session.ends_at >= moment else split.past).append(session)
    split.past.reverse()
    return split


def cohort_calendar_sessions(cohort: Cohort) -> QuerySet[Session]:
    return Session.objects.filter(cohort=cohort).order_by("starts_at", "pk")


@dataclass(frozen=True)
class AttendanceRow:
    organisation: Organisation
    expected: bool
    status: str  # an AttendanceStatus value, or "" while not recorded
    status_label: str
    people: list[User]
    members: list[User]  # who could be marked present (facilitators' form)


def session_attendance(session: Session, access: CoalitionAccess) -> list[AttendanceRow]:
    """One row per organisation of the cohort: expected or not, its attendance. A member of
    the cohort sees only their own organisations' rows; the facilitators see all."""
    organisations = cohort_members(session.cohort)
    if not access.can_manage:
        organisations = [o for o in organisations if o.pk in access.organisation_ids]
    expected = set(session.expected.values_list("pk", flat=True))
    recorded = {
        attendance.organisation_id: attendance
        for attendance in Attendance.objects.filter(session=session).prefetch_related("people")
    }
    members: dict[int, list[User]] = {}
    if access.can_manage:
        for membership in (
            Membership.objects.filter(organisation__in=organisations)
            .select_related("user")
            .order_by("user__full_name", "user__email")
        ):
            members.setdefault(membership.organisation_id, []).append(membership.user)
    rows = []
    for organisation in organisations:
        attendance = recorded.get(organisation.pk)
        if organisation.pk not in expected and attendance is None:
            continue
        status = attendance.status if attendance else ""
        rows.append(
            AttendanceRow(
                organisation=organisation,
                expected=organisation.pk in expected,
                status=status,
                status_label=str(AttendanceStatus(status).label) if status else "",
                people=list(attendance.people.all()) if attendance else [],
                members=members.get(organisation.pk, []),
            )
        )
    return rows


def attendance_list(session: Session, access: CoalitionAccess) -> QuerySet[Attendance]:
    """The recorded attendance of ``session`` as ``access`` may read it (the API's)."""
    rows = Attendance.objects.filter(session=session).select_related("organisation")
    if not access.can_manage:
        rows = rows.filter(organisation_id__in=access.organisation_ids)
    return rows.prefetch_related("people").order_by("organisation__name")


def notes_on(access: CoalitionAccess, organisation: Organisation) -> QuerySet[FacilitatorNote]:
    """The coalition's private notes on ``organisation``: for its facilitators only."""
    access.require_manage()
    return FacilitatorNote.objects.filter(
        coalition=access.coalition, organisation=organisation
    ).select_related("author")


def follow_ups(access: CoalitionAccess, *, today: dt.date | None = None) -> list[FacilitatorNote]:
    """The notes whose follow-up date is today or past, the oldest first (facilitators only)."""
    access.require_manage()
    day = today or timezone.localdate()
    return list(
        FacilitatorNote.objects.filter(coalition=access.coalition, follow_up_on__lte=day)
        .select_related("organisation")
        .order_by("follow_up_on", "pk")
    )


def alumni(coalition: Coalition, *, today: dt.date | None = None) -> list[Organisation]:
    """The organisations whose every cohort of ``coalition`` has ended: they stay in the
    coalition (and its facilitators keep reading them)."""
    day = today or timezone.localdate()
    memberships = CohortMembership.objects.filter(cohort__coalition=coalition, pending=False)
    running = memberships.exclude(cohort__end_date__lt=day).values("organisation_id")
    return list(
        Organisation.objects.filter(pk__in=memberships.values("organisation_id"))
        .exclude(pk__in=running)
        .order_by("name")
    )


def member_join_requests(user: User) -> list[CohortMembership]:
    """The cohort invitations awaiting an answer from an organisation ``user`` is référent of."""
    administered = tenancy.administered_by(user).values("pk")
    return list(
        CohortMembership.objects.filter(pending=True, organisation__in=administered)
        .select_related("organisation", "cohort__coalition")
        .order_by("cohort__start_date", "pk")
    )


def join_request(pk: int) -> CohortMembership | None:
    """A pending cohort invitation, whoever asks: the view then asks tenancy whether the user
    administers its organisation (404 otherwise)."""
    return (
        CohortMembership.objects.filter(pk=pk, pending=True)
        .select_related("organisation", "cohort__coalition")
        .first()
    )


def sessions_of(coalition_slug: str) -> QuerySet[Session]:
    """The sessions of a coalition's cohorts, for ``tenancy.get_for_cohort`` to narrow."""
    return Session.objects.filter(cohort__coalition__slug=coalition_slug)


def material_of(session: Session, pk: int) -> SessionMaterial | None:
    return SessionMaterial.objects.filter(session=session, pk=pk).first()


def session_files(session: Session) -> list[SessionFile]:
    return list(SessionFile.objects.filter(session=session).order_by("pk"))


def session_file_of(session: Session, pk: int) -> SessionFile | None:
    return SessionFile.objects.filter(session=session, pk=pk).first()


def note_of(access: CoalitionAccess, pk: int) -> FacilitatorNote | None:
    access.require_manage()
    return (
        FacilitatorNote.objects.filter(coalition=access.coalition, pk=pk)
        .select_related("organisation")
        .first()
    )


def member_ids_by_email(organisation: Organisation, emails: list[str]) -> list[int]:
    """The ids of ``organisation``'s members with these addresses (422 names those who are not)."""
    wanted = {email.strip().lower() for email in emails}
    found = dict(
        Membership.objects.filter(organisation=organisation, user__email__in=wanted).values_list(
            "user__email", "user_id"
        )
    )
    unknown = sorted(wanted - set(found))
    if unknown:
        raise ValidationError(
            {"people": [f"Not members of the organisation: {', '.join(unknown)}"]}
        )
    return sorted(found.values())


@dataclass(frozen=True)
class ExpectedSessions:
    """An organisation's sessions in one cohort, as its dashboard row gives them: the latest
    past one it was expected at and whether it came, and the next one it is expected at."""

    last: Session | None = None
    last_status: str = ""  # an AttendanceStatus value, or "" while not recorded
    next: Session | None = None

    @property
    def last_status_label(self) -> str:
        if self.last is None:
            return ""
        if not self.last_status:
            return str(_("Attendance not recorded"))
        return str(AttendanceStatus(self.last_status).label)


def expected_sessions(
    pairs: Iterable[tuple[int, int]], *, now: dt.datetime | None = None
) -> dict[tuple[int, int], ExpectedSessions]:
    """For each (cohort id, organisation id): the latest session of the cohort it was expected
    at that has ended, with its attendance, and the next one it is expected at (one that has
    not ended yet). Two queries, whatever the number of pairs."""
    moment = now or timezone.now()
    wanted = set(pairs)
    cohort_ids = {cohort_id for cohort_id, _organisation_id in wanted}
    organisation_ids = {organisation_id for _cohort_id, organisation_id in wanted}
    links = (
        Session.expected.through.objects.filter(
            session__cohort_id__in=cohort_ids, organisation_id__in=organisation_ids
        )
        .select_related("session")
        .order_by("session__starts_at", "session__pk")
    )
    last: dict[tuple[int, int], Session] = {}
    upcoming: dict[tuple[int, int], Session] = {}
    for link in links:
        key = (link.session.cohort_id, link.organisation_id)
        if key not in wanted:
            continue
        if link.session.ends_at < moment:
            last[key] = link.session  # in order: the latest one stays
        else:
            upcoming.setdefault(key, link.session)  # in order: the soonest one stays
    recorded = Attendance.objects.filter(
        session_id__in={session.pk for session in last.values()},
        organisation_id__in=organisation_ids,
    ).values_list("session_id", "organisation_id", "status")
    statuses = {
        (session_id, organisation_id): status for session_id, organisation_id, status in recorded
    }
    return {
        key: ExpectedSessions(
            last=last.get(key),
            last_status=statuses.get((last[key].pk, key[1]), "") if key in last else "",
            next=upcoming.get(key),
        )
        for key in wanted
    }


def calendar_subscription_of(user: User) -> CalendarSubscription | None:
    return CalendarSubscription.objects.filter(user=user).first()


def calendar_subscription_for_token(raw_token: str) -> CalendarSubscription | None:
    """The personal calendar a secret address opens, or None (an unknown, renewed or revoked
    address, or one of a deactivated account). The address is the only key: it is stored
    hashed, like invitation links."""
    if not raw_token:
        return None
    return (
        CalendarSubscription.objects.filter(token_hash=hash_token(raw_token), user__is_active=True)
        .select_related("user")
        .first()
    )


def subscribed_sessions(subscription: CalendarSubscription) -> QuerySet[Session]:
    """The sessions of every cohort the address's owner takes part in (tenancy decides which:
    ``cohorts_of``), the soonest first."""
    return (
        Session.objects.filter(cohort__in=cohorts_of(subscription.user).values("pk"))
        .select_related("cohort__coalition")
        .order_by("starts_at", "pk")
    )
