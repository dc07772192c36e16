"""Reads of the training programme, from an already-checked OrganisationAccess (the
self-assessment's link aside: it finds its one campaign by its token)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Count, F, Max, Q, QuerySet
from django.utils import timezone

from capnr.core.access import OrganisationAccess
from capnr.core.owned import get_for_access
from capnr.organisations.models import Department, Site
from capnr.organisations.tenancy.training import TrainerAccess, may_see_trainees

from . import anonymity, skills
from .models import (
    Attendance,
    OfferKind,
    Registration,
    RegistrationStatus,
    SatisfactionLink,
    SkillsCampaign,
    SkillsResponse,
    Trainee,
    TrainerLink,
    TrainingOffer,
    TrainingPolicy,
    TrainingSession,
)

if TYPE_CHECKING:
    from capnr.organisations.models import User

REGISTERED = Q(registrations__status=RegistrationStatus.REGISTERED)
WAITING = Q(registrations__status=RegistrationStatus.WAITING)


def offer_list(*, access: OrganisationAccess) -> QuerySet[TrainingOffer]:
    return TrainingOffer.objects.for_access(access).annotate(
        upcoming_sessions=Count(
            "sessions",
            filter=Q(sessions__starts_at__gt=timezone.now(), sessions__cancelled=False),
        )
    )


def offer_get(*, access: OrganisationAccess, pk: int) -> TrainingOffer:
    return get_for_access(TrainingOffer.objects.select_related("plan_item"), pk, access)


def _with_counts(sessions: QuerySet[TrainingSession]) -> QuerySet[TrainingSession]:
    return sessions.select_related("offer", "site").annotate(
        registered=Count("registrations", filter=REGISTERED),
        waiting=Count("registrations", filter=WAITING),
    )


def session_list(
    *, access: OrganisationAccess, past: bool = False, offer: TrainingOffer | None = None
) -> QuerySet[TrainingSession]:
    """Upcoming sessions, soonest first; or past ones (started), latest first."""
    now = timezone.now()
    sessions = TrainingSession.objects.for_access(access)
    if offer is not None:
        sessions = sessions.filter(offer=offer)
    if past:
        return _with_counts(sessions.filter(starts_at__lte=now)).order_by("-starts_at")
    return _with_counts(sessions.filter(starts_at__gt=now)).order_by("starts_at")


def session_get(*, access: OrganisationAccess, pk: int) -> TrainingSession:
    return get_for_access(_with_counts(TrainingSession.objects.all()), pk, access)


@dataclass
class SessionPeople:
    """Who holds a place and who waits, for those who may see trainees; otherwise only the
    viewer's own registration."""

    registered: list[Registration]
    waiting: list[Registration]
    mine: Registration | None


def session_people(
    *, access: OrganisationAccess, session: TrainingSession, user: User | None
) -> SessionPeople:
    live = (
        Registration.objects.for_access(access)
        .filter(session=session)
        .exclude(status=RegistrationStatus.CANCELLED)
        .select_related("trainee__user", "trainee__department")
    )
    mine = None
    if user is not None and user.is_authenticated:
        mine = next(
            (row for row in live if row.trainee.user_id == user.pk),
            None,
        )
    if not may_see_trainees(access):
        return SessionPeople(registered=[], waiting=[], mine=mine)
    return _people(live, mine)


def trainer_session(trainer: TrainerAccess) -> TrainingSession:
    """The one session a trainer link opens, with its counts."""
    return _with_counts(TrainingSession.objects.filter(pk=trainer.session.pk)).get()


def trainer_session_people(trainer: TrainerAccess) -> SessionPeople:
    """The session's trainer sees its people (names and departments: the visibility rule
    names them), and only that session's."""
    return _people(
        Registration.objects.filter(session_id=trainer.session.pk)
        .exclude(status=RegistrationStatus.CANCELLED)
        .select_related("trainee__user", "trainee__department"),
        mine=None,
    )


def _people(live: QuerySet[Registration], mine: Registration | None) -> SessionPeople:
    rows = list(live)
    registered = sorted(
        (row for row in rows if row.status == RegistrationStatus.REGISTERED),
        key=lambda row: str(row.trainee).casefold(),
    )
    waiting = sorted(
        (row for row in rows if row.status == RegistrationStatus.WAITING),
        key=lambda row: row.position or 0,
    )
    return SessionPeople(registered=registered, waiting=waiting, mine=mine)


def trainer_link_current(
    *, access: OrganisationAccess, session: TrainingSession
) -> TrainerLink | None:
    """The session's latest trainer link (None if none was sent)."""
    return TrainerLink.objects.for_access(access).filter(session=session).first()


def waiting_rank(registration: Registration) -> int:
    """1 for the first in line."""
    return (
        Registration.objects.filter(
            session_id=registration.session_id,
            status=RegistrationStatus.WAITING,
            position__lte=registration.position or 0,
        ).count()
        or 1
    )


def registration_get(*, access: OrganisationAccess, pk: int) -> Registration:
    return get_for_access(
        Registration.objects.select_related(
            "session__offer", "session__site", "trainee__user", "trainee__department"
        ),
        pk,
        access,
    )


