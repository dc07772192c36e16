"""Properties and golden values of the capnr method."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from capnr.engine.footprint import compute_footprint, use_energy_kwh_per_year
from capnr.engine.reference import UsageProfile, reference_data

from .helpers import table

NON_SERVERS = [c.code for c in reference_data().categories if not c.is_server]
NAN = float("nan")


def capnr(assets, **options):
    return compute_footprint(assets, method="capnr", **options)


@pytest.mark.parametrize(
    ("category", "declared", "audited"),
    [
        # Boavizta's PCF database medians (boavizta_pcf, desktops without screen) and the
        # ADN'Ouest field audits quoted by MiNumEco (minumeco), kWh per device and year.
        ("laptop", 18.8, 48),
        ("desktop", 75.2, 151),
    ],
)
def test_office_computers_use_between_declared_and_audited_energy(category, declared, audited):
    data = reference_data()
    energy, _ = use_energy_kwh_per_year(table([category]), data.profile, data)
    value, low, high = energy[0]
    assert declared <= value <= 1.35 * declared  # at most about a third above the median
    assert low < declared and high > audited  # the range covers both kinds of figure


def test_annualised_embodied_is_the_factor_over_the_lifetime():
    result = capnr(table(["laptop"]))
    assert result.impacts[0, 0, 0, 0] == pytest.approx(182.6 / 4)
    assert result.duration_years == 1.0
    lifetime = capnr(table(["laptop"]), lifetime_totals=True)
    assert lifetime.impacts[0, 0, 0, 0] == pytest.approx(182.6)
    assert lifetime.duration_years is None


def test_use_on_the_french_grid_is_small_next_to_manufacturing():
    result = capnr(table(["laptop"]))
    embodied, use = result.impacts[0, 0, 0, 0], result.impacts[0, 0, 1, 0]
    assert use < embodied / 5  # the French lesson: carbon lies in manufacturing


def test_server_room_equipment_pays_the_pue():
    plain = capnr(table(["nas"], pue=[1.0]))
    roomed = capnr(table(["nas"]))
    assert roomed.impacts[0, 3, 1, 0] == pytest.approx(plain.impacts[0, 3, 1, 0] * 1.9)
    assert capnr(table(["laptop"], pue=[2.0])).impacts[0, 3, 1, 0] == pytest.approx(
        2 * capnr(table(["laptop"])).impacts[0, 3, 1, 0]
    )


def test_marginal_scenario_raises_carbon_not_energy():
    average = capnr(table(["desktop"]))
    marginal = capnr(table(["desktop"]), scenario="marginal")
    assert marginal.impacts[0, 0, 1, 0] > 5 * average.impacts[0, 0, 1, 0]
    assert marginal.impacts[0, 3, 1, 0] == pytest.approx(average.impacts[0, 3, 1, 0])


rows = st.tuples(
    st.sampled_from(NON_SERVERS), st.integers(1, 1000), st.one_of(st.none(), st.floats(0.5, 15))
)


@settings(max_examples=80, deadline=None)
@given(fleet=st.lists(rows, min_size=1, max_size=20), duration=st.floats(0.2, 10))
def test_totals_are_the_sum_of_parts_and_bounds_are_ordered(fleet, duration):
    assets = table(
        [r[0] for r in fleet],
        quantity=[float(r[1]) for r in fleet],
        lifetime_years=[NAN if r[2] is None else r[2] for r in fleet],
    )
    result = capnr(assets, duration_years=duration)
    impacts = result.impacts
    defined = ~np.isnan(impacts)
    np.testing.assert_allclose(result.totals(), impacts.sum(axis=0), rtol=1e-12)
    low, value, high = impacts[..., 1], impacts[..., 0], impacts[..., 2]
    ok = defined[..., 0]
    assert np.all(low[ok] <= value[ok] * (1 + 1e-12))
    assert np.all(value[ok] <= high[ok] * (1 + 1e-12))
    _keys, sums = result.breakdown(np.array([r[0] for r in fleet]))
    np.testing.assert_allclose(sums.sum(axis=0), result.totals(), rtol=1e-9)


@settings(max_examples=60, deadline=None)
@given(
    category=st.sampled_from(NON_SERVERS),
    quantity=st.integers(1, 10_000),
    factor=st.integers(2, 50),
)
def test_impacts_scale_linearly_with_quantity(category, quantity, factor):
    one = capnr(table([category], quantity=[float(quantity)])).impacts
    many = capnr(table([category], quantity=[float(quantity * factor)])).impacts
    np.testing.assert_allclose(many, one * factor, rtol=1e-12)


@settings(max_examples=60, deadline=None)
@given(category=st.sampled_from(NON_SERVERS), shorter=st.floats(1, 8), extra=st.floats(0.1, 8))
def test_annualised_embodied_falls_as_lifetime_grows(category, shorter, extra):
    short = capnr(table([category], lifetime_years=[shorter])).impacts[0, :3, 0, 0]
    long = capnr(table([category], lifetime_years=[shorter + extra])).impacts[0, :3, 0, 0]
    assert np.all(long < short)


@settings(max_examples=60, deadline=None)
@given(category=st.sampled_from(NON_SERVERS), before=st.floats(0, 1), after=st.floats(0, 1))
def test_switching_more_devices_off_at_night_never_raises_use_energy(category, before, after):
    data = reference_data()
    high, low = max(before, after), min(before, after)
    assets = table([category])
    more_on, _ = use_energy_kwh_per_year(assets, UsageProfile(225, 10, high), data)
    fewer_on, _ = use_energy_kwh_per_year(assets, UsageProfile(225, 10, low), data)
    assert np.all(fewer_on <= more_on + 1e-12)


def test_given_power_and_hours_replace_the_defaults_and_say_so():
    assets = table(
        ["desktop"],
        power_on_w=[50.0],
        hours_on=[2000.0],
        hours_sleep=[0.0],
        hours_off=[6760.0],
        power_off_w=[0.0],
    )
    result = capnr(assets)
    assert result.impacts[0, 3, 1, 0] == pytest.approx(100.0)  # 50 W × 2,000 h
    assert result.provenance["power"].tolist() == ["input"]
    assert capnr(table(["desktop"])).provenance["power"].tolist() == ["default"]


def test_every_figure_is_defined_for_every_category():
    result = capnr(table(NON_SERVERS))
    assert not np.isnan(result.impacts[:, :3]).any()  # gwp, pe, adpe: embodied and use
    assert not np.isnan(result.impacts[:, 3, 1]).any()  # final energy in use
    assert np.isnan(result.impacts[:, 3, 0]).all()  # final energy has no embodied phase
    assert math.isnan(result.totals()[3, 0, 0])


def test_lifetime_totals_keep_embodied_within_its_own_bounds():
    result = capnr(table(["desktop"]), lifetime_totals=True)
    assert result.impacts[0, 0, 0].tolist() == pytest.approx([204.4, 174, 300])
    use = result.impacts[0, 0, 1]
    assert use[1] < use[0] < use[2]  # use over the short and the long lifetime


def test_given_hours_for_one_state_leave_the_rest_of_the_year_to_the_others():
    data = reference_data()
    energy, _ = use_energy_kwh_per_year(table(["monitor"], hours_on=[5000.0]), data.profile, data)
    on = 5000 * 20 / 1000
    assert on < energy[0, 0] < on + (8760 - 5000) * 0.4 / 1000 + 1e-9


def test_countries_lacking_a_criterion_say_so_instead_of_being_refused():
    result = compute_footprint(table(["laptop"], countries=["HKG"]), method="boavizta")
    assert math.isnan(result.impacts[0, 1, 1, 0])  # no primary-energy factor for Hong Kong
    assert result.impacts[0, 0, 1, 0] > 0


# --- servers -------------------------------------------------------------------------------------

FE, GWP, EMBODIED, USE = 3, 0, 0, 1


def server_table(category: str, texts: dict[str, str] | None = None, **numbers: float):
    """One server row, with optional text columns (archetype, case_type)."""
    assets = table([category], **{name: [value] for name, value in numbers.items()})
    for name, value in (texts or {}).items():
        assets.texts[name] = np.array([value], dtype=np.str_)
    return assets


@pytest.mark.parametrize(
    ("category", "declared"),
    [
        # Manufacturers' declared yearly energy (boavizta_pcf, Dell servers), kWh before PUE:
        # median, 25th percentile; the high bound is the bottom-up model's default archetype.
        ("server_rack", (1760, 1434, 4693)),
        ("server_tower", (859, 853, 4693)),
    ],
)
def test_a_server_of_unknown_make_up_uses_the_declared_median(category, declared):
    result = capnr(server_table(category))
    pue = (1.9, 1.5, 2.5)
    french_mix = (0.073, 0.055, 0.098)  # kgCO2e/kWh: average, low, high
    expected_kwh = [kwh * room for kwh, room in zip(declared, pue, strict=True)]
    assert result.impacts[0, FE, USE].tolist() == pytest.approx(expected_kwh)
    assert result.impacts[0, GWP, USE].tolist() == pytest.approx(
        [kwh * factor for kwh, factor in zip(expected_kwh, french_mix, strict=True)]
    )
    # Embodied impacts still come from the bottom-up model (default archetype, 4 years).
    assert result.impacts[0, GWP, EMBODIED, 0] == pytest.approx(236.94135, rel=1e-6)
    assert result.provenance["power"].tolist() == ["default"]


def test_the_default_servers_high_bound_is_the_bottom_up_models_default_archetype():
    data = reference_data()
    model = compute_footprint(server_table("server_rack"), method="boavizta", duration_years=1.0)
    for category in ("server_rack", "server_tower"):
        high = data.parameters[(category, "yearly_energy")].high
        assert high == pytest.approx(model.impacts[0, FE, USE, 0], abs=0.5)


@pytest.mark.parametrize(
    ("texts", "numbers"),
    [
        ({"archetype": "platform_compute_medium"}, {}),
        ({}, {"time_workload_percent": 50.0}),
        ({}, {"time_workload_percent": 10.0}),
        ({}, {"cpu_units": 1.0}),
        ({}, {"cpu_core_units": 8.0}),
        ({}, {"ram_units": 4.0}),
        ({}, {"ram_capacity_gb": 16.0}),
        ({}, {"ssd_units": 2.0}),
        ({}, {"ssd_capacity_gb": 480.0}),
        ({}, {"hdd_units": 4.0}),
        ({}, {"psu_units": 1.0}),
        ({"archetype": "platform_compute_low"}, {"use_time_ratio": 0.5}),
    ],
)
@pytest.mark.parametrize("category", ["server_rack", "server_tower"])
def test_a_described_server_keeps_the_bottom_up_models_energy(category, texts, numbers):
    assets = server_table(category, texts, **numbers)
    result = capnr(assets)
    # The boavizta method runs the same model without PUE; in France its fe factor is 1.
    model = compute_footprint(assets, method="boavizta", duration_years=1.0)
    kwh = model.impacts[0, FE, USE]
    assert result.impacts[0, FE, USE].tolist() == pytest.approx((kwh * [1.9, 1.5, 2.5]).tolist())
    assert result.provenance["power"].tolist() == ["default"]


def test_the_default_archetype_given_by_name_is_the_former_default():
    # 536 W all year (4,693.44 kWh) × PUE 1.9: data 2026.12.1's figure for every server.
    result = capnr(server_table("server_rack", {"archetype": "platform_compute_medium"}))
    assert result.impacts[0, FE, USE, 0] == pytest.approx(8917.543, rel=1e-6)


def test_a_use_time_ratio_scales_the_declared_default():
    result = capnr(server_table("server_tower", use_time_ratio=0.5))
    assert result.impacts[0, FE, USE].tolist() == pytest.approx(
        [859 * 0.5 * 1.9, 853 * 0.5 * 1.5, 4693 * 0.5 * 2.5]
    )


def test_a_case_type_alone_keeps_the_declared_default():
    # The case changes only the casing's embodied impact, not the power.
    result = capnr(server_table("server_rack", {"case_type": "blade"}))
    assert result.impacts[0, FE, USE, 0] == pytest.approx(1760 * 1.9)


@pytest.mark.parametrize(
    ("texts", "numbers"),
    [({}, {}), ({"archetype": "dellR740"}, {"time_workload_percent": 80.0})],
)
def test_a_measured_server_power_wins_over_every_default(texts, numbers):
    result = capnr(server_table("server_rack", texts, avg_power_w=300.0, **numbers))
    assert result.impacts[0, FE, USE].tolist() == pytest.approx(
        [300 * 8.76 * 1.9, 300 * 8.76 * 1.5, 300 * 8.76 * 2.5]
    )
    assert result.provenance["power"].tolist() == ["input"]


def test_the_boavizta_method_keeps_the_bottom_up_energy_of_an_unknown_server():
    # Boaviztapi 2.5.0's answer for a default server: 536 W all year, no PUE.
    result = compute_footprint(server_table("server_rack"), method="boavizta", duration_years=1.0)
    assert result.impacts[0, FE, USE, 0] == pytest.approx(4693.4437, rel=1e-6)
