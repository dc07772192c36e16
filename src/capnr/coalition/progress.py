"""Where one organisation of a cohort stands: its milestones, whether it stalls, and the figures
a facilitator (and the organisation itself) reads at a glance.

Everything is read through the other apps' selectors, from an access that tenancy gave
(``tests/test_architecture.py`` lists the edges and why); the rules are in
``coalition.milestones``. Milestones and activity are read "as of" one day: a cohort that has
ended is read as of its end (``milestones.reference_day``), so a row written after that day does
not count there; the figures (score, footprint, roadmap) are the latest.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from capnr.core.access import OrganisationAccess
from capnr.diagnostics import presentation as diagnostic_presentation
from capnr.diagnostics import selectors as diagnostic_selectors
from capnr.diagnostics.models import Diagnostic
from capnr.inventory import presentation as inventory_presentation
from capnr.inventory import selectors as inventory_selectors
from capnr.organisations import selectors as organisation_selectors
from capnr.organisations.models import Organisation
from capnr.roadmap import selectors as roadmap_selectors
from capnr.roadmap.models import ItemStatus

from . import milestones as rules
from .models import CohortMembership, Milestone


@dataclass(frozen=True)
class DiagnosticFigures:
    year: int
    submitted: bool
    percent: int  # of the applicable questions answered
    score: int | None
    grade: str | None
    headline: str  # as every page gives it, "40/100 · C"; empty while nothing counts
    previous_year: int | None = None
    previous_score: int | None = None
    previous_headline: str = ""


@dataclass(frozen=True)
class FootprintFigures:
    tonnes: inventory_presentation.Figure  # t CO2e a year
    per_employee_kg: inventory_presentation.Figure | None  # kg CO2e a year per employee
    estimated: bool  # from the headcount, no footprint stored yet


@dataclass(frozen=True)
class RoadmapFigures:
    done: int
    in_progress: int
    planned: int
    late: int  # planned or in progress, past their due date
    effect: roadmap_selectors.RoadmapEffect  # expected and achieved yearly savings, with bounds

    @property
    def total(self) -> int:
        return self.done + self.in_progress + self.planned


@dataclass(frozen=True)
class OrganisationProgress:
    access: OrganisationAccess
    membership: CohortMembership
    on: dt.date  # the day it is read as of
    milestones: list[rules.MilestoneState]
    stall: rules.Stall
    last_activity: dt.datetime | None
    diagnostic: DiagnosticFigures | None
    footprint: FootprintFigures | None
    roadmap: RoadmapFigures

    @property
    def organisation(self) -> Organisation:
        return self.access.organisation

    @property
    def reached(self) -> int:
        return sum(state.status == rules.REACHED for state in self.milestones)

    @property
    def overdue(self) -> int:
        return sum(state.status == rules.OVERDUE for state in self.milestones)


def end_of(day: dt.date) -> dt.datetime:
    """The last moment of ``day`` in the site's time zone."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.max))


def _date(moment: dt.datetime | None) -> dt.date | None:
    return timezone.localtime(moment).date() if moment is not None else None


def by_hand_milestones(membership: CohortMembership) -> dict[str, dt.date]:
    return dict(Milestone.objects.filter(membership=membership).values_list("kind", "reached_on"))


def milestone_facts(
    *,
    access: OrganisationAccess,
    membership: CohortMembership,
    diagnostics: list[Diagnostic],
) -> rules.Facts:
    """What the organisation did, from what the apps store (the rules' table in
    ``coalition.milestones``)."""
    organisation = access.organisation
    cohort = membership.cohort
    profile_on = None
    if organisation.profile_is_complete and organisation.sites.exists():
        # The app keeps no history of the profile: its last change dates it (a change after the
        # day read means it is not known to have been complete on that day).
        profile_on = _date(organisation.updated_at)
    submitted = next(
        (d for d in diagnostics if d.year == cohort.year and d.submitted_at is not None), None
    )
    start = cohort.start_date or membership.joined_at
    approval = (
        roadmap_selectors.approval_list(access=access)
        .filter(approved_on__gte=start)
        .order_by("approved_on", "created_at")
        .first()
    )
    return rules.Facts(
        joined_on=membership.joined_at,
        profile_completed_on=profile_on,
        first_footprint_on=_date(inventory_selectors.first_footprint_at(access=access)),
        diagnostic_submitted_on=_date(submitted.submitted_at) if submitted else None,
        roadmap_approved_on=approval.approved_on if approval else None,
        by_hand=by_hand_milestones(membership),
    )


