"""Milestones computed from what the organisation did, read through the other apps' selectors
(coalition.progress), and the by-hand ones the facilitator records (milestone_services)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from capnr.coalition import milestone_services
from capnr.coalition import milestones as rules
from capnr.coalition.progress import organisation_progress
from capnr.core.access import Access, OrganisationAccess
from capnr.diagnostics.models import Diagnostic, DiagnosticStatus
from capnr.inventory import services as inventory_services
from capnr.inventory.models import FootprintRun
from capnr.organisations.models import Organisation, PurchasingBracket, Role
from capnr.organisations.tenancy import access_for
from capnr.roadmap.models import ItemStatus, PlanItem, RoadmapApproval

pytestmark = pytest.mark.django_db
D = dt.date


def moment(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def progress_of(facilitator, membership, today):
    access = access_for(facilitator, membership.organisation)
    return organisation_progress(access=access, membership=membership, today=today)


def states(progress):
    return {state.kind: state for state in progress.milestones}


def complete_profile(organisation: Organisation, on: dt.date) -> None:
    Organisation.objects.filter(pk=organisation.pk).update(
        headcount=120,
        purchasing_bracket=PurchasingBracket.FROM_1M_TO_10M,
        updated_at=moment(on),
    )
    organisation.refresh_from_db()


def test_milestones_follow_what_the_organisation_did(org_a, cohort, facilitator, join):
    membership = join(cohort, org_a)
    complete_profile(org_a, D(2025, 2, 3))
    referent_access = OrganisationAccess(org_a, Access.ADMINISTER, Role.REFERENT)
    inventory_services.counts_save(access=referent_access, counts={"laptop": 40})
    FootprintRun.objects.filter(organisation=org_a).update(created_at=moment(D(2025, 3, 1)))
    Diagnostic.objects.create(
        organisation=org_a,
        year=2025,
        status=DiagnosticStatus.SUBMITTED,
        submitted_at=moment(D(2025, 5, 6)),
    )
    RoadmapApproval.objects.create(
        organisation=org_a, approved_on=D(2024, 6, 1), approved_by="An earlier committee"
    )
    found = states(progress_of(facilitator, membership, D(2025, 7, 1)))
    assert found[rules.JOINED].reached_on == D(2025, 1, 20)
    assert found[rules.PROFILE].reached_on == D(2025, 2, 3)
    assert found[rules.FOOTPRINT].reached_on == D(2025, 3, 1)
    assert found[rules.DIAGNOSTIC].reached_on == D(2025, 5, 6)
    assert found[rules.DIAGNOSTIC].reached_late  # expected by 20 April
    # An approval from before the cohort does not approve this year's roadmap.
    assert found[rules.ROADMAP].status == rules.OVERDUE
    RoadmapApproval.objects.create(
        organisation=org_a, approved_on=D(2025, 6, 12), approved_by="Comité de direction"
    )
    found = states(progress_of(facilitator, membership, D(2025, 7, 1)))
    assert found[rules.ROADMAP].reached_on == D(2025, 6, 12)
    assert found[rules.REVIEW].status == rules.PENDING


def test_last_years_submitted_diagnostic_does_not_reach_this_years_milestone(
    org_a, cohort, facilitator, join
):
    membership = join(cohort, org_a)
    Diagnostic.objects.create(
        organisation=org_a,
        year=2024,
        status=DiagnosticStatus.SUBMITTED,
        submitted_at=moment(D(2024, 11, 14)),
    )
    Diagnostic.objects.create(organisation=org_a, year=2025)
    progress = progress_of(facilitator, membership, D(2025, 6, 1))
    assert states(progress)[rules.DIAGNOSTIC].status == rules.OVERDUE
    assert progress.diagnostic.year == 2025 and not progress.diagnostic.submitted
    assert progress.diagnostic.previous_year == 2024


def test_an_organisation_stalls_after_thirty_days_without_anything_recorded(
    org_a, cohort, facilitator, join, member
):
    membership = join(cohort, org_a, on=D(2025, 9, 1))
    Organisation.objects.filter(pk=org_a.pk).update(updated_at=moment(D(2025, 8, 1)))
    referent = member(org_a, Role.REFERENT)
    type(referent).objects.filter(pk=referent.pk).update(last_login=moment(D(2025, 9, 10)))
    assert progress_of(facilitator, membership, D(2025, 10, 9)).stall.days_inactive == 29
    progress = progress_of(facilitator, membership, D(2025, 10, 10))
    assert progress.stall.inactive and progress.stall.stalled
    assert progress.last_activity == moment(D(2025, 9, 10))
    # A roadmap item changed the next day is activity again.
    item = PlanItem.objects.create(organisation=org_a, theme="strategy", title="Extinction")
    PlanItem.objects.filter(pk=item.pk).update(updated_at=moment(D(2025, 10, 10)))
    assert not progress_of(facilitator, membership, D(2025, 10, 10)).stall.inactive


def test_activity_after_the_cohorts_end_is_not_counted_in_its_closing_picture(
    org_a, cohort, facilitator, join
):
    membership = join(cohort, org_a)
    Organisation.objects.filter(pk=org_a.pk).update(updated_at=moment(D(2025, 10, 1)))
    item = PlanItem.objects.create(organisation=org_a, theme="strategy", title="Later")
    PlanItem.objects.filter(pk=item.pk).update(updated_at=moment(D(2026, 2, 1)))
    progress = progress_of(facilitator, membership, D(2026, 12, 5))
    assert progress.on == D(2025, 12, 12)
    assert progress.last_activity == moment(D(2025, 10, 1))  # the item changed after the end
    assert progress.stall.days_inactive == 72


def test_roadmap_figures_count_items_by_status_and_the_late_ones(org_a, cohort, facilitator, join):
    membership = join(cohort, org_a)
    for status, due in [
        (ItemStatus.DONE, D(2025, 3, 1)),
        (ItemStatus.IN_PROGRESS, D(2025, 5, 1)),
        (ItemStatus.PLANNED, D(2025, 9, 1)),
        (ItemStatus.PLANNED, None),
        (ItemStatus.ABANDONED, D(2025, 2, 1)),
    ]:
        PlanItem.objects.create(
            organisation=org_a, theme="strategy", title=str(status), status=status, due_date=due
        )
    roadmap = progress_of(facilitator, membership, D(2025, 6, 1)).roadmap
    assert (roadmap.done, roadmap.in_progress, roadmap.planned, roadmap.late) == (1, 1, 2, 1)


def test_the_facilitator_records_the_by_hand_milestones_and_no_one_else(
    org_a, cohort, facilitator, join, member
):
    membership = join(cohort, org_a)
    milestone_services.milestone_record(
        user=facilitator,
        membership=membership,
        kind=rules.REVIEW,
        reached_on=D(2025, 7, 18),
        today=D(2025, 8, 1),
        note="Bilan à mi-parcours",
    )
    found = states(progress_of(facilitator, membership, D(2025, 8, 1)))
    assert found[rules.REVIEW].reached_on == D(2025, 7, 18)
    referent = member(org_a, Role.REFERENT)
    with pytest.raises(PermissionDenied):
        milestone_services.milestone_record(
            user=referent,
            membership=membership,
            kind=rules.CLOSING,
            reached_on=D(2025, 7, 18),
            today=D(2025, 8, 1),
        )
    with pytest.raises(PermissionDenied):
        milestone_services.milestone_clear(user=referent, membership=membership, kind=rules.REVIEW)
    assert milestone_services.milestone_clear(
        user=facilitator, membership=membership, kind=rules.REVIEW
    )


@pytest.mark.parametrize(
    ("kind", "reached_on", "message"),
    [
        (rules.DIAGNOSTIC, D(2025, 7, 1), "computed"),
        (rules.CLOSING, D(2025, 8, 2), "future"),
        (rules.REVIEW, D(2025, 1, 2), "before the organisation joined"),
    ],
)
def test_a_by_hand_milestone_is_refused_when_it_cannot_be_true(
    org_a, cohort, facilitator, join, kind, reached_on, message
):
    membership = join(cohort, org_a)
    with translation.override("en"), pytest.raises(ValidationError, match=message):
        milestone_services.milestone_record(
            user=facilitator,
            membership=membership,
            kind=kind,
            reached_on=reached_on,
            today=D(2025, 8, 1),
        )


def test_a_facilitator_of_another_coalition_cannot_record(org_a, cohort, join, make_user):
    from capnr.coalition.models import Coalition

    other = make_user()
    Coalition.objects.create(name="Autre", slug="autre").facilitators.add(other)
    with pytest.raises(PermissionDenied):
        milestone_services.milestone_record(
            user=other,
            membership=join(cohort, org_a),
            kind=rules.REVIEW,
            reached_on=D(2025, 7, 1),
            today=D(2025, 8, 1),
        )
