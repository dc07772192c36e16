"""Reference data: categories, figures, sources and electricity factors, loaded once.

Everything comes from the versioned files in ``data/`` (see ``data/SOURCES.md``); nothing here
holds a number of its own. ``DATA_VERSION`` (``data/VERSION``) is recorded in every result."""

from __future__ import annotations

import csv
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Any

import numpy as np
import numpy.typing as npt

CRITERIA = ("gwp", "pe", "adpe", "fe")
PHASES = ("embodied", "use")
STATS = ("value", "low", "high")
UNITS = {"gwp": "kgCO2e", "pe": "MJ", "adpe": "kgSbeq", "fe": "kWh"}
HOURS_PER_YEAR = 8760.0
BOAVIZTA_DEFAULT_LOCATION = "EEE"

_DATA = files("capnr.engine") / "data"


def _rows(name: str) -> Iterator[dict[str, str]]:
    text = (_DATA / name).read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if line and not line.startswith("#")]
    yield from csv.DictReader(lines)


@cache
def data_version() -> str:
    return (_DATA / "VERSION").read_text(encoding="utf-8").strip()


@dataclass(frozen=True)
class Category:
    code: str
    label_fr: str
    label_en: str
    boavizta_archetype: str  # "" when boaviztapi does not cover it, "server" for its server model
    always_on: bool
    on_share: float
    left_on_share: float | None  # None: the usage profile's share
    left_on_asleep: bool
    in_server_room: bool

    @property
    def is_server(self) -> bool:
        return self.boavizta_archetype == "server"


@dataclass(frozen=True)
class Bounded:
    """A figure with its bounds and provenance."""

    value: float
    low: float
    high: float
    source_id: str


@dataclass(frozen=True)
class BoaviztaTerminal:
    archetype: str
    use_time_ratio: float
    hours_life_time: float
    avg_power_w: Bounded
    embodied: dict[str, float]  # criterion -> factor per device; missing = not implemented


@dataclass(frozen=True)
class UsageProfile:
    """When office devices are on. Hours per year follow from it (see ``capnr_method``)."""

    working_days: float
    daily_hours: float
    share_left_on: float

    def __post_init__(self) -> None:
        if not 0 <= self.working_days <= 366:
            raise ValueError(f"working_days must be within 0–366, not {self.working_days}")
        if not 0 <= self.daily_hours <= 24:
            raise ValueError(f"daily_hours must be within 0–24, not {self.daily_hours}")
        if not 0 <= self.share_left_on <= 1:
            raise ValueError(f"share_left_on must be within 0–1, not {self.share_left_on}")

    @property
    def working_hours(self) -> float:
        return self.working_days * self.daily_hours


@dataclass(frozen=True)
class ReferenceData:
    categories: tuple[Category, ...]
    parameters: dict[tuple[str, str], Bounded]
    sources: dict[str, dict[str, str]]
    boavizta_terminals: dict[str, BoaviztaTerminal]
    boavizta_electricity: dict[str, dict[str, float]]  # country -> criterion -> factor
    boavizta_world_range: dict[str, tuple[float, float]]  # criterion -> (min, max)
    capnr_electricity: dict[tuple[str, str], dict[str, Bounded]]  # (country, scenario) -> ...
    profile: UsageProfile
    pue: Bounded
    electricity_price: Bounded  # €/kWh excluding VAT
    benchmarks: tuple[dict[str, str], ...]

    @property
    def category_codes(self) -> tuple[str, ...]:
        return tuple(category.code for category in self.categories)

    @property
    def countries(self) -> tuple[str, ...]:
        return tuple(sorted(self.boavizta_electricity))

    def category_index(self, code: str) -> int:
        return self.category_codes.index(code)

    def parameter_array(self, name: str, stat: str = "value") -> npt.NDArray[np.float64]:
        """One figure for every category, NaN where the category has none (servers)."""
        values = []
        for category in self.categories:
            figure = self.parameters.get((category.code, name))
            values.append(np.nan if figure is None else getattr(figure, stat))
        return np.array(values, dtype=np.float64)

    def electricity(
        self, method: str, scenario: str = "average"
    ) -> dict[str, npt.NDArray[np.float64]]:
        """Per-country factor arrays, indexed like ``countries``: keys ``<criterion>_<stat>``."""
        arrays: dict[str, npt.NDArray[np.float64]] = {}
        for criterion in CRITERIA:
            for stat in STATS:
                values = []
                for country in self.countries:
                    own = self.capnr_electricity.get((country, scenario))
                    if method == "capnr" and own is not None:
                        values.append(float(getattr(own[criterion], stat)))
                    elif (
                        method == "boavizta"
                        and country == BOAVIZTA_DEFAULT_LOCATION
                        and stat != "value"
                    ):
                        # boaviztapi's default location carries the whole world's range.
                        low, high = self.boavizta_world_range[criterion]
                        values.append(low if stat == "low" else high)
                    else:
                        values.append(self.boavizta_electricity[country][criterion])
                arrays[f"{criterion}_{stat}"] = np.array(values, dtype=np.float64)
        return arrays


