"""The organisation's reuse rate counts the devices its inventory marks retired: their outcome is
not recorded, so they join the retired devices (the denominator) and never the reused ones."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.urls import reverse

from capnr.collection import selectors, services
from capnr.inventory.models import Asset, AssetStatus

pytestmark = pytest.mark.django_db


def retire(org, quantity=1, day=None, status=AssetStatus.RETIRED, **numbers):
    return Asset.objects.create(
        organisation=org,
        category="laptop",
        quantity=quantity,
        status=status,
        retirement_date=day,
        **numbers,
    )


@pytest.fixture
def sorted_this_year(access, referent, campaign):
    """This year's campaign: 6 laptops donated, 2 screens recycled, and one phone sorted on its
    own under serial number SN-1 and asset tag INV-7 (refurbished)."""
    day = campaign.end_date
    for kind, count, outcome, recipient in (
        ("laptops", 6, "donated", "Association Tremplin"),
        ("phones", 2, "weee", "Ecologic"),
    ):
        services.sorting_record(
            access=access,
            user=referent,
            campaign=campaign,
            fields={"date": day, "item_type": kind, "count": count, "outcome": outcome,
                    "recipient": recipient},
        )  # fmt: skip
    services.device_record(
        access=access,
        user=referent,
        campaign=campaign,
        data=services.DeviceInput(
            date=day, item_type="phones", outcome="refurbisher", recipient="Reco",
            serial_number="SN-1", asset_tag="INV-7",
        ),
    )  # fmt: skip
    return campaign


def test_retired_inventory_devices_join_the_denominator_only(
    access, org_a, org_b, sorted_this_year
):
    year = sorted_this_year.end_date.year
    retire(org_a, quantity=10, day=dt.date(year, 3, 1))  # counted: retired this year
    retire(org_a, day=dt.date(year, 6, 1), serial_number="SN-1")  # sorted one by one: once
    retire(org_a, day=dt.date(year, 6, 2), inventory_number="INV-7")  # idem, by asset tag
    retire(org_a, quantity=4, day=dt.date(year - 1, 12, 31))  # another year
    retire(org_a, quantity=3)  # no date: left out, said so
    retire(org_a, quantity=5, day=dt.date(year, 2, 1), status=AssetStatus.IN_STOCK)  # not retired
    retire(org_b, quantity=50, day=dt.date(year, 2, 1))  # another organisation
    reuse = selectors.organisation_reuse(access=access, year=year)
    # Sorted: 6 donated + 1 refurbished reused, of 6 + 2 + 1 = 9; retired, unknown outcome: 10.
    # Rate = 7 / (9 + 10) = 7 / 19.
    assert (reuse.sorted_devices, reuse.reused) == (9, 7)
    assert (reuse.retired_outcome_unknown, reuse.retired_undated) == (10, 3)
    assert reuse.rate == pytest.approx(7 / 19)


def test_without_retired_devices_the_rate_is_the_campaigns(access, sorted_this_year):
    reuse = selectors.organisation_reuse(access=access, year=sorted_this_year.end_date.year)
    assert reuse.retired_outcome_unknown == 0
    assert reuse.rate == pytest.approx(7 / 9)
    assert reuse.rate == selectors.sorting_summary(sorted_this_year).reuse_rate


def test_every_campaign_ending_that_year_counts_once(access, referent, sorted_this_year, org_a):
    year = sorted_this_year.end_date.year
    other = services.campaign_create(
        access=access,
        fields={"name": "Second round", "start_date": dt.date(year, 1, 1),
                "end_date": dt.date(year, 1, 31), "item_types": ["screens"]},
    )  # fmt: skip
    services.sorting_record(
        access=access,
        user=referent,
        campaign=other,
        fields={"date": dt.date(year, 2, 1), "item_type": "screens", "count": 11,
                "outcome": "weee", "recipient": "Ecologic"},
    )  # fmt: skip
    retire(org_a, quantity=5, day=dt.date(year, 3, 1))
    reuse = selectors.organisation_reuse(access=access, year=year)
    # 7 reused of 9 + 11 sorted, and 5 retired of unknown outcome: 7 / 25.
    assert reuse.rate == pytest.approx(7 / 25)


def test_the_sorting_page_says_how_the_inventory_is_counted(
    client, referent, org_a, sorted_this_year
):
    year = sorted_this_year.end_date.year
    retire(org_a, quantity=10, day=dt.date(year, 3, 1))
    retire(org_a, quantity=3)
    client.force_login(referent)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    body = client.get(
        reverse("collection:sorting", args=["alpha", sorted_this_year.pk])
    ).content.decode()
    assert "37 %" in body  # 7 / 19 = 36.8 %
    assert "10 devices the inventory marks retired that year, whose outcome is unknown" in body
    assert "3 retired devices of the inventory have no retirement date" in body
