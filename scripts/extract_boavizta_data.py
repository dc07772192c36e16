"""Maintainer tool: regenerate src/capnr/engine/data/boavizta/*.csv, the server-model numbers.

The engine's ``boavizta_server`` module reproduces boaviztapi's bottom-up server model for its
generic archetypes. It reads only the CSV files this script writes: numbers, never code. This
script is the one place that imports boaviztapi (an AGPL-3.0, test-only dependency) to read them.
It asks boaviztapi's own parsers and models for each number, so the files hold exactly what
boaviztapi computes with, and it checks a few of them against the model before writing.

After upgrading boaviztapi, run it, read the diff, then run the oracle tests:

    .venv/bin/python scripts/extract_boavizta_data.py
    .venv/bin/pytest src/capnr/engine/tests/test_boavizta_server.py -q

Electricity factors are not extracted here (see scripts/extract_boavizta_terminal_data.py).
"""

from __future__ import annotations

import argparse
import csv
import datetime
import importlib.metadata
import io
import math
from pathlib import Path
from typing import Any

import yaml
from boaviztapi import data_dir
from boaviztapi.data.archetype import get_arch_component, get_server_archetype
from boaviztapi.models.component import ComponentCPU, ComponentHDD, ComponentRAM, ComponentSSD
from boaviztapi.models.component.cpu import _cpu_specs
from boaviztapi.models.consumption_profile import consumption_profile
from boaviztapi.utils.roundit import round_to_sigfig

OUT = Path(__file__).resolve().parents[1] / "src" / "capnr" / "engine" / "data" / "boavizta"
VERSION = importlib.metadata.version("boaviztapi")
LICENCE = (
    "licence: AGPL-3.0 (boaviztapi repository; the file states no separate data licence), "
    "numbers reused as facts with their provenance"
)

# The generic archetypes the engine models (cloud platforms are out of scope).
ARCHETYPES = (
    *(
        f"platform_{family}_{level}"
        for family in ("compute", "memory", "ssdstorage", "hddstorage")
        for level in ("low", "medium", "high")
    ),
    "dellR740",
)

# Our attribute name -> (section, attribute) in boaviztapi's server.csv.
ARCHETYPE_ATTRIBUTES = {
    "case_type": ("CASE", "case_type"),
    "cpu_units": ("CPU", "units"),
    "cpu_core_units": ("CPU", "core_units"),
    "ram_units": ("RAM", "units"),
    "ram_capacity_gb": ("RAM", "capacity"),
    "ssd_units": ("SSD", "units"),
    "ssd_capacity_gb": ("SSD", "capacity"),
    "hdd_units": ("HDD", "units"),
    "hdd_capacity_gb": ("HDD", "capacity"),
    "psu_units": ("POWER_SUPPLY", "units"),
    "psu_unit_weight_kg": ("POWER_SUPPLY", "unit_weight"),
    "time_workload_percent": ("USAGE", "time_workload"),
    "use_time_ratio": ("USAGE", "use_time_ratio"),
    "hours_life_time": ("USAGE", "hours_life_time"),
    "other_consumption_ratio": ("USAGE", "other_consumption_ratio"),
}

# Our component name -> (factors.yml item, sub-key or None, factor keys).
COMPONENTS = {
    "assembly": ("assembly", None, ("impact",)),
    "cpu": ("cpu", None, ("impact", "die_impact")),
    "ram": ("ram", None, ("impact", "die_impact")),
    "ssd": ("ssd", None, ("impact", "die_impact")),
    "hdd": ("hdd", None, ("impact",)),
    "power_supply": ("power_supply", None, ("impact",)),
    "case_rack": ("case", "rack", ("impact",)),
    "case_blade": ("case", "blade", ("impact_blade_server", "impact_blade_16_slots")),
    "motherboard": ("motherboard", None, ("impact",)),
    "server": ("SERVER", None, ("impact",)),
}
CRITERIA_UNITS = {"gwp": "kgCO2eq", "pe": "MJ", "adp": "kgSbeq", "adpe": "kgSbeq", "fe": "kWh"}
PER = {  # what one unit of each factor key multiplies
    ("cpu", "die_impact"): "per mm2 of die",
    ("ram", "die_impact"): "per cm2 of memory die",
    ("ssd", "die_impact"): "per cm2 of flash die",
    ("power_supply", "impact"): "per kg",
    ("case_blade", "impact_blade_16_slots"): "per 16-slot enclosure",
}


