"""The coalition's emails (session invitations and reminders, cohort invitations) are written in
each référent's language (``User.language``, through core.mail)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone, translation

from capnr.coalition import services
from capnr.core.i18n import long_date
from capnr.organisations.models import Role

pytestmark = pytest.mark.django_db


def _long_date(day: dt.date, language: str) -> str:
    with translation.override(language):
        return long_date(day)


def test_a_session_invitation_reaches_each_referent_in_their_language(world, member):
    english = member(world.org_a, Role.REFERENT, language="en")
    session = world.session(title="Atelier", place="Town hall")
    day = timezone.localtime(session.starts_at).date()
    services.session_invitations_send(access=world.access, session=session, build_url=str)
    by_address = {message.to[0]: message for message in mail.outbox}
    assert len(mail.outbox) == 2  # still one message each
    french, in_english = by_address[world.referent.email], by_address[english.email]
    assert french.subject.startswith("Invitation : Atelier, ")
    assert _long_date(day, "fr") in french.subject and _long_date(day, "fr") in french.body
    assert "Lieu" in french.body and "La page de la séance" in french.body
    assert in_english.subject.startswith("Invitation: Atelier, ")
    assert _long_date(day, "en") in in_english.subject and _long_date(day, "en") in in_english.body
    assert "Place" in in_english.body and "The session's page" in in_english.body


def test_the_reminder_follows_each_referents_language(world, member):
    english = member(world.org_a, Role.REFERENT, language="en")
    tomorrow = timezone.make_aware(
        dt.datetime.combine(timezone.localdate() + dt.timedelta(days=1), dt.time(9))
    )
    world.session(starts_at=tomorrow, ends_at=tomorrow + dt.timedelta(hours=2))
    call_command("session_reminders", "--now", "--base-url", "https://capnr.example")
    subjects = {message.to[0]: message.subject for message in mail.outbox}
    assert subjects[world.referent.email].startswith("Rappel : ")
    assert subjects[english.email].startswith("Reminder: ")


def test_a_cohort_invitation_goes_to_the_referents_once_per_language(
    world, org_b, member, django_capture_on_commit_callbacks
):
    english = member(org_b, Role.REFERENT, language="en")
    with django_capture_on_commit_callbacks(execute=True):
        services.cohort_invite_organisation(
            access=world.access,
            cohort=world.cohort,
            slug="bravo",
            invited_by=world.facilitator,
            build_join_url=lambda m: "https://capnr.example/join/",
        )
    by_address = {message.to[0]: message for message in mail.outbox}
    assert len(mail.outbox) == 2
    assert by_address[world.outsider.email].subject.startswith(
        "Trois Rivières invite Bravo commune"
    )
    assert "Accepter ou décliner" in by_address[world.outsider.email].body
    assert by_address[english.email].subject.startswith("Trois Rivières invites Bravo commune")
    assert "Accept or decline:" in by_address[english.email].body
