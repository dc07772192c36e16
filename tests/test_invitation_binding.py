"""An invitation link works only for the address it was sent to, and asking for a new one from a
dead link tells the référents once per period, not on every click."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from capnr.core.tokens import hash_token
from capnr.organisations import services
from capnr.organisations.models import Invitation, Membership, Role

LINK = "/invitations/the-link/"


@pytest.fixture
def invitation(org_a, member):
    return Invitation.objects.create(
        organisation=org_a,
        email="invited@example.org",
        role=Role.REFERENT,
        token_hash=hash_token("the-link"),
        invited_by=member(org_a),
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "says"),
    [
        ("fr", "Cette invitation est destinée à invited@example.org"),
        ("en", "This invitation is for invited@example.org"),
    ],
)
def test_another_account_cannot_accept_an_invitation_sent_to_someone_else(
    client, org_a, org_b, member, invitation, language, says
):
    outsider = member(org_b, Role.REFERENT)
    client.force_login(outsider)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    page = client.get(LINK)
    assert page.status_code == 403
    text = page.content.decode()
    assert says in text and outsider.email in text
    # It offers to log out and come back to the link.
    assert f'action="{reverse("logout")}"' in text and f'value="{LINK}"' in text
    assert "Accept the invitation" not in text and "Accepter l" not in text

    posted = client.post(LINK)
    assert posted.status_code == 403
    assert not Membership.objects.filter(user=outsider, organisation=org_a).exists()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None and invitation.is_pending


@pytest.mark.django_db
def test_logging_out_from_the_refusal_comes_back_to_the_invitation(
    client, org_b, member, invitation
):
    client.force_login(member(org_b))
    response = client.post(reverse("logout"), {"next": LINK})
    assert response.status_code == 302 and response["Location"] == LINK
    page = client.get(LINK)
    assert page.status_code == 200 and 'name="password1"' in page.content.decode()


@pytest.mark.django_db
def test_the_owner_of_the_invited_address_accepts_while_logged_in(
    client, org_a, make_user, invitation
):
    owner = make_user(email="Invited@Example.org")
    client.force_login(owner)
    page = client.get(LINK)
    assert page.status_code == 200 and 'method="post"' in page.content.decode()
    response = client.post(LINK)
    assert response.status_code == 302
    assert Membership.objects.get(user=owner, organisation=org_a).role == Role.REFERENT


@pytest.mark.django_db
def test_the_service_refuses_an_account_that_does_not_own_the_invited_address(
    org_a, org_b, member, invitation
):
    outsider = member(org_b)
    with pytest.raises(services.InvitationUnusable) as error:
        services.invitation_accept(raw_token="the-link", user=outsider)
    assert error.value.reason == "other_account"
    assert not Membership.objects.filter(user=outsider, organisation=org_a).exists()


@pytest.mark.django_db
def test_asking_again_for_a_new_invitation_is_throttled(client, org_a, member, invitation):
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(days=1)
    )
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    sent_before = len(mail.outbox)
    first = client.post(f"{LINK}request-new/")
    assert first.status_code == 200 and len(mail.outbox) == sent_before + 1
    again = client.post(f"{LINK}request-new/")
    assert again.status_code == 429
    assert "A request was already sent" in again.content.decode()
    assert len(mail.outbox) == sent_before + 1
    # After the interval, one more request goes through.
    Invitation.objects.filter(pk=invitation.pk).update(
        new_invitation_requested_at=timezone.now() - services.NEW_INVITATION_REQUEST_INTERVAL
    )
    assert client.post(f"{LINK}request-new/").status_code == 200
    assert len(mail.outbox) == sent_before + 2
