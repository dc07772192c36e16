"""Each distinct configuration is computed once: the rows get exactly what computing every row
gives (``group=False``), and what computing each row alone gives."""

from __future__ import annotations

import numpy as np
import pytest

from capnr.engine.assets import AssetTable
from capnr.engine.boavizta_server import CASE_TYPES, archetype_names
from capnr.engine.footprint import (
    MethodNotApplicable,
    compute_footprint,
    configurations,
)
from capnr.engine.reference import reference_data

DATA = reference_data()
EVERY = list(DATA.category_codes)
COVERED = [c.code for c in DATA.categories if c.boavizta_archetype]
COUNTRIES = ["FRA", "DEU", "EEE", "HKG", "USA"]
NAN = np.nan
# (column, a few values it takes; NaN = not given, the default applies)
OVERRIDES = {
    "lifetime_years": [NAN, NAN, 4.0, 5.5, 8.0],
    "avg_power_w": [NAN, NAN, NAN, 20.0, 35.5],
    "use_time_ratio": [NAN, NAN, 0.3, 1.0],
    "power_on_w": [NAN, NAN, 40.0],
    "hours_on": [NAN, NAN, 1500.0],
    "pue": [NAN, NAN, 1.4],
    "cpu_units": [NAN, 1.0, 2.0],
    "cpu_core_units": [NAN, 16.0],
    "ram_capacity_gb": [NAN, 32.0],
    "ssd_units": [NAN, 0.0, 2.0],
    "hdd_units": [NAN, 3.0],
    "time_workload_percent": [NAN, 10.0, 80.0],
    "age_years": [NAN, 1.0, 2.0, 3.0],  # a label: never splits a configuration
}
SETTINGS = [
    ("capnr", {}),
    ("capnr", {"lifetime_totals": True}),
    ("capnr", {"duration_years": 3.0}),
    ("capnr", {"scenario": "marginal"}),
    ("boavizta", {}),
    ("boavizta", {"duration_years": 1.0}),
    ("boavizta", {"duration_years": 20.0}),
]


def fleet(
    n: int, categories: list[str], *, seed: int, distinct: bool = False, bounds: bool = True
) -> AssetTable:
    """A fleet of n rows: each repeats one of a few hundred configurations (every input drawn
    from a few values, NaN among them) with its own quantity and labels; or, when ``distinct``,
    with lifetimes all different."""
    rng = np.random.default_rng(seed)
    kinds = 200
    pick = rng.integers(0, kinds, n)
    numbers = {name: rng.choice(values, kinds)[pick] for name, values in OVERRIDES.items()}
    numbers["age_years"] = rng.choice(OVERRIDES["age_years"], n)
    if distinct:
        numbers["lifetime_years"] = rng.uniform(2, 10, n)
    quantity = rng.integers(1, 30, n).astype(np.float64)
    if not distinct:
        quantity[rng.random(n) < 0.1] = 2.5  # fractional quantities are allowed
    low = quantity * rng.choice([0.5, 1.0], n) if bounds else None
    high = quantity * rng.choice([1.0, 2.0], n) if bounds else None
    archetypes = ["", "", *archetype_names()[:3]]
    return AssetTable(
        category=np.array([DATA.category_index(c) for c in rng.choice(categories, kinds)])[pick],
        country=np.array([DATA.countries.index(c) for c in rng.choice(COUNTRIES, kinds)])[pick],
        quantity=quantity,
        quantity_low=low,
        quantity_high=high,
        numbers=numbers,
        texts={
            "archetype": rng.choice(archetypes, kinds).astype(np.str_)[pick],
            "case_type": rng.choice(list(CASE_TYPES), kinds).astype(np.str_)[pick],
            "site": np.array([f"Site {i % 7}" for i in range(n)]),
            "department": rng.choice(["IT", "HR", ""], n).astype(np.str_),
        },
    )


def rows_of(assets: AssetTable, rows: np.ndarray) -> AssetTable:
    return AssetTable(
        category=assets.category[rows],
        country=assets.country[rows],
        quantity=assets.quantity[rows],
        quantity_low=None if assets.quantity_low is None else assets.quantity_low[rows],
        quantity_high=None if assets.quantity_high is None else assets.quantity_high[rows],
        numbers={name: column[rows] for name, column in assets.numbers.items()},
        texts={name: column[rows] for name, column in assets.texts.items()},
    )


def assert_same(grouped: np.ndarray, reference: np.ndarray) -> None:
    assert grouped.shape == reference.shape
    assert np.array_equal(grouped, reference, equal_nan=True)


def assert_close(ours: np.ndarray, theirs: np.ndarray, rel: float = 1e-12) -> None:
    assert np.array_equal(np.isnan(ours), np.isnan(theirs))
    mask = ~np.isnan(theirs)
    np.testing.assert_allclose(ours[mask], theirs[mask], rtol=rel, atol=0)


@pytest.mark.parametrize(("method", "options"), SETTINGS)
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_grouped_rows_equal_every_row_computed(method, options, seed):
    assets = fleet(3000, EVERY if method == "capnr" else COVERED, seed=seed)
    grouped = compute_footprint(assets, method=method, **options)
    assert grouped.configurations < len(assets) / 2  # it did group
    plain = compute_footprint(assets, method=method, group=False, **options)
    assert plain.configurations == len(assets)
    assert_same(grouped.impacts, plain.impacts)
    assert_close(grouped.totals(), plain.totals())
    for labels in (assets.text("site"), assets.category, np.arange(len(assets)) % 13 == 0):
        keys, sums = grouped.breakdown(labels)
        expected_keys, expected = plain.breakdown(labels)
        assert np.array_equal(keys, expected_keys)
        assert_close(sums, expected)
    assert set(grouped.provenance) == set(plain.provenance)
    for name, column in plain.provenance.items():
        assert np.array_equal(grouped.provenance[name], column)


