"""boaviztapi 2.5.0's bottom-up server model (``POST /v1/server/``), vectorised over a fleet.

Scope: the generic archetypes of boaviztapi's ``data/archetypes/server.csv``,
``platform_{compute,memory,ssdstorage,hddstorage}_{low,medium,high}`` and ``dellR740``
(see :func:`archetype_names`). Cloud platforms, GPUs and CPU look-ups by model name are out of
scope. The numbers come from our own CSV files in ``data/boavizta/`` (extracted from boaviztapi
by ``scripts/extract_boavizta_data.py``); boaviztapi itself is never imported here.

Notation. Every quantity is a triple (value, low, high), boaviztapi's (value, min, max). An input
the caller gives is exact: (x, x, x). Otherwise the archetype's triple is used. N are unit counts,
F are the ``factors.yml`` factors of the criterion (``data/boavizta/server_component_factors.csv``).

Embodied impact before allocation, E [criterion unit] (mirrors ``server_impact_embedded`` and the
``*_impact_embedded`` component functions of ``compute/impacts_computation.py``)::

    E = F_assembly + CPU + RAM + SSD + HDD + PSU + case + F_motherboard
    CPU  = (S × F_cpu_die + F_cpu) × N_cpu              S: die area of one CPU, mm²
    RAM  = (C / ρ × F_ram_die + F_ram) × N_ram         C: GB per module, ρ: GB/cm² of die
    SSD  = (C / ρ × F_ssd_die + F_ssd) × N_ssd         (RAM, SSD low: C_low / ρ_high, high: reverse)
    HDD  = F_hdd × N_hdd
    PSU  = m × F_psu × N_psu                           m: kg per power supply
    case = F_rack, or F_blade_16_slots / 16 + F_blade_server for a blade

A disk kind is present when the archetype has some or the caller gives its units or capacity. If
any present component lacks a factor for the criterion, boaviztapi falls back to its whole-server
factor: E = F_server, or "not implemented" (NaN here) when there is none. Embodied impacts are
then allocated to the duration D (hours) over the lifetime L (hours, ``Impact.allocate``)::

    embodied = E × a × q,   a = 1 if D > L else D / L   (low: D / L_high, high: D / L_low)

Use impact (mirrors ``server_impact_use`` and ``DeviceServer.model_power_consumption``)::

    P     = (P_cpu + P_ram) × (1 + k_other) + P_disk   [W], unless the caller gives avg_power_w
    P_cpu = round5(max(a × ln(b × (w + c)) + d, 1)) × N_cpu    w: workload, %
    P_ram = round5((3 + 0.055 × C) × (0.7 + 0.3 × w / 100)) × N_ram
    P_disk = 8 [2, 20] W × N_ssd + 6.4 [5.4, 9.4] W × N_hdd
    use   = EF × P / 1000 × r × D × q                  EF: per kWh, r: use-time ratio

round5 is boaviztapi's rounding to 5 significant figures (``utils/roundit.round_to_sigfig``);
a, b, c, d are the default CPU profile of ``data/archetypes/components/cpu.csv``. That profile is
only refitted (with scipy's ``curve_fit``) when a CPU's TDP is known, which no in-scope archetype
states and our inputs cannot give, so no fitting is needed here.

Criteria (axis 1 of the result, :data:`CRITERIA`):

- ``gwp`` (kgCO2eq) and ``pe`` (MJ): boaviztapi's ``gwp`` and ``pe``, bottom-up.
- ``adpe`` (kgSbeq): boaviztapi's ``adpe``, which for servers is implemented but not bottom-up:
  no component has an ``adpe`` factor, so boaviztapi returns its whole-server ADEME factor
  (0.0378 kgSbeq, allocated) whatever the configuration. ``adpe_embodied="adp"`` takes
  boaviztapi's bottom-up ``adp`` instead. In the use phase boaviztapi's ``adp`` and ``adpe``
  read the same electricity factor (``usage.py``: ``_complete_adp`` proxies ``adpe``), so the
  use value is the same whichever is chosen.
- ``fe`` (kWh, final energy, electricity factor 1): the use phase only; embodied is NaN because
  boaviztapi has no ``fe`` factor for any component nor for the whole server.

boaviztapi behaviours mirrored on purpose (checked against it by the oracle tests):

- The CPU die size ignores the archetype's core count and ``die_size_per_core``: it is the
  average of every CPU in ``cpu_specs.csv``, 523 [41.2, 3640] mm². Only a core count given as
  input changes it (mean, min and max over CPUs with that many cores, or a least-squares line
  when none has; 3 significant figures). Giving the archetype's own count (24) changes results.
- CPU and RAM power are rounded to 5 significant figures before multiplying by the unit count;
  RAM power uses the module capacity value for all three bounds; disk power uses the unit
  count value for all three bounds.
- A case type taken from the archetype (rack) has the rack factor as value and spans the blade
  and rack factors as low and high; a case type given as input is exact. boaviztapi supports
  "rack" and "blade" only and ignores any other ``model.type``: "tower" (accepted here, like "")
  therefore gets the archetype's case, rack with the rack-blade range. That is our choice for
  tower servers: a tower chassis is a stand-alone enclosure like a rack chassis, not a share of
  a blade enclosure, and the range keeps the uncertainty about its casing visible.
- Embodied impacts stop growing once the duration exceeds the lifetime; use impacts do not.

Where we depart from boaviztapi's API, not its numbers:

- ``quantity`` multiplies both phases (value, low and high): what boaviztapi returns for that
  many identical servers. Its server DTO has no ``units`` (the model's is fixed to 1).
- Overriding one disk kind keeps the archetype's other kind (NaN means "the archetype's value"),
  whereas boaviztapi replaces its whole disk list when any disk is given; the oracle tests send
  both disks to compare like with like.
- Counts may be non-integers here (boaviztapi's DTO wants integers); negative counts, workloads
  outside [0, 100] and non-positive lifetimes are rejected with ``ValueError``.
"""

