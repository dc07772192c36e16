"""The training programme's write rules, against the database."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from capnr.training import services
from capnr.training.models import (
    Attendance,
    AttendanceSource,
    OfferKind,
    Registration,
    RegistrationStatus,
    SkillsResponse,
    Trainee,
)

pytestmark = pytest.mark.django_db


def statuses(session):
    return {
        str(registration.trainee): (registration.status, registration.position)
        for registration in Registration.objects.filter(session=session)
    }


def register(access, session, trainee, by):
    return services.registration_create(access=access, session=session, trainee=trainee, by=by)


# --- Offers and sessions --------------------------------------------------------------------


def test_an_offer_names_a_catalogue_action_only_if_it_exists(access):
    fields = {"kind": OfferKind.FRESQUE, "title": "Fresque", "duration_hours": Decimal("3")}
    with pytest.raises(ValidationError) as caught:
        services.offer_create(access=access, fields={**fields, "action_id": "no.such_action"})
    assert "action_id" in caught.value.message_dict
    offer = services.offer_create(
        access=access, fields={**fields, "action_id": "awareness.training_plan"}
    )
    assert offer.action_id == "awareness.training_plan"


def test_an_offer_refuses_another_organisations_roadmap_item(access, org_b, member, access_of):
    from capnr.roadmap import services as roadmap_services

    other = access_of(member(org_b), org_b)
    foreign_item = roadmap_services.item_create(
        access=other, fields={"title": "Bravo item", "theme": "strategy"}
    )
    with pytest.raises(PermissionDenied):
        services.offer_create(
            access=access,
            fields={
                "kind": OfferKind.OWN,
                "title": "x",
                "duration_hours": Decimal("1"),
                "plan_item": foreign_item,
            },
        )


def test_a_reader_cannot_create_an_offer(agent_access):
    with pytest.raises(PermissionDenied):
        services.offer_create(
            access=agent_access,
            fields={"kind": OfferKind.OWN, "title": "x", "duration_hours": Decimal("1")},
        )


def test_a_session_must_end_after_it_starts(access, offer):
    starts = timezone.now() + dt.timedelta(days=1)
    with pytest.raises(ValidationError) as caught:
        services.session_create(
            access=access,
            offer=offer,
            fields={
                "starts_at": starts,
                "ends_at": starts,
                "capacity": 5,
                "trainer_name": "T",
            },
        )
    assert "ends_at" in caught.value.message_dict


# --- Registrations and the waiting list -----------------------------------------------------


def test_registrations_beyond_the_capacity_go_to_the_waiting_list_in_order(
    hr_access, hr, make_session, named
):
    session = make_session(capacity=2)
    for name in ("Ann", "Bob", "Cat", "Dan"):
        register(hr_access, session, named(name), hr)
    assert statuses(session) == {
        "Ann": ("registered", None),
        "Bob": ("registered", None),
        "Cat": ("waiting", 1),
        "Dan": ("waiting", 2),
    }


def test_cancelling_a_place_moves_the_first_waiting_person_up(hr_access, hr, make_session, named):
    session = make_session(capacity=2)
    ann, *_ = [register(hr_access, session, named(n), hr) for n in ("Ann", "Bob", "Cat", "Dan")]
    promoted = services.registration_cancel(access=hr_access, registration=ann, by=hr)
    assert [str(registration.trainee) for registration in promoted] == ["Cat"]
    assert statuses(session) == {
        "Ann": ("cancelled", None),
        "Bob": ("registered", None),
        "Cat": ("registered", None),
        "Dan": ("waiting", 2),
    }


def test_leaving_the_waiting_list_moves_nobody_up(hr_access, hr, make_session, named):
    session = make_session(capacity=1)
    rows = [register(hr_access, session, named(n), hr) for n in ("Ann", "Bob", "Cat")]
    assert services.registration_cancel(access=hr_access, registration=rows[1], by=hr) == []
    assert statuses(session)["Cat"] == ("waiting", 2)
    rows[0].refresh_from_db()
    services.registration_cancel(access=hr_access, registration=rows[0], by=hr)
    assert statuses(session)["Cat"] == ("registered", None)


def test_more_places_move_the_waiting_list_up_and_fewer_than_registered_is_refused(
    hr_access, hr, make_session, named
):
    session = make_session(capacity=1)
    for name in ("Ann", "Bob", "Cat"):
        register(hr_access, session, named(name), hr)
    with pytest.raises(ValidationError) as caught:
        services.session_update(
            access=hr_access, session=session, expected_version=1, fields={"capacity": 0}
        )
    assert "capacity" in caught.value.message_dict
    promoted = services.session_update(
        access=hr_access, session=session, expected_version=1, fields={"capacity": 3}
    )
    assert sorted(str(row.trainee) for row in promoted) == ["Bob", "Cat"]


def test_a_person_is_registered_once(hr_access, hr, make_session, named):
    session = make_session(capacity=1)
    register(hr_access, session, named("Ann"), hr)
    with pytest.raises(ValidationError, match="already registered"):
        register(hr_access, session, named("ann"), hr)  # the same person, letter case aside
    register(hr_access, session, named("Bob"), hr)
    with pytest.raises(ValidationError, match="already on the waiting list"):
        register(hr_access, session, named("Bob"), hr)


def test_registering_again_after_cancelling_is_allowed(hr_access, hr, make_session, named):
    session = make_session(capacity=1)
    first = register(hr_access, session, named("Ann"), hr)
    services.registration_cancel(access=hr_access, registration=first, by=hr)
    again = register(hr_access, session, named("Ann"), hr)
    assert again.status == RegistrationStatus.REGISTERED and again.pk != first.pk


def test_registration_for_a_past_session_is_refused_with_the_reason(
    hr_access, hr, make_session, named
):
    session = make_session(days=-1)
    with pytest.raises(ValidationError, match="registrations are closed") as caught:
        register(hr_access, session, named("Ann"), hr)
    assert "started on" in caught.value.messages[0]
    assert not Registration.objects.exists()


def test_registration_for_a_cancelled_session_is_refused_with_the_reason(
    hr_access, hr, make_session, named
):
    session = make_session()
    services.session_cancel(access=hr_access, session=session)
    with pytest.raises(ValidationError, match="was cancelled"):
        register(hr_access, session, named("Ann"), hr)


def test_an_agent_registers_themselves_but_nobody_else(
    agent_access, agent, make_session, named, hr
):
    session = make_session()
    mine = services.trainee_for_user(access=agent_access, user=agent)
    registration = register(agent_access, session, mine, agent)
    assert registration.status == RegistrationStatus.REGISTERED
    with pytest.raises(PermissionDenied):
        register(
            agent_access, session, services.trainee_for_user(access=agent_access, user=hr), agent
        )
    with pytest.raises(PermissionDenied):
        services.trainee_for_name(access=agent_access, name="Someone", department=None)


def test_an_agent_cancels_only_their_own_registration(
    agent_access, agent, hr_access, hr, make_session, named
):
    session = make_session()
    other = register(hr_access, session, named("Ann"), hr)
    with pytest.raises(PermissionDenied):
        services.registration_cancel(access=agent_access, registration=other, by=agent)
    mine = register(
        agent_access, session, services.trainee_for_user(access=agent_access, user=agent), agent
    )
    services.registration_cancel(access=agent_access, registration=mine, by=agent)
    mine.refresh_from_db()
    assert mine.status == RegistrationStatus.CANCELLED


def test_someone_outside_the_organisation_cannot_be_a_trainee(access, org_b, member):
    with pytest.raises(ValidationError, match="not a member"):
        services.trainee_for_user(access=access, user=member(org_b))


def test_registrations_of_another_organisation_are_refused(
    access, make_session, org_b, member, access_of
):
    session = make_session()
    outsider = member(org_b)
    other = access_of(outsider, org_b)
    with pytest.raises(PermissionDenied):
        services.registration_create(
            access=other,
            session=session,
            trainee=services.trainee_for_user(access=other, user=outsider),
            by=outsider,
        )


def test_a_session_that_started_cannot_be_cancelled_or_left(hr_access, hr, make_session, named):
    session = make_session(days=1)
    registration = register(hr_access, session, named("Ann"), hr)
    session.starts_at = timezone.now() - dt.timedelta(minutes=5)
    session.ends_at = timezone.now() + dt.timedelta(hours=1)
    session.save()
    with pytest.raises(ValidationError, match="already started"):
        services.session_cancel(access=hr_access, session=session)
    with pytest.raises(ValidationError, match="mark the person absent"):
        services.registration_cancel(access=hr_access, registration=registration, by=hr)


# --- Attendance -----------------------------------------------------------------------------


def started(session):
    session.starts_at = timezone.now() - dt.timedelta(hours=1)
    session.ends_at = timezone.now() + dt.timedelta(hours=1)
    session.save()
    return session


def test_attendance_is_typed_in_from_the_printed_sheet(hr_access, hr, make_session, named):
    session = make_session(days=1, capacity=2)
    ann, bob, cat = (register(hr_access, session, named(n), hr) for n in ("Ann", "Bob", "Cat"))
    started(session)
    changed = services.attendance_record(
        access=hr_access,
        session=session,
        marks={ann.pk: Attendance.PRESENT, bob.pk: Attendance.ABSENT},
        source=AttendanceSource.SHEET,
    )
    assert changed == 2
    ann.refresh_from_db()
    bob.refresh_from_db()
    assert (ann.attended, ann.attendance_source) == ("present", "sheet")
    assert (bob.attended, bob.attendance_source) == ("absent", "sheet")
    with pytest.raises(ValidationError, match="not places of this session"):
        services.attendance_record(
            access=hr_access,
            session=session,
            marks={cat.pk: Attendance.PRESENT},  # still waiting: no place
            source=AttendanceSource.ROOM,
        )


def test_attendance_waits_for_the_session_to_start(hr_access, hr, make_session, named):
    session = make_session(days=2)
    ann = register(hr_access, session, named("Ann"), hr)
    with pytest.raises(ValidationError, match="once the session has started"):
        services.attendance_record(
            access=hr_access,
            session=session,
            marks={ann.pk: Attendance.PRESENT},
            source=AttendanceSource.ROOM,
        )


def test_a_reader_cannot_take_attendance(agent_access, hr_access, hr, make_session, named):
    session = make_session(days=1)
    ann = register(hr_access, session, named("Ann"), hr)
    started(session)
    with pytest.raises(PermissionDenied):
        services.attendance_record(
            access=agent_access,
            session=session,
            marks={ann.pk: Attendance.PRESENT},
            source=AttendanceSource.ROOM,
        )


# --- The self-assessment --------------------------------------------------------------------


def test_an_answer_keeps_no_identity_and_only_the_campaigns_own_places(access, site, org_b):
    campaign = services.campaign_create(access=access, name="Spring")
    response = services.skills_answer(
        campaign=campaign, site_id=site.pk, department_id=None, levels={"email": 0}
    )
    fields = {field.name for field in SkillsResponse._meta.concrete_fields}
    assert fields == {"id", "campaign", "site", "department", "answers", "submitted_on"}
    assert response.answers == {"email": 0}
    other_site = org_b.sites.get()
    with pytest.raises(ValidationError) as caught:
        services.skills_answer(
            campaign=campaign, site_id=other_site.pk, department_id=None, levels={"email": 0}
        )
    assert "site" in caught.value.message_dict


def test_answers_out_of_the_choices_are_refused(access):
    campaign = services.campaign_create(access=access, name="Spring")
    for levels in ({"email": 7}, {"no_such_question": 1}, {}):
        with pytest.raises(ValidationError):
            services.skills_answer(
                campaign=campaign, site_id=None, department_id=None, levels=levels
            )
    assert not SkillsResponse.objects.exists()


def test_a_closed_campaign_takes_no_more_answers(access):
    campaign = services.campaign_create(access=access, name="Spring")
    services.campaign_close(access=access, campaign=campaign)
    with pytest.raises(ValidationError, match="closed"):
        services.skills_answer(
            campaign=campaign, site_id=None, department_id=None, levels={"email": 1}
        )


def test_an_agent_without_an_account_is_kept_to_a_name_and_a_department():
    fields = {field.name for field in Trainee._meta.concrete_fields}
    assert fields == {
        "id",
        "organisation",
        "user",
        "name",
        "department",
        "created_at",
        "erased_at",
    }


# --- Personal data: erasure and retention ---------------------------------------------------


def test_erasing_a_name_keeps_the_registrations_for_the_figures(hr_access, hr, make_session, named):
    session = make_session()
    registration = register(hr_access, session, named("Ann Erased"), hr)
    services.trainee_erase(access=hr_access, trainee=registration.trainee)
    trainee = Trainee.objects.get(pk=registration.trainee_id)
    assert (trainee.name, trainee.user, str(trainee)) == ("", None, "(name erased)")
    assert trainee.erased_at is not None
    assert Registration.objects.filter(pk=registration.pk).exists()
    with pytest.raises(ValidationError, match="already erased"):
        services.trainee_erase(access=hr_access, trainee=trainee)


def test_a_reader_cannot_erase_a_name(agent_access, named):
    with pytest.raises(PermissionDenied):
        services.trainee_erase(access=agent_access, trainee=named("Ann"))


def test_names_are_erased_after_the_organisations_retention_period(
    access, hr_access, hr, make_session, named
):
    services.policy_save(access=access, retention_months=12)
    old = make_session(days=1)
    recent = make_session(days=2)
    kept_by_recent = named("Recent Rita")
    register(hr_access, old, named("Old Oscar"), hr)
    register(hr_access, old, kept_by_recent, hr)
    register(hr_access, recent, kept_by_recent, hr)
    never = named("Never Nina")  # registered nowhere
    later = timezone.now() + dt.timedelta(days=400)
    type(old).objects.filter(pk=old.pk).update(
        starts_at=timezone.now() - dt.timedelta(days=20),
        ends_at=timezone.now() - dt.timedelta(days=20) + dt.timedelta(hours=2),
    )
    type(recent).objects.filter(pk=recent.pk).update(
        starts_at=later - dt.timedelta(days=10), ends_at=later - dt.timedelta(days=10, hours=-2)
    )
    Trainee.objects.update(created_at=timezone.now() - dt.timedelta(days=30))

    assert services.erase_expired_trainees(now=later) == 2
    names = set(Trainee.objects.filter(erased_at__isnull=True).values_list("name", flat=True))
    assert names == {"Recent Rita"}
    assert Trainee.objects.get(pk=never.pk).erased_at is not None
    assert services.erase_expired_trainees(now=later) == 0


def test_the_retention_period_is_the_referents_to_set_within_bounds(access, hr_access):
    with pytest.raises(PermissionDenied):
        services.policy_save(access=hr_access, retention_months=6)
    with pytest.raises(ValidationError):
        services.policy_save(access=access, retention_months=0)
    services.policy_save(access=access, retention_months=6)
    assert services.retention_months_of(access.organisation) == 6


# --- The programme's figures ----------------------------------------------------------------


def test_the_figures_count_people_present_and_their_hours_by_site_and_department(
    hr_access, hr, make_session, named, org_a
):
    from capnr.training import selectors

    org_a.headcount = 40
    org_a.save()
    first, second = make_session(days=1), make_session(days=2)
    ann = register(hr_access, first, named("Ann"), hr)
    bob = register(hr_access, first, named("Bob"), hr)
    ann_again = register(hr_access, second, named("Ann"), hr)
    for session in (first, second):
        started(session)
    services.attendance_record(
        access=hr_access,
        session=first,
        marks={ann.pk: Attendance.PRESENT, bob.pk: Attendance.ABSENT},
        source=AttendanceSource.ROOM,
    )
    services.attendance_record(
        access=hr_access,
        session=second,
        marks={ann_again.pk: Attendance.PRESENT},
        source=AttendanceSource.SHEET,
    )
    figures = selectors.programme_figures(access=hr_access, unknown="?")
    assert (figures.people, figures.hours, figures.share_percent) == (1, 7.0, 2)
    assert [(row.name, row.people, row.hours) for row in figures.by_site] == [
        ("Alpha hidden site", 1, 7.0)
    ]
    assert [(row.name, row.people) for row in figures.by_department] == [
        ("Alpha hidden department", 1)
    ]


def test_reminders_go_once_the_day_before_to_people_with_an_account(
    agent_access, agent, hr_access, hr, make_session, named, mailoutbox
):
    session = make_session(days=1)
    services.registration_create(
        access=agent_access,
        session=session,
        trainee=services.trainee_for_user(access=agent_access, user=agent),
        by=agent,
    )
    services.registration_create(access=hr_access, session=session, trainee=named("No Mail"), by=hr)
    day_before = session.starts_at - dt.timedelta(days=1)
    assert services.send_session_reminders(now=day_before) == 1
    assert [message.to for message in mailoutbox] == [[agent.email]]
    assert "Digital basics" in mailoutbox[0].subject
    assert services.send_session_reminders(now=day_before) == 0