def registrations_of(*, access: OrganisationAccess, user: User) -> QuerySet[Registration]:
    """The viewer's own registrations, upcoming and waiting first."""
    return (
        Registration.objects.for_access(access)
        .filter(trainee__user=user)
        .exclude(status=RegistrationStatus.CANCELLED)
        .select_related("session__offer", "session__site")
        .order_by("-session__starts_at")
    )


def trainee_list(*, access: OrganisationAccess) -> QuerySet[Trainee]:
    """The people registered at least once, names not erased first, with their last session."""
    return (
        Trainee.objects.for_access(access)
        .select_related("user", "department")
        .annotate(
            sessions=Count("registrations", filter=REGISTERED),
            last_session=Max("registrations__session__starts_at"),
        )
        .order_by(F("erased_at").asc(nulls_first=True), "name", "user__full_name", "pk")
    )


def trainee_get(*, access: OrganisationAccess, pk: int) -> Trainee:
    return get_for_access(Trainee.objects.select_related("user", "department"), pk, access)


# --- Self-assessment ------------------------------------------------------------------------


def campaign_list(*, access: OrganisationAccess) -> QuerySet[SkillsCampaign]:
    return SkillsCampaign.objects.for_access(access).annotate(answer_count=Count("responses"))


def campaign_get(*, access: OrganisationAccess, pk: int) -> SkillsCampaign:
    return get_for_access(
        SkillsCampaign.objects.annotate(answer_count=Count("responses")), pk, access
    )


def campaign_for_token(raw_token: str) -> SkillsCampaign | None:
    """The campaign of a self-assessment link, or None: the link is its only key."""
    if not raw_token:
        return None
    return (
        SkillsCampaign.objects.filter(link_token=raw_token).select_related("organisation").first()
    )


def campaign_places(campaign: SkillsCampaign) -> tuple[QuerySet[Site], QuerySet[Department]]:
    """The sites and departments an agent chooses from on the campaign's page: its own
    organisation's, nothing else."""
    organisation = campaign.organisation
    return (
        Site.objects.filter(organisation=organisation).order_by("name"),
        Department.objects.filter(organisation=organisation).order_by("name"),
    )


def campaign_breakdown(
    *,
    campaign: SkillsCampaign,
    by: str,
    site: int | None = None,
    department: int | None = None,
) -> anonymity.Breakdown:
    """The campaign's results by site or department, within the filters, never for fewer
    than anonymity.MINIMUM_GROUP people (``anonymity.breakdown``)."""
    rows = SkillsResponse.objects.filter(campaign=campaign).values_list(
        "site_id", "department_id", "answers"
    )
    answers = [
        anonymity.Answer(site=site_id, department=department_id, levels=levels)
        for site_id, department_id, levels in rows
    ]
    return anonymity.breakdown(
        answers,
        questions=skills.QUESTION_IDS,
        levels=skills.LEVELS,
        by=by,
        site=site,
        department=department,
    )


def context_names(access: OrganisationAccess) -> dict[str, Any]:
    """Names of the organisation's sites and departments by id, for result tables."""
    return {
        "sites": dict(Site.objects.for_access(access).values_list("pk", "name")),
        "departments": dict(Department.objects.for_access(access).values_list("pk", "name")),
    }


# --- The programme's figures (KPIs) and exports ---------------------------------------------


@dataclass
class GroupFigures:
    name: str
    people: int
    hours: float
    satisfied_percent: int | None = None  # helped "a lot" or "a little", among the answers


@dataclass
class ProgrammeFigures:
    """People trained (marked present at least once), person-hours of training, the share of
    the organisation's headcount trained, and the same by site (of the session) and department
    (of the person)."""

    people: int
    hours: float
    share_percent: int | None
    satisfied_percent: int | None
    satisfaction_answers: int
    by_site: list[GroupFigures]
    by_department: list[GroupFigures]


def _satisfied(helped: list[int]) -> int | None:
    return round(100 * sum(1 for value in helped if value >= 2) / len(helped)) if helped else None


def _grouped(
    rows: list[tuple[int, str, float]], opinions: list[tuple[str, int]]
) -> list[GroupFigures]:
    people: dict[str, set[int]] = {}
    hours: dict[str, float] = {}
    helped: dict[str, list[int]] = {}
    for trainee, name, duration in rows:
        people.setdefault(name, set()).add(trainee)
        hours[name] = hours.get(name, 0.0) + duration
    for name, value in opinions:
        helped.setdefault(name, []).append(value)
    return [
        GroupFigures(
            name, len(people[name]), round(hours[name], 1), _satisfied(helped.get(name, []))
        )
        for name in sorted(people, key=str.casefold)
    ]


