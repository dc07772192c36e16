"""The weekly reminder: routed to each item's owner only, nothing when nothing needs them, at
most once a week; the opt-in page; the job and the command that queues it."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from capnr.organisations.models import Membership, Role
from capnr.roadmap import services
from capnr.roadmap.models import DigestSubscription, PlanItem
from capnr.roadmap.tasks import send_digests

from .export_data import FORMULA, SHUTDOWN, build_plan

pytestmark = pytest.mark.django_db
BASE = "https://capnr.example.org"


@pytest.fixture
def plan(org_a, member, access_of):
    return build_plan(org_a, member, access_of)


def subscribe(plan, access_of, *users):
    for user in users:
        services.digest_subscribe(
            access=access_of(user, plan.organisation), user=user, subscribed=True
        )


def run(today: dt.date | None = None) -> None:
    # The test settings run tasks at once (django-tasks' ImmediateBackend).
    send_digests.enqueue((today or timezone.localdate()).isoformat(), BASE)


def test_each_owner_gets_one_email_with_only_their_own_items(plan, access_of):
    # Olga owns the shutdown (due in 5 days) and an undated item; make the latter stale.
    PlanItem.objects.filter(pk=plan.undated.pk).update(
        last_activity_at=timezone.now() - dt.timedelta(days=90)
    )
    # Paul owns the formula item, due in 40 days: not yet. Bring it within two weeks.
    PlanItem.objects.filter(pk=plan.formula.pk).update(
        due_date=timezone.localdate() + dt.timedelta(days=10)
    )
    subscribe(plan, access_of, plan.olga, plan.paul)
    run()
    assert len(mail.outbox) == 2
    by_recipient = {message.to[0]: message for message in mail.outbox}
    olga = by_recipient[plan.olga.email]
    paul = by_recipient[plan.paul.email]
    assert olga.to == [plan.olga.email] and paul.to == [plan.paul.email]
    assert SHUTDOWN in olga.body and "Former les nouveaux arrivants" in olga.body
    assert FORMULA not in olga.body
    assert f"{BASE}/o/alpha/roadmap/{plan.shutdown.pk}/" in olga.body
    assert FORMULA in paul.body and SHUTDOWN not in paul.body
    assert "Former les nouveaux arrivants" not in paul.body
    # The done item (Paul's, past due) is not a reminder.
    assert "Relever la consigne" not in paul.body
    assert "Alpha secret agency" in olga.subject
    assert f"{BASE}/o/alpha/roadmap/reminders/" in olga.body  # how to stop
    subscriptions = DigestSubscription.objects.filter(organisation=plan.organisation)
    assert all(subscription.last_sent_at is not None for subscription in subscriptions)


def test_people_who_did_not_opt_in_get_nothing(plan, access_of):
    subscribe(plan, access_of, plan.paul)  # Paul has nothing due within two weeks
    run()
    assert mail.outbox == []  # and Olga, who has, did not ask
    assert DigestSubscription.objects.get(user=plan.paul).last_sent_at is None


def test_nothing_due_and_nothing_stale_means_no_email(plan, access_of):
    PlanItem.objects.filter(pk=plan.shutdown.pk).update(
        due_date=timezone.localdate() + dt.timedelta(days=30)
    )
    subscribe(plan, access_of, plan.olga)
    run()
    assert mail.outbox == []


def test_the_digest_is_sent_at_most_once_a_week(plan, access_of):
    subscribe(plan, access_of, plan.olga)
    run()
    run()
    assert len(mail.outbox) == 1
    DigestSubscription.objects.filter(user=plan.olga).update(
        last_sent_at=timezone.now() - dt.timedelta(days=7)
    )
    run()
    assert len(mail.outbox) == 2


def test_someone_who_left_the_organisation_gets_nothing(plan, access_of):
    subscribe(plan, access_of, plan.olga)
    Membership.objects.filter(user=plan.olga).delete()
    run()
    assert mail.outbox == []


def test_the_command_queues_the_job_with_the_sites_address(plan, access_of):
    subscribe(plan, access_of, plan.olga)
    call_command("send_digests", "--base-url", "https://roadmap.example.org/")
    [message] = mail.outbox
    assert f"https://roadmap.example.org/o/alpha/roadmap/{plan.shutdown.pk}/" in message.body


def test_the_digest_is_written_in_french_by_default(plan, access_of):
    subscribe(plan, access_of, plan.olga)
    run()
    [message] = mail.outbox
    assert "Hello" not in message.body and "Cap NR" in message.subject


def _page(client, user):
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client.get(reverse("roadmap:reminders", args=["alpha"]))


def test_an_owner_opts_in_and_out_on_the_reminders_page(client, plan):
    url = reverse("roadmap:reminders", args=["alpha"])
    assert "You do not receive" in _page(client, plan.olga).content.decode()
    response = client.post(url, {"subscribe": "on"})
    assert response.status_code == 302
    assert DigestSubscription.objects.filter(user=plan.olga).exists()
    assert "You receive the weekly reminder." in _page(client, plan.olga).content.decode()
    client.post(url, {})
    assert not DigestSubscription.objects.filter(user=plan.olga).exists()


def test_a_reader_cannot_opt_in(client, plan, member, org_a):
    reader = member(org_a, Role.READER)
    assert _page(client, reader).status_code == 200
    response = client.post(reverse("roadmap:reminders", args=["alpha"]), {"subscribe": "on"})
    assert response.status_code == 403
    assert not DigestSubscription.objects.exists()


def test_the_command_can_send_from_its_own_process(plan, access_of, settings):
    settings.CSRF_TRUSTED_ORIGINS = ["https://capnr.example.org"]
    subscribe(plan, access_of, plan.olga)
    output = io.StringIO()
    call_command("send_digests", "--now", stdout=output)
    assert "1 reminder email(s) sent." in output.getvalue()
    assert f"https://capnr.example.org/o/alpha/roadmap/{plan.shutdown.pk}/" in mail.outbox[0].body
    with pytest.raises(CommandError):
        call_command("send_digests", "--base-url", "capnr.example.org")
