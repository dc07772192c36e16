"""The share of equipment past its lifetime, as a benchmark figure: read from the inventory's
devices in service with a purchase date (their own planned lifetime, or their category's in the
engine's versioned data), with the same threshold and differencing guard as every figure."""

from __future__ import annotations

import datetime as dt

import pytest

from capnr.coalition.models import CohortMembership
from capnr.engine.reference import reference_data
from capnr.inventory.models import Asset, AssetStatus
from capnr.peers import benchmarks, figures
from capnr.peers.benchmarks import GroupKey

pytestmark = pytest.mark.django_db

TODAY = dt.date.today()


def years_ago(years: float) -> dt.date:
    return TODAY - dt.timedelta(days=round(years * 365.25))


def fleet(organisation, past: int, within: int) -> None:
    """``past`` devices of 8 years and ``within`` of 1 year, each with a planned lifetime of 5,
    plus what must not count: devices without a date and a retired old one."""
    for quantity, age in ((past, 8), (within, 1)):
        if quantity:
            Asset.objects.create(
                organisation=organisation,
                category="laptop",
                name=f"{age} years",
                quantity=quantity,
                purchase_date=years_ago(age),
                lifetime_years=5,
            )
    Asset.objects.create(organisation=organisation, category="laptop", name="undated", quantity=7)
    Asset.objects.create(
        organisation=organisation,
        category="laptop",
        name="retired",
        purchase_date=years_ago(12),
        lifetime_years=5,
        status=AssetStatus.RETIRED,
    )


def test_the_share_counts_dated_devices_in_service_by_quantity(world):
    fleet(world["org_a"], past=3, within=7)
    assert figures.figures_of(world["org_a"])[figures.PAST_LIFETIME] == pytest.approx(30.0)
    assert figures.PAST_LIFETIME not in figures.figures_of(world["cohort_mate"])  # no device


def test_a_device_without_its_own_lifetime_takes_its_categorys_from_the_engine_data(world):
    default = reference_data().parameters[("laptop", "lifetime")].value
    for name, age in (("old", default + 0.5), ("young", default - 0.5)):
        Asset.objects.create(
            organisation=world["org_a"], category="laptop", name=name, purchase_date=years_ago(age)
        )
    assert figures.figures_of(world["org_a"])[figures.PAST_LIFETIME] == pytest.approx(50.0)


def test_hand_computed_quartiles_and_the_differencing_guard(
    world, make_organisation, cohort_2025, cohort_2024
):
    """Five in the 2025 cohort with 0, 10, 20, 50 and 100 % past their lifetime; a sixth, in
    the 2024 cohort of the same coalition, with 30 %.

    Coalition (six): sorted 0, 10, 20, 30, 50, 100; type 7 with h = 5p:
    q1 = x[1] + 0.25 (x[2] - x[1]) = 12.5, median = x[2] + 0.5 (x[3] - x[2]) = 25,
    q3 = x[3] + 0.75 (x[4] - x[3]) = 45.
    The cohort (five: q1 10, median 20, q3 50 alone) is one organisation away from the
    coalition: withheld."""
    cohort = [world["org_a"], world["cohort_mate"]]
    for number in range(3):
        organisation = make_organisation(f"Fleet {number}", headcount=400)
        CohortMembership.objects.create(cohort=cohort_2025, organisation=organisation)
        cohort.append(organisation)
    for organisation, past in zip(cohort, (0, 1, 2, 5, 10), strict=True):
        fleet(organisation, past=past, within=10 - past)
    fleet(world["other_cohort"], past=3, within=7)
    releases = figures.population().releases(figures.PAST_LIFETIME)

    coalition = releases[GroupKey(f"coalition:{cohort_2025.coalition_id}")]
    assert coalition.quartiles is not None and coalition.count == 6
    assert (coalition.quartiles.q1, coalition.quartiles.median, coalition.quartiles.q3) == (
        pytest.approx(12.5),
        pytest.approx(25.0),
        pytest.approx(45.0),
    )
    assert coalition.quartiles.quartile_of(0.0) == 1 and coalition.quartiles.quartile_of(100) == 4
    cohort_release = releases[GroupKey(f"cohort:{cohort_2025.pk}")]
    assert cohort_release.withheld == benchmarks.DIFFERENCING and cohort_release.count == 5
    # The 2024 cohort holds one organisation: too few.
    assert releases[GroupKey(f"cohort:{cohort_2024.pk}")].withheld == benchmarks.TOO_FEW
