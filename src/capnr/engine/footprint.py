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
"""

from __future__ import annotations

from dataclasses import dataclass, field
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
    data_version,
    reference_data,
)

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


@dataclass
class FootprintResult:
    method: str
    duration_years: float | None  # None: each asset over its own lifetime
    impacts: FloatArray  # (n, 4, 2, 3)
    provenance: dict[str, npt.NDArray[np.str_]] = field(default_factory=dict)
    engine_version: str = ENGINE_VERSION
    data_version: str = field(default_factory=data_version)

    def totals(self) -> FloatArray:
        """(4, 2, 3): sums over all assets; NaN when any asset lacks that figure."""
        return np.asarray(self.impacts.sum(axis=0), dtype=np.float64)

    def breakdown(self, labels: npt.NDArray[Any]) -> tuple[npt.NDArray[Any], FloatArray]:
        """Totals per distinct label: (labels, array (k, 4, 2, 3))."""
        keys, inverse = factorize(labels)
        flat = self.impacts.reshape(len(self.impacts), -1)
        sums = np.empty((len(keys), flat.shape[1]), dtype=np.float64)
        for column in range(flat.shape[1]):
            sums[:, column] = np.bincount(inverse, weights=flat[:, column], minlength=len(keys))
        return keys, sums.reshape((len(keys), *self.impacts.shape[1:]))

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


def factorize(labels: npt.NDArray[Any]) -> tuple[npt.NDArray[Any], npt.NDArray[np.intp]]:
    """(sorted distinct labels, index of each row's label). Integers go through numpy; text
    through a dictionary, several times faster than sorting a million strings."""
    if labels.dtype.kind in "iub":
        keys, inverse = np.unique(labels, return_inverse=True)
        return keys, inverse.astype(np.intp)
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


def _elec_rows(
    factors: dict[str, FloatArray],
    country: npt.NDArray[np.intp],
    stat: str,
) -> dict[str, FloatArray]:
    return {criterion: factors[f"{criterion}_{stat}"][country] for criterion in CRITERIA}


def _source(given: npt.NDArray[np.bool_]) -> npt.NDArray[np.str_]:
    return np.where(given, "input", "default").astype(np.str_)


def compute_boavizta(
    assets: AssetTable, *, duration_years: float | None = None, data: ReferenceData | None = None
) -> FootprintResult:
    data = data or reference_data()
    n = len(assets)
    impacts = np.full((n, len(CRITERIA), 2, 3), np.nan, dtype=np.float64)
    categories = data.categories
    # 0: not covered by boaviztapi, 1: terminal, 2: server; per category, then per row.
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
    factors = data.electricity("boavizta")
    lifetime_in = assets.number("lifetime_years")
    quantity = assets.quantity

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
        q = quantity[rows]
        for c, criterion in enumerate(CRITERIA):
            factor = np.array([s.embodied.get(criterion, np.nan) for s in specs])[which]
            impacts[rows, c, EMBODIED, :] = (factor * q)[:, None] * allocation
        power_in = assets.number("avg_power_w")[rows]
        ratio_in = assets.number("use_time_ratio")[rows]
        given_power = ~np.isnan(power_in)
        power = np.where(given_power, power_in, table["power"][which])
        power_low = np.where(given_power, power_in, table["power_low"][which])
        power_high = np.where(given_power, power_in, table["power_high"][which])
        ratio = np.where(np.isnan(ratio_in), table["ratio"][which], ratio_in)
        country = assets.country[rows]
        for c, criterion in enumerate(CRITERIA):
            base = ratio * duration * q / 1000
            impacts[rows, c, USE, VALUE] = factors[f"{criterion}_value"][country] * base * power
            impacts[rows, c, USE, LOW] = factors[f"{criterion}_low"][country] * base * power_low
            impacts[rows, c, USE, HIGH] = factors[f"{criterion}_high"][country] * base * power_high

    server_rows = np.flatnonzero(kind == 2)
    if server_rows.size:
        from .boavizta_server import server_impacts

        rows = server_rows
        life_hours = lifetime_in[rows] * HOURS_PER_YEAR
        inputs = _server_inputs(assets, rows, life_hours, quantity[rows])
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
    return FootprintResult(
        method="boavizta",
        duration_years=duration_years,
        impacts=impacts,
        provenance={
            "lifetime": _source(~np.isnan(lifetime_in)),
            "power": _source(~np.isnan(assets.number("avg_power_w"))),
        },
    )


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
) -> FootprintResult:
    """``duration_years`` None means each asset over its own lifetime (lifetime totals)."""
    data = data or reference_data()
    profile = profile or data.profile
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
    q = np.stack([assets.quantity, assets.quantity_low, assets.quantity_high], axis=1)  # type: ignore[list-item]

    is_server = np.array([c.is_server for c in data.categories])[cat]
    terminal = ~is_server
    for c, criterion in enumerate(CRITERIA):
        if criterion == "fe":
            continue  # final energy is a use-phase figure only
        embodied = np.stack(
            [data.parameter_array(f"embodied_{criterion}", stat)[cat] for stat in STATS], axis=1
        )
        impacts[terminal, c, EMBODIED, :] = (embodied * allocation * q)[terminal]

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
                modelled[:, c, EMBODIED, :] * allocation[server_rows] * q[server_rows]
            )
        per_year = (
            modelled[:, CRITERIA.index("fe"), USE, :] * (HOURS_PER_YEAR / life_hours)[:, None]
        )
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
        impacts[:, c, USE, :] = ef * energy * use_years * q
    return FootprintResult(
        method="capnr",
        duration_years=duration_years,
        impacts=impacts,
        provenance={
            "lifetime": _source(given_life),
            "power": _source(power_given),
            "pue": _source(given_pue),
        },
    )


def compute_footprint(
    assets: AssetTable,
    *,
    method: Method = "capnr",
    duration_years: float | None = None,
    lifetime_totals: bool = False,
    scenario: str = "average",
    profile: UsageProfile | None = None,
    data: ReferenceData | None = None,
) -> FootprintResult:
    """The one entry point. Without ``duration_years``, capnr annualises (one year) unless
    ``lifetime_totals``; boavizta takes each device's lifetime, as boaviztapi does."""
    if method == "boavizta":
        return compute_boavizta(assets, duration_years=duration_years, data=data)
    if method == "capnr":
        duration = None if lifetime_totals else (1.0 if duration_years is None else duration_years)
        return compute_capnr(
            assets, duration_years=duration, profile=profile, scenario=scenario, data=data
        )
    raise ValueError(f"Unknown method {method!r}: choose among {', '.join(METHODS)}")