from __future__ import annotations

import csv
import functools
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from importlib.resources import files
from typing import Any, Final, Literal

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IndexArray = npt.NDArray[np.intp]

CRITERIA: Final = ("gwp", "pe", "adpe", "fe")  # axis 1
PHASES: Final = ("embodied", "use")  # axis 2
STATS: Final = ("value", "low", "high")  # axis 3 (low = boaviztapi's min, high = its max)

DEFAULT_ARCHETYPE: Final = "platform_compute_medium"  # boaviztapi's config.default_server
CASE_TYPES: Final = ("", "rack", "blade", "tower")

_POWER_DIGITS = 5  # CPU and RAM power: round_to_sigfig(..., 5) in models/component/{cpu,ram}.py
_DIE_DIGITS = 3  # CPU die size: round_to_sigfig(..., 3) in models/component/cpu.py
_PEEL_LIMIT = 16  # distinct values peeled off a column by equality before sorting the rest
_BLOCK_ROWS = 16384  # rows per block of the result (3 MB, to stay in cache while filled)

# Components every server has, with the factor keys each needs (compute/impacts_computation.py).
_ALWAYS_PRESENT = (
    ("assembly", "impact"),
    ("cpu", "impact"),
    ("cpu", "die_impact"),
    ("ram", "impact"),
    ("ram", "die_impact"),
    ("power_supply", "impact"),
    ("case_rack", "impact"),
    ("case_blade", "impact_blade_server"),
    ("case_blade", "impact_blade_16_slots"),
    ("motherboard", "impact"),
)
_SSD_KEYS = (("ssd", "impact"), ("ssd", "die_impact"))
_HDD_KEYS = (("hdd", "impact"),)


@dataclass(frozen=True)
class ServerInputs:
    """One server row per index; all arrays have shape (n,).

    NaN (numbers) or "" (text) means "not given: take the archetype's value". ``archetype`` ""
    means :data:`DEFAULT_ARCHETYPE`. ``case_type`` is one of :data:`CASE_TYPES`. ``quantity``
    (NaN: 1) counts identical servers. Units: capacities GB, lifetime hours, power W, workload %.
    """

    archetype: npt.NDArray[np.str_]
    cpu_units: FloatArray
    cpu_core_units: FloatArray
    ram_units: FloatArray
    ram_capacity_gb: FloatArray
    ssd_units: FloatArray
    ssd_capacity_gb: FloatArray
    hdd_units: FloatArray
    psu_units: FloatArray
    case_type: npt.NDArray[np.str_]
    lifetime_hours: FloatArray
    avg_power_w: FloatArray
    use_time_ratio: FloatArray
    time_workload_percent: FloatArray
    quantity: FloatArray


# ---------------------------------------------------------------------------------------------
# Data (our CSV files, read once)