def last_activity(*, access: OrganisationAccess, until: dt.datetime) -> dt.datetime | None:
    """The latest thing recorded for the organisation at or before ``until``: a profile change,
    a member's login, an import or a stored footprint, an answer saved or a diagnostic
    submitted, a roadmap item changed or followed up, an approval recorded. (A facilitator's
    login is not the organisation's activity; the answers they save in a workshop are.)"""
    organisation = access.organisation
    moments = [
        organisation.updated_at if organisation.updated_at <= until else None,
        organisation_selectors.last_member_login(access=access, until=until),
        inventory_selectors.last_inventory_activity_at(access=access, until=until),
        diagnostic_selectors.last_answer_at(access=access, until=until),
        roadmap_selectors.last_roadmap_activity_at(access=access, until=until),
    ]
    return max((moment for moment in moments if moment is not None), default=None)


def diagnostic_figures(diagnostics: list[Diagnostic], year: int) -> DiagnosticFigures | None:
    """The diagnostic of ``year`` (or the latest one before it) and the year before's score."""
    current = next((d for d in diagnostics if d.year <= year), None)
    if current is None:
        return None
    answers = diagnostic_selectors.answers_by_question(current)
    result = diagnostic_selectors.results(current, answers)
    progress = diagnostic_selectors.progress(current, answers)
    previous = next((d for d in diagnostics if d.year == current.year - 1), None)
    before = diagnostic_selectors.results(previous) if previous is not None else None
    return DiagnosticFigures(
        year=current.year,
        submitted=current.is_submitted,
        percent=progress.percent,
        score=result.score,
        grade=result.grade,
        headline=diagnostic_presentation.headline(result) or "",
        previous_year=previous.year if previous is not None else None,
        previous_score=before.score if before is not None else None,
        previous_headline=(diagnostic_presentation.headline(before) or "") if before else "",
    )


def footprint_figures(access: OrganisationAccess) -> FootprintFigures | None:
    """The latest stored footprint, or the estimate from the headcount; per employee when the
    headcount is known."""
    organisation = access.organisation
    run = inventory_selectors.latest_footprint(access=access)
    estimate = inventory_presentation.rough_estimate(run, organisation)
    if estimate is None:
        return None
    tonnes = estimate.tonnes
    headcount = organisation.headcount or 0
    per_employee = (
        inventory_presentation.Figure(
            tonnes.value * 1000 / headcount,
            tonnes.low * 1000 / headcount,
            tonnes.high * 1000 / headcount,
        )
        if headcount
        else None
    )
    return FootprintFigures(tonnes, per_employee, estimated=estimate.source == "headcount")


def roadmap_figures(access: OrganisationAccess, on: dt.date) -> RoadmapFigures:
    items = list(roadmap_selectors.item_list(access=access).prefetch_related(None))
    counts = {status: 0 for status in ItemStatus.values}
    late = 0
    for item in items:
        counts[item.status] += 1
        if (
            item.status in (ItemStatus.PLANNED, ItemStatus.IN_PROGRESS)
            and item.due_date is not None
            and item.due_date < on
        ):
            late += 1
    return RoadmapFigures(
        done=counts[ItemStatus.DONE],
        in_progress=counts[ItemStatus.IN_PROGRESS],
        planned=counts[ItemStatus.PLANNED],
        late=late,
        effect=roadmap_selectors.roadmap_effect(items),
    )


def organisation_progress(
    *, access: OrganisationAccess, membership: CohortMembership, today: dt.date
) -> OrganisationProgress:
    """Where the organisation of ``access`` stands in the cohort of ``membership``, as of
    ``today`` (or the cohort's end, once it has ended)."""
    cohort = membership.cohort
    on = rules.reference_day(today, cohort.end_date)
    diagnostics = list(diagnostic_selectors.diagnostic_list(access=access))
    facts = milestone_facts(access=access, membership=membership, diagnostics=diagnostics)
    states = rules.milestone_states(
        facts,
        cohort_start=cohort.start_date or membership.joined_at,
        cohort_end=cohort.end_date,
        on=on,
    )
    activity = last_activity(access=access, until=end_of(on))
    stall = rules.stall_for(
        last_activity=_date(activity), joined_on=membership.joined_at, states=states, on=on
    )
    return OrganisationProgress(
        access=access,
        membership=membership,
        on=on,
        milestones=states,
        stall=stall,
        last_activity=activity,
        diagnostic=diagnostic_figures(diagnostics, cohort.year),
        footprint=footprint_figures(access),
        roadmap=roadmap_figures(access, on),
    )
