"""The demo's calendar.

The demo tells a story as seen on one day, `STORY_TODAY`: a cohort that began in January and
closes in a week, an agency half-way through its second diagnostic, a roadmap with done and late
items. Its modules write every date as on that day (`day(2025, 3, 31)`), and this module moves
the whole story forward by whole weeks, so that the story's today falls within the week before
the real one: seeded on any later day, the running cohort is still running, the late items are
late by as much, the sessions keep their weekdays, and nothing the story says has happened lies
in the future. Years named in words (a cohort's name, a diagnostic's year) move by `years()`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.utils import timezone

STORY_TODAY = dt.date(2025, 12, 4)

# The coalition's cohorts in the story: the running one closes a week after the story's today.
COHORTS = {
    2024: (dt.date(2024, 1, 15), dt.date(2024, 12, 13)),
    2025: (dt.date(2025, 1, 20), dt.date(2025, 12, 12)),
}


_SEEDED_ON: ContextVar[dt.date | None] = ContextVar("demo_seeded_on", default=None)


@contextmanager
def seeded_on(today: dt.date) -> Iterator[None]:
    """Tell the story as if seeded on `today`: a second run of the demo keeps the calendar of
    the first, and its rows age as real ones do."""
    token = _SEEDED_ON.set(today)
    try:
        yield
    finally:
        _SEEDED_ON.reset(token)


def first_seeded_on(running_start: dt.date) -> dt.date | None:
    """The day a demo was first seeded, from the start of its running cohort; None when that
    cohort is not the story's (moved by whole weeks, its length kept)."""
    moved = running_start - COHORTS[2025][0]
    if moved.days < 0 or moved.days % 7:
        return None
    return STORY_TODAY + moved


def shift(today: dt.date | None = None) -> dt.timedelta:
    """How far the story moves: whole weeks, never backwards."""
    days = ((today or _SEEDED_ON.get() or timezone.localdate()) - STORY_TODAY).days
    return dt.timedelta(days=max(0, days // 7 * 7))


def day(year: int, month: int, day_of_month: int) -> dt.date:
    """A date of the story, moved to the real calendar."""
    return dt.date(year, month, day_of_month) + shift()


def moment(
    year: int, month: int, day_of_month: int, hour: int = 10, minute: int = 0
) -> dt.datetime:
    """A time of the story (local time), moved to the real calendar."""
    moved = day(year, month, day_of_month)
    return timezone.make_aware(dt.datetime.combine(moved, dt.time(hour, minute)))


def years(today: dt.date | None = None) -> int:
    """How many years the story's year names move: those of the story's mid-year, so that a
    cohort is named after the year most of it runs in."""
    middle = dt.date(STORY_TODAY.year, 7, 1) + shift(today)
    return middle.year - STORY_TODAY.year


def year(story_year: int) -> int:
    """A year of the story, named in the real calendar ("Promotion 2025" seeded in 2026 is
    "Promotion 2026")."""
    return story_year + years()


def cohort(story_year: int, today: dt.date | None = None) -> dict[str, Any]:
    """The fields of the coalition's cohort of a story year, moved to the real calendar."""
    start, end = COHORTS[story_year]
    named = story_year + years(today)
    return {
        "name": f"Promotion {named}",
        "year": named,
        "start_date": start + shift(today),
        "end_date": end + shift(today),
    }
