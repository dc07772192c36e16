"""Oracle tests: our vectorised server model against boaviztapi 2.5.0 itself.

boaviztapi (AGPL-3.0) is a test-only dependency: only tests import it, to build the same server
through its own DTO, mapper and ``compute_impacts`` as ``POST /v1/server/`` does, and to compare
the unrounded model values (``model.impacts[criterion][phase].value/.min/.max``).
"""

from __future__ import annotations

import math
import re
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pytest
from boaviztapi.compute.impacts_computation import compute_impacts
from boaviztapi.data.archetype import get_server_archetype
from boaviztapi.data.factor_provider import get_electrical_impact_factor, get_electrical_min_max
from boaviztapi.dto.component import CPU, RAM, Disk, PowerSupply
from boaviztapi.dto.device import Server
from boaviztapi.dto.device.device import ConfigurationServer, ModelServer, mapper_server
from boaviztapi.dto.usage import UsageServer
from boaviztapi.utils.roundit import round_to_sigfig
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from capnr.engine.boavizta_server import (
    CRITERIA,
    PHASES,
    STATS,
    ServerInputs,
    archetype_names,
    round_significant,
    server_impacts,
)

REPO = Path(__file__).resolve().parents[4]
DATA = REPO / "src" / "capnr" / "engine" / "data" / "boavizta"
TOLERANCE = 1e-9
GENERIC = tuple(
    f"platform_{family}_{level}"
    for family in ("compute", "memory", "ssdstorage", "hddstorage")
    for level in ("low", "medium", "high")
)
COUNTRIES = ("FRA", "DEU", "USA")
NUMBER_FIELDS = (
    "cpu_units",
    "cpu_core_units",
    "ram_units",
    "ram_capacity_gb",
    "ssd_units",
    "ssd_capacity_gb",
    "hdd_units",
    "psu_units",
    "lifetime_hours",
    "avg_power_w",
    "use_time_ratio",
    "time_workload_percent",
    "quantity",
)
# Our criterion -> boaviztapi's, per phase choice of adpe_embodied.
THEIR_CRITERIA = {
    "adpe": {"gwp": "gwp", "pe": "pe", "adpe": "adpe", "fe": "fe"},
    "adp": {"gwp": "gwp", "pe": "pe", "adpe": "adp", "fe": "fe"},
}


# ---------------------------------------------------------------------------------------------
# The oracle


def _has_disk(archetype: Mapping[str, Any], section: str) -> bool:
    return archetype.get(section, {}).get("units") not in ({}, {"default": 0}, None)


def boavizta(
    archetype: str,
    country: str | None,
    duration: float | None,
    config: Mapping[str, Any],
    adpe_embodied: str = "adpe",
) -> np.ndarray:
    """boaviztapi's unrounded (4, 2, 3) answer for one server, NaN for "not implemented"."""
    arch = get_server_archetype(archetype)
    assert arch, archetype
    configuration: dict[str, Any] = {}
    if "cpu_units" in config or "cpu_core_units" in config:
        configuration["cpu"] = CPU(
            units=config.get("cpu_units"), core_units=config.get("cpu_core_units")
        )
    if "ram_units" in config or "ram_capacity_gb" in config:
        configuration["ram"] = [
            RAM(units=config.get("ram_units"), capacity=config.get("ram_capacity_gb"))
        ]
    ssd_given = "ssd_units" in config or "ssd_capacity_gb" in config
    if ssd_given or "hdd_units" in config:
        # boaviztapi replaces the whole disk list: send the archetype's other kind as well.
        disks = []
        if ssd_given or _has_disk(arch, "SSD"):
            disks.append(
                Disk(
                    type="ssd",
                    units=config.get("ssd_units"),
                    capacity=config.get("ssd_capacity_gb"),
                )
            )
        if "hdd_units" in config or _has_disk(arch, "HDD"):
            disks.append(Disk(type="hdd", units=config.get("hdd_units")))
        configuration["disk"] = disks
    if "psu_units" in config:
        configuration["power_supply"] = PowerSupply(units=config["psu_units"])
    usage = UsageServer(
        usage_location=country,
        hours_life_time=config.get("lifetime_hours"),
        avg_power=config.get("avg_power_w"),
        use_time_ratio=config.get("use_time_ratio"),
        time_workload=config.get("time_workload_percent"),
    )
    dto = Server(
        model=ModelServer(type=config["case_type"]) if config.get("case_type") else None,
        configuration=ConfigurationServer(**configuration) if configuration else None,
        usage=usage,
    )
    model = mapper_server(dto, archetype=arch)
    if duration is None:  # as routers/server_router.server_impact does
        duration = model.usage.hours_life_time.value
    mapping = THEIR_CRITERIA[adpe_embodied]
    compute_impacts(model, sorted(set(mapping.values())), duration)
    result = np.full((len(CRITERIA), len(PHASES), len(STATS)), np.nan)
    for c, criterion in enumerate(CRITERIA):
        for p, phase in enumerate(("embedded", "use")):
            impact = model.impacts[mapping[criterion]][phase]
            if impact is not None:
                result[c, p] = impact.value, impact.min, impact.max
    return result


