"""The collection challenge's arithmetic: which counts a deposit may hold, the estimated weight
of what was collected, and the fair ranking of departments by items per agent.

Pure Python over a handful of rows (one per department or site of a campaign); the weights come
from ``data/collection/unit_weights.csv`` with their source."""

from __future__ import annotations

import csv
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from functools import cache
from importlib.resources import files

from .reference import reference_data

ITEM_TYPES = (
    "phones",
    "laptops",
    "tablets",
    "chargers_cables",
    "keyboards_mice",
    "screens",
    "printers",
    "other",
)
# More than this of one type in a single deposit is a typing mistake, or a whole office's
# clearance that the person in charge should record with the référent instead.
MAX_PER_TYPE = 50

_DATA = files("capnr.engine") / "data" / "collection"


@dataclass(frozen=True)
class UnitWeight:
    item_type: str
    kg: float
    low_kg: float
    high_kg: float
    to_confirm: bool
    source: str


@cache
def unit_weights() -> dict[str, UnitWeight]:
    """The typical weight of one item of each type, in kg, with bounds and source."""
    text = (_DATA / "unit_weights.csv").read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if line and not line.startswith("#")]
    weights: dict[str, UnitWeight] = {}
    for row in csv.DictReader(lines):
        weight = UnitWeight(
            item_type=row["item_type"],
            kg=float(row["unit_kg"]),
            low_kg=float(row["low_kg"]),
            high_kg=float(row["high_kg"]),
            to_confirm=row["status"] == "to_confirm",
            source=row["source"],
        )
        if not 0 < weight.low_kg <= weight.kg <= weight.high_kg:
            raise ValueError(f"unit_weights.csv, {weight.item_type}: need 0 < low <= kg <= high")
        weights[weight.item_type] = weight
    if set(weights) != set(ITEM_TYPES):
        raise ValueError(f"unit_weights.csv must give every item type once: {sorted(weights)}")
    return weights


def estimated_kg(counts: Mapping[str, int]) -> float:
    """Σ count(type) × unit weight(type), in kg, rounded to 0.1 kg."""
    weights = unit_weights()
    return round(sum(count * weights[kind].kg for kind, count in counts.items()), 1)


# Problems a deposit's counts may have, as (code, item type or None); the app words them.
EMPTY = "empty"
NEGATIVE = "negative"
TOO_MANY = "too_many"
NOT_COLLECTED = "not_collected"


def deposit_problems(
    counts: Mapping[str, int], collected: Collection[str]
) -> list[tuple[str, str | None]]:
    """Every problem of a deposit's counts at once: a type the campaign does not collect, a
    negative count, more than MAX_PER_TYPE of one type, nothing at all. An empty list: valid."""
    problems: list[tuple[str, str | None]] = []
    for kind in ITEM_TYPES:
        count = counts.get(kind, 0)
        if count and kind not in collected:
            problems.append((NOT_COLLECTED, kind))
        elif count < 0:
            problems.append((NEGATIVE, kind))
        elif count > MAX_PER_TYPE:
            problems.append((TOO_MANY, kind))
    unknown = set(counts) - set(ITEM_TYPES)
    if unknown:
        raise ValueError(f"unknown item types: {sorted(unknown)}")
    if not problems and sum(counts.values()) <= 0:
        problems.append((EMPTY, None))
    return problems


@dataclass(frozen=True)
class Totals:
    """What one department (or site) of a campaign brought: counts per item type."""

    key: int
    name: str
    counts: Mapping[str, int]
    headcount: int = 0

    @property
    def items(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True)
class Score:
    key: int
    name: str
    headcount: int
    items: int
    kg: float
    # items / headcount; None when the headcount is 0 (unknown): such a row is not ranked.
    per_agent: float | None
    rank: int | None


def _per_agent(row: Totals) -> Fraction | None:
    return Fraction(row.items, row.headcount) if row.headcount > 0 else None


def rank_by_items_per_agent(rows: Sequence[Totals]) -> list[Score]:
    """The departments, best first: by items per agent (items ÷ headcount), so that a small
    department can win; equal ratios (compared exactly, 3/6 = 5/10) share a rank and the next
    rank skips (1, 1, 3), listed by items then name. A department with no headcount is listed
    last, unranked (its ratio cannot be computed)."""
    ratios = {row.key: _per_agent(row) for row in rows}
    ranked = sorted(
        (row for row in rows if ratios[row.key] is not None),
        key=lambda row: (-(ratios[row.key] or 0), -row.items, row.name),
    )
    unranked = sorted(
        (row for row in rows if ratios[row.key] is None), key=lambda row: (-row.items, row.name)
    )
    scores: list[Score] = []
    previous: Fraction | None = None
    rank = 0
    for position, row in enumerate(ranked, start=1):
        ratio = ratios[row.key]
        if ratio != previous:
            rank, previous = position, ratio
        scores.append(_score(row, float(ratio) if ratio is not None else None, rank))
    scores.extend(_score(row, None, None) for row in unranked)
    return scores


def rank_by_items(rows: Sequence[Totals]) -> list[Score]:
    """Sites (which have no headcount), best first by items collected; ties share a rank."""
    ordered = sorted(rows, key=lambda row: (-row.items, row.name))
    scores: list[Score] = []
    previous: int | None = None
    rank = 0
    for position, row in enumerate(ordered, start=1):
        if row.items != previous:
            rank, previous = position, row.items
        scores.append(_score(row, None, rank))
    return scores


