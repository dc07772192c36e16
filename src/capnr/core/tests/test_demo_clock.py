"""The demo's calendar: the story moves by whole weeks to the week before the real today, its
running cohort is running whatever the day, and its years are named after the real ones."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from capnr.core import demo_clock
from capnr.core.demo_clock import STORY_TODAY, cohort, shift, years

DAYS = st.dates(min_value=STORY_TODAY, max_value=dt.date(2040, 12, 31))


def test_on_the_story_s_own_day_nothing_moves():
    assert shift(STORY_TODAY) == dt.timedelta(0) and years(STORY_TODAY) == 0
    assert cohort(2025, STORY_TODAY)["name"] == "Promotion 2025"


def test_a_year_later_the_story_is_one_year_on_and_keeps_its_weekdays():
    today = dt.date(2026, 12, 5)
    assert shift(today) == dt.timedelta(days=364)  # 52 weeks: Monday stays Monday
    running, alumni = cohort(2025, today), cohort(2024, today)
    assert running["name"] == "Promotion 2026" and running["year"] == 2026
    assert alumni["name"] == "Promotion 2025" and alumni["end_date"] < running["start_date"]
    assert running["start_date"] == dt.date(2026, 1, 19)
    assert running["start_date"].weekday() == dt.date(2025, 1, 20).weekday() == 0


def test_before_the_story_s_day_the_story_stays_where_it_is():
    assert shift(dt.date(2024, 6, 1)) == dt.timedelta(0)


@given(DAYS)
def test_the_story_s_today_lands_in_the_week_before_the_real_one(today):
    moved = STORY_TODAY + shift(today)
    assert shift(today).days % 7 == 0
    assert dt.timedelta(0) <= today - moved < dt.timedelta(days=7)


@given(DAYS)
def test_the_running_cohort_runs_whatever_the_day(today):
    running = cohort(2025, today)
    assert running["start_date"] <= today < running["end_date"]
    # Named after the year most of it runs in, and the alumni after the one before.
    middle = running["start_date"] + (running["end_date"] - running["start_date"]) / 2
    assert abs(running["year"] - middle.year) <= 1
    assert cohort(2024, today)["year"] == running["year"] - 1


@pytest.mark.parametrize(
    ("today", "named"),
    [(dt.date(2026, 12, 5), 2026), (dt.date(2027, 3, 1), 2026), (dt.date(2027, 9, 1), 2027)],
)
def test_years_follow_the_story_s_mid_year(today, named):
    assert demo_clock.year(2025) >= 2025  # the real today is after the story's
    assert cohort(2025, today)["year"] == named


def test_a_demo_seeded_before_keeps_its_calendar():
    first = dt.date(2026, 12, 5)
    running = cohort(2025, first)
    seeded = demo_clock.first_seeded_on(running["start_date"])
    assert seeded is not None and shift(seeded) == shift(first)
    with demo_clock.seeded_on(seeded):
        assert demo_clock.day(2025, 1, 20) == running["start_date"]
        assert demo_clock.year(2025) == running["year"]
    # A start the story cannot have (not whole weeks from its own) is not the story's cohort.
    assert demo_clock.first_seeded_on(running["start_date"] + dt.timedelta(days=1)) is None
    assert demo_clock.first_seeded_on(dt.date(2020, 1, 6)) is None
