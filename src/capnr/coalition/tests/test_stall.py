"""Stall detection (coalition.milestones.stall_for): 30 days without activity, or a milestone
overdue. Fixed dates, no wall clock."""

from __future__ import annotations

import datetime as dt

from django.utils import translation

from capnr.coalition import milestones as rules
from capnr.coalition.milestones import Facts

D = dt.date
START, END = D(2025, 1, 20), D(2025, 12, 12)


def stall(*, last_activity, on, facts=None, joined_on=START):
    facts = facts or Facts(
        joined_on=joined_on,
        profile_completed_on=START,
        first_footprint_on=START,
        diagnostic_submitted_on=START,
        roadmap_approved_on=START,
        by_hand={rules.REVIEW: START},
    )
    states = rules.milestone_states(facts, cohort_start=START, cohort_end=END, on=on)
    return rules.stall_for(last_activity=last_activity, joined_on=joined_on, states=states, on=on)


def test_twenty_nine_days_without_activity_is_not_a_stall_thirty_is():
    on = D(2025, 9, 30)
    assert not stall(last_activity=on - dt.timedelta(days=29), on=on).stalled
    result = stall(last_activity=on - dt.timedelta(days=30), on=on)
    assert result.stalled and result.inactive and result.days_inactive == 30
    assert result.overdue == ()


def test_without_any_activity_the_days_count_from_joining():
    joined = D(2025, 9, 1)
    assert not stall(last_activity=None, on=D(2025, 9, 20), joined_on=joined).inactive
    assert stall(last_activity=None, on=D(2025, 10, 1), joined_on=joined).days_inactive == 30


def test_activity_before_joining_does_not_make_a_newcomer_stall():
    joined = D(2025, 9, 1)
    result = stall(last_activity=D(2024, 3, 1), on=D(2025, 9, 10), joined_on=joined)
    assert result.days_inactive == 9 and not result.inactive


def test_activity_after_the_day_read_counts_as_none_missing():
    assert stall(last_activity=D(2026, 1, 5), on=END).days_inactive == 0


def test_an_overdue_milestone_is_a_stall_even_when_active():
    facts = Facts(joined_on=START, profile_completed_on=D(2025, 2, 1))
    result = stall(last_activity=D(2025, 5, 30), on=D(2025, 6, 1), facts=facts)
    assert not result.inactive
    assert result.stalled
    assert result.overdue == (rules.FOOTPRINT, rules.DIAGNOSTIC)
    with translation.override("en"):
        labels = [str(label) for label in result.overdue_labels]
    assert labels == ["First footprint", "Diagnostic submitted"]
