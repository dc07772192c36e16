"""The inventory page's figures from one grouped query: devices per category, the age classes
split by planned lifetime, the undated devices; and the age classes named in the user's
language (they were built in French whatever the language)."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import translation

from capnr.inventory import selectors
from capnr.inventory.models import Asset, AssetStatus
from capnr.organisations.models import Role

AS_OF = date(2026, 12, 1)


@pytest.fixture
def access(org_a, org_b, member, access_of):
    def add(organisation, category, quantity, bought=None, lifetime=None, status="in_use"):
        Asset.objects.create(
            organisation=organisation,
            category=category,
            quantity=quantity,
            purchase_date=bought,
            lifetime_years=lifetime,
            status=status,
        )

    add(org_a, "laptop", 3, date(2025, 6, 1))  # 1.5 years: 0–2, within
    add(org_a, "laptop", 2, date(2019, 1, 1), lifetime=5)  # 7.9 years: 6–8, beyond its 5
    add(org_a, "laptop", 4)  # undated
    add(org_a, "monitor", 6, date(2014, 1, 1), lifetime=20)  # 12.9 years: 10+, within its 20
    add(org_a, "monitor", 9, date(2020, 1, 1), status=AssetStatus.RETIRED)  # left out
    add(org_a, "smartphone", 9, date(2023, 12, 1), lifetime=4)  # 3 years: 2–4, within
    add(org_b, "laptop", 100, date(2025, 6, 1))  # another organisation: never counted
    return access_of(member(org_a, Role.READER), org_a)


def test_counts_per_category_largest_first_without_retired_devices_or_other_organisations(
    access,
):
    counts, _classes, undated = selectors.fleet_overview(access=access, as_of=AS_OF)
    assert [(row["category"], row["devices"]) for row in counts] == [
        ("laptop", 9),
        ("smartphone", 9),  # a tie: by code
        ("monitor", 6),
    ]
    assert all(row["label"] for row in counts)
    assert undated == 4
    assert counts == selectors.category_counts(access=access)


def test_age_classes_split_by_each_devices_planned_lifetime(access):
    _counts, classes, _undated = selectors.fleet_overview(access=access, as_of=AS_OF)
    figures = [(c.within, c.beyond) for c in classes]
    assert figures == [(3, 0), (9, 0), (0, 0), (0, 2), (0, 0), (6, 0)]
    assert selectors.age_pyramid(access=access, as_of=AS_OF) == (classes, 4)


def test_age_classes_are_named_in_the_users_language(access):
    with translation.override("fr"):
        french = [c.label for c in selectors.fleet_overview(access=access, as_of=AS_OF)[1]]
    with translation.override("en"):
        english = [c.label for c in selectors.fleet_overview(access=access, as_of=AS_OF)[1]]
    assert french[0] == "0–2 ans" and french[-1] == "10 ans et plus"
    assert english[0] == "0–2 years" and english[-1] == "10 years and more"
