"""What the data file declares of a model: its inputs, their choices, cross-input rules, the
figures it reads and the outputs (KPIs) it returns, each with labels in French and English and
a unit (a key of ``[units]`` in ``impact_models.toml``, itself in both languages)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from .bounds import Bounds

Kind = Literal["count", "share", "number", "choice"]
KINDS = ("count", "share", "number", "choice")
# How an output reads: a number; a share 0–1; a ratio (two decimals); yes_no (1 yes, 0 no);
# band (its value is an index into ``bands``, e.g. the legal RGAA status).
OutputKind = Literal["number", "share", "ratio", "yes_no", "band"]
OUTPUT_KINDS = ("number", "share", "ratio", "yes_no", "band")
CONFIDENCES = ("high", "medium", "low", "none")


@dataclass(frozen=True)
class Choice:
    value: str
    label_fr: str
    label_en: str


@dataclass(frozen=True)
class InputSpec:
    """One input of a model. ``default`` is a number, or the value of a choice; ``low`` and
    ``high`` bound a numeric default (equal to it when the default is exact). A default taken
    from another input (``default_from``, plus ``offset``) follows that input."""

    name: str
    label_fr: str
    label_en: str
    unit: str
    default: float | str
    minimum: float | None
    maximum: float | None
    source_id: str  # "" for the organisation's own data (no default figure)
    help_fr: str
    help_en: str
    kind: Kind
    choices: tuple[Choice, ...] = ()
    low: float | None = None
    high: float | None = None
    bounds_source_id: str = ""
    confidence: str = ""
    unit_fr: str = ""
    unit_en: str = ""
    default_from: str | None = None
    offset: float = 0.0
    profile_key: str | None = None
    prefill: str | None = None
    advanced: bool = False  # shown under the simulator's "Advanced settings"

    @property
    def default_bounds(self) -> Bounds | None:
        if self.kind == "choice" or self.default_from is not None:
            return None
        value = float(self.default)
        low = value if self.low is None else self.low
        high = value if self.high is None else self.high
        return Bounds(value, low, high)


@dataclass(frozen=True)
class Rule:
    """``left op right`` between two inputs; the message goes to ``left``."""

    left: str
    op: Literal["<=", ">="]
    right: str
    message_fr: str = ""
    message_en: str = ""


@dataclass(frozen=True)
class Figure:
    value: float
    low: float
    high: float
    unit: str
    source_id: str
    confidence: str
    note: str
    to_confirm: bool = False

    @property
    def bounds(self) -> Bounds:
        return Bounds(self.value, self.low, self.high)


@dataclass(frozen=True)
class Output:
    """One indicator a model returns beside its savings (a key of ``Impact.kpis``), declared in
    ``[[models.<id>.outputs]]``: labels and unit in both languages, and how it reads."""

    name: str
    label_fr: str
    label_en: str
    unit: str  # a key of [units]
    unit_fr: str
    unit_en: str
    kind: OutputKind
    bands: tuple[tuple[str, str], ...] = ()  # kind "band": (French, English) label of each value
