"""Pre-filling every model's inputs from an inventory (an asset table, numpy over whole columns),
the organisation's usage profile and headcount; what the data file's ``prefill`` keys mean is
described in its header comment."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

from ..assets import AssetTable
from ..footprint import HIGH, LOW, USE, VALUE, compute_capnr
from ..reference import CRITERIA, HOURS_PER_YEAR, ReferenceData, UsageProfile, reference_data
from .bounds import Bounds, FloatArray
from .datafile import MODELS
from .spec import InputSpec

PrefillSource = Literal["inventory", "default", "profile"]


@dataclass(frozen=True)
class Prefill:
    """A pre-filled input and where it came from."""

    value: float | str
    source: PrefillSource


@dataclass(frozen=True)
class FleetSummary:
    """What the inventory says, per category code (quantities summed; whole columns)."""

    counts: dict[str, float]
    mean_lifetime_years: dict[str, float]  # only categories with lifetimes given
    share_over_lifetime: dict[str, float]  # of devices of known age; only where some are known
    it_load_kw: Bounds | None  # server-room equipment, PUE excluded; None without any
    pue: float | None  # quantity-weighted mean PUE given for server-room equipment


def _sub_table(table: AssetTable, rows: npt.NDArray[np.intp], **numbers: FloatArray) -> AssetTable:
    return AssetTable(
        category=table.category[rows],
        country=table.country[rows],
        quantity=table.quantity[rows],
        numbers={**{name: column[rows] for name, column in table.numbers.items()}, **numbers},
        texts={name: column[rows] for name, column in table.texts.items()},
    )


def fleet_summary(table: AssetTable, *, data: ReferenceData | None = None) -> FleetSummary:
    """Counts, mean lifetimes, share of devices older than their lifetime, server-room IT load
    (yearly kWh of the footprint's capnr usage model ÷ 8,760, PUE left out) and mean PUE, with
    numpy over whole columns (``bincount`` per category); no Python loop per asset."""
    data = data or reference_data()
    codes = data.category_codes
    size = len(codes)
    category, quantity = table.category, table.quantity

    def per_category(mask: npt.NDArray[np.bool_], weights: FloatArray) -> FloatArray:
        return np.asarray(
            np.bincount(category[mask], weights=weights[mask], minlength=size), dtype=np.float64
        )

    everything = np.ones(len(table), dtype=bool)
    counts = per_category(everything, quantity)
    lifetime = table.number("lifetime_years")
    given = ~np.isnan(lifetime)
    quantity_given = per_category(given, quantity)
    lifetime_sum = per_category(given, quantity * np.nan_to_num(lifetime))
    age = table.number("age_years")
    known = ~np.isnan(age)
    effective = np.where(given, lifetime, data.parameter_array("lifetime")[category])
    over = known & (age > effective)
    quantity_known = per_category(known, quantity)
    quantity_over = per_category(over, quantity)
    in_room = np.array([c.in_server_room for c in data.categories], dtype=bool)[category]
    it_load = None
    pue = None
    rows = np.flatnonzero(in_room)
    if rows.size:
        room = _sub_table(table, rows, pue=np.ones(rows.size))  # IT load: PUE left out
        energy = compute_capnr(room, duration_years=1.0, data=data).impacts[
            :, CRITERIA.index("fe"), USE, :
        ]
        total = energy.sum(axis=0) / HOURS_PER_YEAR
        it_load = Bounds(float(total[VALUE]), float(total[LOW]), float(total[HIGH]))
        pue_in = table.number("pue")
        with_pue = in_room & ~np.isnan(pue_in)
        if with_pue.any():
            pue = float(np.average(pue_in[with_pue], weights=quantity[with_pue]))
    return FleetSummary(
        counts={code: float(counts[i]) for i, code in enumerate(codes)},
        mean_lifetime_years={
            code: float(lifetime_sum[i] / quantity_given[i])
            for i, code in enumerate(codes)
            if quantity_given[i] > 0
        },
        share_over_lifetime={
            code: float(quantity_over[i] / quantity_known[i])
            for i, code in enumerate(codes)
            if quantity_known[i] > 0
        },
        it_load_kw=it_load,
        pue=pue,
    )


def _lifetime_of(code: str, summary: FleetSummary, data: ReferenceData) -> float:
    return summary.mean_lifetime_years.get(code, data.parameters[(code, "lifetime")].value)


def _from_inventory(
    spec: InputSpec, summary: FleetSummary, data: ReferenceData, headcount: int | None
) -> Prefill | None:
    assert spec.prefill is not None
    kind, _, names = spec.prefill.partition(":")
    codes = [code for code in names.split("+") if code]
    value: float | None = None
    source: PrefillSource = "inventory"
    if kind == "count":
        value = float(round(sum(summary.counts[code] for code in codes)))
    elif kind == "lifetime":
        value = summary.mean_lifetime_years.get(codes[0])
    elif kind in ("replacements", "retired"):
        value = sum(summary.counts[code] / _lifetime_of(code, summary, data) for code in codes)
        value = float(round(value)) if spec.kind == "count" else round(value, 1)
    elif kind == "it_load_kw" and summary.it_load_kw is not None:
        value = round(summary.it_load_kw.value, 2)
    elif kind == "pue" and summary.pue is not None:
        value = round(summary.pue, 2)
    elif kind == "headcount" and headcount is not None:
        value, source = float(headcount), "profile"
    if value is None:
        return None
    assert spec.minimum is not None and spec.maximum is not None
    # Clipped into the input's range, so that a pre-fill always passes validation.
    return Prefill(float(np.clip(value, spec.minimum, spec.maximum)), source)


def inputs_from_fleet(
    table: AssetTable,
    profile: UsageProfile | None = None,
    *,
    headcount: int | None = None,
    data: ReferenceData | None = None,
) -> dict[str, dict[str, Prefill]]:
    """Every input of every model, pre-filled: from the inventory (``prefill`` in the data file:
    device counts by category, lifetimes given, purchases and retirements per year as count ÷
    lifetime, server-room IT load and PUE), from the organisation's ``profile`` and
    ``headcount`` ("profile"), else the model's default ("default"). An input defaulting to
    another follows it and keeps its source (unless it adds an offset: then "default")."""
    data = data or reference_data()
    summary = fleet_summary(table, data=data)
    profile_source: PrefillSource = "default" if profile is None else "profile"
    usage = profile or data.profile
    result: dict[str, dict[str, Prefill]] = {}
    for model in MODELS.values():
        filled: dict[str, Prefill] = {}
        for spec in model.inputs:
            if spec.default_from is not None:
                continue
            found = None
            if spec.prefill is not None:
                found = _from_inventory(spec, summary, data, headcount)
            if found is None and spec.profile_key is not None:
                found = Prefill(float(getattr(usage, spec.profile_key)), profile_source)
            filled[spec.name] = found or Prefill(spec.default, "default")
        for spec in model.inputs:
            if spec.default_from is not None:
                origin = filled[spec.default_from]
                filled[spec.name] = Prefill(
                    float(origin.value) + spec.offset,
                    origin.source if spec.offset == 0 else "default",
                )
        result[model.id] = {spec.name: filled[spec.name] for spec in model.inputs}
    return result


def prefilled_values(prefill: Mapping[str, Prefill]) -> dict[str, float | str]:
    """The values of one model's pre-fill, ready for ``compute``."""
    return {name: item.value for name, item in prefill.items()}
