"""A session as an iCalendar file (RFC 5545) to add to one's calendar, written by hand for
now: the integrator ports it to the ``icalendar`` library the cohort work brings, like the
roadmap's feed. Lines end with CRLF and are folded at 75 octets; text is escaped; times are UTC."""

from __future__ import annotations

import datetime as dt

from .models import TrainingSession

CRLF = "\r\n"
PRODUCT_ID = "-//Cap NR//Training//FR"


def _text(value: str) -> str:
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return value.replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n")


def _fold(line: str) -> str:
    pieces, current, size, limit = [], "", 0, 75
    for character in line:
        width = len(character.encode("utf-8"))
        if size + width > limit:
            pieces.append(current)
            current, size, limit = "", 0, 74
        current += character
        size += width
    pieces.append(current)
    return (CRLF + " ").join(pieces)


def _utc(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def session_ics(
    session: TrainingSession, *, host: str, url: str, stamp: dt.datetime, location: str
) -> bytes:
    """One timed event; a cancelled session is sent as STATUS:CANCELLED so that a calendar that
    already holds it can strike it out."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODUCT_ID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:training-session-{session.pk}@{host}",
        f"DTSTAMP:{_utc(stamp)}",
        f"DTSTART:{_utc(session.starts_at)}",
        f"DTEND:{_utc(session.ends_at)}",
        f"SUMMARY:{_text(session.offer.title)}",
        f"LOCATION:{_text(location)}",
        f"DESCRIPTION:{_text(session.trainer_name)}",
        f"URL:{url}",
        f"STATUS:{'CANCELLED' if session.cancelled else 'CONFIRMED'}",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "".join(_fold(line) + CRLF for line in lines).encode("utf-8")
