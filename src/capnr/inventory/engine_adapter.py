"""The inventory app's one door into the pure engine: assets in the database -> engine table ->
footprint results shaped for storage and pages."""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
from django.db.models import QuerySet

from capnr.engine.assets import AssetTable
from capnr.engine.footprint import compute_footprint
from capnr.engine.reference import reference_data

from .models import Asset, AssetStatus


def engine_table(
    assets: QuerySet[Asset], *, as_of: date | None = None
) -> tuple[AssetTable, dict[str, Any]]:
    """The assets not retired as an engine table, with what the table is made of."""
    as_of = as_of or date.today()
    data = reference_data()
    index = {code: i for i, code in enumerate(data.category_codes)}
    rows = list(
        assets.exclude(status=AssetStatus.RETIRED).values_list(
            "category",
            "quantity",
            "lifetime_years",
            "purchase_date",
            "site__name",
            "department__name",
            "origin",
        )
    )
    known = [row for row in rows if row[0] in index]
    n = len(known)
    lifetime = np.array([np.nan if r[2] is None else r[2] for r in known], dtype=np.float64)
    age = np.array(
        [np.nan if r[3] is None else (as_of - r[3]).days / 365.25 for r in known], dtype=np.float64
    )
    table = AssetTable(
        category=np.array([index[r[0]] for r in known], dtype=np.intp),
        country=np.full(n, data.countries.index("FRA"), dtype=np.intp),
        quantity=np.array([float(r[1]) for r in known], dtype=np.float64),
        numbers={"lifetime_years": lifetime.reshape(n), "age_years": age.reshape(n)},
        texts={
            "site": np.array([r[4] or "" for r in known], dtype=np.str_).reshape(n),
            "department": np.array([r[5] or "" for r in known], dtype=np.str_).reshape(n),
        },
    )
    devices = float(table.quantity.sum()) if n else 0.0
    dated = float(table.quantity[~np.isnan(age)].sum()) if n else 0.0
    imported = float(sum(r[1] for r in known if r[6] == "import"))
    summary = {
        "rows": n,
        "devices": devices,
        "share_imported": imported / devices if devices else 0.0,
        "share_with_purchase_date": dated / devices if devices else 0.0,
        "unknown_categories": len(rows) - n,
    }
    return table, summary


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
        labels = table.text(name)
        keys, sums = result.breakdown(labels)
        out["breakdown"][name] = [
            {"key": str(key), **result.as_dict(block)}
            for key, block in zip(keys, sums, strict=True)
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