def electricity(country: str) -> dict[str, float]:
    return {c: float(get_electrical_impact_factor(country, c)["value"]) for c in CRITERIA}


# ---------------------------------------------------------------------------------------------
# Our side


def inputs_for(rows: Sequence[Mapping[str, Any]]) -> ServerInputs:
    """ServerInputs with NaN / "" wherever a row does not give a field."""
    columns: dict[str, Any] = {
        name: np.array([float(row.get(name, math.nan)) for row in rows], dtype=np.float64)
        for name in NUMBER_FIELDS
    }
    columns["archetype"] = np.array([row.get("archetype", "") for row in rows], dtype=np.str_)
    columns["case_type"] = np.array([row.get("case_type", "") for row in rows], dtype=np.str_)
    return ServerInputs(**columns)


def ours(
    rows: Sequence[Mapping[str, Any]],
    countries: Sequence[str],
    durations: Sequence[float | None] | None,
    *,
    adpe_embodied: Literal["adpe", "adp"] = "adpe",
) -> np.ndarray:
    factors = [electricity(country) for country in countries]
    elec = {c: np.array([f[c] for f in factors]) for c in CRITERIA}
    duration = None
    if durations is not None:
        duration = np.array([math.nan if d is None else d for d in durations], dtype=np.float64)
    return server_impacts(
        inputs_for(rows),
        elec_value=elec,
        elec_low=elec,
        elec_high=elec,
        duration_hours=duration,
        adpe_embodied=adpe_embodied,
    )


def relative_difference(a: np.ndarray, b: np.ndarray) -> float:
    """Largest |a - b| / max(|a|, |b|); inf when only one side is NaN."""
    if not np.array_equal(np.isnan(a), np.isnan(b)):
        return math.inf
    a, b = a[~np.isnan(a)], b[~np.isnan(b)]
    scale = np.maximum(np.abs(a), np.abs(b))
    diff = np.abs(a - b)
    return float(np.max(np.where(scale > 0, diff / np.where(scale > 0, scale, 1), 0), initial=0))


def assert_matches(mine: np.ndarray, theirs: np.ndarray, context: object) -> None:
    difference = relative_difference(mine, theirs)
    assert difference <= TOLERANCE, (context, difference, mine, theirs)


# ---------------------------------------------------------------------------------------------
# Oracle comparisons


def test_covers_the_generic_archetypes() -> None:
    assert archetype_names() == (*GENERIC, "dellR740")


@pytest.mark.parametrize("country", COUNTRIES)
@pytest.mark.parametrize("archetype", archetype_names())
def test_archetypes_match_boaviztapi(archetype: str, country: str) -> None:
    durations = (None, 8760.0, 100000.0)
    rows = [{"archetype": archetype}] * len(durations)
    result = ours(rows, [country] * len(durations), durations)
    for row, duration in enumerate(durations):
        assert_matches(result[row], boavizta(archetype, country, duration, {}), duration)


