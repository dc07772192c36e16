"""Emails to the people concerned: a place freed from the waiting list, a session cancelled
(each in its recipient's language, French by default: test_email_languages.py)."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from capnr.organisations.models import Role
from capnr.training import services
from capnr.training.models import RegistrationStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def colleague(org_a, member):
    return member(org_a, Role.READER, full_name="Clara Collègue", email="clara@example.org")


def test_moving_up_from_the_waiting_list_emails_the_person_with_an_account(
    hr_access,
    hr,
    agent,
    colleague,
    access_of,
    org_a,
    make_session,
    named,
    django_capture_on_commit_callbacks,
):
    session = make_session(capacity=1)
    first = services.registration_create(
        access=hr_access, session=session, trainee=named("Paul Place"), by=hr
    )
    waiting = services.registration_create(
        access=hr_access,
        session=session,
        trainee=services.trainee_for_user(access=hr_access, user=colleague),
        by=hr,
    )
    services.registration_create(
        access=hr_access, session=session, trainee=named("Nina Without"), by=hr
    )
    assert waiting.status == RegistrationStatus.WAITING
    with django_capture_on_commit_callbacks(execute=True):
        promoted = services.registration_cancel(access=hr_access, registration=first, by=hr)
    assert [row.pk for row in promoted] == [waiting.pk]
    assert [message.to for message in mail.outbox] == [["clara@example.org"]]
    message = mail.outbox[0]
    assert message.subject.startswith("Une place pour vous : « Digital basics » du ")
    assert "vous n'êtes plus sur la liste d'attente" in message.body
    assert "Room 2" in message.body


def test_an_agent_without_an_account_moving_up_gets_no_email(
    hr_access, hr, make_session, named, django_capture_on_commit_callbacks
):
    session = make_session(capacity=1)
    first = services.registration_create(
        access=hr_access, session=session, trainee=named("Paul Place"), by=hr
    )
    services.registration_create(
        access=hr_access, session=session, trainee=named("Nina Without"), by=hr
    )
    with django_capture_on_commit_callbacks(execute=True):
        promoted = services.registration_cancel(access=hr_access, registration=first, by=hr)
    assert len(promoted) == 1 and mail.outbox == []


def test_more_places_email_everyone_who_moves_up(
    access, hr_access, hr, colleague, agent, make_session, django_capture_on_commit_callbacks
):
    session = make_session(capacity=1)
    for person in (hr, colleague, agent):
        services.registration_create(
            access=hr_access,
            session=session,
            trainee=services.trainee_for_user(access=hr_access, user=person),
            by=hr,
        )
    with django_capture_on_commit_callbacks(execute=True):
        services.session_update(
            access=access, session=session, expected_version=session.version, fields={"capacity": 3}
        )
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        [colleague.email, agent.email]
    )


def test_cancelling_a_session_emails_the_people_with_an_account_and_the_trainer(
    access, hr_access, hr, colleague, make_session, named, django_capture_on_commit_callbacks
):
    session = make_session(capacity=1)
    services.registration_create(
        access=hr_access,
        session=session,
        trainee=services.trainee_for_user(access=hr_access, user=colleague),
        by=hr,
    )
    services.registration_create(
        access=hr_access,
        session=session,
        trainee=services.trainee_for_user(access=hr_access, user=hr),
        by=hr,
    )  # waiting: told too
    services.registration_create(
        access=hr_access, session=session, trainee=named("Nina Without"), by=hr
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.session_cancel(access=access, session=session)
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        ["clara@example.org", hr.email, "tina@example.org"]
    )
    message = mail.outbox[0]
    assert message.subject.startswith("Annulée : « Digital basics » du ")
    assert "n'aura pas lieu" in message.body


def test_a_refused_cancellation_sends_nothing(
    access, hr_access, hr, colleague, make_session, django_capture_on_commit_callbacks
):
    session = make_session(days=-1)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        services.session_cancel(access=access, session=session)
    assert mail.outbox == []