@dataclass(frozen=True)
class _ServerData:
    names: tuple[str, ...]
    index: dict[str, int]
    archetype_blade: npt.NDArray[np.bool_]  # (A,) the archetype's case is a blade
    attributes: dict[str, FloatArray]  # attribute -> (A, 3) value, low, high (NaN: not stated)
    factors: dict[tuple[str, str, str], float]  # (component, criterion, key) -> factor
    parameters: dict[str, tuple[float, float, float]]
    die_by_cores: dict[float, tuple[float, float, float]]


def _read_rows(name: str) -> list[dict[str, str]]:
    """Rows of one of our data files, comment lines (starting with '#') skipped."""
    text = (files("capnr.engine") / "data" / "boavizta" / name).read_text(encoding="utf-8")
    return list(csv.DictReader(line for line in text.splitlines() if not line.startswith("#")))


def _number(text: str) -> float:
    return float(text) if text.strip() else math.nan


def _triple(row: Mapping[str, str]) -> tuple[float, float, float]:
    value = _number(row["value"])
    low, high = _number(row["low"]), _number(row["high"])
    # An unstated bound equals the value, as boaviztapi's Boattribute.min/max fall back to it.
    return value, value if math.isnan(low) else low, value if math.isnan(high) else high


@functools.cache
def _data() -> _ServerData:
    names: list[str] = []
    cases: dict[str, str] = {}
    cells: dict[tuple[str, str], tuple[float, float, float]] = {}
    for row in _read_rows("server_archetypes.csv"):
        name, attribute = row["archetype"], row["attribute"]
        if name not in names:
            names.append(name)
        if attribute == "case_type":
            cases[name] = row["value"]
        else:
            cells[name, attribute] = _triple(row)
    if any(case not in ("rack", "blade") for case in cases.values()):
        raise ValueError(f"server_archetypes.csv: unknown case type in {cases}")
    attributes = {
        attribute: np.array([cells[name, attribute] for name in names], dtype=np.float64)
        for attribute in sorted({attribute for _, attribute in cells})
    }
    factors = {
        (row["component"], row["criterion"], row["key"]): float(row["value"])
        for row in _read_rows("server_component_factors.csv")
    }
    parameters = {row["parameter"]: _triple(row) for row in _read_rows("server_parameters.csv")}
    die_by_cores = {
        float(row["cores"]): _triple(row) for row in _read_rows("cpu_die_size_by_cores.csv")
    }
    return _ServerData(
        names=tuple(names),
        index={name: i for i, name in enumerate(names)},
        archetype_blade=np.array([cases[name] == "blade" for name in names]),
        attributes=attributes,
        factors=factors,
        parameters=parameters,
        die_by_cores=die_by_cores,
    )


def archetype_names() -> tuple[str, ...]:
    """The boaviztapi server archetypes this model covers."""
    return _data().names


# ---------------------------------------------------------------------------------------------
# Scalar helpers (per distinct configuration)


def round_significant(x: float, digits: int) -> float:
    """x to ``digits`` significant figures, as boaviztapi's ``utils/roundit.round_to_sigfig``.

    Same algorithm, hence the same float: the decade comes from log10 truncated toward zero
    (corrected once when that lands a decade too high), the mantissa is floored, then bumped up
    when the next integer is at least as close (ties go up), and the result is the decimal
    mantissa × 10^exponent read back as a float.
    """
    if x == 0.0:
        return 0.0
    magnitude = abs(x)
    exponent = int(math.log10(magnitude))
    step = math.pow(10, exponent - digits + 1)
    mantissa = math.floor(magnitude / step)
    if mantissa < math.pow(10, digits - 1):
        exponent -= 1
        step = math.pow(10, exponent - digits + 1)
        mantissa = math.floor(magnitude / step)
    if abs((mantissa + 1.0) * step - magnitude) <= abs(mantissa * step - magnitude):
        mantissa += 1
    if mantissa >= 10**digits:
        mantissa //= 10
        exponent += 1
    result = float(f"{mantissa}e{exponent - digits + 1}")
    return -result if x < 0 else result


def _die_size_mm2(cores: float, data: _ServerData) -> tuple[float, float, float]:
    """Die area of one CPU (mirrors ``ComponentCPU._complete_die_size_from_cpu_specs``)."""
    if math.isnan(cores):
        return data.parameters["cpu_die_size_any_cores"]
    if cores in data.die_by_cores:
        return data.die_by_cores[cores]
    intercept = data.parameters["cpu_die_size_intercept"][0]
    slope = data.parameters["cpu_die_size_slope"][0]
    size = round_significant(intercept + slope * cores, _DIE_DIGITS)
    return size, size, size