OVERRIDES: tuple[dict[str, Any], ...] = (
    {"cpu_units": 1},
    {"cpu_units": 4},
    {"cpu_core_units": 24},
    {"cpu_core_units": 7},
    {"cpu_core_units": 64},
    {"cpu_core_units": 1},
    {"ram_units": 4},
    {"ram_capacity_gb": 128},
    {"ram_units": 16, "ram_capacity_gb": 16},
    {"ram_capacity_gb": 0},
    {"ssd_units": 4},
    {"ssd_capacity_gb": 3840},
    {"ssd_units": 0},
    {"hdd_units": 4},
    {"ssd_units": 2, "hdd_units": 6},
    {"psu_units": 1},
    {"psu_units": 4},
    {"case_type": "rack"},
    {"case_type": "blade"},
    {"case_type": "tower"},
    {"lifetime_hours": 43800},
    {"lifetime_hours": 5000},
    {"avg_power_w": 300},
    {"avg_power_w": 0},
    {"use_time_ratio": 0.5},
    {"time_workload_percent": 0},
    {"time_workload_percent": 30},
    {"time_workload_percent": 100},
    {
        "cpu_units": 1,
        "cpu_core_units": 16,
        "ram_units": 4,
        "ram_capacity_gb": 16,
        "ssd_units": 1,
        "ssd_capacity_gb": 480,
        "psu_units": 1,
        "case_type": "blade",
        "lifetime_hours": 52560,
        "use_time_ratio": 0.8,
        "time_workload_percent": 20,
    },
)


@pytest.mark.parametrize(
    "archetype",
    [
        "platform_compute_medium",
        "platform_memory_high",
        "platform_ssdstorage_low",
        "platform_hddstorage_high",
        "dellR740",
    ],
)
def test_overrides_match_boaviztapi(archetype: str) -> None:
    durations: list[float | None] = [None, 8760.0]
    rows = [{"archetype": archetype, **o} for o in OVERRIDES for _ in durations]
    countries = ["FRA"] * len(rows)
    result = ours(rows, countries, durations * len(OVERRIDES))
    for i, override in enumerate(OVERRIDES):
        for j, duration in enumerate(durations):
            expected = boavizta(archetype, "FRA", duration, override)
            assert_matches(result[i * len(durations) + j], expected, (override, duration))


def test_golden_values_from_the_research_note() -> None:
    """platform_compute_medium, FRA, over its lifetime (docs: boavizta-method research note)."""
    result = ours([{"archetype": "platform_compute_medium"}], ["FRA"], None)[0]
    gwp = CRITERIA.index("gwp")
    np.testing.assert_allclose(result[gwp, 0], [947.765, 459.883, 2087.05], rtol=5e-6)
    np.testing.assert_allclose(result[gwp, 1], [1839.83, 382.338, 3187.78], rtol=5e-6)
    np.testing.assert_allclose(result[CRITERIA.index("pe"), 0, 0], 12578.5, rtol=1e-5)
    np.testing.assert_allclose(result[CRITERIA.index("pe"), 1, 0], 211937, rtol=1e-5)
    adp = ours([{"archetype": "platform_compute_medium"}], ["FRA"], None, adpe_embodied="adp")
    np.testing.assert_allclose(adp[0, CRITERIA.index("adpe"), 0, 0], 0.142523, rtol=1e-5)


def test_adpe_embodied_is_boaviztapis_whole_server_factor_or_its_bottom_up_adp() -> None:
    archetype, rows = "platform_memory_medium", [{"archetype": "platform_memory_medium"}]
    default = ours(rows, ["DEU"], [8760.0])[0]
    assert_matches(default, boavizta(archetype, "DEU", 8760.0, {}), "adpe")
    np.testing.assert_allclose(default[CRITERIA.index("adpe"), 0], 0.0378 * 8760 / 35040)
    bottom_up = ours(rows, ["DEU"], [8760.0], adpe_embodied="adp")[0]
    assert_matches(bottom_up, boavizta(archetype, "DEU", 8760.0, {}, "adp"), "adp")
    # The use phase reads the same electricity factor either way.
    assert np.array_equal(default[:, 1], bottom_up[:, 1])


