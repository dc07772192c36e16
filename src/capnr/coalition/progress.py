"""Where one organisation of a cohort stands: its milestones, whether it stalls, and the figures
a facilitator (and the organisation itself) reads at a glance.

Everything is read through the other apps' selectors, from an access that tenancy gave
(``tests/test_architecture.py`` lists the edges and why), in bulk: a dashboard of any number
of organisations makes the same number of queries (``cohort_progress``); the rules are in
``coalition.milestones``. Milestones and activity are read "as of" one day: a cohort that has
ended is read as of its end (``milestones.reference_day``), so a row written after that day does
not count there; the figures (score, footprint, roadmap) are the latest.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.utils import timezone

from capnr.core.access import OrganisationAccess
from capnr.core.owned import latest_by_organisation
from capnr.diagnostics import presentation as diagnostic_presentation
from capnr.diagnostics import selectors as diagnostic_selectors
from capnr.diagnostics.models import Answer, Diagnostic
from capnr.inventory import presentation as inventory_presentation
from capnr.inventory import selectors as inventory_selectors
from capnr.organisations import selectors as organisation_selectors
from capnr.organisations.models import Organisation
from capnr.roadmap import selectors as roadmap_selectors
from capnr.roadmap.models import ItemStatus, PlanItem, RoadmapApproval

from . import milestones as rules
from . import selectors as coalition_selectors
from .models import CohortMembership, Milestone

if TYPE_CHECKING:
    from capnr.inventory.models import FootprintRun


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
    sessions: coalition_selectors.ExpectedSessions = field(
        default_factory=coalition_selectors.ExpectedSessions
    )

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


@dataclass(frozen=True)
class Reads:
    """What the other apps' bulk selectors return for a set of organisations (by organisation
    id; ``by_hand`` by cohort membership id): a dashboard reads them once, not once a row."""

    diagnostics: dict[int, list[Diagnostic]]
    answers: dict[int, dict[str, Answer]]  # by diagnostic id: those the figures need
    delegated: dict[int, set[str]]  # by diagnostic id
    footprints: dict[int, FootprintRun]
    first_footprints: dict[int, dt.datetime]
    items: dict[int, list[PlanItem]]
    approvals: dict[int, list[RoadmapApproval]]  # the latest first
    with_sites: set[int]
    by_hand: dict[int, dict[str, dt.date]]


def _figured_diagnostics(diagnostics: list[Diagnostic], year: int) -> list[Diagnostic]:
    """The diagnostics ``diagnostic_figures`` scores: the one of ``year`` (or the latest one
    before it) and the one of the year before that."""
    current = next((d for d in diagnostics if d.year <= year), None)
    if current is None:
        return []
    return [d for d in diagnostics if d.year in (current.year, current.year - 1)]


def read_all(
    rows: list[tuple[CohortMembership, OrganisationAccess]],
) -> Reads:
    """Everything the rows' progress needs, in a fixed number of queries."""
    accesses = [access for _membership, access in rows]
    diagnostics = diagnostic_selectors.diagnostics_by_organisation(accesses=accesses)
    figured = [
        diagnostic
        for membership, access in rows
        for diagnostic in _figured_diagnostics(
            diagnostics.get(access.organisation.pk, []), membership.cohort.year
        )
    ]
    by_hand: dict[int, dict[str, dt.date]] = {}
    for membership_id, kind, reached_on in Milestone.objects.filter(
        membership__in=[membership for membership, _access in rows]
    ).values_list("membership_id", "kind", "reached_on"):
        by_hand.setdefault(membership_id, {})[kind] = reached_on
    return Reads(
        diagnostics=diagnostics,
        answers=diagnostic_selectors.answers_by_diagnostic(figured),
        delegated=diagnostic_selectors.delegated_questions(figured),
        footprints=inventory_selectors.latest_footprints(accesses=accesses),
        first_footprints=inventory_selectors.first_footprints_at(accesses=accesses),
        items=roadmap_selectors.items_by_organisation(accesses=accesses),
        approvals=roadmap_selectors.approvals_by_organisation(accesses=accesses),
        with_sites=organisation_selectors.organisations_with_sites(accesses=accesses),
        by_hand=by_hand,
    )


def milestone_facts(
    *, access: OrganisationAccess, membership: CohortMembership, reads: Reads
) -> rules.Facts:
    """What the organisation did, from what the apps store (the rules' table in
    ``coalition.milestones``)."""
    organisation = access.organisation
    cohort = membership.cohort
    profile_on = None
    if organisation.profile_is_complete and organisation.pk in reads.with_sites:
        # The app keeps no history of the profile: its last change dates it (a change after the
        # day read means it is not known to have been complete on that day).
        profile_on = _date(organisation.updated_at)
    diagnostics = reads.diagnostics.get(organisation.pk, [])
    submitted = next(
        (d for d in diagnostics if d.year == cohort.year and d.submitted_at is not None), None
    )
    start = cohort.start_date or membership.joined_at
    approvals = reads.approvals.get(organisation.pk, [])
    approval = min(
        (a for a in approvals if a.approved_on >= start),
        key=lambda a: (a.approved_on, a.created_at),
        default=None,
    )
    return rules.Facts(
        joined_on=membership.joined_at,
        profile_completed_on=profile_on,
        first_footprint_on=_date(reads.first_footprints.get(organisation.pk)),
        diagnostic_submitted_on=_date(submitted.submitted_at) if submitted else None,
        roadmap_approved_on=approval.approved_on if approval else None,
        by_hand=reads.by_hand.get(membership.pk, {}),
    )


