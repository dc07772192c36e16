"""The demo facilitator's running cohort: sessions past (with their attendance) and upcoming, notes
with a follow-up due; made once."""

from __future__ import annotations

import pytest
from django.utils import timezone

from capnr.coalition.models import Attendance, Cohort, FacilitatorNote, Session
from capnr.core.demo_clock import year
from capnr.web.demo import seed_demo


@pytest.mark.django_db
def test_the_demo_cohort_has_past_sessions_with_attendance_upcoming_ones_and_notes():
    seed_demo(password="demo-password-1")
    cohort = Cohort.objects.get(coalition__slug="trois-rivieres", year=year(2025))
    now = timezone.now()
    past = Session.objects.filter(cohort=cohort, ends_at__lt=now)
    upcoming = Session.objects.filter(cohort=cohort, starts_at__gt=now)
    assert past.count() >= 8 and upcoming.count() >= 2
    # The cohort runs today, and every session lies within its dates, on a weekday.
    assert cohort.start_date <= timezone.localdate() < cohort.end_date
    sessions = Session.objects.filter(cohort=cohort)
    assert sessions.count() >= 10
    for session in sessions:
        day = timezone.localtime(session.starts_at).date()
        assert cohort.start_date <= day <= cohort.end_date and day.weekday() < 5, session
    # The mission locale joined in April: it is not expected at the sessions before.
    kick_off = sessions.order_by("starts_at").first()
    assert not kick_off.expected.filter(slug="mission-locale-trois-rivieres").exists()
    assert sessions.last().expected.filter(slug="mission-locale-trois-rivieres").exists()
    assert cohort.description
    for session in past:
        assert Attendance.objects.filter(session=session).count() == session.expected.count()
    assert Attendance.objects.filter(status="present", people__isnull=False).exists()
    assert Attendance.objects.exclude(status="present").exists()  # someone missed one
    assert not Attendance.objects.filter(session__in=upcoming).exists()
    notes = FacilitatorNote.objects.filter(coalition=cohort.coalition)
    assert notes.count() >= 3
    assert notes.filter(follow_up_on__lte=timezone.localdate()).exists()
    counts = (Session.objects.count(), Attendance.objects.count(), notes.count())
    seed_demo(password="demo-password-2")
    assert (Session.objects.count(), Attendance.objects.count(), notes.count()) == counts