def _cpu_power_w(workload: float, data: _ServerData) -> float:
    """Power of one CPU at ``workload`` %, rounded (``CPUConsumptionProfileModel``)."""
    p = data.parameters
    a, b, c, d = (p[f"cpu_power_{key}"][0] for key in "abcd")
    # np.log rather than math.log: boaviztapi evaluates the curve with numpy, and the value is
    # rounded next, so it must be the very same float.
    power = float(a * np.log(b * (workload + c)) + d)
    return round_significant(max(power, p["cpu_power_min_w"][0]), _POWER_DIGITS)


def _ram_power_w(capacity_gb: float, workload: float, data: _ServerData) -> float:
    """Power of one memory module at ``workload`` %, rounded (``RAMConsumptionProfileModel``)."""
    p = data.parameters
    full_load = p["ram_dimm_base_w"][0] + p["ram_dimm_w_per_gb"][0] * capacity_gb
    idle = p["ram_idle_power_ratio"][0]
    # Same operation order as boaviztapi, so the rounded result is the same float.
    return round_significant(full_load * (idle + (1 - idle) * workload / 100), _POWER_DIGITS)


# ---------------------------------------------------------------------------------------------
# Grouping rows into distinct configurations


def _equal_to(values: npt.NDArray[Any], value: Any) -> npt.NDArray[np.bool_]:
    same: npt.NDArray[np.bool_]
    if isinstance(value, float | np.floating) and math.isnan(value):
        same = np.isnan(values)
    else:
        same = np.asarray(values == value, dtype=np.bool_)
    return same


def _column_codes(column: npt.NDArray[Any]) -> tuple[IndexArray, int]:
    """A small integer per row, equal for equal values (NaN equals NaN), and how many there are.

    A fleet column usually holds a handful of values, so they are peeled off one equality test
    over the whole column at a time (linear in rows, and no copy of long strings); only a column
    with many values pays for a sort of what is left.
    """
    same = _equal_to(column, column[0])
    if same.all():
        return np.zeros(column.shape[0], dtype=np.intp), 1
    codes = np.full(column.shape[0], -1, dtype=np.intp)
    np.copyto(codes, 0, where=same)
    count = 1
    while True:
        left = codes < 0
        first = int(np.argmax(left))
        if not left[first]:
            return codes, count
        if count >= _PEEL_LIMIT:
            rows = np.flatnonzero(left)
            _, rest = np.unique(column[rows], return_inverse=True)
            codes[rows] = rest.reshape(-1) + count
            return codes, count + int(rest.max()) + 1
        np.copyto(codes, count, where=_equal_to(column, column[first]))
        count += 1


def _dense_codes(key: npt.NDArray[np.int64], span: int) -> tuple[IndexArray, int]:
    """Renumber keys in [0, span) as 0..k-1 (k distinct keys)."""
    if span <= max(4 * key.shape[0], 1 << 16):
        seen = np.zeros(span, dtype=np.bool_)
        seen[key] = True
        distinct = np.flatnonzero(seen)
        renumber = np.zeros(span, dtype=np.intp)
        renumber[distinct] = np.arange(distinct.size)
        return renumber[key], int(distinct.size)
    distinct, inverse = np.unique(key, return_inverse=True)
    return inverse.reshape(-1).astype(np.intp), int(distinct.size)


def _group(columns: Sequence[npt.NDArray[Any]]) -> tuple[IndexArray, IndexArray]:
    """Group rows with equal values in every column: (group of each row, one row per group)."""
    n = columns[0].shape[0]
    key = np.zeros(n, dtype=np.int64)
    span = 1
    for column in columns:
        codes, count = _column_codes(column)
        if count == 1:
            continue
        if span * count > 1 << 40:  # keep the mixed-radix key far from int64 overflow
            dense, span = _dense_codes(key, span)
            key = dense.astype(np.int64)
        key = key * count + codes
        span *= count
    inverse, groups = _dense_codes(key, span)
    representative = np.zeros(groups, dtype=np.intp)
    representative[inverse] = np.arange(n)
    return inverse, representative


# ---------------------------------------------------------------------------------------------
# Per-configuration model


@dataclass(frozen=True)
class _Configurations:
    embodied: FloatArray  # (k, 4, 3) before allocation, criteria as CRITERIA
    power_w: FloatArray  # (k, 3) modelled average power
    use_time_ratio: FloatArray  # (k, 3) archetype's
    lifetime_hours: FloatArray  # (k, 3) archetype's


