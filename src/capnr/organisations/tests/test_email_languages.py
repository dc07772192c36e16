"""The organisation's emails are written in each recipient's language (``User.language``,
through core.mail): an invitation to someone who already has an account in another
organisation, the request for a new invitation to the référents; a new address gets French."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core import mail
from django.utils import translation

from capnr.organisations import services
from capnr.organisations.models import Invitation, Role, User

pytestmark = pytest.mark.django_db


def invite(org_a, referent, access_of, email, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return services.invitation_create(
            access=access_of(referent, org_a),
            invited_by=referent,
            email=email,
            role=Role.READER,
            build_accept_url=lambda raw: f"https://capnr.example/invitations/{raw}/",
        )


def test_an_invitation_goes_in_the_language_of_the_account_holding_the_address(
    org_a, org_b, member, access_of, django_capture_on_commit_callbacks
):
    referent = member(org_a)
    emma = member(org_b, Role.READER, language="en")
    invite(org_a, referent, access_of, emma.email, django_capture_on_commit_callbacks)
    invite(org_a, referent, access_of, "new@example.net", django_capture_on_commit_callbacks)
    english, french = mail.outbox
    days = settings.CAPNR_INVITATION_DAYS
    assert english.subject == "Invitation to join Alpha secret agency on Cap NR"
    assert "To accept, open this link:" in english.body
    assert f"It works once, for {days} days." in english.body
    assert french.subject == "Invitation à rejoindre Alpha secret agency sur Cap NR"
    assert f"pendant {days} jours." in french.body


def test_a_request_for_a_new_invitation_reaches_the_referents_once_per_language(
    org_a, member, access_of, django_capture_on_commit_callbacks
):
    referent = member(org_a)
    second = member(org_a)
    english = member(org_a, language="en")
    invitation = invite(
        org_a, referent, access_of, "late@example.net", django_capture_on_commit_callbacks
    )
    mail.outbox.clear()
    assert services.invitation_request_new(invitation=invitation, message_url="https://x/") == 3
    assert len(mail.outbox) == 2  # one per language, each to all who read it
    [in_english] = [message for message in mail.outbox if message.to == [english.email]]
    assert in_english.subject == "late@example.net asks for a new invitation to Alpha secret agency"
    assert "To invite them again, open the members page:" in in_english.body
    [in_french] = [message for message in mail.outbox if english.email not in message.to]
    assert sorted(in_french.to) == sorted([referent.email, second.email])  # together, as before
    assert "demande une nouvelle invitation" in in_french.subject


def test_an_account_created_from_an_invitation_keeps_the_language_it_was_read_in(
    org_a, member, access_of, django_capture_on_commit_callbacks
):
    referent = member(org_a)
    invite(org_a, referent, access_of, "new@example.net", django_capture_on_commit_callbacks)
    raw = mail.outbox[0].body.split("/invitations/")[1].split("/")[0]
    with translation.override("en"):
        services.invitation_accept(
            raw_token=raw, user=None, full_name="New", password="x" * 12, language="en"
        )
    assert User.objects.get(email="new@example.net").language == "en"
    assert Invitation.objects.get().accepted_at is not None


def test_the_language_kept_is_one_cap_nr_speaks(make_user):
    user = make_user()
    assert services.user_language_set(user=user, language="en")
    assert not services.user_language_set(user=user, language="de")
    user.refresh_from_db()
    assert user.language == "en"
