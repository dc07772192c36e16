"""A training session as an iCalendar file to add to one's calendar, written by the project's
one iCalendar writer (``core.ical``, on the ``icalendar`` library)."""

from __future__ import annotations

import datetime as dt

from capnr.core.ical import CalendarEvent, calendar_bytes

from .models import TrainingSession

PRODUCT_ID = "-//Cap NR//Training//FR"


def session_ics(
    session: TrainingSession, *, host: str, url: str, stamp: dt.datetime, location: str
) -> bytes:
    """One timed event; a cancelled session is sent as STATUS:CANCELLED so that a calendar that
    already holds it can strike it out."""
    event = CalendarEvent(
        uid=f"training-session-{session.pk}@{host}",
        summary=session.offer.title,
        start=session.starts_at,
        end=session.ends_at,
        description=session.trainer_name,
        location=location,
        url=url,
        cancelled=session.cancelled,
    )
    return calendar_bytes(name=session.offer.title, product=PRODUCT_ID, events=[event], stamp=stamp)