def _check_counts(name: str, values: FloatArray) -> None:
    bad = ~np.isnan(values) & ~(np.isfinite(values) & (values >= 0))
    if bad.any():
        raise ValueError(f"{name} must be a finite number >= 0 or NaN, got {values[bad][0]!r}")


def _configurations(
    archetype: npt.NDArray[Any],
    case_type: npt.NDArray[Any],
    numbers: Mapping[str, FloatArray],
    adpe_embodied: str,
) -> _Configurations:
    """The model for k distinct configurations (arrays of length k)."""
    data = _data()
    which, cases = _checked_configurations(archetype, case_type, numbers, data)
    parts = _components(which, cases, numbers, data)
    return _Configurations(
        embodied=_embodied(parts, adpe_embodied, data),
        power_w=_power_w(parts, data),
        use_time_ratio=data.attributes["use_time_ratio"][which],
        lifetime_hours=data.attributes["hours_life_time"][which],
    )


def _checked_configurations(
    archetype: npt.NDArray[Any],
    case_type: npt.NDArray[Any],
    numbers: Mapping[str, FloatArray],
    data: _ServerData,
) -> tuple[IndexArray, list[str]]:
    """Each configuration's archetype index and normalised case type, once every input is
    checked: known archetypes and case types, counts NaN or >= 0, workload at most 100 %."""
    names = [str(name).strip() or DEFAULT_ARCHETYPE for name in archetype]
    unknown = sorted({name for name in names if name not in data.index})
    if unknown:
        raise ValueError(f"unknown server archetype(s) {unknown}; known: {list(data.names)}")
    which = np.array([data.index[name] for name in names], dtype=np.intp)
    cases = [str(case).strip().lower() for case in case_type]
    if any(case not in CASE_TYPES for case in cases):
        raise ValueError(f"case_type must be one of {CASE_TYPES}, got {sorted(set(cases))}")
    for name, values in numbers.items():
        _check_counts(name, values)
    if np.any(numbers["time_workload_percent"] > 100):
        raise ValueError("time_workload_percent must be within [0, 100]")
    return which, cases


@dataclass(frozen=True)
class _Components:
    """The hardware of k configurations: (k, 3) triples, the caller's figure where given and
    the archetype's otherwise; (k,) flags."""

    cpu_units: FloatArray
    die: FloatArray  # mm² of one CPU
    ram_units: FloatArray
    ram_capacity: FloatArray  # GB per module
    ssd_capacity: FloatArray  # GB per drive
    psu_units: FloatArray
    psu_weight: FloatArray  # kg per power supply, always the archetype's
    workload: FloatArray  # %
    other_ratio: FloatArray  # share of CPU and RAM power the other components add
    has_ssd: npt.NDArray[np.bool_]
    ssd_units: FloatArray
    has_hdd: npt.NDArray[np.bool_]
    hdd_units: FloatArray
    given_case: npt.NDArray[np.bool_]  # the caller said rack or blade
    blade: npt.NDArray[np.bool_]


def _components(
    which: IndexArray, cases: Sequence[str], numbers: Mapping[str, FloatArray], data: _ServerData
) -> _Components:
    def archetype_triple(attribute: str) -> FloatArray:
        return data.attributes[attribute][which]

    def resolved(attribute: str, given: FloatArray) -> FloatArray:
        return np.where(np.isnan(given)[:, None], archetype_triple(attribute), given[:, None])

    # A disk kind is present when the archetype has some (boaviztapi skips units "" and "0") or
    # when the caller describes it; a described kind the archetype leaves blank has 1 unit, the
    # default of boaviztapi's Component.units.
    disks = {}
    for kind, described in (
        ("ssd", ~np.isnan(numbers["ssd_units"]) | ~np.isnan(numbers["ssd_capacity_gb"])),
        ("hdd", ~np.isnan(numbers["hdd_units"])),
    ):
        stated = archetype_triple(f"{kind}_units")
        in_archetype = ~np.isnan(stated[:, 0]) & np.any(stated != 0, axis=1)
        units = resolved(f"{kind}_units", numbers[f"{kind}_units"])
        disks[kind] = (in_archetype | described, np.where(np.isnan(units), 1.0, units))
    die = np.array([_die_size_mm2(cores, data) for cores in numbers["cpu_core_units"]])
    given_case = np.array([case in ("rack", "blade") for case in cases])
    return _Components(
        cpu_units=resolved("cpu_units", numbers["cpu_units"]),
        die=die.reshape(which.size, 3),
        ram_units=resolved("ram_units", numbers["ram_units"]),
        ram_capacity=resolved("ram_capacity_gb", numbers["ram_capacity_gb"]),
        ssd_capacity=resolved("ssd_capacity_gb", numbers["ssd_capacity_gb"]),
        psu_units=resolved("psu_units", numbers["psu_units"]),
        psu_weight=archetype_triple("psu_unit_weight_kg"),
        workload=resolved("time_workload_percent", numbers["time_workload_percent"]),
        other_ratio=archetype_triple("other_consumption_ratio"),
        has_ssd=disks["ssd"][0],
        ssd_units=disks["ssd"][1],
        has_hdd=disks["hdd"][0],
        hdd_units=disks["hdd"][1],
        given_case=given_case,
        blade=np.where(
            given_case, [case == "blade" for case in cases], data.archetype_blade[which]
        ),
    )


