"""The inventory app's one door into the pure engine: assets in the database -> engine table ->
footprint results shaped for storage and pages."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from itertools import repeat
from typing import Any

import numpy as np
import numpy.typing as npt
from django.db.models import QuerySet

from capnr.engine.assets import AssetTable
from capnr.engine.footprint import compute_footprint
from capnr.engine.reference import reference_data

from .models import Asset, AssetOrigin, AssetStatus

# What the engine needs of an asset: the columns of ``engine_table_from_columns``.
ENGINE_VALUES = (
    "category",
    "quantity",
    "lifetime_years",
    "purchase_date",
    "site__name",
    "department__name",
    "origin",
    "country",
    "annual_kwh",
)


def engine_table(
    assets: QuerySet[Asset], *, as_of: date | None = None
) -> tuple[AssetTable, dict[str, Any]]:
    """The assets not retired as an engine table, with what the table is made of."""
    rows = list(assets.exclude(status=AssetStatus.RETIRED).values_list(*ENGINE_VALUES))
    columns = zip(*rows, strict=True) if rows else [()] * len(ENGINE_VALUES)
    return engine_table_from_columns(dict(zip(ENGINE_VALUES, columns, strict=True)), as_of=as_of)


def engine_table_from_columns(
    columns: Mapping[str, Sequence[Any]], *, as_of: date | None = None
) -> tuple[AssetTable, dict[str, Any]]:
    """The same from assets already in memory: one sequence per ``ENGINE_VALUES`` name, the
    retired assets left out. An import that has just written 100,000 assets builds its
    footprint run from what it wrote instead of reading it back.

    Column by column, with no Python step per asset but a dictionary look-up; a date or a
    text repeated across the fleet is converted once."""
    as_of = as_of or date.today()
    data = reference_data()
    index = {code: i for i, code in enumerate(data.category_codes)}
    total = len(columns["category"])
    codes = np.fromiter(map(index.get, columns["category"], repeat(-1)), np.intp, count=total)
    known = codes >= 0  # an unknown category is counted, not computed
    n = int(known.sum())
    days = set(columns["purchase_date"])
    ages = {day: np.nan if day is None else (as_of - day).days / 365.25 for day in days}
    age = np.fromiter(map(ages.__getitem__, columns["purchase_date"]), np.float64, count=total)
    imported = np.fromiter(
        (origin == AssetOrigin.IMPORT for origin in columns["origin"]), np.bool_, count=total
    )
    countries = {code: i for i, code in enumerate(data.countries)}
    france = countries["FRA"]
    country = np.fromiter(
        (countries.get(code, france) for code in columns["country"]), np.intp, count=total
    )
    # A declared yearly consumption is a constant power over the year (as ``capnr footprint``
    # reads G4IT's consoElecAnnuelle).
    annual = _numbers(columns["annual_kwh"], total)[known]
    declared = ~np.isnan(annual)
    table = AssetTable(
        category=codes[known],
        country=country[known],
        quantity=_numbers(columns["quantity"], total)[known],
        numbers={
            "lifetime_years": _numbers(columns["lifetime_years"], total)[known],
            "age_years": age[known],
            "avg_power_w": np.where(declared, annual * 1000 / 8760, np.nan),
            "use_time_ratio": np.where(declared, 1.0, np.nan),
        },
        text_codes={
            "site": _text_codes(columns["site__name"], known),
            "department": _text_codes(columns["department__name"], known),
        },
    )
    devices = float(table.quantity.sum()) if n else 0.0
    dated = float(table.quantity[~np.isnan(table.number("age_years"))].sum()) if n else 0.0
    summary = {
        "rows": n,
        "devices": devices,
        "share_imported": float(table.quantity[imported[known]].sum()) / devices
        if devices
        else 0.0,
        "share_with_purchase_date": dated / devices if devices else 0.0,
        "unknown_categories": total - n,
    }
    return table, summary


def _numbers(values: Sequence[float | None], total: int) -> npt.NDArray[np.float64]:
    """A number column; None becomes NaN ("not given")."""
    return np.array(values, dtype=np.float64).reshape(total)


def _text_codes(
    values: Iterable[str | None], rows: npt.NDArray[np.bool_]
) -> tuple[npt.NDArray[np.intp], tuple[str, ...]]:
    """A text column (None -> "") of the rows kept, dictionary-encoded with its distinct texts
    in sorted order (``AssetTable.text_codes``): the breakdowns group integers."""
    distinct: dict[str, int] = {}
    codes = np.fromiter(
        (distinct.setdefault(value or "", len(distinct)) for value in values), dtype=np.intp
    )
    order = sorted(range(len(distinct)), key=list(distinct).__getitem__)
    rank = np.empty(len(order), dtype=np.intp)
    rank[order] = np.arange(len(order), dtype=np.intp)
    texts = list(distinct)
    return rank[codes[rows]] if len(codes) else codes, tuple(texts[i] for i in order)


def footprint_results(table: AssetTable) -> dict[str, Any]:
    """capnr method, annualised: totals and breakdowns by category, site and department."""
    data = reference_data()
    result = compute_footprint(table, method="capnr")
    out: dict[str, Any] = {
        "method": result.method,
        "engine_version": result.engine_version,
        "data_version": result.data_version,
        "duration_years": result.duration_years,
        "totals": result.as_dict(result.totals()) if len(table) else None,
        "breakdown": {},
    }
    if not len(table):
        return out
    keys, sums = result.breakdown(table.category)
    quantities = np.bincount(table.category, weights=table.quantity, minlength=len(data.categories))
    out["breakdown"]["category"] = [
        {
            "key": data.category_codes[int(key)],
            "devices": float(quantities[int(key)]),
            **result.as_dict(block),
        }
        for key, block in zip(keys, sums, strict=True)
    ]
    for name in ("site", "department"):
        if name in table.text_codes:  # integer codes: no string grouping
            codes, texts = table.text_codes[name]
            keys, sums = result.breakdown(codes)
            labels = [texts[int(key)] for key in keys]
        else:
            keys, sums = result.breakdown(table.text(name))
            labels = [str(key) for key in keys]
        out["breakdown"][name] = [
            {"key": label, **result.as_dict(block)}
            for label, block in zip(labels, sums, strict=True)
        ]
    defaults = result.provenance.get("lifetime")
    if defaults is not None:
        weights = table.quantity
        out["share_lifetime_from_input"] = float(weights[defaults == "input"].sum() / weights.sum())
    return out


def estimate_results(
    *, kind: str, headcount: int | None, workstations: int | None
) -> dict[str, Any] | None:
    """The footprint of a fleet estimated from the headcount (no inventory yet), or None when
    the headcount is unknown. Same shape as ``footprint_results``."""
    from capnr.engine.estimate import estimate_fleet, estimated_assets

    if not headcount:
        return None
    lines = estimate_fleet(kind=kind or "other", headcount=headcount, workstations=workstations)
    return footprint_results(estimated_assets(lines))
