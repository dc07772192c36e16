"""Rough estimate: a plausible fleet from headcount and a few optional counts, with wide bounds.

For the first minutes of a workshop, before any inventory exists. Each count comes from
``data/estimate_ratios.csv`` (value, low, high per person or per workstation) unless the user
gives it, in which case its bounds collapse to it. The footprint of that fleet then carries both
the count uncertainty (``quantity_low``/``quantity_high``) and the figures' own bounds."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .assets import AssetTable
from .reference import _rows, reference_data

Triple = tuple[float, float, float]  # value, low, high
Ratios = dict[str, tuple[str, str, float, float, float]]  # item -> category, basis, v, lo, hi


@dataclass(frozen=True)
class EstimatedLine:
    category: str
    quantity: float
    low: float
    high: float
    source: str  # "input" or "estimate"


def _ratios(kind: str) -> Ratios:
    ratios: Ratios = {}
    for row in _rows("estimate_ratios.csv"):
        if row["kind"] in ("*", kind) and (row["kind"] != "*" or row["item"] not in ratios):
            ratios[row["item"]] = (
                row["category"],
                row["basis"],
                float(row["value"]),
                float(row["low"]),
                float(row["high"]),
            )
    return ratios


def estimate_fleet(
    *,
    kind: str,
    headcount: int,
    workstations: int | None = None,
    laptop_share: float | None = None,
    screens_per_workstation: float | None = None,
    servers: int | None = None,
    printers: int | None = None,
) -> list[EstimatedLine]:
    if headcount <= 0:
        raise ValueError(f"The headcount must be above 0, not {headcount}")
    if laptop_share is not None and not 0 <= laptop_share <= 1:
        raise ValueError(f"The laptop share is between 0 and 1, not {laptop_share}")
    for name, count in (
        ("workstations", workstations),
        ("servers", servers),
        ("printers", printers),
        ("screens per workstation", screens_per_workstation),
    ):
        if count is not None and count < 0:
            raise ValueError(f"The number of {name} cannot be negative ({count})")
    ratios = _ratios(kind)
    if workstations is not None:
        seats: Triple = (float(workstations),) * 3
    else:
        seats = _scaled(ratios, "workstations", float(headcount))
    share = (
        (laptop_share,) * 3 if laptop_share is not None else _scaled(ratios, "laptop_share", 1.0)
    )
    laptops = (seats[0] * share[0], seats[1] * share[1], seats[2] * share[2])
    lines = _workstation_lines(
        seats,
        share,
        laptops,
        ratios["screens"],
        given=bool(workstations) and laptop_share is not None,
        screens_per_workstation=screens_per_workstation,
    )
    lines += _equipment_lines(ratios, headcount, seats, laptops, servers=servers, printers=printers)
    return [line for line in lines if line.quantity > 0]


def _scaled(ratios: Ratios, item: str, basis: float) -> Triple:
    """An item's ratio (value, low, high) times `basis`."""
    _, _, value, low, high = ratios[item]
    return value * basis, low * basis, high * basis


def _workstation_lines(
    seats: Triple,
    share: Triple,
    laptops: Triple,
    screen_ratio: tuple[str, str, float, float, float],
    *,
    given: bool,
    screens_per_workstation: float | None,
) -> list[EstimatedLine]:
    """Laptops, desktops and screens from the seats. The fewest desktops go with the largest
    laptop share, so the desktops' low takes the share's high and their high its low."""
    desktops = (seats[0] * (1 - share[0]), seats[1] * (1 - share[2]), seats[2] * (1 - share[1]))
    source = "input" if given else "estimate"
    screens: Triple
    if screens_per_workstation is not None:
        screens = (
            seats[0] * screens_per_workstation,
            seats[1] * screens_per_workstation,
            seats[2] * screens_per_workstation,
        )
    else:
        screens = (
            seats[0] * screen_ratio[2],
            seats[1] * screen_ratio[3],
            seats[2] * screen_ratio[4],
        )
    return [
        EstimatedLine("laptop", *laptops, source),
        EstimatedLine("desktop", *desktops, source),
        EstimatedLine(
            "monitor", *screens, "input" if screens_per_workstation is not None else "estimate"
        ),
    ]


def _equipment_lines(
    ratios: Ratios,
    headcount: int,
    seats: Triple,
    laptops: Triple,
    *,
    servers: int | None,
    printers: int | None,
) -> list[EstimatedLine]:
    """Every other device with a category, in the ratios' order: the count given for servers
    and printers, else the ratio times the headcount, the seats or the laptops."""
    given = {"servers": servers, "printers_mfp": printers}
    lines = []
    for item, (category, basis, value, low, high) in ratios.items():
        if not category or item == "screens":
            continue
        if item in given and given[item] is not None:
            count = float(given[item])  # type: ignore[arg-type]
            lines.append(EstimatedLine(category, count, count, count, "input"))
            continue
        if item == "printers_small" and printers is not None:
            continue  # the given printer count covers all printers
        if basis == "per_headcount":
            counts = (value * headcount, low * headcount, high * headcount)
        elif basis == "per_workstation":
            counts = (value * seats[0], low * seats[1], high * seats[2])
        else:  # per_laptop
            counts = (value * laptops[0], low * laptops[1], high * laptops[2])
        lines.append(EstimatedLine(category, *counts, "estimate"))
    return lines


def estimated_assets(lines: list[EstimatedLine], *, country: str = "FRA") -> AssetTable:
    data = reference_data()
    index = {code: i for i, code in enumerate(data.category_codes)}
    n = len(lines)
    quantity = np.array([line.quantity for line in lines])  # > 0: empty lines were dropped
    return AssetTable(
        category=np.array([index[line.category] for line in lines], dtype=np.intp),
        country=np.full(n, data.countries.index(country), dtype=np.intp),
        quantity=quantity,
        quantity_low=np.array([line.low for line in lines]),
        quantity_high=np.array([line.high for line in lines]),
    )
