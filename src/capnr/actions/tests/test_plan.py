"""The roadmap tells the actions app which catalogue actions it holds (``actions.plan``)."""

from __future__ import annotations

import pytest

from capnr.actions import plan
from capnr.organisations.models import Role
from capnr.roadmap import services as roadmap_services

pytestmark = pytest.mark.django_db


def test_the_roadmap_registers_its_items_and_status_labels(org_a, member, access_of):
    access = access_of(member(org_a, Role.REFERENT), org_a)
    item = roadmap_services.item_create(
        access=access, fields={"title": "Night shutdown"}, action_id="use.auto_shutdown"
    )
    roadmap_services.item_create(
        access=access, fields={"title": "Written here", "theme": "strategy"}
    )
    assert plan.planned_actions(access) == {
        "use.auto_shutdown": [(item.pk, "planned", "Night shutdown")]
    }
    assert set(plan.status_labels()) == {"planned", "in_progress", "done", "abandoned"}


def test_without_a_roadmap_no_action_is_planned(org_a, member, access_of, monkeypatch):
    access = access_of(member(org_a, Role.REFERENT), org_a)
    monkeypatch.setattr(plan, "_registered", [])
    assert plan.planned_actions(access) == {}
    assert plan.status_labels() == {}