def _sources() -> dict[str, dict[str, str]]:
    """sources.csv, each row with its wording in both languages: ``citation_en`` (sources.csv's
    ``citation``) and ``citation_fr`` (sources_fr.csv)."""
    sources = {row["id"]: row for row in _rows("sources.csv")}
    french = {row["id"]: row["citation"] for row in _rows("sources_fr.csv")}
    if set(french) != set(sources):
        missing, unknown = sorted(set(sources) - set(french)), sorted(set(french) - set(sources))
        raise ValueError(
            f"Reference data sources_fr.csv: no French citation for {missing}; "
            f"unknown sources {unknown}"
        )
    for source_id, row in sources.items():
        row["citation_en"] = row["citation"]
        row["citation_fr"] = french[source_id]
    return sources


def _float(text: str, where: str) -> float:
    try:
        return float(text)
    except ValueError as error:
        raise ValueError(f"Reference data {where}: {text!r} is not a number") from error


@cache
def reference_data() -> ReferenceData:
    # Loaded in this order, so that a broken file is reported the same way every time.
    sources = _sources()
    categories = _categories()
    parameters = _capnr_parameters(sources)
    terminals = _boavizta_terminals()
    electricity, world = _boavizta_electricity()
    own = _capnr_electricity()
    defaults: dict[str, Any] = tomllib.loads((_DATA / "defaults.toml").read_text("utf-8"))
    usage = defaults["usage_profile"]
    room = defaults["server_room"]
    price = defaults["electricity_price"]
    return ReferenceData(
        categories=categories,
        parameters=parameters,
        sources=sources,
        boavizta_terminals=terminals,
        boavizta_electricity=electricity,
        boavizta_world_range=world,
        capnr_electricity=own,
        profile=UsageProfile(
            float(usage["working_days"]), float(usage["daily_hours"]), float(usage["share_left_on"])
        ),
        pue=Bounded(
            float(room["pue"]),
            float(room["pue_low"]),
            float(room["pue_high"]),
            str(room["pue_source"]),
        ),
        electricity_price=Bounded(
            float(price["eur_per_kwh"]),
            float(price["eur_per_kwh_low"]),
            float(price["eur_per_kwh_high"]),
            str(price["source"]),
        ),
        benchmarks=tuple(_rows("benchmarks.csv")),
    )


def _categories() -> tuple[Category, ...]:
    """The device categories (categories.csv), in the file's order: the engine's category index."""
    return tuple(
        Category(
            code=row["category"],
            label_fr=row["label_fr"],
            label_en=row["label_en"],
            boavizta_archetype=row["boavizta_archetype"],
            always_on=row["schedule"] == "always_on",
            on_share=_float(row["on_share"], f"categories.csv {row['category']}"),
            left_on_share=None
            if row["left_on_share"] == "profile"
            else _float(row["left_on_share"], f"categories.csv {row['category']}"),
            left_on_asleep=row["left_on_state"] == "sleep",
            in_server_room=row["in_server_room"] == "1",
        )
        for row in _rows("categories.csv")
    )


