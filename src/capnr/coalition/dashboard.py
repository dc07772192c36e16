"""The cohort dashboard: every organisation of a cohort on one screen, sorted and filtered from
the query string (links and a form: no JavaScript), and the same rows as a spreadsheet."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from capnr.organisations.tenancy.cohorts import cohort_accesses

from . import milestones as rules
from .models import AttendanceStatus, Cohort, Session
from .progress import OrganisationProgress, cohort_progress

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from capnr.organisations.models import User

ALL = "all"
STALLED = "stalled"
ON_TRACK = "on_track"
MISSED = "missed"
SHOW_CHOICES: tuple[tuple[str, Promise], ...] = (
    (ALL, _("Every organisation")),
    (STALLED, _("Stalled only")),
    (ON_TRACK, _("On track only")),
    (MISSED, _("Absent from their last session")),
)
# How the last session sorts: those who came first (descending), then excused, then those whose
# attendance is not recorded yet, then the absent.
ATTENDANCE_RANK = {
    AttendanceStatus.PRESENT: 3,
    AttendanceStatus.EXCUSED: 2,
    "": 1,
    AttendanceStatus.ABSENT: 0,
}

Key = Callable[[OrganisationProgress], tuple[Any, ...]]


# name: (label, key, descending by default). A key holding None (no figure) puts the row last.
SORTS: dict[str, tuple[Promise, Key, bool]] = {
    "name": (_("Name"), lambda row: (row.organisation.name.casefold(),), False),
    "stalled": (
        _("Stalled first"),
        lambda row: (not row.stall.stalled, -row.overdue, -row.stall.days_inactive),
        False,
    ),
    "milestones": (_("Milestones reached"), lambda row: (row.reached,), True),
    "score": (
        _("Diagnostic score"),
        lambda row: (row.diagnostic.score if row.diagnostic else None,),
        True,
    ),
    "footprint": (
        _("Footprint per employee"),
        lambda row: (
            row.footprint.per_employee_kg.value
            if row.footprint and row.footprint.per_employee_kg
            else None,
        ),
        True,
    ),
    "roadmap": (_("Roadmap items done"), lambda row: (row.roadmap.done, row.roadmap.total), True),
    "sessions": (
        _("Last session attended"),
        lambda row: (ATTENDANCE_RANK[row.sessions.last_status] if row.sessions.last else None,),
        True,
    ),
    "activity": (
        _("Last activity"),
        lambda row: (row.last_activity.timestamp() if row.last_activity else None,),
        True,
    ),
}
DEFAULT_SORT = "stalled"


@dataclass(frozen=True)
class DashboardQuery:
    sort: str = DEFAULT_SORT
    descending: bool = False
    show: str = ALL

    @classmethod
    def from_params(cls, params: Mapping[str, str]) -> DashboardQuery:
        """Read ``?sort=score&order=desc&show=stalled``; anything unknown falls back to the
        default (a hand-edited address never breaks the page)."""
        sort = params.get("sort", DEFAULT_SORT)
        if sort not in SORTS:
            sort = DEFAULT_SORT
        order = params.get("order", "")
        descending = SORTS[sort][2] if order not in ("asc", "desc") else order == "desc"
        show = params.get("show", ALL)
        if show not in dict(SHOW_CHOICES):
            show = ALL
        return cls(sort, descending, show)

    def params_for(self, sort: str) -> str:
        """The query string of the link that sorts by ``sort``: the other direction when it is
        already the sort, its natural direction otherwise; the filter is kept."""
        descending = not self.descending if sort == self.sort else SORTS[sort][2]
        return f"?sort={sort}&order={'desc' if descending else 'asc'}&show={self.show}"


def sort_and_filter(rows: list[OrganisationProgress], query: DashboardQuery) -> list[Any]:
    """The rows the query shows, in its order; rows without the sorted figure come last."""
    if query.show == STALLED:
        rows = [row for row in rows if row.stall.stalled]
    elif query.show == ON_TRACK:
        rows = [row for row in rows if not row.stall.stalled]
    elif query.show == MISSED:
        rows = [row for row in rows if row.sessions.last_status == AttendanceStatus.ABSENT]
    key = SORTS[query.sort][1]
    by_name = sorted(rows, key=lambda row: row.organisation.name.casefold())
    present = [row for row in by_name if None not in key(row)]
    missing = [row for row in by_name if None in key(row)]
    present.sort(key=key, reverse=query.descending)  # stable: equal rows stay by name
    return present + missing


@dataclass(frozen=True)
class Dashboard:
    cohort: Cohort
    on: dt.date
    rows: list[OrganisationProgress]  # those the query shows, in its order
    total: int
    stalled: int
    query: DashboardQuery

    @property
    def closed(self) -> bool:
        return self.cohort.end_date is not None and self.on == self.cohort.end_date


def cohort_dashboard(
    *,
    user: User | AnonymousUser,
    cohort: Cohort,
    query: DashboardQuery,
    today: dt.date | None = None,
) -> Dashboard:
    """Every organisation of ``cohort`` ``user`` may read, as of ``today`` (the cohort's end
    once it has ended)."""
    today = today or timezone.localdate()
    rows = cohort_progress(cohort_accesses(user, cohort), today=today)
    return Dashboard(
        cohort=cohort,
        on=rules.reference_day(today, cohort.end_date),
        rows=sort_and_filter(rows, query),
        total=len(rows),
        stalled=sum(row.stall.stalled for row in rows),
        query=query,
    )


def _effect_cells(effect: Any) -> list[float]:
    return [
        round(effect.kgco2e),
        round(effect.low_kgco2e),
        round(effect.high_kgco2e),
        round(effect.kwh),
        round(effect.eur),
    ]


def dashboard_sheet(dashboard: Dashboard) -> tuple[str, list[str], list[list[object]]]:
    """The dashboard's rows as one spreadsheet sheet: (title, header, rows)."""
    header = [
        gettext("Organisation"),
        gettext("Status"),
        gettext("Days without activity"),
        gettext("Last activity"),
        *[f"{rule.label} ({gettext('reached on')})" for rule in rules.RULES],
        *[f"{rule.label} ({gettext('expected on')})" for rule in rules.RULES],
        gettext("Diagnostic year"),
        gettext("Score /100"),
        gettext("Grade"),
        gettext("Answered (%)"),
        gettext("Previous year's score"),
        gettext("Footprint (t CO2e/year)"),
        gettext("Footprint per employee (kg CO2e/year)"),
        gettext("low"),
        gettext("high"),
        gettext("Footprint estimated from the headcount"),
        gettext("Items done"),
        gettext("Items in progress"),
        gettext("Items planned"),
        gettext("Items late"),
        *_effect_header(gettext("expected")),
        *_effect_header(gettext("achieved")),
        gettext("Last session expected"),
        gettext("Its date"),
        gettext("Attendance"),
        gettext("Next session expected"),
        gettext("Its date"),
    ]
    body = [_sheet_row(row) for row in dashboard.rows]
    return (str(dashboard.cohort.name), header, body)