def test_not_implemented_is_nan() -> None:
    result = ours([{"archetype": "platform_compute_low"}], ["FRA"], None)[0]
    fe = CRITERIA.index("fe")
    assert np.isnan(result[fe, 0]).all()
    assert not np.isnan(result[:, 1]).any()
    assert not np.isnan(result[:3, 0]).any()


def test_default_location_range_matches_boaviztapi_given_the_global_bounds() -> None:
    """Without a location boaviztapi uses EEE with the global min/max of every country."""
    low = {c: np.array([float(get_electrical_min_max(c, "min"))]) for c in CRITERIA}
    high = {c: np.array([float(get_electrical_min_max(c, "max"))]) for c in CRITERIA}
    value = {c: np.array([v]) for c, v in electricity("EEE").items()}
    result = server_impacts(
        inputs_for([{"archetype": "platform_ssdstorage_high"}]),
        elec_value=value,
        elec_low=low,
        elec_high=high,
        duration_hours=None,
    )
    assert_matches(result[0], boavizta("platform_ssdstorage_high", None, None, {}), "EEE")


def test_quantity_multiplies_both_phases() -> None:
    single = ours([{"archetype": "platform_hddstorage_medium"}], ["USA"], [20000.0])
    triple = ours([{"archetype": "platform_hddstorage_medium", "quantity": 3}], ["USA"], [20000.0])
    fe = CRITERIA.index("fe")
    np.testing.assert_allclose(np.delete(triple, fe, 1), 3 * np.delete(single, fe, 1), rtol=1e-15)
    np.testing.assert_allclose(triple[:, fe, 1], 3 * single[:, fe, 1], rtol=1e-15)


def test_empty_archetype_is_the_default_server() -> None:
    assert np.array_equal(
        ours([{"archetype": ""}], ["FRA"], None),
        ours([{"archetype": "platform_compute_medium"}], ["FRA"], None),
        equal_nan=True,
    )


def test_a_batch_equals_its_rows_one_by_one() -> None:
    rng = np.random.default_rng(7)
    pool = [{"archetype": a, **o} for a in ("platform_compute_high", "dellR740") for o in OVERRIDES]
    picks = rng.integers(0, len(pool), size=300)
    rows = [pool[i] for i in picks]
    countries = [COUNTRIES[i % 3] for i in range(len(rows))]
    durations = [None if i % 4 == 0 else float(1000 * (i % 50)) for i in range(len(rows))]
    batch = ours(rows, countries, durations)
    for i in range(0, len(rows), 7):
        alone = ours([rows[i]], [countries[i]], [durations[i]])[0]
        assert np.array_equal(batch[i], alone, equal_nan=True), rows[i]


def test_many_distinct_values_in_a_column() -> None:
    """More distinct values than the equality peeling handles: the sort fallback groups them."""
    lifetimes = [float(10000 + 250 * (i % 40)) for i in range(200)]
    cores = [float(1 + i % 40) for i in range(200)]
    rows = [
        {"archetype": "platform_compute_low", "lifetime_hours": life, "cpu_core_units": c}
        for life, c in zip(lifetimes, cores, strict=True)
    ]
    batch = ours(rows, ["FRA"] * 200, None)
    for i in (0, 17, 39, 40, 199):
        assert_matches(batch[i], boavizta("platform_compute_low", "FRA", None, rows[i]), i)


