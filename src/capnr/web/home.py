"""What an organisation's home page shows beside its journey: its coalition and cohort with its
milestones there, and the figures that matter at a glance (the diagnostic's grade and progress,
the footprint, the roadmap's progress, the training programme's indicators when it has one).
It reads the apps through the coalition's progress module, so the facilitator's dashboard and
this page give the same figures."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from capnr.coalition import progress
from capnr.coalition import selectors as coalition_selectors
from capnr.coalition.models import CohortMembership, Session
from capnr.core.access import OrganisationAccess
from capnr.diagnostics import selectors as diagnostic_selectors
from capnr.organisations.tenancy.cohorts import memberships_of
from capnr.training import selectors as training_selectors


@dataclass(frozen=True)
class Home:
    memberships: list[CohortMembership]  # every cohort it took part in, the latest first
    cohort_progress: progress.OrganisationProgress | None  # in its latest cohort
    diagnostic: progress.DiagnosticFigures | None
    footprint: progress.FootprintFigures | None
    roadmap: progress.RoadmapFigures
    training: training_selectors.ProgrammeKpis | None = None  # when it has a programme
    next_session: Session | None = None  # of its latest cohort, that it is expected at

    @property
    def membership(self) -> CohortMembership | None:
        return self.memberships[0] if self.memberships else None


def home_for(access: OrganisationAccess, today: dt.date | None = None) -> Home:
    """The figures are today's (the latest diagnostic, the latest footprint, items late as of
    today); the milestones are those of its latest cohort, as the facilitator sees them."""
    today = today or timezone.localdate()
    memberships = memberships_of(access)
    cohort_progress = (
        progress.organisation_progress(access=access, membership=memberships[0], today=today)
        if memberships
        else None
    )
    next_session = None
    if memberships:
        key = (memberships[0].cohort_id, access.organisation.pk)
        next_session = coalition_selectors.expected_sessions([key])[key].next
    diagnostics = list(diagnostic_selectors.diagnostic_list(access=access))
    latest_year = diagnostics[0].year if diagnostics else today.year
    return Home(
        memberships,
        cohort_progress,
        progress.diagnostic_figures(diagnostics, latest_year),
        progress.footprint_figures(access),
        progress.roadmap_figures(access, today),
        training_selectors.programme_kpis(access=access)
        if training_selectors.has_programme(access=access)
        else None,
        next_session,
    )
