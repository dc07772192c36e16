"""iCalendar feeds through the icalendar library: all-day and timed events, UTC, text values."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from capnr.core.ical import CalendarEvent, calendar_bytes

STAMP = dt.datetime(2026, 12, 5, 12, 0, tzinfo=dt.UTC)
PARIS = ZoneInfo("Europe/Paris")


def _feed(*events: CalendarEvent) -> bytes:
    return calendar_bytes(
        name="Feed, test", product="-//Cap NR//Test//FR", events=events, stamp=STAMP
    )


def test_an_all_day_event_ends_the_next_day_and_a_timed_one_is_written_in_utc():
    content = _feed(
        CalendarEvent(uid="a@x", summary="Due", start=dt.date(2026, 3, 1), busy=False),
        CalendarEvent(
            uid="b@x",
            summary="Atelier",
            start=dt.datetime(2026, 3, 4, 9, 0, tzinfo=PARIS),
            end=dt.datetime(2026, 3, 4, 12, 0, tzinfo=PARIS),
            location="Salle du conseil",
        ),
    )
    text = content.decode()
    assert "DTSTART;VALUE=DATE:20260301\r\nDTEND;VALUE=DATE:20260302\r\n" in text
    assert "DTSTART:20260304T080000Z\r\nDTEND:20260304T110000Z\r\n" in text
    assert "DTSTAMP:20261205T120000Z" in text and "TRANSP:TRANSPARENT" in text
    assert "X-WR-CALNAME:Feed\\, test" in text
    [due, workshop] = Calendar.from_ical(content).walk("VEVENT")
    assert due.decoded("DTSTART") == dt.date(2026, 3, 1)
    assert workshop.decoded("DTSTART") == dt.datetime(2026, 3, 4, 9, 0, tzinfo=PARIS)
    assert str(workshop["LOCATION"]) == "Salle du conseil"


def test_long_text_folds_between_characters_and_control_characters_go():
    content = _feed(
        CalendarEvent(uid="c@x", summary="é" * 60 + " a,b;c\\d\ne\x07", start=dt.date(2026, 1, 2))
    )
    lines = content.split(b"\r\n")
    assert all(len(line) <= 75 for line in lines)
    for line in lines:
        line.decode("utf-8")  # never cut inside a character
    unfolded = content.decode().replace("\r\n ", "")
    assert "SUMMARY:" + "é" * 60 + " a\\,b\\;c\\\\d\\ne\r\n" in unfolded


def test_a_time_without_its_zone_or_an_event_without_its_end_is_refused():
    with pytest.raises(ValueError, match="time zone"):
        _feed(CalendarEvent(uid="d@x", summary="x", start=dt.datetime(2026, 1, 1, 9), end=None))
    with pytest.raises(ValueError, match="end"):
        _feed(
            CalendarEvent(uid="e@x", summary="x", start=dt.datetime(2026, 1, 1, 9, tzinfo=dt.UTC))
        )


def test_a_cancelled_event_says_so_and_others_are_confirmed():
    start = dt.datetime(2026, 3, 4, 9, 0, tzinfo=PARIS)
    common = {"summary": "Formation", "start": start, "end": start + dt.timedelta(hours=2)}
    calendar = Calendar.from_ical(
        _feed(
            CalendarEvent(uid="kept@x", **common),
            CalendarEvent(uid="gone@x", cancelled=True, **common),
        )
    )
    status = {str(event["uid"]): str(event["status"]) for event in calendar.walk("VEVENT")}
    assert status == {"kept@x": "CONFIRMED", "gone@x": "CANCELLED"}
