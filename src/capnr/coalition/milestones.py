"""The milestones of an organisation's year in a cohort, and when an organisation stalls.

Pure rules over dates: no database here. ``milestone_states`` takes what the organisation did
(:class:`Facts`, read from the other apps by ``coalition.progress``) and the cohort's dates,
and says for each milestone whether it is reached (and when), overdue or still ahead;
``stall_for`` says whether the organisation stalls.

The expected dates, counted from the day the organisation's year starts (the cohort's start,
or the day it joined when it joined later; a calendar month is added to a date by keeping
its day, or the month's last day when it has fewer):

==================== ================== =========================================================
milestone            expected           reached when
==================== ================== =========================================================
joined               start              it is a member of the cohort (the day it joined)
profile complete     start + 1 month    kind, headcount, population for a commune or EPCI,
                                        purchasing bracket, and a site (the last profile change)
first footprint      start + 2 months   a footprint is stored: counts entered by hand (the rough
                                        estimate) or an imported inventory (the first one)
diagnostic submitted start + 3 months   the diagnostic of the cohort's year is submitted
roadmap approved     start + 5 months   management's approval is recorded, on or after the start
six-month review     start + 6 months   the facilitator records it, by hand
closing              the cohort's end   the facilitator records it, by hand (start + 11 months
                                        when the cohort has no end date)
==================== ================== =========================================================

A milestone not reached is **overdue** the day after its expected date. A cohort is read as of
today, or as of its end once it has ended: its dashboard is then the closing picture.

An organisation **stalls** when nothing was recorded for it for ``STALL_DAYS`` days (what
"recorded" means is in ``coalition.progress.last_activities``; before anything is, the days count
from the day it joined) or when a milestone is overdue.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

JOINED = "joined"
PROFILE = "profile_complete"
FOOTPRINT = "first_footprint"
DIAGNOSTIC = "diagnostic_submitted"
ROADMAP = "roadmap_approved"
REVIEW = "six_month_review"
CLOSING = "closing"

REACHED = "reached"
OVERDUE = "overdue"
PENDING = "pending"

STALL_DAYS = 30
CLOSING_MONTHS_WITHOUT_END = 11


@dataclass(frozen=True)
class MilestoneRule:
    kind: str
    label: Promise
    months_after_start: int | None  # None: the cohort's end
    by_hand: bool = False  # set by the facilitator, not computed from what the organisation did


RULES: tuple[MilestoneRule, ...] = (
    MilestoneRule(JOINED, _("Joined"), 0),
    MilestoneRule(PROFILE, _("Profile complete"), 1),
    MilestoneRule(FOOTPRINT, _("First footprint"), 2),
    MilestoneRule(DIAGNOSTIC, _("Diagnostic submitted"), 3),
    MilestoneRule(ROADMAP, _("Roadmap approved"), 5),
    MilestoneRule(REVIEW, _("Six-month review"), 6, by_hand=True),
    MilestoneRule(CLOSING, _("Closing"), None, by_hand=True),
)
RULE_BY_KIND = {rule.kind: rule for rule in RULES}
KINDS = tuple(rule.kind for rule in RULES)
BY_HAND_KINDS = tuple(rule.kind for rule in RULES if rule.by_hand)
STATUS_LABELS = {REACHED: _("Reached"), OVERDUE: _("Overdue"), PENDING: _("Ahead")}


@dataclass(frozen=True)
class Facts:
    """The day each computed milestone was reached (None: not yet), and those set by hand."""

    joined_on: dt.date
    profile_completed_on: dt.date | None = None
    first_footprint_on: dt.date | None = None
    diagnostic_submitted_on: dt.date | None = None
    roadmap_approved_on: dt.date | None = None
    by_hand: Mapping[str, dt.date] = field(default_factory=dict)

    def reached_on(self, kind: str) -> dt.date | None:
        if kind in BY_HAND_KINDS:
            return self.by_hand.get(kind)
        return {
            JOINED: self.joined_on,
            PROFILE: self.profile_completed_on,
            FOOTPRINT: self.first_footprint_on,
            DIAGNOSTIC: self.diagnostic_submitted_on,
            ROADMAP: self.roadmap_approved_on,
        }[kind]


@dataclass(frozen=True)
class MilestoneState:
    kind: str
    expected_on: dt.date
    reached_on: dt.date | None
    status: str  # REACHED, OVERDUE or PENDING

    @property
    def label(self) -> Promise:
        return RULE_BY_KIND[self.kind].label

    @property
    def status_label(self) -> Promise:
        return STATUS_LABELS[self.status]

    @property
    def by_hand(self) -> bool:
        return RULE_BY_KIND[self.kind].by_hand

    @property
    def reached_late(self) -> bool:
        return self.reached_on is not None and self.reached_on > self.expected_on


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus calendar months: 31 January + 1 month is 28 (or 29) February."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def reference_day(today: dt.date, cohort_end: dt.date | None) -> dt.date:
    """The day a cohort is read as of: today, or its end once it has ended."""
    return min(today, cohort_end) if cohort_end is not None else today


def expected_dates(
    *, cohort_start: dt.date, cohort_end: dt.date | None, joined_on: dt.date
) -> dict[str, dt.date]:
    """When each milestone is expected (the table of the module's docstring). An organisation
    that joined after the start has its months counted from the day it joined; the closing
    stays the cohort's end."""
    start = max(cohort_start, joined_on)
    expected = {}
    for rule in RULES:
        if rule.months_after_start is not None:
            expected[rule.kind] = add_months(start, rule.months_after_start)
        elif cohort_end is not None:
            expected[rule.kind] = max(cohort_end, start)
        else:
            expected[rule.kind] = add_months(start, CLOSING_MONTHS_WITHOUT_END)
    return expected


def milestone_states(
    facts: Facts, *, cohort_start: dt.date, cohort_end: dt.date | None, on: dt.date
) -> list[MilestoneState]:
    """Every milestone, in the order of the year, as of the day ``on``: reached (a date after
    ``on`` does not count yet), overdue (not reached and its expected date is past), or ahead."""
    expected = expected_dates(
        cohort_start=cohort_start, cohort_end=cohort_end, joined_on=facts.joined_on
    )
    states = []
    for kind in KINDS:
        reached = facts.reached_on(kind)
        if reached is not None and reached > on:
            reached = None
        if reached is not None:
            status = REACHED
        elif on > expected[kind]:
            status = OVERDUE
        else:
            status = PENDING
        states.append(MilestoneState(kind, expected[kind], reached, status))
    return states


@dataclass(frozen=True)
class Stall:
    days_inactive: int  # since the last activity, or since joining when nothing was recorded
    overdue: tuple[str, ...] = ()  # the overdue milestones' kinds

    @property
    def inactive(self) -> bool:
        return self.days_inactive >= STALL_DAYS

    @property
    def stalled(self) -> bool:
        return self.inactive or bool(self.overdue)

    @property
    def overdue_labels(self) -> list[Promise]:
        return [RULE_BY_KIND[kind].label for kind in self.overdue]


def stall_for(
    *,
    last_activity: dt.date | None,
    joined_on: dt.date,
    states: list[MilestoneState],
    on: dt.date,
) -> Stall:
    """Whether the organisation stalls as of ``on``: ``STALL_DAYS`` days or more without
    activity (counted from the day it joined while nothing is recorded; an activity after
    ``on`` counts as none missing), or a milestone overdue."""
    since = max(last_activity, joined_on) if last_activity is not None else joined_on
    days = max((on - since).days, 0)
    overdue = tuple(state.kind for state in states if state.status == OVERDUE)
    return Stall(days, overdue)
