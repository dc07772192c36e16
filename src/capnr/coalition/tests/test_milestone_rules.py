"""The milestone rules (coalition.milestones): expected dates, reached / overdue / ahead, and
stalls. Pure: fixed dates, no database, no wall clock."""

from __future__ import annotations

import datetime as dt

import pytest

from capnr.coalition import milestones as rules
from capnr.coalition.milestones import Facts

D = dt.date
START, END = D(2025, 1, 20), D(2025, 12, 12)


def states_on(facts: Facts, on: dt.date, end: dt.date | None = END):
    return {
        state.kind: state
        for state in rules.milestone_states(facts, cohort_start=START, cohort_end=end, on=on)
    }


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (D(2025, 1, 20), 1, D(2025, 2, 20)),
        (D(2025, 1, 31), 1, D(2025, 2, 28)),
        (D(2024, 1, 31), 1, D(2024, 2, 29)),
        (D(2025, 11, 30), 3, D(2026, 2, 28)),
        (D(2025, 5, 15), 0, D(2025, 5, 15)),
    ],
)
def test_add_months_keeps_the_day_or_takes_the_months_last(day, months, expected):
    assert rules.add_months(day, months) == expected


def test_expected_dates_count_from_the_start_and_the_closing_is_the_cohorts_end():
    expected = rules.expected_dates(cohort_start=START, cohort_end=END, joined_on=D(2025, 1, 6))
    assert expected == {
        rules.JOINED: D(2025, 1, 20),
        rules.PROFILE: D(2025, 2, 20),
        rules.FOOTPRINT: D(2025, 3, 20),
        rules.DIAGNOSTIC: D(2025, 4, 20),
        rules.ROADMAP: D(2025, 6, 20),
        rules.REVIEW: D(2025, 7, 20),
        rules.CLOSING: END,
    }


def test_an_organisation_that_joins_late_has_its_months_counted_from_joining():
    expected = rules.expected_dates(cohort_start=START, cohort_end=END, joined_on=D(2025, 3, 10))
    assert expected[rules.PROFILE] == D(2025, 4, 10)
    assert expected[rules.ROADMAP] == D(2025, 8, 10)
    assert expected[rules.CLOSING] == END  # the closing is the cohort's, for everyone


def test_without_an_end_date_the_closing_is_eleven_months_after_the_start():
    expected = rules.expected_dates(cohort_start=START, cohort_end=None, joined_on=START)
    assert expected[rules.CLOSING] == D(2025, 12, 20)


def test_a_milestone_is_reached_overdue_the_day_after_its_date_or_ahead():
    facts = Facts(joined_on=START, profile_completed_on=D(2025, 2, 1))
    on_the_day = states_on(facts, D(2025, 3, 20))
    assert on_the_day[rules.JOINED].status == rules.REACHED
    assert on_the_day[rules.PROFILE].status == rules.REACHED
    assert on_the_day[rules.PROFILE].reached_on == D(2025, 2, 1)
    assert on_the_day[rules.FOOTPRINT].status == rules.PENDING  # due that very day
    assert on_the_day[rules.DIAGNOSTIC].status == rules.PENDING
    day_after = states_on(facts, D(2025, 3, 21))
    assert day_after[rules.FOOTPRINT].status == rules.OVERDUE
    assert day_after[rules.DIAGNOSTIC].status == rules.PENDING


def test_a_milestone_reached_late_is_reached_and_says_so():
    facts = Facts(joined_on=START, first_footprint_on=D(2025, 5, 2))
    state = states_on(facts, D(2025, 6, 1))[rules.FOOTPRINT]
    assert state.status == rules.REACHED and state.reached_late
    early = states_on(Facts(joined_on=START, first_footprint_on=D(2024, 12, 1)), D(2025, 6, 1))
    assert not early[rules.FOOTPRINT].reached_late  # a footprint from before the cohort counts


def test_a_milestone_reached_after_the_day_read_does_not_count_yet():
    facts = Facts(joined_on=START, diagnostic_submitted_on=D(2025, 12, 20))
    assert states_on(facts, END)[rules.DIAGNOSTIC].status == rules.OVERDUE
    assert states_on(facts, END)[rules.DIAGNOSTIC].reached_on is None


def test_by_hand_milestones_come_from_the_facilitator_not_from_the_facts():
    facts = Facts(
        joined_on=START,
        by_hand={rules.REVIEW: D(2025, 7, 15), rules.PROFILE: D(2025, 2, 1)},  # ignored: computed
    )
    states = states_on(facts, D(2025, 12, 1))
    assert states[rules.REVIEW].status == rules.REACHED and states[rules.REVIEW].by_hand
    assert states[rules.PROFILE].status == rules.OVERDUE
    assert states[rules.CLOSING].status == rules.PENDING


def test_every_milestone_has_a_rule_and_the_year_keeps_its_order():
    assert rules.KINDS == (
        rules.JOINED,
        rules.PROFILE,
        rules.FOOTPRINT,
        rules.DIAGNOSTIC,
        rules.ROADMAP,
        rules.REVIEW,
        rules.CLOSING,
    )
    assert rules.BY_HAND_KINDS == (rules.REVIEW, rules.CLOSING)
    expected = rules.expected_dates(cohort_start=START, cohort_end=END, joined_on=START)
    assert list(expected.values()) == sorted(expected.values())


def test_a_cohort_is_read_as_of_today_or_its_end_once_ended():
    assert rules.reference_day(D(2025, 6, 1), END) == D(2025, 6, 1)
    assert rules.reference_day(D(2026, 12, 5), END) == END
    assert rules.reference_day(D(2026, 12, 5), None) == D(2026, 12, 5)
