"""Coalitions, cohorts and their organisations, sessions, attendance, invitations and reminders,
through the services and selectors."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.utils import timezone

from capnr.coalition import selectors, services
from capnr.coalition.models import Attendance, CohortMembership, Session
from capnr.core.access import Access
from capnr.organisations.models import Invitation, Organisation, Role
from capnr.organisations.tenancy import (
    CoalitionAccess,
    access_for,
    coalition_access,
    visible_to,
)

pytestmark = pytest.mark.django_db


def test_a_coalition_has_several_facilitators_who_all_read_its_organisations(world):
    for facilitator in (world.facilitator, world.co_facilitator):
        access = access_for(facilitator, world.org_a)
        assert access is not None and access.role == "facilitator"
        assert coalition_access(facilitator, world.coalition.slug).can_manage
    assert list(visible_to(world.co_facilitator)) == [world.org_a]


def test_a_cohort_has_a_year_dates_and_a_public_description(world):
    cohort = services.cohort_create(
        access=world.access,
        name="Promotion 2026",
        year=2026,
        start_date=dt.date(2026, 1, 19),
        end_date=dt.date(2026, 12, 11),
        description="Ouverte aux communes.",
    )
    assert (cohort.coalition, cohort.year, cohort.description) == (
        world.coalition,
        2026,
        "Ouverte aux communes.",
    )
    with pytest.raises(ValidationError):
        services.cohort_create(
            access=world.access,
            name="Backwards",
            year=2026,
            start_date=dt.date(2026, 5, 1),
            end_date=dt.date(2026, 1, 1),
        )
    member = CoalitionAccess(world.coalition, False, frozenset({world.org_a.pk}))
    with pytest.raises(PermissionDenied):
        services.cohort_create(access=member, name="Not mine", year=2026)


def test_an_existing_organisation_joins_only_once_its_referent_accepts(
    world, org_b, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        membership = services.cohort_invite_organisation(
            access=world.access,
            cohort=world.cohort,
            slug="bravo",
            invited_by=world.facilitator,
            build_join_url=lambda m: f"http://testserver/coalitions/join/{m.pk}/",
        )
    assert membership.pending
    assert access_for(world.facilitator, org_b) is None  # nothing seen before the consent
    assert [m.to for m in mail.outbox] == [[world.outsider.email]]
    assert f"/coalitions/join/{membership.pk}/" in mail.outbox[0].body
    with pytest.raises(PermissionDenied):  # a reader of Bravo cannot accept for it
        services.cohort_invitation_answer(
            access=access_for(world.facilitator, world.org_a), membership=membership, accept=True
        )
    services.cohort_invitation_answer(
        access=access_for(world.outsider, org_b), membership=membership, accept=True
    )
    access = access_for(world.facilitator, org_b)
    assert access is not None and access.level == Access.READ
    with pytest.raises(ValidationError):  # twice
        services.cohort_invite_organisation(
            access=world.access,
            cohort=world.cohort,
            slug="bravo",
            invited_by=world.facilitator,
            build_join_url=str,
        )


def test_a_declined_invitation_goes_and_an_unknown_short_name_is_refused(world, org_b):
    membership = services.cohort_invite_organisation(
        access=world.access,
        cohort=world.cohort,
        slug="bravo",
        invited_by=world.facilitator,
        build_join_url=str,
    )
    services.cohort_invitation_answer(
        access=access_for(world.outsider, org_b), membership=membership, accept=False
    )
    assert not CohortMembership.objects.filter(pk=membership.pk).exists()
    with pytest.raises(ValidationError):
        services.cohort_invite_organisation(
            access=world.access,
            cohort=world.cohort,
            slug="nobody-here",
            invited_by=world.facilitator,
            build_join_url=str,
        )


def test_a_new_organisation_is_created_with_its_first_referent_invited_by_email(
    world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        organisation = services.cohort_organisation_create(
            access=world.access,
            cohort=world.cohort,
            name="Commune de Lorcy",
            kind="commune",
            referent_email="Maire@Lorcy.example",
            invited_by=world.facilitator,
            build_accept_url=lambda raw: f"http://testserver/invitations/{raw}/",
        )
    assert organisation.slug == "commune-de-lorcy"
    invitation = Invitation.objects.get(organisation=organisation)
    assert (invitation.email, invitation.role, invitation.invited_by) == (
        "maire@lorcy.example",
        Role.REFERENT,
        world.facilitator,
    )
    assert mail.outbox[-1].to == ["maire@lorcy.example"]
    assert "http://testserver/invitations/" in mail.outbox[-1].body
    assert [o.pk for o in selectors.cohort_members(world.cohort)] == sorted(
        [world.org_a.pk, organisation.pk],
        key=lambda pk: Organisation.objects.get(pk=pk).name,
    )
    again = services.cohort_organisation_create(
        access=world.access,
        cohort=world.cohort,
        name="Commune de Lorcy",
        kind="commune",
        referent_email="dgs@lorcy.example",
        invited_by=world.facilitator,
        build_accept_url=str,
    )
    assert again.slug == "commune-de-lorcy-2"


def test_alumni_stay_in_the_coalition_after_their_cohort_ends(world):
    world.cohort.end_date = timezone.localdate() - dt.timedelta(days=1)
    world.cohort.start_date = world.cohort.end_date - dt.timedelta(days=300)
    world.cohort.save()
    assert world.cohort.is_closed()
    assert selectors.alumni(world.coalition) == [world.org_a]
    assert access_for(world.facilitator, world.org_a) is not None  # still read
    later = services.cohort_create(access=world.access, name="Promotion 2027", year=2027)
    CohortMembership.objects.create(cohort=later, organisation=world.org_a)
    assert selectors.alumni(world.coalition) == []  # back in a running cohort


def test_sessions_come_upcoming_first_soonest_at_the_top_then_the_past_latest_first(world):
    far, soon = world.session(days=30), world.session(days=2)
    old, recent = world.session(days=-40), world.session(days=-3)
    split = selectors.cohort_sessions(world.cohort)
    assert split.upcoming == [soon, far]
    assert split.past == [recent, old]


def test_a_session_expects_the_whole_cohort_by_default_and_checks_its_fields(world, org_b):
    session = world.session()
    assert list(session.expected.all()) == [world.org_a]
    starts = timezone.now()
    with pytest.raises(ValidationError):  # ends before it starts
        world.session(starts_at=starts, ends_at=starts - dt.timedelta(hours=1))
    with pytest.raises(ValidationError):  # an organisation of another coalition
        services.session_create(
            access=world.access,
            cohort=world.cohort,
            user=world.facilitator,
            fields={"kind": "webinar", "title": "x", "starts_at": starts, "ends_at": starts},
            expected_ids=[org_b.pk],
        )
    with pytest.raises(PermissionDenied):  # another coalition's cohort
        services.session_create(
            access=world.access,
            cohort=world.other_cohort,
            user=world.facilitator,
            fields={"kind": "webinar", "title": "x", "starts_at": starts, "ends_at": starts},
        )


def test_a_session_update_is_refused_when_someone_saved_it_since(world):
    from capnr.core.versioned import StaleEditError

    session = world.session()
    services.session_update(
        access=world.access, session=session, expected_version=1, fields={"title": "Renamed"}
    )
    assert Session.objects.get(pk=session.pk).title == "Renamed"
    with pytest.raises(StaleEditError):
        services.session_update(
            access=world.access, session=session, expected_version=1, fields={"title": "Lost"}
        )


def test_attendance_per_organisation_and_per_person(world):
    session = world.session(days=-1)
    attendance = services.attendance_record(
        access=world.access,
        session=session,
        organisation=world.org_a,
        status="present",
        people_ids=[world.referent.pk, world.reader.pk],
        user=world.facilitator,
    )
    assert set(attendance.people.all()) == {world.referent, world.reader}
    services.attendance_record(  # recorded again: replaced
        access=world.access,
        session=session,
        organisation=world.org_a,
        status="excused",
        user=world.facilitator,
    )
    row = Attendance.objects.get(session=session)
    assert row.status == "excused" and not row.people.exists()
    with pytest.raises(ValidationError):  # someone present, organisation absent
        services.attendance_record(
            access=world.access,
            session=session,
            organisation=world.org_a,
            status="absent",
            people_ids=[world.referent.pk],
        )
    with pytest.raises(ValidationError):  # not a member of the organisation
        services.attendance_record(
            access=world.access,
            session=session,
            organisation=world.org_a,
            status="present",
            people_ids=[world.outsider.pk],
        )
    with pytest.raises(ValidationError):  # not in the cohort
        services.attendance_record(
            access=world.access, session=session, organisation=world.org_b, status="present"
        )


def test_a_member_reads_only_their_own_organisations_attendance(world, org_b):
    CohortMembership.objects.create(cohort=world.cohort, organisation=org_b)
    session = world.session(days=-1)
    for organisation in (world.org_a, org_b):
        services.attendance_record(
            access=world.access, session=session, organisation=organisation, status="present"
        )
    reader = coalition_access(world.reader, world.coalition.slug)
    assert not reader.can_manage
    assert [row.organisation for row in selectors.session_attendance(session, reader)] == [
        world.org_a
    ]
    assert [a.organisation for a in selectors.attendance_list(session, reader)] == [world.org_a]
    assert len(selectors.session_attendance(session, world.access)) == 2


def test_the_invitation_goes_to_each_referent_of_the_expected_organisations(world, member):
    second = member(world.org_a, Role.REFERENT)
    session = world.session(place="Maison des associations", agenda="Tour de table")
    sent = services.session_invitations_send(
        access=world.access, session=session, build_url=lambda s: f"http://x/s/{s.pk}/"
    )
    assert sent == 2
    assert sorted(m.to[0] for m in mail.outbox) == sorted([world.referent.email, second.email])
    assert "Maison des associations" in mail.outbox[0].body
    assert f"http://x/s/{session.pk}/" in mail.outbox[0].body
    session.refresh_from_db()
    assert session.invitations_sent_at is not None


def test_the_reminder_goes_the_day_before_once(world):
    today = timezone.localdate()
    tomorrow = timezone.make_aware(dt.datetime.combine(today + dt.timedelta(days=1), dt.time(9)))
    session = world.session(starts_at=tomorrow, ends_at=tomorrow + dt.timedelta(hours=2))
    world.session(days=5)  # not tomorrow
    call_command("session_reminders", "--now", "--base-url", "https://capnr.example")
    assert [m.to for m in mail.outbox] == [[world.referent.email]]
    assert "Rappel" in mail.outbox[0].subject  # French by default
    assert f"https://capnr.example/coalitions/trois-rivieres/sessions/{session.pk}/" in (
        mail.outbox[0].body
    )
    call_command("session_reminders", "--now", "--base-url", "https://capnr.example")
    assert len(mail.outbox) == 1  # once


def test_a_title_with_a_line_break_does_not_break_the_emails_subject(world):
    session = world.session(title="Atelier\nroadmap")
    services.session_invitations_send(access=world.access, session=session, build_url=str)
    assert mail.outbox[0].subject.startswith("Invitation") and "\n" not in mail.outbox[0].subject