def _power_w(parts: _Components, data: _ServerData) -> FloatArray:
    """P = (P_cpu + P_ram) × (1 + k_other) + P_disk, (k, 3) W (module docstring)."""
    k = parts.cpu_units.shape[0]
    workload = parts.workload.tolist()
    cpu_power = np.array([[_cpu_power_w(w, data) for w in row] for row in workload])
    ram_power = np.array(
        [
            [_ram_power_w(capacity, w, data) for w in row]
            for capacity, row in zip(parts.ram_capacity[:, 0].tolist(), workload, strict=True)
        ]
    )
    cpu_power = cpu_power.reshape(k, 3) * parts.cpu_units
    # boaviztapi multiplies by capacity/capacity DIMMs per unit: 1, or 0 for a 0 GB module.
    ram_power = ram_power.reshape(k, 3) * parts.ram_units * (parts.ram_capacity[:, :1] != 0)
    p = data.parameters
    disk_power = np.where(
        parts.has_ssd[:, None], parts.ssd_units[:, :1] * p["ssd_power_per_drive_w"], 0.0
    )
    disk_power = disk_power + np.where(
        parts.has_hdd[:, None], parts.hdd_units[:, :1] * p["hdd_power_per_drive_w"], 0.0
    )
    power: FloatArray = (cpu_power + ram_power) * (1 + parts.other_ratio) + disk_power
    return power


def _embodied(parts: _Components, adpe_embodied: str, data: _ServerData) -> FloatArray:
    """E per criterion before allocation, (k, 4, 3), criteria as CRITERIA: bottom-up where every
    present component has a factor, else boaviztapi's whole-server factor (NaN: none)."""
    k = parts.cpu_units.shape[0]
    p = data.parameters
    # Bounds pair value with low and high with high, except die density: low area, high density.
    swap = [0, 2, 1]
    ram_density = np.array(p["ram_density"])[swap]
    ssd_density = np.array(p["ssd_density"])[swap]
    embodied = np.empty((k, len(CRITERIA), 3))
    for c, criterion in enumerate(CRITERIA):
        source = adpe_embodied if criterion == "adpe" else criterion

        def factor(component: str, key: str, source: str = source) -> float:
            return data.factors.get((component, source, key), math.nan)

        bottom_up_everywhere = all(not math.isnan(factor(*item)) for item in _ALWAYS_PRESENT)
        ssd_ok = all(not math.isnan(factor(*item)) for item in _SSD_KEYS)
        hdd_ok = all(not math.isnan(factor(*item)) for item in _HDD_KEYS)
        implemented = (
            np.full(k, bottom_up_everywhere) & (~parts.has_ssd | ssd_ok) & (~parts.has_hdd | hdd_ok)
        )
        fallback = np.full((k, 3), factor("server", "impact"))
        if not implemented.any():
            embodied[:, c, :] = fallback
            continue
        total = _bottom_up_embodied(parts, factor, ram_density, ssd_density)
        embodied[:, c, :] = np.where(implemented[:, None], total, fallback)
    return embodied