def number(value: Any) -> str:
    """Shortest text that reads back as the same float (integers without '.0')."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    value = float(value)
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


def header(path: str, cites: str, date: str, extra: tuple[str, ...] = ()) -> str:
    lines = [f"# source: boaviztapi {VERSION} {path} ({cites}); {LICENCE}; extracted {date}"]
    lines += [f"# {line}" for line in extra]
    return "\n".join(lines) + "\n"


def write(path: Path, head: str, columns: list[str], rows: list[list[str]]) -> None:
    buffer = io.StringIO()
    buffer.write(head)
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")


def archetype_rows() -> list[list[str]]:
    rows = []
    for name in ARCHETYPES:
        archetype = get_server_archetype(name)
        if not archetype:
            raise SystemExit(f"archetype {name} missing from boaviztapi {VERSION}")
        if archetype.get("GPU", {}).get("units") not in ({}, {"default": 0}, None):
            raise SystemExit(f"{name} has a GPU: the engine does not model GPUs")
        for ours, (section, attribute) in ARCHETYPE_ATTRIBUTES.items():
            cell = archetype.get(section, {}).get(attribute, {})
            if ours == "case_type":
                rows.append([name, ours, cell.get("default", ""), "", ""])
                continue
            value = cell.get("default")
            # A bound boaviztapi does not state falls back to the value (Boattribute.min/max).
            rows.append(
                [
                    name,
                    ours,
                    number(value),
                    number(cell.get("min", value)),
                    number(cell.get("max", value)),
                ]
            )
    return rows


def factor_rows(factors: dict[str, Any]) -> list[list[str]]:
    rows = []
    for ours, (item, sub, keys) in COMPONENTS.items():
        for criterion, unit in CRITERIA_UNITS.items():
            entry = factors.get(item, {}).get(criterion)
            if entry is None:
                continue  # boaviztapi answers "not implemented" for this pair
            source = entry.get("source", "")
            if sub is not None:
                entry = entry[sub]
            for key in keys:
                if entry.get(key) is None:
                    continue  # e.g. SERVER adp: stated as null upstream
                per = PER.get((ours, key), "per unit")
                rows.append([ours, criterion, key, number(entry[key]), f"{unit} {per}", source])
    return rows


def triple(attribute: Any) -> tuple[float, float, float]:
    return float(attribute.value), float(attribute.min), float(attribute.max)


def die_size_regression() -> tuple[float, float]:
    """Least-squares line of total die size on cores over cpu_specs.csv, as boaviztapi fits it."""
    table = _cpu_specs[_cpu_specs["total_die_size"].notna()]
    table = table[~table["cores"].isna()]
    cores = table["cores"].values
    size = table["total_die_size"].values
    cores_mean, size_mean = cores.mean(), size.mean()
    slope = ((cores - cores_mean) * (size - size_mean)).sum() / ((cores - cores_mean) ** 2).sum()
    return float(size_mean - slope * cores_mean), float(slope)


def cpu_die(core_units: float | None) -> tuple[float, float, float]:
    cpu = ComponentCPU(archetype=get_arch_component(get_server_archetype(ARCHETYPES[0]), "CPU"))
    if core_units is not None:
        cpu.core_units.set_input(core_units)
    return triple(cpu.die_size)


def parameter_rows() -> tuple[list[list[str]], list[list[str]]]:
    rows: list[list[str]] = []
    for kind, component in (("ram", ComponentRAM), ("ssd", ComponentSSD)):
        densities = {
            triple(
                component(
                    archetype=get_arch_component(get_server_archetype(name), kind.upper())
                ).density
            )
            for name in ARCHETYPES
        }
        if len(densities) != 1:
            raise SystemExit(f"{kind} density differs between archetypes: {densities}")
        table = f"data/crowdsourcing/{kind}_manufacture.csv"
        rows.append(
            [
                f"{kind}_density",
                *map(number, densities.pop()),
                "GB/cm2",
                f"mean, min and max of every row of {table}",
            ]
        )

    any_cores = {cpu_die(None)}
    if len(any_cores) != 1:
        raise SystemExit("CPU die size without core count is not one triple")
    rows.append(
        [
            "cpu_die_size_any_cores",
            *map(number, any_cores.pop()),
            "mm2",
            "mean, min and max of total_die_size in data/crowdsourcing/cpu_specs.csv, "
            "each rounded to 3 significant figures",
        ]
    )

    intercept, slope = die_size_regression()
    listed = set(_cpu_specs[_cpu_specs["total_die_size"].notna()]["cores"].dropna())
    for cores in range(1, 257):  # the model must agree with the line wherever it uses it
        if cores not in listed:
            expected = round_to_sigfig(intercept + slope * cores, 3)
            if cpu_die(cores) != (expected, expected, expected):
                raise SystemExit(f"die-size regression does not reproduce {cores} cores")
    source = "least squares of total_die_size on cores in data/crowdsourcing/cpu_specs.csv"
    rows.append(["cpu_die_size_intercept", number(intercept), "", "", "mm2", source])
    rows.append(["cpu_die_size_slope", number(slope), "", "", "mm2/core", source])

    params = consumption_profile.CPUConsumptionProfileModel().params.value
    cpu_source = "CONSUMPTION_PROFILE.params of data/archetypes/components/cpu.csv (DEFAULT)"
    for key, unit in (("a", "W"), ("b", "1/%"), ("c", "%"), ("d", "W")):
        rows.append([f"cpu_power_{key}", number(params[key]), "", "", unit, cpu_source])
    rows.append(
        [
            "cpu_power_min_w",
            number(consumption_profile.MIN_POWER),
            "",
            "",
            "W",
            "MIN_POWER, models/consumption_profile/consumption_profile.py",
        ]
    )
    ram = consumption_profile.RAMConsumptionProfileModel
    ram_source = "RAMConsumptionProfileModel, models/consumption_profile/consumption_profile.py"
    rows.append(["ram_dimm_base_w", number(ram.dimm_base_power), "", "", "W", ram_source])
    rows.append(["ram_dimm_w_per_gb", number(ram.dimm_power_per_gb), "", "", "W/GB", ram_source])
    rows.append(["ram_idle_power_ratio", number(ram.idle_power_ratio), "", "", "1", ram_source])
    for kind, component in (("ssd", ComponentSSD), ("hdd", ComponentHDD)):
        rows.append(
            [
                f"{kind}_power_per_drive_w",
                *map(number, component.POWER_PER_DRIVE),
                "W",
                f"POWER_PER_DRIVE, models/component/{kind}.py",
            ]
        )

    die_rows = [[number(cores), *map(number, cpu_die(cores))] for cores in sorted(listed)]
    return rows, die_rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--output-dir", type=Path, default=OUT)
    parser.add_argument(
        "--date",
        default=datetime.date.today().isoformat(),
        help="extraction date written in the headers (YYYY-MM-DD)",
    )
    args = parser.parse_args()
    out: Path = args.output_dir
    out.mkdir(parents=True, exist_ok=True)
    factors = yaml.safe_load((Path(data_dir) / "factors.yml").read_text(encoding="utf-8"))

    write(
        out / "server_archetypes.csv",
        header(
            "data/archetypes/server.csv",
            "Boavizta generic server platforms",
            args.date,
            (
                "one row per archetype and attribute: value, low (boaviztapi's min), high "
                "(its max); a bound boaviztapi leaves unstated equals the value",
                "empty cells: not stated by boaviztapi (the component is absent)",
                "cpu_core_units is listed for reference only: boaviztapi 2.5.0 ignores an "
                "archetype's core count and die_size_per_core (dellR740: 24.5 mm2) when it "
                "sizes the CPU die; only a core count given as input changes the die size",
            ),
        ),
        ["archetype", "attribute", "value", "low", "high"],
        archetype_rows(),
    )

    write(
        out / "server_component_factors.csv",
        header(
            "data/factors.yml",
            "cites https://base-empreinte.ademe.fr/ for SERVER and "
            "UBA Green Cloud Computing (2021) for assembly; no source stated for the other "
            "components",
            args.date,
            (
                "a missing (component, criterion) pair means boaviztapi has no factor: "
                "the bottom-up model is then 'not implemented' for that criterion",
            ),
        ),
        ["component", "criterion", "key", "value", "unit", "source"],
        factor_rows(factors),
    )

    parameters, die_sizes = parameter_rows()
    write(
        out / "server_parameters.csv",
        header(
            "data/crowdsourcing/*.csv, data/archetypes/components/cpu.csv and model constants",
            "crowdsourced specifications: techinsights.com, thememoryguy.com, "
            "Cloud Carbon Footprint coefficients, techpowerup.com; power models: see "
            "source column",
            args.date,
            ("values as boaviztapi's models derive them (low = its min, high = its max)",),
        ),
        ["parameter", "value", "low", "high", "unit", "source"],
        parameters,
    )

    write(
        out / "cpu_die_size_by_cores.csv",
        header(
            "data/crowdsourcing/cpu_specs.csv",
            "Cloud Carbon Footprint coefficients, techpowerup.com, Wikipedia",
            args.date,
            (
                "die size (mm2) boaviztapi gives a CPU whose core count is stated and listed: "
                "mean (value), min (low) and max (high) of total_die_size over CPUs with that "
                "many cores, each rounded to 3 significant figures",
            ),
        ),
        ["cores", "value", "low", "high"],
        die_sizes,
    )
    print(f"wrote 4 files to {out} from boaviztapi {VERSION}")


if __name__ == "__main__":
    main()
