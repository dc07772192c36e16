"""The training programme's emails are written in each person's language (``User.language``,
through core.mail); a trainer no account knows gets French, the default."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone, translation

from capnr.core.i18n import long_date
from capnr.organisations.models import Role
from capnr.training import services
from capnr.training.models import SatisfactionLink

pytestmark = pytest.mark.django_db


def _date(session, language: str) -> str:
    with translation.override(language):
        return long_date(timezone.localdate(session.starts_at))


def _register(hr_access, hr, session, user):
    return services.registration_create(
        access=hr_access,
        session=session,
        trainee=services.trainee_for_user(access=hr_access, user=user),
        by=hr,
    )


@pytest.fixture
def anne(org_a, member):
    return member(org_a, Role.READER, email="anne@example.org")


@pytest.fixture
def emma(org_a, member):
    return member(org_a, Role.READER, email="emma@example.org", language="en")


def test_moving_up_is_told_to_each_person_in_their_language(
    access, hr_access, hr, anne, emma, make_session, django_capture_on_commit_callbacks
):
    session = make_session(capacity=1)
    for person in (hr, anne, emma):
        _register(hr_access, hr, session, person)
    with django_capture_on_commit_callbacks(execute=True):
        services.session_update(
            access=access, session=session, expected_version=session.version, fields={"capacity": 3}
        )
    by_address = {message.to[0]: message for message in mail.outbox}
    french, english = by_address[anne.email], by_address[emma.email]
    assert french.subject == f"Une place pour vous : « Digital basics » du {_date(session, 'fr')}"
    assert english.subject == f"A place for you: “Digital basics” of {_date(session, 'en')}"
    assert _date(session, "fr") in french.body and "liste d'attente" in french.body
    assert _date(session, "en") in english.body and "waiting list" in english.body


def test_a_cancelled_session_is_told_in_each_language_and_in_french_to_an_unknown_trainer(
    access, hr_access, hr, anne, emma, make_session, django_capture_on_commit_callbacks
):
    session = make_session(capacity=3)
    _register(hr_access, hr, session, anne)
    _register(hr_access, hr, session, emma)
    with django_capture_on_commit_callbacks(execute=True):
        services.session_cancel(access=access, session=session)
    subjects = {message.to[0]: message.subject for message in mail.outbox}
    assert subjects[anne.email].startswith("Annulée : ")
    assert subjects["tina@example.org"].startswith("Annulée : ")  # no account: French
    assert subjects[emma.email] == f"Cancelled: “Digital basics” of {_date(session, 'en')}"


def test_the_trainer_link_follows_the_language_of_the_account_holding_the_address(
    access, referent, make_user, make_session, django_capture_on_commit_callbacks
):
    make_user("tina@example.org", language="en")
    session = make_session()
    with django_capture_on_commit_callbacks(execute=True):
        services.trainer_link_send(access=access, session=session, by=referent, build_url=str)
    [message] = mail.outbox
    assert message.subject == f"Your session “Digital basics” of {_date(session, 'en')}"
    assert "You are the trainer" in message.body and _date(session, "en") in message.body


def test_satisfaction_links_and_reminders_go_in_each_persons_language(
    access, hr_access, hr, anne, emma, make_session, django_capture_on_commit_callbacks
):
    session = make_session(days=1)
    for person in (anne, emma):
        _register(hr_access, hr, session, person)
    assert services.send_session_reminders(now=session.starts_at - dt.timedelta(days=1)) == 2
    subjects = {message.to[0]: message.subject for message in mail.outbox}
    assert subjects[anne.email].startswith("Rappel : « Digital basics » demain à ")
    assert subjects[emma.email].startswith("Reminder: “Digital basics” tomorrow at ")

    mail.outbox.clear()
    past = make_session(days=3)
    rows = [_register(hr_access, hr, past, person) for person in (anne, emma)]
    past.starts_at -= dt.timedelta(days=4)  # it took place yesterday
    past.ends_at -= dt.timedelta(days=4)
    past.save(update_fields=["starts_at", "ends_at"])
    services.attendance_record(
        access=hr_access, session=past, marks={row.pk: "present" for row in rows}, source="room"
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.satisfaction_links_create(access=access, session=past, build_url=str)
    assert SatisfactionLink.objects.count() == 2
    by_address = {message.to[0]: message for message in mail.outbox}
    assert by_address[anne.email].subject == "Votre avis sur la formation « Digital basics »"
    assert by_address[anne.email].body.startswith("Trois questions")
    assert by_address[emma.email].subject == "Your opinion on the training “Digital basics”"
    assert by_address[emma.email].body.startswith("Three questions, one minute")