def _effect_header(which: str) -> list[str]:
    return [
        f"{gettext('Savings')} {which} (kg CO2e/{gettext('year')})",
        f"{gettext('low')} (kg CO2e)",
        f"{gettext('high')} (kg CO2e)",
        f"{gettext('Savings')} {which} (kWh/{gettext('year')})",
        f"{gettext('Savings')} {which} (€/{gettext('year')})",
    ]


def _sheet_row(row: OrganisationProgress) -> list[object]:
    diagnostic, footprint, roadmap = row.diagnostic, row.footprint, row.roadmap
    per_employee = footprint.per_employee_kg if footprint else None
    return [
        row.organisation.name,
        gettext("Stalled") if row.stall.stalled else gettext("On track"),
        row.stall.days_inactive,
        timezone.localtime(row.last_activity).date() if row.last_activity else None,
        *[state.reached_on for state in row.milestones],
        *[state.expected_on for state in row.milestones],
        diagnostic.year if diagnostic else None,
        diagnostic.score if diagnostic else None,
        diagnostic.grade if diagnostic else None,
        diagnostic.percent if diagnostic else None,
        diagnostic.previous_score if diagnostic else None,
        round(footprint.tonnes.value, 1) if footprint else None,
        round(per_employee.value) if per_employee else None,
        round(per_employee.low) if per_employee else None,
        round(per_employee.high) if per_employee else None,
        (gettext("yes") if footprint.estimated else gettext("no")) if footprint else None,
        roadmap.done,
        roadmap.in_progress,
        roadmap.planned,
        roadmap.late,
        *_effect_cells(roadmap.effect.expected),
        *_effect_cells(roadmap.effect.done),
        *_session_cells(row.sessions.last),
        row.sessions.last_status_label or None,
        *_session_cells(row.sessions.next),
    ]


def _session_cells(session: Session | None) -> list[object]:
    return [session.title, session.day] if session is not None else [None, None]