def _bottom_up_embodied(
    parts: _Components,
    factor: Callable[[str, str], float],
    ram_density: FloatArray,
    ssd_density: FloatArray,
) -> FloatArray:
    """E = F_assembly + CPU + RAM + SSD + HDD + PSU + case + F_motherboard for one criterion,
    whose factors `factor(component, key)` gives, (k, 3) (module docstring)."""
    rack = factor("case_rack", "impact")
    blade_case = factor("case_blade", "impact_blade_16_slots") / 16 + factor(
        "case_blade", "impact_blade_server"
    )
    case = np.where(parts.blade, blade_case, rack)
    # A case taken from the archetype spans the rack and blade factors; a given one is exact.
    case_triple = np.stack(
        [
            case,
            np.where(parts.given_case, case, min(rack, blade_case)),
            np.where(parts.given_case, case, max(rack, blade_case)),
        ],
        axis=1,
    )
    total: FloatArray = (
        factor("assembly", "impact")
        + (parts.die * factor("cpu", "die_impact") + factor("cpu", "impact")) * parts.cpu_units
        + (parts.ram_capacity / ram_density * factor("ram", "die_impact") + factor("ram", "impact"))
        * parts.ram_units
        + parts.psu_weight * factor("power_supply", "impact") * parts.psu_units
        + case_triple
        + factor("motherboard", "impact")
    )
    if parts.has_ssd.any():
        ssd = (
            parts.ssd_capacity / ssd_density * factor("ssd", "die_impact") + factor("ssd", "impact")
        ) * parts.ssd_units
        total = total + np.where(parts.has_ssd[:, None], ssd, 0.0)
    if parts.has_hdd.any():
        total = total + np.where(
            parts.has_hdd[:, None], factor("hdd", "impact") * parts.hdd_units, 0.0
        )
    return total


# ---------------------------------------------------------------------------------------------
# Public entry point


def _as_float(name: str, values: Any, n: int) -> FloatArray:
    array = np.asarray(values, dtype=np.float64)
    if array.shape != (n,):
        raise ValueError(f"{name} must have shape ({n},), got {array.shape}")
    return array


def _check_rows(name: str, values: FloatArray, *, positive: bool = False) -> None:
    """NaN or a finite number >= 0 (> 0 if positive); fmin/fmax skip NaN without warnings."""
    if values.size == 0:
        return
    lowest, highest = np.fmin.reduce(values), np.fmax.reduce(values)
    if lowest < 0 or (positive and lowest == 0) or highest == np.inf:
        raise ValueError(f"{name} must be a finite number {'>' if positive else '>='} 0 or NaN")


def _bounds(table: FloatArray, groups: IndexArray, given: FloatArray) -> list[FloatArray]:
    """Value, low and high per row: the configuration's (k, 3) ``table``, or ``given`` if given."""
    missing = np.isnan(given)
    if not missing.any():
        return [given, given, given]
    modelled = [table[:, b].take(groups) for b in range(3)]
    if missing.all():
        return modelled
    return [np.where(missing, column, given) for column in modelled]


def server_impacts(
    inputs: ServerInputs,
    *,
    elec_value: Mapping[str, FloatArray],
    elec_low: Mapping[str, FloatArray],
    elec_high: Mapping[str, FloatArray],
    duration_hours: FloatArray | None,
    adpe_embodied: Literal["adpe", "adp"] = "adpe",
) -> FloatArray:
    """Impacts of n server rows as boaviztapi 2.5.0's ``POST /v1/server/`` computes them.

    Returns shape (n, 4, 2, 3): rows × :data:`CRITERIA` × :data:`PHASES` × :data:`STATS`,
    unrounded. ``elec_*`` map each criterion of CRITERIA to the per-row electricity factor per
    kWh (fe: 1); low and high equal value for an explicit country. ``duration_hours`` None (or
    NaN in a row) means the row's lifetime, as boaviztapi's router does. NaN where boaviztapi
    answers "not implemented" (embodied fe). ``adpe_embodied`` chooses which boaviztapi
    criterion backs embodied adpe (module docstring). Formulas: see the module docstring.

    Each distinct hardware configuration is modelled once; lifetime, power, use-time ratio,
    duration, quantity and electricity enter row by row as whole-column arithmetic.
    """
    if adpe_embodied not in ("adpe", "adp"):
        raise ValueError(f"adpe_embodied must be 'adpe' or 'adp', got {adpe_embodied!r}")
    archetype = np.asarray(inputs.archetype)
    n = archetype.shape[0]
    case_type = np.asarray(inputs.case_type)
    if archetype.shape != (n,) or case_type.shape != (n,):
        raise ValueError("archetype and case_type must be 1-D arrays of the same length")
    config_columns = {name: _as_float(name, getattr(inputs, name), n) for name in _CONFIG_COLUMNS}
    row_columns = _row_columns(inputs, n)
    factors = _electricity_columns((elec_value, elec_low, elec_high), n)
    if n == 0:
        return np.empty((0, len(CRITERIA), len(PHASES), len(STATS)))

    inverse, representative = _group([archetype, case_type, *config_columns.values()])
    configurations = _configurations(
        archetype[representative],
        case_type[representative],
        {name: column[representative] for name, column in config_columns.items()},
        adpe_embodied,
    )
    duration_given: FloatArray | None = None
    if duration_hours is not None:
        duration_given = _as_float("duration_hours", duration_hours, n)
        _check_rows("duration_hours", duration_given)
    result = np.empty((n, len(CRITERIA), len(PHASES), len(STATS)))
    _fill_rows(result, configurations, inverse, row_columns, factors, duration_given)
    return result


