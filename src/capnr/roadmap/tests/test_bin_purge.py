"""The roadmap bin is emptied for good after 30 days: the rule, the daily job and the command
that queues it (the cron line of the README)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from capnr.organisations.models import Role
from capnr.roadmap import services
from capnr.roadmap.models import JournalEntry, PlanItem
from capnr.roadmap.tasks import purge_bin

pytestmark = pytest.mark.django_db


@pytest.fixture
def bins(org_a, org_b, member, access_of):
    """In each organisation: a live item, one deleted 29 days ago and one deleted 31 days ago."""
    made = {}
    for organisation in (org_a, org_b):
        referent = member(organisation, Role.REFERENT)
        access = access_of(referent, organisation)
        for age in (None, 29, 31):
            title = f"{organisation.slug} {'live' if age is None else f'{age} days'}"
            item = services.item_create(access=access, fields={"title": title, "theme": "strategy"})
            services.journal_add(
                access=access, item=item, user=referent, date=dt.date.today(), text="Started."
            )
            if age is not None:
                services.item_delete(access=access, item=item)
                deleted_at = timezone.now() - dt.timedelta(days=age)
                PlanItem.objects.filter(pk=item.pk).update(deleted_at=deleted_at)
            made[title] = item
    return made


def titles() -> set[str]:
    return set(PlanItem.objects.values_list("title", flat=True))


KEPT = {"alpha live", "alpha 29 days", "bravo live", "bravo 29 days"}


def test_items_in_the_bin_over_30_days_go_for_good_with_their_journal(bins):
    assert services.purge_bin() == 2
    assert titles() == KEPT
    assert JournalEntry.objects.count() == 4
    assert services.purge_bin() == 0


def test_the_cut_off_is_30_days_before_the_run(bins):
    # Two days later, the items deleted 29 days ago have been in the bin for 31 days.
    assert services.purge_bin(now=timezone.now() + dt.timedelta(days=2)) == 4
    assert titles() == {"alpha live", "bravo live"}


def test_the_job_purges_and_leaves_live_and_recent_items_of_every_organisation(bins):
    # The test settings run tasks at once (django-tasks' ImmediateBackend).
    result = purge_bin.enqueue()
    assert result.return_value == 2
    assert titles() == KEPT


def test_the_daily_command_queues_the_job(bins):
    output = io.StringIO()
    call_command("purge_roadmap_bin", stdout=output)
    assert "Bin purge queued for the worker" in output.getvalue()
    assert titles() == KEPT


def test_the_command_can_purge_from_its_own_process(bins):
    output = io.StringIO()
    call_command("purge_roadmap_bin", "--now", stdout=output)
    assert "2 roadmap item(s) purged from the bin." in output.getvalue()
    assert titles() == KEPT
