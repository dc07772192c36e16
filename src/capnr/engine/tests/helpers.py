"""Building asset tables in tests."""

from __future__ import annotations

import numpy as np

from capnr.engine.assets import AssetTable
from capnr.engine.reference import reference_data


def table(
    categories: list[str],
    *,
    countries: list[str] | None = None,
    quantity: list[float] | None = None,
    **numbers: list[float],
) -> AssetTable:
    data = reference_data()
    n = len(categories)
    return AssetTable(
        category=np.array([data.category_index(c) for c in categories], dtype=np.intp),
        country=np.array(
            [data.countries.index(c) for c in (countries or ["FRA"] * n)], dtype=np.intp
        ),
        quantity=np.array(quantity or [1.0] * n, dtype=np.float64),
        numbers={name: np.array(values, dtype=np.float64) for name, values in numbers.items()},
    )


# Inputs under which each impact model returns every indicator it declares (some appear only
# with a stock of retired devices, purchases, staff or an IT load).
EVERY_INDICATOR: dict[str, dict[str, float | str]] = {
    "setpoint": {"it_load_kw": 8, "new_setpoint_c": 25},
    "refurbished": {"laptops_bought": 100, "smartphones_bought": 20},
    "reuse": {"retired_stock": 100, "laptops_reused": 30},
    "kpi_only": {"staff": 600, "staff_trained": 300, "field_staff": 200},
}