@pytest.mark.parametrize(("method", "options"), SETTINGS)
def test_grouped_rows_equal_each_row_alone(method, options):
    assets = fleet(120, EVERY if method == "capnr" else COVERED, seed=11)
    assets = rows_of(assets, np.tile(np.arange(40), 3))  # every configuration three times
    grouped = compute_footprint(assets, method=method, **options)
    assert grouped.configurations <= 40
    for row in range(len(assets)):
        alone = compute_footprint(rows_of(assets, np.array([row])), method=method, **options)
        assert_same(grouped.impacts[row : row + 1], alone.impacts)


@pytest.mark.parametrize(("method", "options"), SETTINGS)
def test_distinct_rows_are_computed_row_by_row(method, options):
    assets = fleet(2000, EVERY if method == "capnr" else COVERED, seed=5, distinct=True)
    assert configurations(assets) is None
    result = compute_footprint(assets, method=method, **options)
    assert result.configurations == len(assets)
    plain = compute_footprint(assets, method=method, group=False, **options)
    assert_same(result.impacts, plain.impacts)


def test_a_large_mostly_distinct_table_is_recognised_from_a_sample():
    assets = fleet(100_000, EVERY, seed=9, distinct=True, bounds=False)
    assert configurations(assets) is None


def test_labels_and_quantities_do_not_split_configurations():
    n = 500
    rng = np.random.default_rng(4)
    assets = AssetTable(
        category=np.full(n, DATA.category_index("laptop")),
        country=np.full(n, DATA.countries.index("FRA")),
        quantity=rng.integers(1, 50, n).astype(np.float64),
        numbers={"age_years": rng.uniform(0, 5, n)},
        texts={
            "site": np.array([f"Site {i}" for i in range(n)]),
            "department": np.array([f"Dept {i % 17}" for i in range(n)]),
        },
    )
    found = configurations(assets)
    assert found is not None
    inverse, representative = found
    assert len(representative) == 1 and not inverse.any()
    result = compute_footprint(assets)
    assert result.configurations == 1
    assert_same(result.impacts, compute_footprint(assets, group=False).impacts)


def test_nan_is_one_value_and_differs_from_every_number():
    lifetime = np.array([NAN, 4.0, NAN, 4.0, NAN, 0.5, -0.0 + 5.0, 5.0])
    assets = AssetTable(
        category=np.full(8, DATA.category_index("desktop")),
        country=np.full(8, DATA.countries.index("FRA")),
        quantity=np.arange(1.0, 9.0),
        numbers={"lifetime_years": lifetime},
    )
    found = configurations(assets)
    assert found is not None
    inverse, _ = found
    assert inverse[0] == inverse[2] == inverse[4]
    assert inverse[1] == inverse[3] != inverse[0]
    assert inverse[6] == inverse[7]
    assert len(set(inverse.tolist())) == 4
    assert_same(compute_footprint(assets).impacts, compute_footprint(assets, group=False).impacts)


def test_texts_that_matter_split_configurations():
    n = 400
    rng = np.random.default_rng(8)
    assets = AssetTable(
        category=np.full(n, DATA.category_index("server_rack")),
        country=np.full(n, DATA.countries.index("FRA")),
        quantity=np.ones(n),
        texts={
            "archetype": rng.choice(list(archetype_names()[:4]), n).astype(np.str_),
            "case_type": rng.choice(["rack", "blade"], n).astype(np.str_),
        },
    )
    grouped = compute_footprint(assets)
    assert grouped.configurations == 8
    assert_same(grouped.impacts, compute_footprint(assets, group=False).impacts)


def test_an_uncovered_row_is_named_by_its_line_in_the_file():
    n = 300
    category = np.full(n, DATA.category_index("laptop"))
    category[[17, 250]] = DATA.category_index("switch")
    assets = AssetTable(
        category=category,
        country=np.full(n, DATA.countries.index("FRA")),
        quantity=np.ones(n),
        source_rows=np.arange(10, 10 + n),
    )
    with pytest.raises(MethodNotApplicable) as caught:
        compute_footprint(assets, method="boavizta")
    assert caught.value.rows == [27, 260]


def test_an_empty_fleet_has_zero_totals():
    assets = AssetTable(
        category=np.zeros(0, dtype=np.intp),
        country=np.zeros(0, dtype=np.intp),
        quantity=np.zeros(0),
    )
    result = compute_footprint(assets)
    assert result.impacts.shape == (0, 4, 2, 3)
    assert not result.totals()[:, 1].any()


def test_number_columns_are_numbered_as_numpy_unique_numbers_them() -> None:
    from capnr.engine.footprint import _column_codes

    rng = np.random.default_rng(7)
    common = rng.choice([4.0, 5.0, 7.5, np.nan], 100_000)
    rare = common.copy()
    rare[5] = 3.0  # one value the sample misses: the binary search must not be trusted
    for column in (common, rare):
        bits = np.where(np.isnan(column), np.nan, column).view(np.uint64)
        distinct, inverse = np.unique(bits, return_inverse=True)
        codes, count = _column_codes(column)
        assert count == len(distinct)
        assert np.array_equal(codes, inverse.reshape(-1))
