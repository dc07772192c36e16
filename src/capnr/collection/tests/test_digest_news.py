"""The collection challenge's milestones in the weekly digest of those who opted in: a campaign
reaching 100 items, a department overtaking another by items per agent, on fixed data."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone, translation

from capnr.collection import digest, services
from capnr.collection.models import Deposit
from capnr.organisations.models import Role
from capnr.roadmap import services as roadmap_services
from capnr.roadmap.tasks import send_digests

from .conftest import deposit_input

pytestmark = pytest.mark.django_db
BASE = "https://capnr.example.org"


def declare(point, team, at, **counts):
    deposit = services.deposit_declare(point=point, data=deposit_input(team, **counts))
    Deposit.objects.filter(pk=deposit.pk).update(created_at=at)
    return deposit


@pytest.fixture
def week(point, teams):
    """Until yesterday: the finance department (40 agents) brought 90 items (2.25 per agent),
    the workshop (5 agents) nothing. Today the workshop brings 12 (2.4 per agent): the campaign
    passes 100 items and the workshop overtakes the finance department."""
    today = timezone.localdate()
    since = today - dt.timedelta(days=1)
    earlier = digest._end_of(since) - dt.timedelta(hours=1)
    finance, workshop = teams
    declare(point, finance, earlier, phones=45)
    declare(point, finance, earlier, laptops=45)
    declare(point, workshop, timezone.now(), phones=12)
    return since, today


def test_the_milestone_and_the_overtaking_are_news(campaign, teams, week):
    since, today = week
    with translation.override("en"):
        news = digest.campaign_news(campaign, since, today)
    assert news == [
        "Opération tiroirs vides reached 100 items collected.",
        f"Opération tiroirs vides: Atelier overtook {teams[0].name} (items per agent).",
    ]
    # The next week, nothing new: no news.
    assert digest.campaign_news(campaign, today, today) == []


def test_a_removed_deposit_counts_until_it_is_removed(access, referent, campaign, teams, week):
    since, today = week
    removed = Deposit.objects.filter(team=teams[1]).get()
    services.deposit_remove(access=access, user=referent, deposit=removed, reason="double")
    # Today's deposit is gone: 90 items, the finance department still ahead. No news.
    assert digest.campaign_news(campaign, since, today) == []


def test_the_news_reach_the_digest_of_those_who_opted_in(org_a, member, access_of, campaign, week):
    _since, today = week
    # A first digest tells the week's news: the finance department's deposits a week before.
    Deposit.objects.exclude(team__name="Atelier").update(
        created_at=timezone.now() - dt.timedelta(days=8)
    )
    agent = member(org_a, Role.CONTRIBUTOR, full_name="Colette Contributrice")
    roadmap_services.digest_subscribe(access=access_of(agent, org_a), user=agent, subscribed=True)
    member(org_a, Role.CONTRIBUTOR)  # did not opt in
    send_digests.enqueue(today.isoformat(), BASE)
    assert len(mail.outbox) == 1  # no roadmap item of hers: the news alone make the email
    body = mail.outbox[0].body
    assert mail.outbox[0].to == [agent.email]
    assert "Défi de collecte :" in body
    assert "Opération tiroirs vides a atteint 100 objets collectés." in body
    assert "Atelier a dépassé" in body
    assert f"{BASE}/o/alpha/collection/{campaign.pk}/" in body
    assert "Gaëlle" not in body  # the box's keeper: no personal data