def last_activities(
    *, accesses: list[OrganisationAccess], until: dt.datetime
) -> dict[int, dt.datetime]:
    """For each organisation, the latest thing recorded for it at or before ``until``: a
    profile change, a member's login, an import or a stored footprint, an answer saved or a
    diagnostic submitted, a roadmap item changed or followed up, an approval recorded. (A
    facilitator's login is not the organisation's activity; the answers they save in a
    workshop are.)"""
    profiles = [
        (access.organisation.pk, access.organisation.updated_at)
        for access in accesses
        if access.organisation.updated_at <= until
    ]
    return latest_by_organisation(
        profiles,
        organisation_selectors.last_member_logins(accesses=accesses, until=until).items(),
        inventory_selectors.last_inventory_activities_at(accesses=accesses, until=until).items(),
        diagnostic_selectors.last_answers_at(accesses=accesses, until=until).items(),
        roadmap_selectors.last_roadmap_activities_at(accesses=accesses, until=until).items(),
    )


def diagnostic_figures(
    diagnostics: list[Diagnostic],
    year: int,
    *,
    answers: dict[int, dict[str, Answer]] | None = None,
    delegated: dict[int, set[str]] | None = None,
) -> DiagnosticFigures | None:
    """The diagnostic of ``year`` (or the latest one before it) and the year before's score.
    ``answers`` and ``delegated`` (by diagnostic id) are read when not given."""
    figured = _figured_diagnostics(diagnostics, year)
    if not figured:
        return None
    if answers is None:
        answers = diagnostic_selectors.answers_by_diagnostic(figured)
    if delegated is None:
        delegated = diagnostic_selectors.delegated_questions(figured)
    current = figured[0]
    result = diagnostic_selectors.results(current, answers[current.pk])
    progress = diagnostic_selectors.progress(current, answers[current.pk], delegated[current.pk])
    previous = next((d for d in figured if d.year == current.year - 1), None)
    before = (
        diagnostic_selectors.results(previous, answers[previous.pk])
        if previous is not None
        else None
    )
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
    return footprint_from(access.organisation, inventory_selectors.latest_footprint(access=access))


def footprint_from(organisation: Organisation, run: FootprintRun | None) -> FootprintFigures | None:
    """``footprint_figures`` from the latest stored footprint ``run`` already read."""
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
    """The plan's items done, in progress, planned and late as of ``on``, and their effect."""
    items = roadmap_selectors.items_by_organisation(accesses=[access])
    return roadmap_from(items.get(access.organisation.pk, []), on)


def roadmap_from(items: list[PlanItem], on: dt.date) -> RoadmapFigures:
    """``roadmap_figures`` from the items already read (out of the bin, with their scenario)."""
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


def cohort_progress(
    rows: list[tuple[CohortMembership, OrganisationAccess]],
    *,
    today: dt.date,
    now: dt.datetime | None = None,
) -> list[OrganisationProgress]:
    """Where each organisation stands in the cohort of its membership, as of ``today`` (or
    the cohort's end, once it has ended), in the rows' order: a fixed number of queries
    whatever the number of rows (the dashboard's and its spreadsheet's)."""
    if not rows:
        return []
    reads = read_all(rows)
    days = {rules.reference_day(today, membership.cohort.end_date) for membership, _a in rows}
    activities = {
        day: last_activities(accesses=[access for _m, access in rows], until=end_of(day))
        for day in days
    }
    sessions = coalition_selectors.expected_sessions(
        [(membership.cohort_id, access.organisation.pk) for membership, access in rows], now=now
    )
    found = []
    for membership, access in rows:
        cohort, pk = membership.cohort, access.organisation.pk
        on = rules.reference_day(today, cohort.end_date)
        states = rules.milestone_states(
            milestone_facts(access=access, membership=membership, reads=reads),
            cohort_start=cohort.start_date or membership.joined_at,
            cohort_end=cohort.end_date,
            on=on,
        )
        activity = activities[on].get(pk)
        found.append(
            OrganisationProgress(
                access=access,
                membership=membership,
                on=on,
                milestones=states,
                stall=rules.stall_for(
                    last_activity=_date(activity),
                    joined_on=membership.joined_at,
                    states=states,
                    on=on,
                ),
                last_activity=activity,
                diagnostic=diagnostic_figures(
                    reads.diagnostics.get(pk, []),
                    cohort.year,
                    answers=reads.answers,
                    delegated=reads.delegated,
                ),
                footprint=footprint_from(access.organisation, reads.footprints.get(pk)),
                roadmap=roadmap_from(reads.items.get(pk, []), on),
                sessions=sessions[(membership.cohort_id, pk)],
            )
        )
    return found


def organisation_progress(
    *, access: OrganisationAccess, membership: CohortMembership, today: dt.date
) -> OrganisationProgress:
    """Where the organisation of ``access`` stands in the cohort of ``membership``, as of
    ``today`` (or the cohort's end, once it has ended)."""
    return cohort_progress([(membership, access)], today=today)[0]
