"""The demo's peer exchange: the alumni cohort shares reports (public, coalition-only, one
withdrawn), a 2025 item names one as its inspiration, and a second run changes nothing."""

from __future__ import annotations

import pytest

from capnr.organisations.tenancy import peers as visibility
from capnr.peers.demo import TRAINING, seed_demo_peers
from capnr.peers.models import ExperienceReport, Inspiration

from .conftest import ended_item

pytestmark = pytest.mark.django_db


def test_the_alumni_share_reports_and_a_2025_item_names_its_inspiration(world, cohort_2025):
    training = ended_item(
        world["access_a"], title="Field agents", action_id=TRAINING, status="in_progress"
    )
    seed_demo_peers(coalition=cohort_2025.coalition, inspired=world["org_a"])
    seed_demo_peers(coalition=cohort_2025.coalition, inspired=world["org_a"])  # idempotent
    reports = ExperienceReport.objects.all()
    assert reports.count() == 5
    assert {r.visibility for r in reports} == {"public", "coalition"}
    assert reports.filter(withdrawn_at__isnull=False).count() == 1
    # org_a (2025 cohort, same coalition) reads the public and coalition-only ones.
    assert visibility.reports_visible_to(world["org_a"]).count() == 4
    assert visibility.public_reports().count() == 2
    inspiration = Inspiration.objects.get()
    assert inspiration.item == training and inspiration.report.action_id == TRAINING