def programme_figures(*, access: OrganisationAccess, unknown: str) -> ProgrammeFigures:
    """``unknown`` names the group of sessions without a site or people without a department."""
    present = (
        Registration.objects.for_access(access)
        .filter(status=RegistrationStatus.REGISTERED, attended="present")
        .values_list(
            "trainee_id",
            "session__site__name",
            "trainee__department__name",
            "session__offer__duration_hours",
        )
    )
    rows = [
        (trainee, site or unknown, department or unknown, float(duration))
        for trainee, site, department, duration in present
    ]
    opinions = [
        (site or unknown, department or unknown, helped)
        for site, department, helped in SatisfactionLink.objects.for_access(access)
        .filter(answered_at__isnull=False)
        .values_list(
            "registration__session__site__name",
            "registration__trainee__department__name",
            "helped",
        )
    ]
    people = len({row[0] for row in rows})
    headcount = access.organisation.headcount
    return ProgrammeFigures(
        people=people,
        hours=round(sum(row[3] for row in rows), 1),
        share_percent=round(100 * people / headcount) if headcount else None,
        satisfied_percent=_satisfied([opinion[2] for opinion in opinions]),
        satisfaction_answers=len(opinions),
        by_site=_grouped(
            [(row[0], row[1], row[3]) for row in rows], [(o[0], o[2]) for o in opinions]
        ),
        by_department=_grouped(
            [(row[0], row[2], row[3]) for row in rows], [(o[1], o[2]) for o in opinions]
        ),
    )


@dataclass(frozen=True)
class ProgrammeKpis:
    """The indicators of the programme, or of the offers serving one roadmap item: people
    present at least once, and their share of the headcount; people present at a session of
    an offer for field agents (``OfferKind.FIELD_BASICS``), and their share of the field agents
    the référent counted (``TrainingPolicy.field_agents``); person-hours (an offer's duration
    per person present); the share of satisfaction answers saying the training helped."""

    people: int
    staff_trained_percent: float | None
    field_agents_reached: int
    field_agents_reached_percent: float | None
    hours: float
    satisfied_percent: float | None
    satisfaction_answers: int


def _percent(part: int, whole: int | None) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def programme_kpis(*, access: OrganisationAccess, plan_item_id: int | None = None) -> ProgrammeKpis:
    present = Registration.objects.for_access(access).filter(
        status=RegistrationStatus.REGISTERED, attended=Attendance.PRESENT
    )
    answers = SatisfactionLink.objects.for_access(access).filter(answered_at__isnull=False)
    if plan_item_id is not None:
        present = present.filter(session__offer__plan_item_id=plan_item_id)
        answers = answers.filter(registration__session__offer__plan_item_id=plan_item_id)
    rows = list(
        present.values_list("trainee_id", "session__offer__kind", "session__offer__duration_hours")
    )
    people = len({trainee for trainee, _kind, _hours in rows})
    field = len({trainee for trainee, kind, _hours in rows if kind == OfferKind.FIELD_BASICS})
    policy = TrainingPolicy.objects.for_access(access).first()
    helped = list(answers.values_list("helped", flat=True))
    return ProgrammeKpis(
        people=people,
        staff_trained_percent=_percent(people, access.organisation.headcount),
        field_agents_reached=field,
        field_agents_reached_percent=_percent(field, policy.field_agents if policy else None),
        hours=round(sum(float(hours) for _trainee, _kind, hours in rows), 1),
        satisfied_percent=_percent(sum(1 for value in helped if value >= 2), len(helped)),
        satisfaction_answers=len(helped),
    )


def has_programme(*, access: OrganisationAccess) -> bool:
    """Whether the organisation has a training programme (an offer at least)."""
    return TrainingOffer.objects.for_access(access).exists()


def served_plan_item_ids(*, access: OrganisationAccess) -> list[int]:
    """The roadmap items the organisation's offers serve."""
    return sorted(
        set(
            TrainingOffer.objects.for_access(access)
            .exclude(plan_item=None)
            .values_list("plan_item_id", flat=True)
        )
    )


def export_rows(*, access: OrganisationAccess) -> QuerySet[Registration]:
    """Every live registration with what the exports show, sessions in date order."""
    return (
        Registration.objects.for_access(access)
        .exclude(status=RegistrationStatus.CANCELLED)
        .select_related("session__offer", "session__site", "trainee__user", "trainee__department")
        .order_by("session__starts_at", "session_id", "status", "position", "pk")
    )


def export_sessions(*, access: OrganisationAccess) -> QuerySet[TrainingSession]:
    return (
        _with_counts(TrainingSession.objects.for_access(access))
        .annotate(present=Count("registrations", filter=Q(registrations__attended="present")))
        .order_by("starts_at")
    )


@dataclass
class SatisfactionSummary:
    links: int
    answers: int
    helped_percent: int | None  # helped "a lot" or "a little", among the answers


def satisfaction_summary(*, session: TrainingSession) -> SatisfactionSummary:
    links = SatisfactionLink.objects.filter(registration__session=session)
    answered = links.filter(answered_at__isnull=False)
    answers = answered.count()
    helped = answered.filter(helped__gte=2).count()
    return SatisfactionSummary(
        links=links.count(),
        answers=answers,
        helped_percent=round(100 * helped / answers) if answers else None,
    )
