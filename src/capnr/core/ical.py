"""Calendars in the iCalendar format (RFC 5545), written by the ``icalendar`` library
(docs/adr/0007-icalendar-library.md): it escapes text values, folds lines at 75 octets without
cutting a UTF-8 character and ends them with CRLF, which calendar applications are strict about.

Two kinds of events, both the roadmap's due dates and a cohort's sessions use them: an all-day
event (``start`` a date; ``DTSTART;VALUE=DATE`` with an exclusive ``DTEND`` the day after) and a
timed one (``start`` and ``end`` aware datetimes, written in UTC). ``DTSTAMP`` is UTC."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

from icalendar import Calendar, Event, vText

CONTENT_TYPE = "text/calendar; charset=utf-8"
# Control characters a TEXT value may not hold (tab is allowed; line breaks are escaped).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Ask subscribed applications to read the feed again every six hours (RFC 7986).
REFRESH = dt.timedelta(hours=6)


@dataclass(frozen=True)
class CalendarEvent:
    """One event: all day when ``start`` is a date, else from ``start`` to ``end`` (aware)."""

    uid: str
    summary: str
    start: dt.date | dt.datetime
    end: dt.datetime | None = None
    description: str = ""
    location: str = ""
    url: str = ""
    categories: tuple[str, ...] = ()
    busy: bool = True  # OPAQUE; a due date is TRANSPARENT (it takes no time)
    cancelled: bool = False  # STATUS:CANCELLED, so that a calendar holding it strikes it out


def _text(value: str) -> str:
    return _CONTROL.sub("", value)


def _utc(moment: dt.datetime) -> dt.datetime:
    if moment.tzinfo is None:
        raise ValueError(f"A calendar time must carry its time zone: {moment!r}")
    return moment.astimezone(dt.UTC)


def _event(event: CalendarEvent, stamp: dt.datetime) -> Event:
    entry = Event()
    entry.add("uid", _text(event.uid))
    entry.add("dtstamp", _utc(stamp))
    if isinstance(event.start, dt.datetime):
        entry.add("dtstart", _utc(event.start))
        if event.end is None:
            raise ValueError(f"A timed event needs its end: {event.uid}")
        entry.add("dtend", _utc(event.end))
    else:
        entry.add("dtstart", event.start)
        if event.start < dt.date.max:  # without DTEND, an all-day event lasts its one day
            entry.add("dtend", event.start + dt.timedelta(days=1))
    entry.add("summary", _text(event.summary))
    if event.description:
        entry.add("description", _text(event.description))
    if event.location:
        entry.add("location", _text(event.location))
    if event.categories:
        entry.add("categories", [_text(category) for category in event.categories])
    if event.url:
        entry.add("url", event.url)
    entry.add("transp", "OPAQUE" if event.busy else "TRANSPARENT")
    entry.add("status", "CANCELLED" if event.cancelled else "CONFIRMED")
    return entry


def calendar_bytes(
    *, name: str, product: str, events: Iterable[CalendarEvent], stamp: dt.datetime
) -> bytes:
    """The VCALENDAR, UTF-8 with CRLF line ends. ``product`` is the PRODID (``-//Cap NR//…``);
    ``stamp`` (aware) is written as every event's DTSTAMP: when the feed was made."""
    calendar = Calendar()
    calendar.add("version", "2.0")
    calendar.add("prodid", product)
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    # RFC 7986's NAME, X-WR-CALNAME for older applications: text values, escaped (icalendar
    # does not know them and would write them as they are).
    calendar.add("name", vText(_text(name)))
    calendar.add("x-wr-calname", vText(_text(name)))
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT6H")
    for event in events:
        calendar.add_component(_event(event, stamp))
    return bytes(calendar.to_ical())
