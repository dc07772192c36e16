"""Bounds and the corners of the uncertainty box, which every formula of the package reads.

A formula receives its inputs and figures as numpy rows (``Values``: row 0 the central values,
the other rows every combination of the low and high ends of the uncertain ones) and returns
``Terms``: yearly kWh, kgCO2e and euros over those rows, KPIs and note keys. ``compute`` turns
the rows back into ``Bounds`` (value, low, high)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
Number = float | FloatArray
# Every combination of the ends of this many uncertain figures is evaluated (2**n rows).
MAX_UNCERTAIN = 18


@dataclass(frozen=True)
class Bounds:
    """A result with its low and high bounds (same unit)."""

    value: float
    low: float
    high: float

    def __post_init__(self) -> None:
        if not all(math.isfinite(x) for x in (self.value, self.low, self.high)):
            raise ValueError(f"Bounds must be finite: {self.value}, {self.low}, {self.high}")
        if not self.low <= self.value <= self.high:
            raise ValueError(f"Bounds out of order: {self.low} ≤ {self.value} ≤ {self.high}")

    @classmethod
    def exact(cls, value: float) -> Bounds:
        return cls(value, value, value)

    def __add__(self, other: Bounds) -> Bounds:
        return Bounds(self.value + other.value, self.low + other.low, self.high + other.high)

    def as_dict(self) -> dict[str, float]:
        return {"value": self.value, "low": self.low, "high": self.high}


@dataclass(frozen=True)
class Values:
    """Row 0: central values; the other rows: every combination of low and high ends."""

    arrays: dict[str, FloatArray]
    choices: dict[str, str]

    def __getitem__(self, name: str) -> FloatArray:
        return self.arrays[name]

    def central(self, name: str) -> float:
        return float(self.arrays[name][0])

    def choice(self, name: str) -> str:
        return self.choices[name]


@dataclass
class Terms:
    """What a formula returns: yearly savings over the rows of ``Values``."""

    kwh: Number = 0.0
    embodied: Number = 0.0
    use_extra: Number = 0.0  # kgCO2e of use not derived from kWh (per page, hour, GB)
    eur_extra: Number = 0.0  # euros not derived from kWh (purchases, paper)
    materials: Number | None = None
    kpis: dict[str, float] = field(default_factory=dict)  # ids declared as the model's outputs
    notes: list[str] = field(default_factory=list)  # keys of [notes] in impact_models.toml


def central(value: Number) -> float:
    return float(np.asarray(value).reshape(-1)[0])


def corner_arrays(symbols: dict[str, Bounds]) -> dict[str, FloatArray]:
    uncertain = [name for name, bounds in symbols.items() if bounds.low != bounds.high]
    if len(uncertain) > MAX_UNCERTAIN:
        raise RuntimeError(f"Too many uncertain figures ({len(uncertain)}): {uncertain}")
    corners = 1 << len(uncertain)
    bits = (np.arange(corners)[:, None] >> np.arange(len(uncertain))[None, :]) & 1
    arrays = {}
    for name, bounds in symbols.items():
        column = np.full(corners + 1, bounds.value, dtype=np.float64)
        if name in uncertain:
            column[1:] = np.where(bits[:, uncertain.index(name)] == 1, bounds.high, bounds.low)
        arrays[name] = column
    return arrays


def bounds_of(value: Number, rows: int) -> Bounds:
    column = np.broadcast_to(np.asarray(value, dtype=np.float64), (rows,))
    return Bounds(float(column[0]), float(column.min()), float(column.max()))
