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
