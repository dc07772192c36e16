"""The journey on the organisation's home page tells this year's truth (issue 12, item 4)."""

from __future__ import annotations

import pytest

from capnr.diagnostics.models import Diagnostic, DiagnosticStatus
from capnr.organisations.models import Role
from capnr.web.journey import DONE, IN_PROGRESS, TODO, journey_for

pytestmark = pytest.mark.django_db


def diagnostic_step(access):
    return next(step for step in journey_for(access) if step.key == "diagnostic")


def test_the_diagnostic_step_follows_the_latest_year(org_a, member, access_of):
    access = access_of(member(org_a, Role.REFERENT), org_a)
    assert diagnostic_step(access).status == TODO
    Diagnostic.objects.create(organisation=org_a, year=2024, status=DiagnosticStatus.SUBMITTED)
    assert diagnostic_step(access).status == DONE
    # Last year's submitted diagnostic does not finish this year's, half answered.
    Diagnostic.objects.create(organisation=org_a, year=2025, status=DiagnosticStatus.IN_PROGRESS)
    assert diagnostic_step(access).status == IN_PROGRESS


def test_a_diagnostic_submitted_more_than_a_year_ago_is_to_do_again(org_a, member, access_of):
    import datetime as dt

    from django.utils import timezone

    access = access_of(member(org_a, Role.REFERENT), org_a)
    Diagnostic.objects.create(
        organisation=org_a,
        year=2024,
        status=DiagnosticStatus.SUBMITTED,
        submitted_at=timezone.make_aware(dt.datetime(2024, 11, 14, 16, 30)),
    )
    step = next(s for s in journey_for(access, dt.date(2025, 11, 13)) if s.key == "diagnostic")
    assert step.status == DONE
    step = next(s for s in journey_for(access, dt.date(2025, 11, 14)) if s.key == "diagnostic")
    assert step.status == TODO  # a year on: this year's diagnostic is to do


def test_the_review_step_is_a_diagnostic_answered_again_after_a_submitted_one(
    org_a, member, access_of
):
    access = access_of(member(org_a, Role.REFERENT), org_a)

    def review():
        step = next(step for step in journey_for(access) if step.key == "review")
        assert step.url == f"/o/{org_a.slug}/diagnostic/"
        return step.status

    assert review() == TODO
    first = Diagnostic.objects.create(
        organisation=org_a, year=2024, status=DiagnosticStatus.IN_PROGRESS
    )
    assert review() == TODO  # the first year is the baseline, not its review
    Diagnostic.objects.filter(pk=first.pk).update(status=DiagnosticStatus.SUBMITTED)
    assert review() == TODO
    again = Diagnostic.objects.create(
        organisation=org_a, year=2025, status=DiagnosticStatus.IN_PROGRESS
    )
    assert review() == IN_PROGRESS
    Diagnostic.objects.filter(pk=again.pk).update(status=DiagnosticStatus.SUBMITTED)
    assert review() == DONE