# The inputs that describe a configuration's hardware (the rest enter row by row).
_CONFIG_COLUMNS = (
    "cpu_units",
    "cpu_core_units",
    "ram_units",
    "ram_capacity_gb",
    "ssd_units",
    "ssd_capacity_gb",
    "hdd_units",
    "psu_units",
    "time_workload_percent",
)


@dataclass(frozen=True)
class _RowColumns:
    """The inputs that enter row by row, (n,) each, NaN where not given."""

    lifetime: FloatArray  # hours
    avg_power: FloatArray  # W
    use_ratio: FloatArray
    quantity: FloatArray


def _row_columns(inputs: ServerInputs, n: int) -> _RowColumns:
    columns = _RowColumns(
        lifetime=_as_float("lifetime_hours", inputs.lifetime_hours, n),
        avg_power=_as_float("avg_power_w", inputs.avg_power_w, n),
        use_ratio=_as_float("use_time_ratio", inputs.use_time_ratio, n),
        quantity=_as_float("quantity", inputs.quantity, n),
    )
    _check_rows("lifetime_hours", columns.lifetime, positive=True)
    _check_rows("avg_power_w", columns.avg_power)
    _check_rows("use_time_ratio", columns.use_ratio)
    _check_rows("quantity", columns.quantity)
    return columns


def _electricity_columns(
    bounds: tuple[Mapping[str, FloatArray], ...], n: int
) -> list[list[FloatArray]]:
    """The electricity factors per row, indexed [criterion][bound], from the value, low and
    high mappings; each must name every criterion."""
    factors: list[list[FloatArray]] = []
    for criterion in CRITERIA:
        factors.append([])
        for mapping in bounds:
            if criterion not in mapping:
                raise ValueError(f"electricity factors lack {criterion!r}")
            factors[-1].append(_as_float(f"electricity {criterion}", mapping[criterion], n))
    return factors


def _fill_rows(
    result: FloatArray,
    configurations: _Configurations,
    inverse: IndexArray,
    row_columns: _RowColumns,
    factors: list[list[FloatArray]],
    duration_given: FloatArray | None,
) -> None:
    """Writes every row's embodied (allocated) and use impacts into `result`, (n, 4, 2, 3).

    Rows go by blocks small enough for the block of the result to stay in cache while each
    row-level quantity is computed as a short contiguous vector and written to its column."""
    n = result.shape[0]
    embodied = [
        [np.ascontiguousarray(configurations.embodied[:, c, s]) for s in range(3)]
        for c in range(len(CRITERIA))
    ]
    quantity = row_columns.quantity
    flat = result.reshape(n, -1)
    for start in range(0, n, _BLOCK_ROWS):
        rows = slice(start, min(n, start + _BLOCK_ROWS))
        groups = inverse[rows]
        life = _bounds(configurations.lifetime_hours, groups, row_columns.lifetime[rows])
        duration = life[0]
        if duration_given is not None:
            duration = np.where(np.isnan(duration_given[rows]), life[0], duration_given[rows])
        count = np.where(np.isnan(quantity[rows]), 1.0, quantity[rows])
        # Allocation a × q: the low bound divides by the longest lifetime, the high by the
        # shortest; a is 1 once the duration exceeds the lifetime.
        beyond = duration > life[0]
        allocated = [np.where(beyond, 1.0, duration / life[b]) * count for b in (0, 2, 1)]
        power = _bounds(configurations.power_w, groups, row_columns.avg_power[rows])
        ratio = _bounds(configurations.use_time_ratio, groups, row_columns.use_ratio[rows])
        hours = duration * count / 1000
        energy_kwh = [power[b] * ratio[b] * hours for b in range(3)]
        for c in range(len(CRITERIA)):
            for b in range(3):
                np.multiply(embodied[c][b].take(groups), allocated[b], out=flat[rows, 6 * c + b])
                np.multiply(factors[c][b][rows], energy_kwh[b], out=flat[rows, 6 * c + 3 + b])
