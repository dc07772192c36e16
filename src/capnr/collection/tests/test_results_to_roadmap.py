"""A campaign's results written on the roadmap item it carries out: items collected, estimated
kg and the reuse rate as indicator values by date, written again without duplicates."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from capnr.collection import services
from capnr.engine import collection as engine
from capnr.organisations.models import Role
from capnr.roadmap import services as roadmap_services
from capnr.roadmap.models import KpiMeasurement, KpiTarget

from .conftest import deposit_input

pytestmark = pytest.mark.django_db


@pytest.fixture
def item(access, referent, campaign):
    plan_item = roadmap_services.item_create(
        access=access,
        fields={"title": "Collecter le matériel dormant", "theme": "strategy", "owner": referent},
    )
    campaign.plan_item = plan_item
    campaign.save(update_fields=["plan_item"])
    return plan_item


def values(campaign):
    """The values written, by indicator: items, kg, % (the reuse rate)."""
    campaign.refresh_from_db()
    return {
        name: [(m.date, m.value) for m in kpi.measurements.order_by("date")]
        for name, kpi in (
            ("items", campaign.kpi_items),
            ("kg", campaign.kpi_kg),
            ("%", campaign.kpi_reuse),
        )
    }


def test_results_become_the_items_indicator_values_once_per_day(
    access, referent, campaign, point, teams, item
):
    services.deposit_declare(point=point, data=deposit_input(teams[0], phones=3, laptops=2))
    today = dt.date.today()
    assert services.results_to_roadmap(access=access, user=referent, campaign=campaign) == 2
    kg = engine.estimated_kg({"phones": 3, "laptops": 2})
    # Nothing sorted yet: no reuse rate, its indicator waits without a value.
    assert values(campaign) == {"items": [(today, 5.0)], "kg": [(today, kg)], "%": []}
    services.results_to_roadmap(access=access, user=referent, campaign=campaign)
    assert KpiTarget.objects.filter(item=item).count() == 3
    assert KpiMeasurement.objects.filter(kpi__item=item).count() == 2  # idempotent
    # A later deposit and a sorting the same day replace that day's values.
    services.deposit_declare(point=point, data=deposit_input(teams[1], phones=1))
    for count, outcome in ((3, "donated"), (1, "weee")):
        services.sorting_record(
            access=access,
            user=referent,
            campaign=campaign,
            fields={"date": today, "item_type": "phones", "count": count, "outcome": outcome,
                    "recipient": "Tremplin"},
        )  # fmt: skip
    assert services.results_to_roadmap(access=access, user=referent, campaign=campaign) == 3
    assert values(campaign)["items"] == [(today, 6.0)]
    assert values(campaign)["%"] == [(today, 75.0)]  # 3 reused of 4 sorted
    # Another day adds a value beside the first.
    yesterday = today - dt.timedelta(days=1)
    services.results_to_roadmap(access=access, user=referent, campaign=campaign, date=yesterday)
    assert [day for day, _ in values(campaign)["items"]] == [yesterday, today]


def test_a_deleted_indicator_is_created_again(access, referent, campaign, item):
    services.results_to_roadmap(access=access, user=referent, campaign=campaign)
    campaign.refresh_from_db()
    KpiTarget.objects.filter(pk=campaign.kpi_items_id).delete()
    services.results_to_roadmap(access=access, user=referent, campaign=campaign)
    assert KpiTarget.objects.filter(item=item).count() == 3


def test_without_a_roadmap_item_nothing_is_written(access, referent, campaign):
    with pytest.raises(ValidationError):
        services.results_to_roadmap(access=access, user=referent, campaign=campaign)
    assert not KpiTarget.objects.exists()


def test_only_the_referent_writes_the_results(client, org_a, member, access_of, campaign, item):
    keeper = member(org_a, Role.CONTRIBUTOR)
    with pytest.raises(PermissionDenied):
        services.results_to_roadmap(access=access_of(keeper, org_a), user=keeper, campaign=campaign)
    client.force_login(keeper)
    address = reverse("collection:results_to_roadmap", args=["alpha", campaign.pk])
    assert client.post(address).status_code == 403
    assert not KpiTarget.objects.exists()


def test_the_button_asks_first_then_writes(client, referent, campaign, item):
    client.force_login(referent)
    detail = client.get(reverse("collection:campaign", args=["alpha", campaign.pk]))
    address = reverse("collection:results_to_roadmap", args=["alpha", campaign.pk])
    assert address in detail.content.decode()
    assert client.get(address).status_code == 200
    assert not KpiTarget.objects.exists()
    assert client.post(address).status_code == 302
    assert KpiTarget.objects.filter(item=item).count() == 3