def test_rejects_what_boaviztapi_cannot_model() -> None:
    cases = (
        {"archetype": "platform_aws_m5"},
        {"case_type": "tower-ish"},
        {"ram_units": -1},
        {"time_workload_percent": 150},
        {"lifetime_hours": 0},
        {"quantity": -2},
    )
    for row in cases:
        with pytest.raises(ValueError):
            ours([row], ["FRA"], None)


def test_empty_input() -> None:
    assert ours([], [], None).shape == (0, 4, 2, 3)


# ---------------------------------------------------------------------------------------------
# Properties


@settings(max_examples=300, deadline=None)
@given(
    st.floats(min_value=1e-12, max_value=1e12) | st.floats(max_value=-1e-12, min_value=-1e12),
    st.integers(min_value=1, max_value=8),
)
def test_rounding_is_boaviztapis(x: float, digits: int) -> None:
    assert round_significant(x, digits) == round_to_sigfig(x, digits)


def sensible(high: float) -> st.SearchStrategy[float]:
    """0 or a number in [0.01, high]: boaviztapi's own rounding of results (run by
    compute_impacts) divides by zero on subnormal results, so keep clear of them."""
    return st.just(0.0) | st.floats(0.01, high)


LISTED_CORES = sorted(
    {
        int(line.split(",")[0])
        for line in (DATA / "cpu_die_size_by_cores.csv").read_text().splitlines()
        if line[:1].isdigit()
    }
)
CONFIGURATIONS = st.fixed_dictionaries(
    {"archetype": st.sampled_from(archetype_names())},
    optional={
        "cpu_units": st.integers(0, 4),
        "cpu_core_units": st.sampled_from(LISTED_CORES) | st.integers(1, 256),
        "ram_units": st.integers(0, 48),
        "ram_capacity_gb": st.integers(0, 512),
        "ssd_units": st.integers(0, 24),
        "ssd_capacity_gb": st.integers(0, 30720),
        "hdd_units": st.integers(0, 36),
        "psu_units": st.integers(0, 4),
        "case_type": st.sampled_from(["rack", "blade", "tower"]),
        "lifetime_hours": st.floats(100, 200000),
        "avg_power_w": sensible(5000),
        "use_time_ratio": sensible(1),
        "time_workload_percent": st.floats(0, 100),
    },
)
CASES = st.tuples(
    CONFIGURATIONS,
    st.sampled_from(("FRA", "DEU", "USA", "CHN", "BRA", "SWE", "POL")),
    st.none() | sensible(300000),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(CASES, min_size=1, max_size=4))
def test_random_configurations_match_boaviztapi(
    cases: list[tuple[dict[str, Any], str, Any]],
) -> None:
    result = ours([c for c, _, _ in cases], [k for _, k, _ in cases], [d for _, _, d in cases])
    for row, (config, country, duration) in enumerate(cases):
        expected = boavizta(config["archetype"], country, duration, config)
        assert_matches(result[row], expected, (config, country, duration))


# ---------------------------------------------------------------------------------------------
# Hygiene


def test_engine_module_imports_neither_boaviztapi_nor_heavy_dependencies() -> None:
    code = (
        "import sys, capnr.engine.boavizta_server as m; m._data(); "
        "bad = sorted(n for n in sys.modules if n.split('.')[0] in "
        "{'boaviztapi', 'django', 'scipy', 'pandas', 'yaml'}); print(bad); sys.exit(bool(bad))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_data_files_are_what_the_extraction_script_writes(tmp_path: Path) -> None:
    header = (DATA / "server_archetypes.csv").read_text(encoding="utf-8").splitlines()[0]
    date = re.search(r"extracted (\d{4}-\d{2}-\d{2})", header)
    assert date, header
    subprocess.run(
        [
            sys.executable,
            str(REPO / "scripts" / "extract_boavizta_data.py"),
            "--output-dir",
            str(tmp_path),
            "--date",
            date.group(1),
        ],
        check=True,
        capture_output=True,
    )
    for path in sorted(tmp_path.iterdir()):
        assert path.read_text(encoding="utf-8") == (DATA / path.name).read_text(encoding="utf-8")