def _capnr_parameters(sources: dict[str, dict[str, str]]) -> dict[tuple[str, str], Bounded]:
    """Cap NR's figures per (category, parameter); each names a known source and lies within
    its bounds."""
    parameters: dict[tuple[str, str], Bounded] = {}
    for row in _rows("capnr_parameters.csv"):
        where = f"capnr_parameters.csv {row['category']}/{row['parameter']}"
        if row["source_id"] not in sources:
            raise ValueError(f"Reference data {where}: unknown source {row['source_id']!r}")
        figure = Bounded(
            _float(row["value"], where),
            _float(row["low"], where),
            _float(row["high"], where),
            row["source_id"],
        )
        if not figure.low <= figure.value <= figure.high:
            raise ValueError(f"Reference data {where}: value outside its bounds")
        parameters[(row["category"], row["parameter"])] = figure
    return parameters


def _boavizta_terminals() -> dict[str, BoaviztaTerminal]:
    """boaviztapi's terminal archetypes: usage, lifetime, power and embodied factors (a
    criterion left empty is one boaviztapi does not implement)."""
    terminals = {}
    for row in _rows("boavizta_terminals.csv"):
        where = f"boavizta_terminals.csv {row['archetype']}"
        embodied = {
            criterion: _float(row[f"embodied_{criterion}"], where)
            for criterion in ("gwp", "adpe")
            if row[f"embodied_{criterion}"]
        }
        terminals[row["archetype"]] = BoaviztaTerminal(
            archetype=row["archetype"],
            use_time_ratio=_float(row["use_time_ratio"], where),
            hours_life_time=_float(row["hours_life_time"], where),
            avg_power_w=Bounded(
                _float(row["avg_power_w"], where),
                _float(row["avg_power_w_min"], where),
                _float(row["avg_power_w_max"], where),
                "boavizta",
            ),
            embodied=embodied,
        )
    return terminals


def _boavizta_electricity() -> tuple[dict[str, dict[str, float]], dict[str, tuple[float, float]]]:
    """boaviztapi's electricity factors per country and criterion, and the world's range per
    criterion (its WORLD-MIN and WORLD-MAX rows, which are not countries)."""
    electricity: dict[str, dict[str, float]] = {}
    for row in _rows("boavizta_electricity.csv"):
        electricity.setdefault(row["country"], {})[row["criterion"]] = _float(
            row["value"], f"boavizta_electricity.csv {row['country']}"
        )
    world = {
        criterion: (electricity["WORLD-MIN"][criterion], electricity["WORLD-MAX"][criterion])
        for criterion in CRITERIA
    }
    for country in [c for c in electricity if c.startswith("WORLD-")]:
        del electricity[country]
    # A few countries lack some criteria in boaviztapi: NaN there, as boaviztapi answers
    # "not implemented" for them.
    electricity = {
        country: {criterion: factors.get(criterion, float("nan")) for criterion in CRITERIA}
        for country, factors in electricity.items()
    }
    return electricity, world


def _capnr_electricity() -> dict[tuple[str, str], dict[str, Bounded]]:
    """Cap NR's own electricity factors with bounds, per (country, scenario) and criterion."""
    own: dict[tuple[str, str], dict[str, Bounded]] = {}
    for row in _rows("capnr_electricity.csv"):
        where = f"capnr_electricity.csv {row['country']}/{row['criterion']}"
        own.setdefault((row["country"], row["scenario"]), {})[row["criterion"]] = Bounded(
            _float(row["value"], where),
            _float(row["low"], where),
            _float(row["high"], where),
            row["source_id"],
        )
    return own
