"""The demo's collection challenges: the road agency's finished one, the commune's running one."""

from __future__ import annotations

import pytest
from django.utils import timezone

from capnr.collection import selectors
from capnr.collection.models import Campaign, DepositChange, Erasure
from capnr.web.demo import seed_demo

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_finished_challenge_and_a_running_one():
    seed_demo(password="collection-demo-2025")
    seed_demo(password="collection-demo-2025")  # a second run changes nothing
    agency = Campaign.objects.get(organisation__slug="routes-haut-vallon")
    assert agency.end_date < timezone.localdate()
    assert agency.teams.count() == 8
    assert sum(team.headcount for team in agency.teams.all()) == 600
    assert agency.points.count() == 22
    board = selectors.leaderboard(agency)
    assert 590 <= board.items <= 620
    assert board.teams[0].rank == 1
    assert DepositChange.objects.filter(deposit__point__campaign=agency).count() == 2
    summary = selectors.sorting_summary(agency)
    assert summary.reuse_rate is not None and 0 < summary.reuse_rate < 0.5  # under the target
    assert summary.erased == summary.held_data == 114  # every device that held data
    assert Erasure.objects.filter(batch__campaign=agency).count() == 5
    assert summary.avoided.devices > 0
    commune = Campaign.objects.get(organisation__slug="belrive-sur-lanne")
    assert selectors.is_running(commune)
    assert selectors.leaderboard(commune).deposits == 24
