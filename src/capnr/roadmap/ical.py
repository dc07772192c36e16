"""A calendar of due dates in the iCalendar format (RFC 5545), written by hand: the few properties
a feed of all-day events needs do not justify a dependency.

What calendar applications are strict about, and this module does: lines end with CRLF; a
content line longer than 75 octets is folded (CRLF then one space), never inside a UTF-8
character; in text values, backslash, semicolon, comma and line breaks are escaped; an all-day
event is ``DTSTART;VALUE=DATE`` with an exclusive ``DTEND`` the day after; ``DTSTAMP`` is UTC."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

CRLF = "\r\n"
MAX_OCTETS = 75
PRODUCT_ID = "-//Cap NR//Roadmap//FR"
# Control characters a TEXT value may not hold (tab is allowed; line breaks are escaped first).
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")


@dataclass(frozen=True)
class Event:
    """One all-day event."""

    uid: str
    day: dt.date
    summary: str
    description: str = ""
    url: str = ""
    categories: tuple[str, ...] = ()


def escape_text(value: str) -> str:
    """A TEXT value (RFC 5545 §3.3.11): ``\\`` ``;`` ``,`` escaped, line breaks as ``\\n``."""
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    value = value.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")
    return _CONTROL.sub("", value)


def fold(line: str) -> str:
    """A content line cut into lines of at most 75 octets (RFC 5545 §3.1): each continuation
    starts with one space, which counts in its 75 octets. Cuts fall between characters."""
    pieces: list[str] = []
    current, size, limit = "", 0, MAX_OCTETS
    for character in line:
        width = len(character.encode("utf-8"))
        if size + width > limit:
            pieces.append(current)
            current, size, limit = "", 0, MAX_OCTETS - 1
        current += character
        size += width
    pieces.append(current)
    return (CRLF + " ").join(pieces)


def _date(day: dt.date) -> str:
    return day.strftime("%Y%m%d")


def _utc(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def calendar(*, name: str, events: Iterable[Event], stamp: dt.datetime) -> bytes:
    """The VCALENDAR, UTF-8 with CRLF line ends. ``stamp`` (aware) is written as every event's
    DTSTAMP: when the feed was made."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODUCT_ID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"NAME:{escape_text(name)}",  # RFC 7986; X-WR-CALNAME for older applications
        f"X-WR-CALNAME:{escape_text(name)}",
        # Ask subscribed applications to read the feed again every six hours (RFC 7986).
        "REFRESH-INTERVAL;VALUE=DURATION:PT6H",
        "X-PUBLISHED-TTL:PT6H",
    ]
    for event in events:
        lines += [
            "BEGIN:VEVENT",
            f"UID:{escape_text(event.uid)}",
            f"DTSTAMP:{_utc(stamp)}",
            f"DTSTART;VALUE=DATE:{_date(event.day)}",
        ]
        if event.day < dt.date.max:  # without DTEND, an all-day event lasts its one day
            lines.append(f"DTEND;VALUE=DATE:{_date(event.day + dt.timedelta(days=1))}")
        lines.append(f"SUMMARY:{escape_text(event.summary)}")
        if event.description:
            lines.append(f"DESCRIPTION:{escape_text(event.description)}")
        if event.categories:
            lines.append("CATEGORIES:" + ",".join(escape_text(c) for c in event.categories))
        if event.url:
            lines.append(f"URL:{event.url}")
        lines += ["TRANSP:TRANSPARENT", "END:VEVENT"]
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + CRLF for line in lines).encode("utf-8")
