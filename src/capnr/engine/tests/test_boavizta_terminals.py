"""The boavizta method against boaviztapi 2.5.0 itself (the oracle), terminal by terminal."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from capnr.engine.footprint import MethodNotApplicable, compute_footprint

from .helpers import table
from .oracle import TERMINALS, terminal_impacts

COUNTRIES = ["FRA", "DEU", "USA", "SWE", "POL", "EEE", "HKG"]
NAN = float("nan")


def assert_matches(ours: np.ndarray, theirs: np.ndarray, rel: float = 1e-9) -> None:
    assert np.array_equal(np.isnan(ours), np.isnan(theirs)), (ours, theirs)
    mask = ~np.isnan(theirs)
    np.testing.assert_allclose(ours[mask], theirs[mask], rtol=rel, atol=0)


def engine_row(
    category: str,
    country: str,
    *,
    duration_years: float | None = None,
    quantity: float = 1.0,
    **overrides: float | None,
) -> np.ndarray:
    numbers = {name: [NAN if value is None else value] for name, value in overrides.items()}
    assets = table([category], countries=[country], quantity=[quantity], **numbers)
    return compute_footprint(assets, method="boavizta", duration_years=duration_years).impacts[0]


@pytest.mark.parametrize("category", sorted(TERMINALS))
@pytest.mark.parametrize("country", COUNTRIES)
@pytest.mark.parametrize("duration_hours", [None, 8760.0, 100_000.0])
def test_every_terminal_archetype_matches_boaviztapi(category, country, duration_hours):
    theirs = terminal_impacts(category, country=country, duration_hours=duration_hours)
    years = None if duration_hours is None else duration_hours / 8760
    assert_matches(engine_row(category, country, duration_years=years), theirs)


@pytest.mark.parametrize("category", sorted(TERMINALS))
def test_usage_overrides_match_boaviztapi(category):
    theirs = terminal_impacts(
        category, country="FRA", lifetime_hours=5 * 8760, avg_power_w=23.5, use_time_ratio=0.45
    )
    ours = engine_row(category, "FRA", lifetime_years=5, avg_power_w=23.5, use_time_ratio=0.45)
    assert_matches(ours, theirs)


def test_golden_values_from_the_research_note():
    laptop = engine_row("laptop", "FRA")
    assert laptop[0, 0, 0] == pytest.approx(181.0, rel=1e-12)
    assert laptop[0, 1].tolist() == pytest.approx([77.2632, 51.5088, 103.0176], rel=1e-12)
    assert laptop[1, 1, 0] == pytest.approx(8900.2476, rel=1e-12)
    assert laptop[2, 0, 0] == pytest.approx(0.0086, rel=1e-12)
    assert laptop[3, 1, 0] == pytest.approx(788.4, rel=1e-12)
    one_year = engine_row("laptop", "FRA", duration_years=1)
    assert one_year[0, 0, 0] == pytest.approx(45.25) and one_year[0, 1, 0] == pytest.approx(19.3158)
    desktop = engine_row("desktop", "FRA")
    assert desktop[0, 1].tolist() == pytest.approx([270.4212, 154.5264, 695.3688], rel=1e-12)
    monitor = engine_row("monitor", "FRA")
    assert monitor[0, 1].tolist() == pytest.approx([93.488472, 33.995808, 169.97904], rel=1e-12)


def test_known_quirks_are_mirrored():
    # Past its lifetime a device's embodied impact stays whole: the allocation ratio caps at 1.
    assert engine_row("laptop", "FRA", duration_years=10)[0, 0, 0] == pytest.approx(181.0)
    # No embodied primary energy for terminals in boaviztapi: we say "not available", not 0.
    assert math.isnan(engine_row("laptop", "FRA")[1, 0, 0])
    # Quantity multiplies everything.
    np.testing.assert_allclose(
        engine_row("monitor", "DEU", quantity=7), 7 * engine_row("monitor", "DEU")
    )


def test_devices_boaviztapi_lacks_are_refused_with_a_clear_message():
    with pytest.raises(MethodNotApplicable, match="printer_mfp"):
        compute_footprint(table(["laptop", "printer_mfp"]), method="boavizta")


fleet_rows = st.tuples(
    st.sampled_from(sorted(TERMINALS)),
    st.sampled_from(COUNTRIES),
    st.one_of(st.none(), st.floats(1, 12)),  # lifetime (years)
    st.one_of(st.none(), st.floats(0.5, 400)),  # average power (W)
    st.one_of(st.none(), st.floats(0.01, 1)),  # use-time ratio
    st.integers(1, 500),  # quantity
)


@settings(max_examples=60, deadline=None)
@given(
    rows=st.lists(fleet_rows, min_size=1, max_size=12),
    duration=st.one_of(st.none(), st.floats(0.1, 15)),
)
def test_random_fleets_match_boaviztapi_row_by_row(rows, duration):
    assets = table(
        [r[0] for r in rows],
        countries=[r[1] for r in rows],
        quantity=[float(r[5]) for r in rows],
        lifetime_years=[NAN if r[2] is None else r[2] for r in rows],
        avg_power_w=[NAN if r[3] is None else r[3] for r in rows],
        use_time_ratio=[NAN if r[4] is None else r[4] for r in rows],
    )
    ours = compute_footprint(assets, method="boavizta", duration_years=duration).impacts
    for index, (category, country, life, power, ratio, quantity) in enumerate(rows):
        theirs = terminal_impacts(
            category,
            country=country,
            duration_hours=None if duration is None else duration * 8760,
            lifetime_hours=None if life is None else life * 8760,
            avg_power_w=power,
            use_time_ratio=ratio,
        )
        assert_matches(ours[index], theirs * quantity)
