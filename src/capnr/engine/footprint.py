"""Footprint of a fleet: embodied and use impacts for four criteria, with bounds.

All arithmetic is over whole columns; there is no Python loop per asset. The result array has
shape (n, 4, 2, 3): rows × criteria (gwp kgCO2e, pe MJ, adpe kgSbeq, fe kWh) × phases (embodied,
use) × stats (value, low, high). NaN marks what a method does not define (e.g. boaviztapi has no
embodied primary energy for terminals); totals of a column holding NaN are NaN too, never a sum
that silently leaves rows out.

Two methods (see docs/methodology/):

``boavizta`` reproduces boaviztapi 2.5.0. For a terminal with embodied factor F, lifetime L h,
assessment duration D h (default L), power P W, use-time ratio r, electricity factor EF:
    embodied = F × q × a,   a = 1 if D > L else D / L   (low uses L_max, high L_min)
    use      = EF × P / 1000 × r × D × q   (low/high from P's bounds; at boaviztapi's default
                                            location EEE, also from the world range of EF)
Servers use the bottom-up model of ``boavizta_server``.

``capnr`` (default) keeps that structure with French data and a power-state use model:
    embodied = E × q × min(1, D / L)                    (D = 1 year by default: annualised)
    kWh/yr   = (P_on × h_on + P_sleep × h_sleep + P_off × h_off) / 1000  [× PUE in server rooms]
    use      = EF × kWh/yr × D_years × q
with hours per year from the usage profile: on working days a share ``on_share`` of the working
hours is on and the rest asleep; outside them a share ``left_on`` stays in its left-on state and
the rest is off. ``avg_power_w`` and ``use_time_ratio`` replace the states when given
(kWh/yr = P × r × 8760 / 1000). Low bounds combine every low input, high bounds every high one.
Servers take their embodied impacts from the bottom-up model (with the capnr lifetime), and their
kWh/yr from it too when the row describes them (an archetype or a ``SERVER_DESCRIPTION`` column);
otherwise kWh/yr = Y × r (Y: the category's ``yearly_energy``, manufacturers' declared median;
r: ``use_time_ratio``, 1 if not given). ``avg_power_w`` overrides both.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import numpy.typing as npt

from . import ENGINE_VERSION
from .assets import AssetTable
from .reference import (
    CRITERIA,
    HOURS_PER_YEAR,
    PHASES,
    STATS,
    ReferenceData,
    UsageProfile,
    reference_data,
)
from .reference import data_version as _data_version

if TYPE_CHECKING:
    from .boavizta_server import ServerInputs

FloatArray = npt.NDArray[np.float64]
Method = Literal["capnr", "boavizta"]
METHODS: tuple[Method, ...] = ("capnr", "boavizta")
EMBODIED, USE = 0, 1
VALUE, LOW, HIGH = 0, 1, 2


class MethodNotApplicable(ValueError):
    """Some rows cannot be computed with the chosen method (e.g. a category boaviztapi lacks)."""

    def __init__(self, rows: list[int], categories: list[str], method: str) -> None:
        self.rows = rows
        self.categories = categories
        shown = ", ".join(str(row) for row in rows[:20])
        super().__init__(
            f"The {method} method does not cover {', '.join(sorted(set(categories)))} "
            f"(rows {shown}{'…' if len(rows) > 20 else ''}); "
            "use the capnr method for these devices."
        )


class FootprintResult:
    """Impacts of every row, (n, 4, 2, 3), and their totals.

    A fleet repeats a few configurations many times: the engine computes each distinct
    configuration once (``units``, (k, 4, 2, 3), impacts of one device) and keeps, per row, which
    configuration it has (``inverse``) and its quantities (value, low, high). ``impacts`` is then
    made on first use, ``units[inverse] × quantity``, exactly what a row-by-row computation gives;
    ``totals()`` and ``breakdown()`` never need it. A result built from ``impacts`` directly
    (``units`` None) holds the rows already."""

    def __init__(
        self,
        method: str,
        duration_years: float | None,  # None: each asset over its own lifetime
        impacts: FloatArray | None = None,
        provenance: Mapping[str, npt.NDArray[np.str_]] | None = None,
        engine_version: str = ENGINE_VERSION,
        data_version: str | None = None,
        *,
        units: FloatArray | None = None,
        inverse: npt.NDArray[np.intp] | None = None,
        quantities: tuple[FloatArray, FloatArray, FloatArray] | None = None,
    ) -> None:
        if impacts is None and (units is None or inverse is None or quantities is None):
            raise ValueError("give either impacts or units, inverse and quantities")
        self.method = method
        self.duration_years = duration_years
        self.provenance: Mapping[str, npt.NDArray[np.str_]] = provenance or {}
        self.engine_version = engine_version
        self.data_version = data_version if data_version is not None else _data_version()
        self.units = units
        self.inverse = inverse
        self.quantities = quantities
        self._rows = impacts

    def __len__(self) -> int:
        if self._rows is not None:
            return len(self._rows)
        assert self.inverse is not None
        return len(self.inverse)

    @property
    def configurations(self) -> int:
        """How many distinct configurations were computed (the row count when not grouped)."""
        return len(self.units) if self.units is not None else len(self)

    @property
    def impacts(self) -> FloatArray:
        """(n, 4, 2, 3): each row's impacts (made from the configurations on first use)."""
        if self._rows is None:
            assert self.units is not None and self.inverse is not None
            assert self.quantities is not None
            self._rows = _spread(self.units, self.inverse, self.quantities)
        return self._rows

    def _grouped(self) -> bool:
        return self._rows is None

    def totals(self) -> FloatArray:
        """(4, 2, 3): sums over all assets; NaN when any asset lacks that figure."""
        if not self._grouped():
            return np.asarray(self.impacts.sum(axis=0), dtype=np.float64)
        assert self.units is not None and self.inverse is not None
        assert self.quantities is not None
        k = len(self.units)
        # Every configuration has at least one row: NaN in one makes the total NaN, as it should.
        sums = np.stack(
            [np.bincount(self.inverse, weights=q, minlength=k) for q in self.quantities], axis=1
        )
        return np.asarray((self.units * sums[:, None, None, :]).sum(axis=0), dtype=np.float64)

    def breakdown(self, labels: npt.NDArray[Any]) -> tuple[npt.NDArray[Any], FloatArray]:
        """Totals per distinct label: (labels, array (k, 4, 2, 3))."""
        keys, inverse = factorize(labels)
        blocks = len(keys)
        if not self._grouped():
            flat = self.impacts.reshape(len(self.impacts), -1)
            return keys, _sum_by(inverse, flat, blocks).reshape((blocks, *self.impacts.shape[1:]))
        assert self.units is not None and self.inverse is not None
        assert self.quantities is not None
        # Each (label, configuration) pair present contributes the configuration's impacts
        # times the pair's quantities; pairs that no row has contribute nothing (not NaN × 0).
        k = len(self.units)
        pair = inverse.astype(np.int64) * k + self.inverse
        pairs, pair_of_row = _renumber(pair, blocks * k)
        sums = np.stack(
            [np.bincount(pair_of_row, weights=q, minlength=len(pairs)) for q in self.quantities],
            axis=1,
        )
        contributions = self.units[pairs % k] * sums[:, None, None, :]
        flat = contributions.reshape(len(pairs), -1)
        totals = _sum_by((pairs // k).astype(np.intp), flat, blocks)
        return keys, totals.reshape((blocks, *self.units.shape[1:]))

    def as_dict(self, block: FloatArray) -> dict[str, dict[str, dict[str, float | None]]]:
        """One (4, 2, 3) block as {criterion: {phase: {value, low, high}}}; NaN -> None."""
        return {
            criterion: {
                phase: {
                    stat: (None if np.isnan(block[c, p, s]) else float(block[c, p, s]))
                    for s, stat in enumerate(STATS)
                }
                for p, phase in enumerate(PHASES)
            }
            for c, criterion in enumerate(CRITERIA)
        }


def _spread(
    units: FloatArray,
    inverse: npt.NDArray[np.intp],
    quantities: tuple[FloatArray, FloatArray, FloatArray],
) -> FloatArray:
    """Each row's impacts: its configuration's, times its quantity of each stat."""
    rows = units.take(inverse, axis=0)
    for s, quantity in enumerate(quantities):
        rows[..., s] *= quantity[:, None, None]
    return rows


def _sum_by(groups: npt.NDArray[np.intp], flat: FloatArray, count: int) -> FloatArray:
    """Sums of ``flat``'s rows per group, column by column."""
    sums = np.empty((count, flat.shape[1]), dtype=np.float64)
    for column in range(flat.shape[1]):
        sums[:, column] = np.bincount(groups, weights=flat[:, column], minlength=count)
    return sums


def _renumber(
    codes: npt.NDArray[np.int64], size: int
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.intp]]:
    """(sorted distinct codes, each code's rank among them) for codes in [0, size): a presence
    table when the range is small, else a sort."""
    if size <= 4 * len(codes) + 4096:
        present = np.zeros(size, dtype=np.bool_)
        present[codes] = True
        distinct = np.flatnonzero(present).astype(np.int64)
        rank = np.zeros(size, dtype=np.intp)
        rank[distinct] = np.arange(len(distinct), dtype=np.intp)
        return distinct, rank[codes]
    distinct, inverse = np.unique(codes, return_inverse=True)
    return distinct.astype(np.int64), inverse.reshape(-1).astype(np.intp)


class _RowProvenance(Mapping[str, npt.NDArray[np.str_]]):
    """Per-row provenance spread from the configurations' on first access."""

    def __init__(
        self, per_configuration: Mapping[str, npt.NDArray[np.str_]], inverse: npt.NDArray[np.intp]
    ) -> None:
        self._units = dict(per_configuration)
        self._inverse = inverse
        self._rows: dict[str, npt.NDArray[np.str_]] = {}

    def __getitem__(self, key: str) -> npt.NDArray[np.str_]:
        if key not in self._rows:
            self._rows[key] = self._units[key][self._inverse]
        return self._rows[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._units)

    def __len__(self) -> int:
        return len(self._units)


def factorize(labels: npt.NDArray[Any]) -> tuple[npt.NDArray[Any], npt.NDArray[np.intp]]:
    """(sorted distinct labels, index of each row's label). Integers go through numpy (a
    presence table when their range is small); text through a dictionary, several times faster
    than sorting a million strings."""
    if labels.dtype.kind in "iub":
        codes = labels.astype(np.int64)
        if len(codes) and codes.min() >= 0 and codes.max() <= 4 * len(codes) + 4096:
            keys, inverse = _renumber(codes, int(codes.max()) + 1)
            return keys.astype(labels.dtype), inverse
        keys, inverse = np.unique(labels, return_inverse=True)
        return keys, inverse.reshape(-1).astype(np.intp)
    seen: dict[object, int] = {}
    first = np.fromiter(
        (seen.setdefault(label, len(seen)) for label in labels.tolist()),
        dtype=np.intp,
        count=len(labels),
    )
    distinct = list(seen)
    order = sorted(range(len(distinct)), key=lambda i: str(distinct[i]))
    rank = np.empty(len(order), dtype=np.intp)
    rank[order] = np.arange(len(order))
    return np.array([distinct[i] for i in order]), rank[first]


def _allocation(
    duration: FloatArray, life: FloatArray, life_low: FloatArray, life_high: FloatArray
) -> FloatArray:
    """Share of embodied impacts allotted to the duration: boaviztapi's rule, (n, 3)."""
    beyond = duration > life
    value = np.where(beyond, 1.0, duration / life)
    low = np.where(beyond, 1.0, duration / life_high)
    high = np.where(beyond, 1.0, duration / life_low)
    return np.stack([value, low, high], axis=1)


def _server_inputs(
    assets: AssetTable, rows: npt.NDArray[np.intp], lifetime_hours: FloatArray, quantity: FloatArray
) -> ServerInputs:
    from .boavizta_server import ServerInputs

    number = assets.number
    return ServerInputs(
        archetype=assets.text("archetype")[rows],
        cpu_units=number("cpu_units")[rows],
        cpu_core_units=number("cpu_core_units")[rows],
        ram_units=number("ram_units")[rows],
        ram_capacity_gb=number("ram_capacity_gb")[rows],
        ssd_units=number("ssd_units")[rows],
        ssd_capacity_gb=number("ssd_capacity_gb")[rows],
        hdd_units=number("hdd_units")[rows],
        psu_units=number("psu_units")[rows],
        case_type=assets.text("case_type")[rows],
        lifetime_hours=lifetime_hours,
        avg_power_w=number("avg_power_w")[rows],
        use_time_ratio=number("use_time_ratio")[rows],
        time_workload_percent=number("time_workload_percent")[rows],
        quantity=quantity,
    )


# The server columns that describe a server's make-up or load: when a row gives any of them,
# the capnr method takes the bottom-up model's yearly energy rather than the declared default.
SERVER_DESCRIPTION = (
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


def _server_described(assets: AssetTable, rows: npt.NDArray[np.intp]) -> npt.NDArray[np.bool_]:
    """Per row: True when it names an archetype or gives one of ``SERVER_DESCRIPTION``."""
    described = np.char.strip(assets.text("archetype")[rows]) != ""
    for name in SERVER_DESCRIPTION:
        described |= ~np.isnan(assets.number(name)[rows])
    return np.asarray(described, dtype=np.bool_)


def _elec_rows(
    factors: dict[str, FloatArray],
    country: npt.NDArray[np.intp],
    stat: str,
) -> dict[str, FloatArray]:
    return {criterion: factors[f"{criterion}_{stat}"][country] for criterion in CRITERIA}


def _source(given: npt.NDArray[np.bool_]) -> npt.NDArray[np.str_]:
    return np.where(given, "input", "default").astype(np.str_)


# --- Distinct configurations -----------------------------------------------------------------

# Columns that only label rows: they never change a device's impacts, so rows that differ only
# there share one configuration. Every other column of the table is part of the configuration
# (so a column added later counts until it is listed here).
LABEL_ONLY = frozenset({"site", "department", "age_years"})
_SAMPLE_ROWS = 16_384  # large tables: a sample tells first whether grouping can pay
_MOSTLY_DISTINCT = 0.5  # more configurations than this share of rows: compute row by row


def _column_codes(column: npt.NDArray[Any]) -> tuple[npt.NDArray[np.intp], int] | None:
    """(code of each row's value, number of codes), or None when the column holds one value.
    Numbers compare by their bits, every NaN alike (NaN == NaN is false); texts as texts."""
    if column.ndim == 1 and column.strides == (0,):
        return None  # a column the table was not given: one value seen through every row
    if column.dtype.kind == "f":
        missing = np.isnan(column)
        if missing.all():
            return None
        values = np.asarray(column, dtype=np.float64)
        if missing.any():
            values = np.where(missing, np.nan, values)
        bits = values.view(np.uint64)
        if not missing.any() and (bits == bits[0]).all():
            return None
        # A fleet's numbers repeat a few values: found in a sample, they number the rows by a
        # binary search (checked to hold every row), without sorting a million numbers.
        sample = np.unique(bits[:: max(1, len(bits) // 4096)])
        if len(sample) <= 1024:
            codes = np.minimum(np.searchsorted(sample, bits), len(sample) - 1)
            if (sample[codes] == bits).all():
                return codes.astype(np.intp), len(sample)
        distinct, inverse = np.unique(bits, return_inverse=True)
        return inverse.reshape(-1).astype(np.intp), len(distinct)
    if column.dtype.kind in "US":
        other = column != column[0] if len(column) else np.zeros(0, dtype=np.bool_)
        if not other.any():
            return None
        # The first row's text is code 0; the others (usually few rows: the servers' archetype
        # and case) are sorted apart.
        distinct, inverse = np.unique(column[other], return_inverse=True)
        codes = np.zeros(len(column), dtype=np.intp)
        codes[other] = inverse.reshape(-1) + 1
        return codes, len(distinct) + 1
    if column.dtype.kind in "iub" and len(column):
        integers = column.astype(np.int64)
        low, high = int(integers.min()), int(integers.max())
        if low == high:
            return None
        present, ranks = _renumber(integers - low, high - low + 1)
        return ranks, len(present)
    others, positions = np.unique(column, return_inverse=True)
    return (positions.reshape(-1).astype(np.intp), len(others)) if len(others) > 1 else None


def _configuration_codes(
    columns: list[npt.NDArray[Any]], n: int
) -> tuple[npt.NDArray[np.intp], int]:
    """Number the distinct combinations of the columns' values: (each row's, how many)."""
    code = np.zeros(n, dtype=np.intp)
    count = 1
    for column in columns:
        coded = _column_codes(column)
        if coded is None:
            continue
        values, size = coded
        # Mixed radix, renumbered densely at each step: codes stay below n × size.
        combined = code.astype(np.int64) * size + values
        distinct, code = _renumber(combined, count * size)
        count = len(distinct)
    return code, count


def configuration_columns(assets: AssetTable) -> list[npt.NDArray[Any]]:
    """The columns that decide a device's impacts: category, country, every number and text
    column but the labels (NaN "not given" included). Quantities are not among them: impacts
    are per device, then multiplied."""
    return [
        assets.category,
        assets.country,
        *(column for name, column in sorted(assets.numbers.items()) if name not in LABEL_ONLY),
        *(column for name, column in sorted(assets.texts.items()) if name not in LABEL_ONLY),
    ]


def configurations(
    assets: AssetTable,
) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]] | None:
    """(each row's configuration, one row of each configuration), or None when the rows are
    mostly distinct and grouping them would cost more than it saves."""
    n = len(assets)
    columns = configuration_columns(assets)
    if n > 4 * _SAMPLE_ROWS:
        step = n // _SAMPLE_ROWS
        sample = [column[::step] for column in columns]
        _, count = _configuration_codes(sample, len(sample[0]))
        if count > _MOSTLY_DISTINCT * len(sample[0]):
            return None
    code, count = _configuration_codes(columns, n)
    if count > _MOSTLY_DISTINCT * n:
        return None
    representative = np.empty(count, dtype=np.intp)
    representative[code] = np.arange(n, dtype=np.intp)  # any row of each: they are identical
    return code, representative


def _take(assets: AssetTable, rows: npt.NDArray[np.intp]) -> AssetTable:
    """Some rows of the table (quantities of 1: the per-device computations never read them)."""
    ones = np.ones(len(rows), dtype=np.float64)
    return AssetTable(
        category=assets.category[rows],
        country=assets.country[rows],
        quantity=ones,
        numbers={name: column[rows] for name, column in assets.numbers.items()},
        texts={name: column[rows] for name, column in assets.texts.items()},
        source_rows=None if assets.source_rows is None else assets.source_rows[rows],
    )


Units = tuple[FloatArray, dict[str, npt.NDArray[np.str_]]]


def _per_configuration(
    assets: AssetTable,
    method: str,
    duration_years: float | None,
    quantities: tuple[FloatArray, FloatArray, FloatArray],
    per_device: Callable[[AssetTable], Units],
    group: bool,
) -> FootprintResult:
    """Run ``per_device`` (impacts of one device per row, and provenance) once per distinct
    configuration, or on every row when they are mostly distinct (or ``group`` is False)."""
    found = configurations(assets) if group else None
    if found is None:
        units, provenance = per_device(assets)
        for s, quantity in enumerate(quantities):
            units[..., s] *= quantity[:, None, None]
        return FootprintResult(method, duration_years, units, provenance)
    inverse, representative = found
    units, provenance = per_device(_take(assets, representative))
    return FootprintResult(
        method,
        duration_years,
        provenance=_RowProvenance(provenance, inverse),
        units=units,
        inverse=inverse,
        quantities=quantities,
    )


# --- boavizta -----------------------------------------------------------------------------------


def _check_boavizta_covers(assets: AssetTable, data: ReferenceData) -> npt.NDArray[np.int8]:
    """Per row: 1 terminal, 2 server; raise ``MethodNotApplicable`` naming every row that
    boaviztapi does not cover."""
    categories = data.categories
    kind = np.array(
        [0 if c.boavizta_archetype == "" else 2 if c.is_server else 1 for c in categories],
        dtype=np.int8,
    )[assets.category]
    uncovered = np.flatnonzero(kind == 0)
    if uncovered.size:
        rows_in_file = assets.source_rows if assets.source_rows is not None else uncovered + 2
        raise MethodNotApplicable(
            [int(rows_in_file[i]) for i in uncovered],
            [categories[int(assets.category[i])].code for i in uncovered],
            "boavizta",
        )
    return kind


def compute_boavizta(
    assets: AssetTable,
    *,
    duration_years: float | None = None,
    data: ReferenceData | None = None,
    group: bool = True,
) -> FootprintResult:
    """``group`` False computes every row, even identical ones (the reference for tests)."""
    data = data or reference_data()
    _check_boavizta_covers(assets, data)
    q = assets.quantity
    return _per_configuration(
        assets,
        "boavizta",
        duration_years,
        (q, q, q),
        lambda rows: _boavizta_per_device(rows, duration_years, data),
        group,
    )


def _boavizta_per_device(
    assets: AssetTable, duration_years: float | None, data: ReferenceData
) -> Units:
    """Impacts of one device of each row (quantities are applied by the caller)."""
    n = len(assets)
    impacts = np.full((n, len(CRITERIA), 2, 3), np.nan, dtype=np.float64)
    categories = data.categories
    kind = _check_boavizta_covers(assets, data)
    factors = data.electricity("boavizta")
    lifetime_in = assets.number("lifetime_years")

    terminal_rows = np.flatnonzero(kind == 1)
    if terminal_rows.size:
        # One spec per category (servers and uncovered categories get a placeholder that no
        # row uses), indexed by the integer category code: no string work per asset.
        placeholder = next(iter(data.boavizta_terminals.values()))
        specs = [data.boavizta_terminals.get(c.boavizta_archetype, placeholder) for c in categories]
        which = assets.category[terminal_rows]
        table = {
            "life": np.array([s.hours_life_time for s in specs]),
            "ratio": np.array([s.use_time_ratio for s in specs]),
            "power": np.array([s.avg_power_w.value for s in specs]),
            "power_low": np.array([s.avg_power_w.low for s in specs]),
            "power_high": np.array([s.avg_power_w.high for s in specs]),
        }
        rows = terminal_rows
        life_given = lifetime_in[rows] * HOURS_PER_YEAR
        life = np.where(np.isnan(life_given), table["life"][which], life_given)
        duration = (
            life if duration_years is None else np.full(rows.size, duration_years * HOURS_PER_YEAR)
        )
        allocation = _allocation(duration, life, life, life)
        for c, criterion in enumerate(CRITERIA):
            factor = np.array([s.embodied.get(criterion, np.nan) for s in specs])[which]
            impacts[rows, c, EMBODIED, :] = factor[:, None] * allocation
        power_in = assets.number("avg_power_w")[rows]
        ratio_in = assets.number("use_time_ratio")[rows]
        given_power = ~np.isnan(power_in)
        power = np.where(given_power, power_in, table["power"][which])
        power_low = np.where(given_power, power_in, table["power_low"][which])
        power_high = np.where(given_power, power_in, table["power_high"][which])
        ratio = np.where(np.isnan(ratio_in), table["ratio"][which], ratio_in)
        country = assets.country[rows]
        base = ratio * duration / 1000
        for c, criterion in enumerate(CRITERIA):
            impacts[rows, c, USE, VALUE] = factors[f"{criterion}_value"][country] * base * power
            impacts[rows, c, USE, LOW] = factors[f"{criterion}_low"][country] * base * power_low
            impacts[rows, c, USE, HIGH] = factors[f"{criterion}_high"][country] * base * power_high

    server_rows = np.flatnonzero(kind == 2)
    if server_rows.size:
        from .boavizta_server import server_impacts

        rows = server_rows
        life_hours = lifetime_in[rows] * HOURS_PER_YEAR
        inputs = _server_inputs(assets, rows, life_hours, np.ones(rows.size))
        country = assets.country[rows]
        server_duration = (
            None if duration_years is None else np.full(rows.size, duration_years * HOURS_PER_YEAR)
        )
        impacts[rows] = server_impacts(
            inputs,
            elec_value=_elec_rows(factors, country, "value"),
            elec_low=_elec_rows(factors, country, "low"),
            elec_high=_elec_rows(factors, country, "high"),
            duration_hours=server_duration,
        )
    provenance = {
        "lifetime": _source(~np.isnan(lifetime_in)),
        "power": _source(~np.isnan(assets.number("avg_power_w"))),
    }
    return impacts, provenance


def use_energy_kwh_per_year(
    assets: AssetTable, profile: UsageProfile, data: ReferenceData
) -> tuple[FloatArray, npt.NDArray[np.bool_]]:
    """(n, 3) kWh per device per year before PUE, and whether the power came from the input."""
    categories = data.categories
    cat = assets.category
    always_on = np.array([c.always_on for c in categories])[cat]
    on_share = np.array([c.on_share for c in categories])[cat]
    left_share = np.array(
        [profile.share_left_on if c.left_on_share is None else c.left_on_share for c in categories]
    )[cat]
    left_asleep = np.array([c.left_on_asleep for c in categories])[cat]
    working = min(profile.working_hours, HOURS_PER_YEAR)
    outside = HOURS_PER_YEAR - working
    default_on = np.where(
        always_on,
        HOURS_PER_YEAR,
        working * on_share + np.where(left_asleep, 0.0, outside * left_share),
    )
    default_sleep = np.where(
        always_on, 0.0, working * (1 - on_share) + np.where(left_asleep, outside * left_share, 0.0)
    )
    default_off = np.where(always_on, 0.0, outside * (1 - left_share))
    # Hours given for some states take their share of the year; the states left to defaults
    # share what remains in their default proportions (all of it off if they had none).
    states = ("on", "sleep", "off")
    defaults = {"on": default_on, "sleep": default_sleep, "off": default_off}
    given_hours = {state: assets.number(f"hours_{state}") for state in states}
    given_total = sum(np.nan_to_num(given_hours[state]) for state in states)
    missing_default = sum(
        np.where(np.isnan(given_hours[state]), defaults[state], 0.0) for state in states
    )
    remaining = np.clip(HOURS_PER_YEAR - given_total, 0.0, None)
    any_given = ~np.all([np.isnan(given_hours[state]) for state in states], axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        scale = np.where(missing_default > 0, remaining / missing_default, 0.0)
    hours = {}
    for state in states:
        scaled = np.where(any_given, defaults[state] * scale, defaults[state])
        hours[state] = np.where(np.isnan(given_hours[state]), scaled, given_hours[state])
    no_default_left = any_given & (missing_default <= 0) & np.isnan(given_hours["off"])
    hours["off"] = np.where(no_default_left, remaining, hours["off"])

    energy = np.zeros((len(assets), 3), dtype=np.float64)
    power_given = np.zeros(len(assets), dtype=bool)
    for state in ("on", "sleep", "off"):
        given = assets.number(f"power_{state}_w")
        power_given |= ~np.isnan(given)
        for s, stat in enumerate(STATS):
            default = data.parameter_array(f"power_{state}", stat)[cat]
            power = np.where(np.isnan(given), default, given)
            energy[:, s] += power * hours[state] / 1000
    average = assets.number("avg_power_w")
    ratio = assets.number("use_time_ratio")
    by_average = ~np.isnan(average)
    average_kwh = average * np.where(np.isnan(ratio), 1.0, ratio) * HOURS_PER_YEAR / 1000
    energy = np.where(by_average[:, None], average_kwh[:, None], energy)
    return energy, power_given | by_average


def compute_capnr(
    assets: AssetTable,
    *,
    duration_years: float | None = 1.0,
    profile: UsageProfile | None = None,
    scenario: str = "average",
    data: ReferenceData | None = None,
    group: bool = True,
) -> FootprintResult:
    """``duration_years`` None means each asset over its own lifetime (lifetime totals).
    ``group`` False computes every row, even identical ones (the reference for tests)."""
    data = data or reference_data()
    chosen = profile or data.profile
    quantities = (
        assets.quantity,
        assets.quantity if assets.quantity_low is None else assets.quantity_low,
        assets.quantity if assets.quantity_high is None else assets.quantity_high,
    )
    return _per_configuration(
        assets,
        "capnr",
        duration_years,
        quantities,
        lambda rows: _capnr_per_device(rows, duration_years, chosen, scenario, data),
        group,
    )


def _capnr_per_device(
    assets: AssetTable,
    duration_years: float | None,
    profile: UsageProfile,
    scenario: str,
    data: ReferenceData,
) -> Units:
    """Impacts of one device of each row (quantities are applied by the caller)."""
    n = len(assets)
    cat = assets.category
    impacts = np.full((n, len(CRITERIA), 2, 3), np.nan, dtype=np.float64)
    lifetime_in = assets.number("lifetime_years")
    given_life = ~np.isnan(lifetime_in)
    life = {
        stat: np.where(given_life, lifetime_in, data.parameter_array("lifetime", stat)[cat])
        for stat in STATS
    }
    if duration_years is None:
        # Lifetime totals: the whole embodied impact, and use over each bound's own lifetime.
        allocation = np.ones((n, 3), dtype=np.float64)
        use_years = np.stack([life["value"], life["low"], life["high"]], axis=1)
    else:
        duration = np.full(n, float(duration_years))
        allocation = _allocation(duration, life["value"], life["low"], life["high"])
        use_years = np.repeat(duration[:, None], 3, axis=1)

    is_server = np.array([c.is_server for c in data.categories])[cat]
    terminal = ~is_server
    for c, criterion in enumerate(CRITERIA):
        if criterion == "fe":
            continue  # final energy is a use-phase figure only
        embodied = np.stack(
            [data.parameter_array(f"embodied_{criterion}", stat)[cat] for stat in STATS], axis=1
        )
        impacts[terminal, c, EMBODIED, :] = (embodied * allocation)[terminal]

    energy, power_given = use_energy_kwh_per_year(assets, profile, data)
    server_rows = np.flatnonzero(is_server)
    if server_rows.size:
        from .boavizta_server import server_impacts

        # Embodied impacts and yearly energy of servers come from the bottom-up model, run over
        # each server's own lifetime with unit electricity factors (so "use" reads as kWh).
        ones = {criterion: np.ones(server_rows.size) for criterion in CRITERIA}
        life_hours = life["value"][server_rows] * HOURS_PER_YEAR
        modelled = server_impacts(
            _server_inputs(assets, server_rows, life_hours, np.ones(server_rows.size)),
            elec_value=ones,
            elec_low=ones,
            elec_high=ones,
            duration_hours=life_hours,
        )
        for c, criterion in enumerate(CRITERIA):
            if criterion == "fe":
                continue
            impacts[server_rows, c, EMBODIED, :] = (
                modelled[:, c, EMBODIED, :] * allocation[server_rows]
            )
        per_year = (
            modelled[:, CRITERIA.index("fe"), USE, :] * (HOURS_PER_YEAR / life_hours)[:, None]
        )
        # A server the row does not describe takes the yearly energy manufacturers declare
        # for its category: the model's default archetype at 50 % load is a large, busy server.
        declared = np.stack(
            [data.parameter_array("yearly_energy", stat)[cat[server_rows]] for stat in STATS],
            axis=1,
        )
        ratio = assets.number("use_time_ratio")[server_rows]
        declared *= np.where(np.isnan(ratio), 1.0, ratio)[:, None]
        described = _server_described(assets, server_rows)
        per_year = np.where(described[:, None], per_year, declared)
        overridden = ~np.isnan(assets.number("avg_power_w")[server_rows])
        energy[server_rows] = np.where(overridden[:, None], energy[server_rows], per_year)

    pue_in = assets.number("pue")
    in_room = np.array([c.in_server_room for c in data.categories])[cat]
    pue = np.ones((n, 3), dtype=np.float64)
    default_pue = np.array([data.pue.value, data.pue.low, data.pue.high])
    pue[in_room] = default_pue
    given_pue = ~np.isnan(pue_in)
    pue[given_pue] = pue_in[given_pue][:, None]
    energy = energy * pue

    factors = data.electricity("capnr", scenario)
    country = assets.country
    for c, criterion in enumerate(CRITERIA):
        ef = np.stack([factors[f"{criterion}_{stat}"][country] for stat in STATS], axis=1)
        impacts[:, c, USE, :] = ef * energy * use_years
    provenance = {
        "lifetime": _source(given_life),
        "power": _source(power_given),
        "pue": _source(given_pue),
    }
    return impacts, provenance


def compute_footprint(
    assets: AssetTable,
    *,
    method: Method = "capnr",
    duration_years: float | None = None,
    lifetime_totals: bool = False,
    scenario: str = "average",
    profile: UsageProfile | None = None,
    data: ReferenceData | None = None,
    group: bool = True,
) -> FootprintResult:
    """The one entry point. Without ``duration_years``, capnr annualises (one year) unless
    ``lifetime_totals``; boavizta takes each device's lifetime, as boaviztapi does.

    Each distinct configuration (every column but quantities and labels) is computed once and
    the rows take its impacts times their quantities: the same numbers, bit for bit, as
    computing every row (``group=False``)."""
    if method == "boavizta":
        return compute_boavizta(assets, duration_years=duration_years, data=data, group=group)
    if method == "capnr":
        duration = None if lifetime_totals else (1.0 if duration_years is None else duration_years)
        return compute_capnr(
            assets,
            duration_years=duration,
            profile=profile,
            scenario=scenario,
            data=data,
            group=group,
        )
    raise ValueError(f"Unknown method {method!r}: choose among {', '.join(METHODS)}")
