"""Maintainer tool: regenerate the Boavizta-derived terminal and electricity data files.

Reads boaviztapi's packaged data (installed as a test-only dependency) and writes, under
src/capnr/engine/data/, the values the engine's `boavizta` method needs. Numbers only: no code of
boaviztapi is copied. Run after upgrading boaviztapi, then re-run the oracle tests:

    .venv/bin/python scripts/extract_boavizta_terminal_data.py
"""

from __future__ import annotations

import csv
import importlib.metadata
from pathlib import Path

import yaml
from boaviztapi import data_dir

OUT = Path(__file__).resolve().parents[1] / "src" / "capnr" / "engine" / "data"
VERSION = importlib.metadata.version("boaviztapi")
CRITERIA = {"gwp": "gwp", "pe": "pe", "adpe": "adpe", "fe": "fe"}
DEVICE_KEYS = {
    "laptop": "LAPTOP",
    "desktop": "DESKTOP",
    "monitor": "MONITOR",
    "smartphone": "SMARTPHONE",
    "tablet": "TABLET",
    "television": "TELEVISION",
    "box": "BOX",
    "usb_stick": "USB_STICK",
    "external_ssd": "EXTERNAL_SSD",
    "external_hdd": "EXTERNAL_HDD",
}


def split_range(text: str) -> tuple[str, str, str]:
    parts = (text or "").split(";")
    if len(parts) == 3:
        return parts[0], parts[1], parts[2]
    return parts[0], parts[0], parts[0]


def main() -> None:
    factors = yaml.safe_load((Path(data_dir) / "factors.yml").read_text())
    header = (
        f"# source: boaviztapi {VERSION}, data/archetypes/user_terminal.csv and "
        "data/factors.yml (embedded factors cite ADEME Base Empreinte / NegaOctet); "
        "licence of the boaviztapi repository: AGPL-3.0 (numbers reused as facts, "
        "with their provenance)\n"
    )
    with (
        (Path(data_dir) / "archetypes" / "user_terminal.csv").open() as source,
        (OUT / "boavizta_terminals.csv").open("w", newline="") as target,
    ):
        target.write(header)
        writer = csv.writer(target, lineterminator="\n")
        writer.writerow(
            [
                "archetype",
                "device",
                "type",
                "use_time_ratio",
                "hours_life_time",
                "avg_power_w",
                "avg_power_w_min",
                "avg_power_w_max",
                "embodied_gwp",
                "embodied_adpe",
                "embodied_source",
            ]
        )
        for row in csv.DictReader(source):
            if not row["USAGE.hours_life_time"]:
                continue  # smartwatch: no lifetime, not a device we model
            device, kind = row["device_type"], row["type"]
            power = split_range(row["USAGE.avg_power"])
            entry = factors.get(DEVICE_KEYS.get(device, ""), {})
            values = []
            for criterion in ("gwp", "adpe"):
                factor = entry.get(criterion, {})
                factor = factor.get(kind, factor) if isinstance(factor, dict) else {}
                values.append(factor.get("impact", "") if isinstance(factor, dict) else "")
            source = "https://base-empreinte.ademe.fr/" if entry else ""
            writer.writerow(
                [
                    row["id"],
                    device,
                    kind,
                    row["USAGE.use_time_ratio"],
                    row["USAGE.hours_life_time"],
                    *power,
                    *values,
                    source,
                ]
            )

    electricity = factors["electricity"]
    with (OUT / "boavizta_electricity.csv").open("w", newline="") as target:
        target.write(
            f"# source: boaviztapi {VERSION}, data/factors.yml `electricity` (each row "
            "names the upstream source and year it cites); licence of the boaviztapi "
            "repository: AGPL-3.0 (numbers reused as facts, with their provenance)\n"
            "# country WORLD-MIN / WORLD-MAX: the global min and max boaviztapi uses "
            "when no location is given\n"
        )
        writer = csv.writer(target, lineterminator="\n")
        writer.writerow(["country", "criterion", "value", "source", "year"])
        for country in sorted(electricity):
            if country == "min-max":
                continue
            for ours, theirs in CRITERIA.items():
                item = electricity[country].get(theirs)
                if item is None or item.get("value") in (None, ""):
                    continue
                writer.writerow(
                    [
                        country,
                        ours,
                        repr(float(item["value"])),
                        item.get("source", ""),
                        item.get("reference_year", ""),
                    ]
                )
        for bound in ("min", "max"):
            for ours, theirs in CRITERIA.items():
                writer.writerow(
                    [
                        f"WORLD-{bound.upper()}",
                        ours,
                        repr(float(electricity["min-max"][theirs][bound])),
                        "boaviztapi global range",
                        "",
                    ]
                )


if __name__ == "__main__":
    main()
