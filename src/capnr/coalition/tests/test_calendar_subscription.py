"""A person's secret calendar address: made, shown once, renewed and revoked after a
confirmation; without a log-in it gives the sessions of their own cohorts only."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from capnr.coalition import services
from capnr.coalition.models import CalendarSubscription, Cohort, CohortMembership, Session
from capnr.core.tokens import hash_token

pytestmark = pytest.mark.django_db

PAGE = reverse("coalition:calendar_subscription")
RENEW = reverse("coalition:calendar_subscription_renew")
REVOKE = reverse("coalition:calendar_subscription_revoke")


def feed(raw: str) -> str:
    return reverse("coalition:personal_calendar_feed", args=[raw])


def shown_address(body: str) -> str:
    found = re.search(r'value="(http[^"]+\.ics)"', body)
    assert found, "the new address is shown"
    return found.group(1)


def test_the_address_is_made_shown_once_and_stored_hashed(client, world):
    client.force_login(world.reader)
    client.cookies["django_language"] = "en"
    assert "You have no calendar address yet." in client.get(PAGE).content.decode()
    made = client.post(RENEW)
    assert made.status_code == 200
    address = shown_address(made.content.decode())
    raw = address.rsplit("/", 1)[1].removesuffix(".ics")
    stored = CalendarSubscription.objects.get(user=world.reader)
    assert stored.token_hash == hash_token(raw) and raw not in stored.token_hash
    page = client.get(PAGE).content.decode()
    assert raw not in page and "You have a calendar address since" in page


def test_renewing_and_revoking_ask_first_and_the_old_address_stops_working(client, world):
    client.force_login(world.reader)
    client.cookies["django_language"] = "en"
    raw = services.calendar_subscription_renew(user=world.reader)
    asked = client.get(RENEW).content.decode()
    assert "Make a new calendar address?" in asked
    assert CalendarSubscription.objects.get(user=world.reader).token_hash == hash_token(raw)
    new_raw = shown_address(client.post(RENEW).content.decode()).rsplit("/", 1)[1][:-4]
    assert client.get(feed(raw)).status_code == 404
    assert client.get(feed(new_raw)).status_code == 200
    assert "Stop the calendar address?" in client.get(REVOKE).content.decode()
    assert CalendarSubscription.objects.filter(user=world.reader).exists()
    assert client.post(REVOKE).status_code == 302
    assert not CalendarSubscription.objects.filter(user=world.reader).exists()
    assert client.get(feed(new_raw)).status_code == 404
    # Nothing to confirm without an address: back to the page.
    assert client.get(REVOKE).status_code == 302 and client.get(RENEW).status_code == 302


def test_anonymous_visitors_are_sent_to_log_in_to_manage_an_address(client):
    for url in (PAGE, RENEW, REVOKE):
        assert "login" in client.get(url)["Location"]
    assert "login" in client.post(RENEW)["Location"]
    assert not CalendarSubscription.objects.exists()


def test_the_feed_gives_a_member_the_sessions_of_their_organisations_cohorts_only(client, world):
    mine = world.session(days=5, title="Alpha's workshop")
    Session.objects.create(
        cohort=world.other_cohort,
        kind="webinar",
        title="Other coalition's webinar",
        starts_at=mine.starts_at,
        ends_at=mine.ends_at,
    )
    # An invitation not accepted yet is not a cohort of theirs.
    invited = Cohort.objects.create(coalition=world.other_coalition, name="Invited", year=2026)
    CohortMembership.objects.create(cohort=invited, organisation=world.org_a, pending=True)
    Session.objects.create(
        cohort=invited,
        kind="kick_off",
        title="Invited cohort's kick-off",
        starts_at=mine.starts_at,
        ends_at=mine.ends_at,
    )
    response = client.get(feed(services.calendar_subscription_renew(user=world.reader)))
    body = response.content.decode()
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    assert "Alpha's workshop" in body
    assert "Other coalition's webinar" not in body and "Invited cohort's kick-off" not in body
    other = client.get(feed(services.calendar_subscription_renew(user=world.outsider)))
    assert "Other coalition's webinar" in other.content.decode()
    assert "Alpha's workshop" not in other.content.decode()


def test_the_feed_gives_a_facilitator_their_coalitions_sessions_and_a_superuser_only_theirs(
    client, world, make_user
):
    world.session(days=5, title="Alpha's workshop")
    body = client.get(feed(services.calendar_subscription_renew(user=world.facilitator)))
    assert "Alpha's workshop" in body.content.decode()
    other = client.get(feed(services.calendar_subscription_renew(user=world.other_facilitator)))
    assert "Alpha's workshop" not in other.content.decode()
    superuser = make_user(is_superuser=True)
    theirs = client.get(feed(services.calendar_subscription_renew(user=superuser)))
    assert theirs.status_code == 200 and "Alpha's workshop" not in theirs.content.decode()


def test_a_deactivated_accounts_address_answers_nothing(client, world):
    raw = services.calendar_subscription_renew(user=world.reader)
    type(world.reader).objects.filter(pk=world.reader.pk).update(is_active=False)
    assert client.get(feed(raw)).status_code == 404