def _score(row: Totals, per_agent: float | None, rank: int | None) -> Score:
    return Score(
        key=row.key,
        name=row.name,
        headcount=row.headcount,
        items=row.items,
        kg=estimated_kg(row.counts),
        per_agent=per_agent,
        rank=rank,
    )


# --- What became of the devices -------------------------------------------------------------------

# Where a sorted device goes; the first four are reuse (the device lives on), the last recycling.
OUTCOMES = ("reused_internally", "donated", "sold", "refurbisher", "weee")
REUSE_OUTCOMES = frozenset(OUTCOMES[:4])
RETIRED_TO_REUSE = "retired_to_reuse"


@dataclass(frozen=True)
class ReuseTarget:
    id: str
    measure: str  # "retired_to_reuse" or "purchases_from_reuse"
    applies_to: str  # "state_and_local_authorities", "state_services"
    year_from: int
    share: float
    to_confirm: bool
    source_en: str
    source_fr: str
    url: str


@cache
def reuse_targets() -> tuple[ReuseTarget, ...]:
    """Every target of ``data/collection/reuse_targets.csv``, with its source and status."""
    text = (_DATA / "reuse_targets.csv").read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if line and not line.startswith("#")]
    targets: list[ReuseTarget] = []
    for row in csv.DictReader(lines):
        target = ReuseTarget(
            id=row["id"],
            measure=row["measure"],
            applies_to=row["applies_to"],
            year_from=int(row["year_from"]),
            share=float(row["share"]),
            to_confirm=row["status"] == "to_confirm",
            source_en=row["source_en"],
            source_fr=row["source_fr"],
            url=row["url"],
        )
        if not 0 < target.share <= 1:
            raise ValueError(f"reuse_targets.csv, {target.id}: share must be in (0, 1]")
        targets.append(target)
    return tuple(targets)


def targets_in_force(year: int, measure: str = RETIRED_TO_REUSE) -> list[ReuseTarget]:
    """For each body a target applies to, the latest one in force in ``year`` (the 2025 row
    from 2025 on, the 2024 row in 2024): the targets to show beside a year's reuse rate."""
    latest: dict[str, ReuseTarget] = {}
    for target in reuse_targets():
        if target.measure != measure or target.year_from > year:
            continue
        current = latest.get(target.applies_to)
        if current is None or target.year_from > current.year_from:
            latest[target.applies_to] = target
    return sorted(latest.values(), key=lambda target: target.id)


def reuse_rate(counts_by_outcome: Mapping[str, int], outcome_unknown: int = 0) -> float | None:
    """Devices sent to reuse ÷ retired devices, by count: the devices sorted (reuse and
    recycling) plus ``outcome_unknown``, devices known to be retired whose outcome is not
    recorded (the inventory's retired devices). Those join the denominator only: a device
    cannot be claimed as reused without a record of it, so the rate is a lower bound for them.
    None when there is nothing to divide by. Outcomes not in OUTCOMES are a programming error."""
    unknown = set(counts_by_outcome) - set(OUTCOMES)
    if unknown:
        raise ValueError(f"unknown outcomes: {sorted(unknown)}")
    if any(count < 0 for count in counts_by_outcome.values()):
        raise ValueError(f"negative count of devices sorted: {dict(counts_by_outcome)}")
    if outcome_unknown < 0:
        raise ValueError(f"negative count of retired devices of unknown outcome: {outcome_unknown}")
    total = sum(counts_by_outcome.values()) + outcome_unknown
    if total == 0:
        return None
    reused = sum(count for outcome, count in counts_by_outcome.items() if outcome in REUSE_OUTCOMES)
    return reused / total


# The footprint engine's category whose embodied factor stands for an item type; types without
# one (chargers and cables, keyboards and mice, other) are left out of the avoided manufacturing.
EMBODIED_CATEGORY = {
    "phones": "smartphone",
    "laptops": "laptop",
    "tablets": "tablet",
    "screens": "monitor",
    "printers": "printer_small",
}


@dataclass(frozen=True)
class Avoided:
    """Manufacturing emissions a reuse avoids, kg CO2e, with bounds, and what was counted."""

    kgco2e: float
    low: float
    high: float
    devices: int  # devices counted (they spare a purchase and have an embodied factor)
    left_out: int  # devices that spare a purchase but whose type has no factor


def avoided_manufacturing(replacing: Mapping[str, int]) -> Avoided:
    """Σ devices that spare buying a new one × the embodied emissions of a new device of that
    type (the footprint engine's ``embodied_gwp``, with its low and high bounds; its sources in
    ``capnr_parameters.csv``). Only devices that replace a purchase count: a reused device that
    replaces nothing avoids nothing. An upper estimate, since a second-hand device usually lasts
    less than a new one; recycling is not counted here (it recovers materials, in kg)."""
    parameters = reference_data().parameters
    value = low = high = 0.0
    devices = left_out = 0
    for kind, count in replacing.items():
        if count < 0:
            raise ValueError(f"negative count of devices replacing a purchase: {kind}={count}")
        category = EMBODIED_CATEGORY.get(kind)
        figure = parameters.get((category, "embodied_gwp")) if category else None
        if figure is None:
            left_out += count
            continue
        value += count * figure.value
        low += count * figure.low
        high += count * figure.high
        devices += count
    return Avoided(round(value), round(low), round(high), devices, left_out)
