"""Impact models of the action catalogue: what an action saves each year, from the organisation's
own numbers.

Each model turns a few inputs (counts, shares, powers, setpoints…) into **yearly savings**
(positive = saved) in kWh, euros excluding VAT, kgCO2e split into use (electricity and direct
per-use figures) and embodied (manufacturing avoided, annualised), and, where a source quantifies
them, kg of raw materials. Every default and factor comes from ``data/impact_models.toml``, which
also reads ``capnr_parameters.csv`` (embodied carbon, lifetimes, powers) and ``defaults.toml``
(usage profile, server-room PUE, electricity price); each names a source of ``sources.csv``. The
formulas are the functions ``_auto_shutdown`` … ``_kpi_only`` below; the methodology pages
(``docs/methodology/actions.*.md``) are written from their docstrings and the data file.

Rules shared by every model::

    €               = kWh × price + euros that are not electricity (purchases avoided, paper)
    kgCO2e use      = kWh × electricity factor + direct per-use figures (printing per page,
                      video per hour, storage per GB and year)
    kgCO2e embodied = manufacturing avoided per year (embodied_gwp of capnr_parameters.csv)

The electricity factor is the French average consumption mix of ``reference`` (0.073
kgCO2e/kWh, 0.055–0.098) and the price 0.18 €/kWh (0.12–0.25), unless the caller gives others.

**Bounds.** Each uncertain figure — a default with a range, the electricity factor, the price —
has a low and a high end; a value the user enters is exact (entering the default's own value
keeps its range). ``low`` is the smallest saving and ``high`` the largest over every combination
of those ends: each formula is evaluated at all corners of the box at once (numpy, one row per
corner). The formulas are monotone or multilinear in each figure, so the corners hold the
extremes; in words, ``low`` takes the low end of each factor that raises the saving and the high
end of each that lowers it (the fan counter-effect of the setpoint model, for instance).
No corner breaks a rule of the model: a target lifetime moves with the current one, keeping the
extension entered (``_lifetime``: no change is exactly 0 [0 – 0]), and off and sleep powers are
capped at the on power (``_auto_shutdown``). ``kgco2e_total`` adds the bounds of its two parts.

**Shares** are fractions from 0 to 1 everywhere (0.33 = 33 %); 33 is refused, not read as 33 %.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from functools import cache
from importlib.resources import files
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from . import ENGINE_VERSION
from .assets import AssetTable
from .footprint import HIGH, LOW, USE, VALUE, compute_capnr, use_energy_kwh_per_year
from .reference import (
    CRITERIA,
    HOURS_PER_YEAR,
    ReferenceData,
    UsageProfile,
    _rows,
    data_version,
    reference_data,
)

FloatArray = npt.NDArray[np.float64]
Kind = Literal["count", "share", "number", "choice"]
PrefillSource = Literal["inventory", "default", "profile"]
Number = float | FloatArray

MODEL_IDS = (
    "auto_shutdown",
    "power_settings",
    "setpoint",
    "lifetime",
    "refurbished",
    "fewer_devices",
    "reuse",
    "printing",
    "consolidation",
    "data_cleanup",
    "video_to_audio",
    "kpi_only",
)
KINDS = ("count", "share", "number", "choice")
CONFIDENCES = ("high", "medium", "low", "none")
# Every combination of the ends of this many uncertain figures is evaluated (2**n rows).
MAX_UNCERTAIN = 18

_DATA = files("capnr.engine") / "data"


# ---------------------------------------------------------------------------------------------
# Types


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
class ImpactModel:
    id: str
    title_fr: str
    title_en: str
    inputs: tuple[InputSpec, ...]
    formula_fr: str
    formula_en: str
    confidence: str  # high, medium, low; "none" for kpi_only (no carbon figure)
    period: Literal["year", "one_off"] = "year"
    figures: tuple[str, ...] = ()
    parameters: tuple[str, ...] = ()  # "<category>.<parameter>" of capnr_parameters.csv
    notes: tuple[str, ...] = ()
    rules: tuple[Rule, ...] = ()

    def input(self, name: str) -> InputSpec:
        for spec in self.inputs:
            if spec.name == name:
                return spec
        raise KeyError(f"Model {self.id!r} has no input {name!r}")


@dataclass(frozen=True)
class Impact:
    """Yearly savings of one model run (``period`` says if a model is one-off instead)."""

    kwh: Bounds
    eur: Bounds
    kgco2e_use: Bounds
    kgco2e_embodied: Bounds
    kg_materials: Bounds | None
    kpis: dict[str, float]
    notes_fr: tuple[str, ...]
    notes_en: tuple[str, ...]
    confidence: str
    method_version: str
    model_id: str = ""
    period: str = "year"
    inputs: dict[str, float | str] = field(default_factory=dict)
    defaulted: tuple[str, ...] = ()  # inputs that took their default
    data_version: str = field(default_factory=data_version)
    engine_version: str = ENGINE_VERSION

    @property
    def kgco2e_total(self) -> Bounds:
        return self.kgco2e_use + self.kgco2e_embodied

    def as_dict(self) -> dict[str, Any]:
        return {
            "model_id": self.model_id,
            "period": self.period,
            "kwh": self.kwh.as_dict(),
            "eur": self.eur.as_dict(),
            "kgco2e_use": self.kgco2e_use.as_dict(),
            "kgco2e_embodied": self.kgco2e_embodied.as_dict(),
            "kgco2e_total": self.kgco2e_total.as_dict(),
            "kg_materials": None if self.kg_materials is None else self.kg_materials.as_dict(),
            "kpis": dict(self.kpis),
            "notes_fr": list(self.notes_fr),
            "notes_en": list(self.notes_en),
            "confidence": self.confidence,
            "inputs": dict(self.inputs),
            "defaulted": list(self.defaulted),
            "method_version": self.method_version,
            "data_version": self.data_version,
            "engine_version": self.engine_version,
        }


@dataclass(frozen=True)
class Prefill:
    """A pre-filled input and where it came from."""

    value: float | str
    source: PrefillSource


class UnknownModel(KeyError):
    def __init__(self, model_id: str) -> None:
        super().__init__(f"Unknown impact model {model_id!r}; known: {', '.join(MODEL_IDS)}")


class InvalidInputs(ValueError):
    """Every bad input of a model at once. ``errors`` holds the French messages (the app's
    default language), ``errors_en`` the English ones; each states the valid range."""

    def __init__(self, errors: dict[str, str], errors_en: dict[str, str]) -> None:
        self.errors = errors
        self.errors_en = errors_en
        lines = "\n".join(f"  {name}: {errors_en[name]}" for name in errors_en)
        super().__init__(f"{len(errors)} invalid input(s):\n{lines}")

    def messages(self, language: str = "fr") -> dict[str, str]:
        return self.errors_en if language.startswith("en") else self.errors


# ---------------------------------------------------------------------------------------------
# Loading the data file


@dataclass(frozen=True)
class _Catalogue:
    models: dict[str, ImpactModel]
    figures: dict[str, Figure]
    notes: dict[str, tuple[str, str]]
    method_version: str


def _problem(where: str, message: str) -> ValueError:
    return ValueError(f"impact_models.toml {where}: {message}")


def _parameter(data: ReferenceData, key: str, where: str) -> Bounds:
    category, _, name = key.partition(".")
    figure = data.parameters.get((category, name))
    if figure is None:
        raise _problem(where, f"no figure {key!r} in capnr_parameters.csv")
    return Bounds(figure.value, figure.low, figure.high)


@cache
def _parameter_confidence() -> dict[str, str]:
    return {
        f"{row['category']}.{row['parameter']}": row["confidence"]
        for row in _rows("capnr_parameters.csv")
    }


def _input_spec(
    raw: dict[str, Any],
    where: str,
    figures: dict[str, Figure],
    units: dict[str, dict[str, str]],
    profile_sources: dict[str, str],
    count_maximum: float,
    data: ReferenceData,
) -> InputSpec:
    kind = raw["kind"]
    if kind not in KINDS:
        raise _problem(where, f"unknown kind {kind!r}")
    unit = raw.get("unit", "share" if kind == "share" else "none")
    if unit not in units:
        raise _problem(where, f"unknown unit {unit!r}")
    minimum: float | None
    maximum: float | None
    if kind == "share":
        minimum, maximum = 0.0, 1.0
    elif kind == "count":
        minimum = float(raw.get("minimum", 0))
        maximum = float(raw.get("maximum", count_maximum))
    elif kind == "number":
        minimum, maximum = float(raw["minimum"]), float(raw["maximum"])
    else:
        minimum = maximum = None
    keys = ("default", "figure", "parameter", "profile", "room", "default_from")
    origins = [key for key in keys if key in raw]
    if len(origins) != 1:
        raise _problem(where, f"needs exactly one default origin, has {origins or 'none'}")
    default: float | str
    low = high = None
    confidence = ""
    bounds_source = ""
    profile_key = None
    if "figure" in raw:
        figure = figures.get(raw["figure"])
        if figure is None:
            raise _problem(where, f"unknown figure {raw['figure']!r}")
        default, low, high = figure.value, figure.low, figure.high
        source, confidence = figure.source_id, figure.confidence
    elif "parameter" in raw:
        bounds = _parameter(data, raw["parameter"], where)
        default, low, high = bounds.value, bounds.low, bounds.high
        category, _, name = raw["parameter"].partition(".")
        source = data.parameters[(category, name)].source_id
        confidence = _parameter_confidence()[raw["parameter"]]
    elif "profile" in raw:
        profile_key = raw["profile"]
        if profile_key not in profile_sources:
            raise _problem(where, f"unknown profile key {profile_key!r}")
        default = float(getattr(data.profile, profile_key))
        low, high = float(raw.get("low", default)), float(raw.get("high", default))
        source = profile_sources[profile_key]
        bounds_source = raw.get("bounds_source", "")
        confidence = "medium"
    elif "room" in raw:
        if raw["room"] != "pue":
            raise _problem(where, f"unknown room figure {raw['room']!r}")
        default, low, high = data.pue.value, data.pue.low, data.pue.high
        source, confidence = data.pue.source_id, "medium"
    elif "default_from" in raw:
        default = 0.0  # resolved once every input of the model is read
        source = raw.get("source", "")
    else:
        default = raw["default"] if kind == "choice" else float(raw["default"])
        source = raw["source"]
        confidence = raw.get("confidence", "low" if source else "")
    choices = tuple(
        Choice(item["value"], item["label_fr"], item["label_en"]) for item in raw.get("choices", [])
    )
    if kind == "choice" and default not in {choice.value for choice in choices}:
        raise _problem(where, f"default {default!r} is not one of its choices")
    for known in (source, bounds_source):
        if known and known not in data.sources:
            raise _problem(where, f"unknown source {known!r}")
    if low is not None and high is not None and not low <= float(default) <= high:
        raise _problem(where, "default outside its bounds")
    return InputSpec(
        name=raw["name"],
        label_fr=raw["label_fr"],
        label_en=raw["label_en"],
        unit=unit,
        default=default,
        minimum=minimum,
        maximum=maximum,
        source_id=source,
        help_fr=raw["help_fr"],
        help_en=raw["help_en"],
        kind=kind,
        choices=choices,
        low=None if low is None else float(low),
        high=None if high is None else float(high),
        bounds_source_id=bounds_source,
        confidence=confidence,
        unit_fr=units[unit]["fr"],
        unit_en=units[unit]["en"],
        default_from=raw.get("default_from"),
        offset=float(raw.get("offset", 0)),
        profile_key=profile_key,
        prefill=raw.get("prefill"),
    )


_PREFILL_KINDS = ("count", "lifetime", "replacements", "retired", "it_load_kw", "pue", "headcount")


def _check_prefill(text: str, where: str, data: ReferenceData) -> None:
    kind, _, categories = text.partition(":")
    if kind not in _PREFILL_KINDS:
        raise _problem(where, f"unknown prefill {text!r}")
    for code in filter(None, categories.split("+")):
        if code not in data.category_codes:
            raise _problem(where, f"unknown category {code!r} in prefill")


def _model(
    model_id: str,
    raw: dict[str, Any],
    figures: dict[str, Figure],
    notes: dict[str, tuple[str, str]],
    units: dict[str, dict[str, str]],
    profile_sources: dict[str, str],
    count_maximum: float,
    data: ReferenceData,
) -> ImpactModel:
    where = f"[models.{model_id}]"
    specs = [
        _input_spec(
            item,
            f"{where} input {item.get('name')!r}",
            figures,
            units,
            profile_sources,
            count_maximum,
            data,
        )
        for item in raw["inputs"]
    ]
    by_name = {spec.name: spec for spec in specs}
    if len(by_name) != len(specs):
        raise _problem(where, "two inputs share a name")
    resolved = []
    for spec in specs:
        if spec.prefill:
            _check_prefill(spec.prefill, f"{where} input {spec.name!r}", data)
        if spec.default_from is None:
            resolved.append(spec)
            continue
        origin = by_name.get(spec.default_from)
        if origin is None or origin.default_from is not None or origin.kind == "choice":
            raise _problem(where, f"{spec.name}: default_from must name a plain numeric input")
        resolved.append(
            replace(
                spec,
                default=float(origin.default) + spec.offset,
                source_id=spec.source_id or origin.source_id,
                confidence=origin.confidence,
            )
        )
    for figure_id in raw["figures"]:
        if figure_id not in figures:
            raise _problem(where, f"unknown figure {figure_id!r}")
    for key in raw["parameters"]:
        _parameter(data, key, where)
    for note in raw["notes"]:
        if note not in notes:
            raise _problem(where, f"unknown note {note!r}")
    rules = tuple(
        Rule(
            left=item["left"],
            op=item["op"],
            right=item["right"],
            message_fr=item.get("message_fr", ""),
            message_en=item.get("message_en", ""),
        )
        for item in raw["rules"]
    )
    for rule in rules:
        if rule.left not in by_name or rule.right not in by_name or rule.op not in ("<=", ">="):
            raise _problem(where, f"bad rule {rule}")
    if raw["confidence"] not in CONFIDENCES:
        raise _problem(where, f"unknown confidence {raw['confidence']!r}")
    if raw["period"] not in ("year", "one_off"):
        raise _problem(where, f"unknown period {raw['period']!r}")
    return ImpactModel(
        id=model_id,
        title_fr=raw["title_fr"],
        title_en=raw["title_en"],
        inputs=tuple(resolved),
        formula_fr=raw["formula_fr"],
        formula_en=raw["formula_en"],
        confidence=raw["confidence"],
        period=raw["period"],
        figures=tuple(raw["figures"]),
        parameters=tuple(raw["parameters"]),
        notes=tuple(raw["notes"]),
        rules=rules,
    )


@cache
def _catalogue() -> _Catalogue:
    raw: dict[str, Any] = tomllib.loads((_DATA / "impact_models.toml").read_text("utf-8"))
    data = reference_data()
    figures = {}
    for figure_id, item in raw["figures"].items():
        figure = Figure(
            value=float(item["value"]),
            low=float(item["low"]),
            high=float(item["high"]),
            unit=item["unit"],
            source_id=item["source"],
            confidence=item["confidence"],
            note=item.get("note", ""),
            to_confirm=bool(item.get("to_confirm", False)),
        )
        where = f"[figures.{figure_id}]"
        if figure.source_id not in data.sources:
            raise _problem(where, f"unknown source {figure.source_id!r}")
        if not figure.low <= figure.value <= figure.high:
            raise _problem(where, "value outside its bounds")
        if figure.confidence not in CONFIDENCES or figure.unit not in raw["units"]:
            raise _problem(where, "unknown confidence or unit")
        figures[figure_id] = figure
    notes = {key: (item["fr"], item["en"]) for key, item in raw["notes"].items()}
    profile_sources = dict(raw["profile_sources"])
    for source in profile_sources.values():
        if source not in data.sources:
            raise _problem("[profile_sources]", f"unknown source {source!r}")
    count_maximum = float(raw["meta"]["count_maximum"])
    if set(raw["models"]) != set(MODEL_IDS):
        raise _problem("[models]", f"must hold exactly {', '.join(MODEL_IDS)}")
    models = {
        model_id: _model(
            model_id,
            raw["models"][model_id],
            figures,
            notes,
            raw["units"],
            profile_sources,
            count_maximum,
            data,
        )
        for model_id in MODEL_IDS
    }
    return _Catalogue(models, figures, notes, str(raw["meta"]["method_version"]))


def figures() -> dict[str, Figure]:
    """The figures of ``impact_models.toml`` (for the methodology page and the tests)."""
    return dict(_catalogue().figures)


def method_version() -> str:
    return _catalogue().method_version


MODELS: dict[str, ImpactModel] = _catalogue().models


def _get_model(model_id: str) -> ImpactModel:
    try:
        return MODELS[model_id]
    except KeyError:
        raise UnknownModel(model_id) from None


# ---------------------------------------------------------------------------------------------
# Validation


def _number_text(value: float, language: str) -> str:
    """1234.5 -> '1 234,5' (French, narrow no-break space) or '1,234.5' (English)."""
    whole = value == int(value)
    text = f"{int(value):,}" if whole else f"{value:,.6f}".rstrip("0").rstrip(".")
    if language == "fr":
        text = text.replace(",", "\u202f").replace(".", ",")
    return text


def _with_unit(value: float, unit: str, language: str) -> str:
    number = _number_text(value, language)
    return f"{number} {unit}" if unit else number


def _range_messages(spec: InputSpec) -> tuple[str, str]:
    assert spec.minimum is not None and spec.maximum is not None
    if spec.kind == "share":
        return (
            f"{spec.label_fr} : la part doit être comprise entre 0 et 1 (soit 0 à 100 %).",
            f"{spec.label_en}: the share must be between 0 and 1 (0 to 100 %).",
        )
    low_fr, high_fr = (_number_text(x, "fr") for x in (spec.minimum, spec.maximum))
    low_en, high_en = (_number_text(x, "en") for x in (spec.minimum, spec.maximum))
    if spec.kind == "count":
        return (
            f"{spec.label_fr} : indiquez un nombre entier compris entre {low_fr} et {high_fr}.",
            f"{spec.label_en}: enter a whole number between {low_en} and {high_en}.",
        )
    high_fr = _with_unit(spec.maximum, spec.unit_fr, "fr")
    high_en = _with_unit(spec.maximum, spec.unit_en, "en")
    return (
        f"{spec.label_fr} : la valeur doit être comprise entre {low_fr} et {high_fr}.",
        f"{spec.label_en}: the value must be between {low_en} and {high_en}.",
    )


def _parse_number(raw: object) -> float | None:
    """A finite number from a number or a text ('1 234,5' too); None when it is not one."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int | float):
        value = float(raw)
    elif isinstance(raw, str):
        text = raw.strip().replace("\u202f", "").replace("\xa0", "").replace(" ", "")
        if "," in text and "." not in text:
            text = text.replace(",", ".")
        try:
            value = float(text)
        except ValueError:
            return None
    else:
        return None
    return value if math.isfinite(value) else None


def _check_one(spec: InputSpec, raw: object) -> tuple[float | str | None, tuple[str, str] | None]:
    if spec.kind == "choice":
        allowed = {choice.value: choice for choice in spec.choices}
        if isinstance(raw, str) and raw in allowed:
            return raw, None
        labels_fr = ", ".join(f"« {choice.label_fr} »" for choice in spec.choices)
        labels_en = ", ".join(f"“{choice.label_en}”" for choice in spec.choices)
        return None, (
            f"{spec.label_fr} : choisissez parmi {labels_fr}.",
            f"{spec.label_en}: choose among {labels_en}.",
        )
    value = _parse_number(raw)
    assert spec.minimum is not None and spec.maximum is not None
    if value is None or not spec.minimum <= value <= spec.maximum:
        return None, _range_messages(spec)
    if spec.kind == "count" and value != int(value):
        return None, _range_messages(spec)
    return value, None


def _rule_messages(rule: Rule, left: InputSpec, right: InputSpec, value: float) -> tuple[str, str]:
    shown_fr = _with_unit(value, right.unit_fr, "fr")
    shown_en = _with_unit(value, right.unit_en, "en")
    if rule.message_fr:
        return (
            rule.message_fr.format(right_value=_number_text(value, "fr")),
            rule.message_en.format(right_value=_number_text(value, "en")),
        )
    if rule.op == "<=":
        return (
            f"{left.label_fr} : la valeur ne peut pas dépasser « {right.label_fr} » ({shown_fr}).",
            f"{left.label_en}: the value cannot exceed “{right.label_en}” ({shown_en}).",
        )
    return (
        f"{left.label_fr} : la valeur ne peut pas être inférieure à « {right.label_fr} » "
        f"({shown_fr}).",
        f"{left.label_en}: the value cannot be below “{right.label_en}” ({shown_en}).",
    )


def _checked(
    model: ImpactModel, params: Mapping[str, object]
) -> tuple[dict[str, float | str], set[str]]:
    """(every input's value, defaults filled in; the names the caller gave), or InvalidInputs."""
    errors: dict[str, tuple[str, str]] = {}
    names = {spec.name for spec in model.inputs}
    for name in params:
        if name not in names:
            errors[name] = (
                f"Donnée inconnue pour ce modèle : « {name} ».",
                f"Unknown input for this model: '{name}'.",
            )
    values: dict[str, float | str] = {}
    given: set[str] = set()
    for spec in model.inputs:
        raw = params.get(spec.name)
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            if spec.default_from is None:
                values[spec.name] = spec.default
            continue
        value, problem = _check_one(spec, raw)
        if problem is not None:
            errors[spec.name] = problem
        elif value is not None:
            values[spec.name] = value
            given.add(spec.name)
    for spec in model.inputs:
        if spec.default_from is not None and spec.name not in given:
            origin = values.get(spec.default_from)
            if origin is not None:
                values[spec.name] = float(origin) + spec.offset
    for rule in model.rules:
        left, right = values.get(rule.left), values.get(rule.right)
        if left is None or right is None or rule.left in errors:
            continue
        broken = float(left) > float(right) if rule.op == "<=" else float(left) < float(right)
        if broken:
            errors[rule.left] = _rule_messages(
                rule, model.input(rule.left), model.input(rule.right), float(right)
            )
    if errors:
        raise InvalidInputs(
            {name: pair[0] for name, pair in errors.items()},
            {name: pair[1] for name, pair in errors.items()},
        )
    return values, given


def validate(model_id: str, params: Mapping[str, float | str]) -> dict[str, float | str]:
    """Every input of the model, the missing ones at their defaults; raises ``InvalidInputs``
    listing every bad input at once (unknown names, numbers out of range, counts that are not
    whole, shares outside 0–1, choices not offered, broken cross-input rules such as a new
    setpoint below the current one)."""
    values, _ = _checked(_get_model(model_id), params)
    return values


# ---------------------------------------------------------------------------------------------
# Evaluation over the corners of the uncertainty box


@dataclass(frozen=True)
class _Values:
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
class _Terms:
    kwh: Number = 0.0
    embodied: Number = 0.0
    use_extra: Number = 0.0  # kgCO2e of use not derived from kWh (per page, hour, GB)
    eur_extra: Number = 0.0  # euros not derived from kWh (purchases, paper)
    materials: Number | None = None
    kpis: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def _central(value: Number) -> float:
    return float(np.asarray(value).reshape(-1)[0])


def _corner_arrays(symbols: dict[str, Bounds]) -> dict[str, FloatArray]:
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


def _bounds(value: Number, rows: int) -> Bounds:
    column = np.broadcast_to(np.asarray(value, dtype=np.float64), (rows,))
    return Bounds(float(column[0]), float(column.min()), float(column.max()))


def _device_figures(
    codes: tuple[str, ...], values: Mapping[str, float | str], data: ReferenceData
) -> dict[str, Bounds]:
    """Per device of each category: yearly kWh (the footprint's usage model, with the profile
    the inputs give) and annualised embodied carbon (embodied_gwp / lifetime; low: low embodied
    over the high lifetime)."""
    profile = UsageProfile(
        float(values["working_days"]),
        float(values["daily_hours"]),
        float(values.get("share_left_on", data.profile.share_left_on)),
    )
    table = AssetTable(
        category=np.array([data.category_index(code) for code in codes], dtype=np.intp),
        country=np.full(len(codes), data.countries.index("FRA"), dtype=np.intp),
        quantity=np.ones(len(codes)),
    )
    energy, _ = use_energy_kwh_per_year(table, profile, data)
    figures = {}
    for row, code in enumerate(codes):
        figures[f"{code}.kwh_per_year"] = Bounds(*(float(x) for x in energy[row]))
        made = data.parameters[(code, "embodied_gwp")]
        life = data.parameters[(code, "lifetime")]
        figures[f"{code}.annual_embodied"] = Bounds(
            made.value / life.value, made.low / life.high, made.high / life.low
        )
    return figures


FEWER_DEVICES = (
    ("desktops", "desktop"),
    ("monitors", "monitor"),
    ("printers", "printer_small"),
    ("desk_phones", "ip_phone"),
    ("smartphones", "smartphone"),
)

_EXTRA_FIGURES: dict[
    str, Callable[[Mapping[str, float | str], ReferenceData], dict[str, Bounds]]
] = {
    "fewer_devices": lambda values, data: _device_figures(
        tuple(code for _, code in FEWER_DEVICES), values, data
    ),
    "printing": lambda values, data: _device_figures(("printer_small",), values, data),
}
# Models whose savings involve no electricity: no factor or price to vary.
_NO_ELECTRICITY = {"lifetime", "refurbished", "reuse", "data_cleanup", "video_to_audio", "kpi_only"}


def compute(
    model_id: str,
    params: Mapping[str, float | str] | None = None,
    *,
    electricity_factor: Bounds | None = None,
    price: Bounds | None = None,
    scenario: str = "average",
    data: ReferenceData | None = None,
) -> Impact:
    """Yearly savings of one model. ``params`` as for ``validate`` (missing inputs take their
    defaults). ``electricity_factor`` (kgCO2e/kWh) defaults to the French ``scenario`` mix of
    ``reference`` (average; "marginal" gives the sensitivity for avoided kWh), ``price`` (€/kWh
    excl. VAT) to ``defaults.toml``. See the module docstring for units and bounds."""
    model = _get_model(model_id)
    data = data or reference_data()
    catalogue = _catalogue()
    values, given = _checked(model, params or {})
    symbols: dict[str, Bounds] = {}
    aliases: dict[str, tuple[str, float]] = {}
    choices: dict[str, str] = {}
    for spec in model.inputs:
        value = values[spec.name]
        if spec.kind == "choice":
            choices[spec.name] = str(value)
        elif spec.default_from is not None:
            follows = float(value) == float(values[spec.default_from]) + spec.offset
            if spec.name not in given or follows:
                aliases[spec.name] = (spec.default_from, spec.offset)  # the same figure
            else:
                symbols[spec.name] = Bounds.exact(float(value))
        elif spec.name not in given or float(value) == float(spec.default):
            # Left out, or entered at the default's own value (a pre-fill sent back): the
            # default with its range.
            symbols[spec.name] = spec.default_bounds or Bounds.exact(float(value))
        else:
            symbols[spec.name] = Bounds.exact(float(value))
    for figure_id in model.figures:
        symbols[figure_id] = catalogue.figures[figure_id].bounds
    for key in model.parameters:
        symbols[key] = _parameter(data, key, model_id)
    extra = _EXTRA_FIGURES.get(model_id)
    if extra is not None:
        symbols.update(extra(values, data))
    electric = model_id not in _NO_ELECTRICITY
    if electric:
        if electricity_factor is None:
            factor = data.capnr_electricity[("FRA", scenario)]["gwp"]
            electricity_factor = Bounds(factor.value, factor.low, factor.high)
        symbols["_electricity_factor"] = electricity_factor
        symbols["_price"] = price or Bounds(
            data.electricity_price.value, data.electricity_price.low, data.electricity_price.high
        )
    arrays = _corner_arrays(symbols)
    for name, (origin, offset) in aliases.items():
        arrays[name] = arrays[origin] + offset
    rows = len(next(iter(arrays.values()))) if arrays else 1
    terms = _FORMULAS[model_id](_Values(arrays, choices))
    kwh: Number = terms.kwh
    eur: Number = terms.eur_extra
    use: Number = terms.use_extra
    if electric:
        eur = kwh * arrays["_price"] + eur
        use = kwh * arrays["_electricity_factor"] + use
    notes = list(dict.fromkeys([*model.notes, *terms.notes]))
    return Impact(
        kwh=_bounds(kwh, rows),
        eur=_bounds(eur, rows),
        kgco2e_use=_bounds(use, rows),
        kgco2e_embodied=_bounds(terms.embodied, rows),
        kg_materials=None if terms.materials is None else _bounds(terms.materials, rows),
        kpis=terms.kpis,
        notes_fr=tuple(catalogue.notes[note][0] for note in notes),
        notes_en=tuple(catalogue.notes[note][1] for note in notes),
        confidence=model.confidence,
        method_version=catalogue.method_version,
        model_id=model_id,
        period=model.period,
        inputs=values,
        defaulted=tuple(spec.name for spec in model.inputs if spec.name not in given),
    )


# ---------------------------------------------------------------------------------------------
# The models. Each takes the inputs and figures as numpy rows (row 0 central) and returns the
# yearly savings; kWh are turned into € and kgCO2e by ``compute``.


def _powers(v: _Values, kind: str) -> tuple[FloatArray, FloatArray, FloatArray]:
    """On, sleep and off powers of one device type, sleep and off capped at on in each row."""
    on = v[f"{kind}_power_on_w"]
    return on, np.minimum(v[f"{kind}_power_sleep_w"], on), np.minimum(v[f"{kind}_power_off_w"], on)


def _auto_shutdown(v: _Values) -> _Terms:
    """Night and weekend shutdown (research §5.3-1).

    kWh/yr = Σ_type N × [s × (P_left − P_off) × h_off − (P_on − P_off) × h_wol] / 1000
    h_off = 8,760 − working days × daily hours (6,510 h with 225 × 10); s share left on today;
    P_left = P_on or P_sleep (the state they are left in); h_wol the wake-on-LAN hours during
    which every computer is on for patches (monitors are not woken). Powers in W.
    Bounds: P_off ≤ P_on and P_sleep ≤ P_on hold in every corner, as ``validate`` requires of
    the values (P_off, P_sleep = min(P, P_on)): an on power entered below the high end of a
    default off power (2 W for a desktop) gives no corner where switching off costs energy."""
    h_off = np.maximum(HOURS_PER_YEAR - v["working_days"] * v["daily_hours"], 0.0)
    wol = np.minimum(v["wol_hours_per_year"], h_off)
    share = v["share_left_on"]
    kwh: Number = 0.0
    for kind in ("desktop", "laptop"):
        on, sleep, off = _powers(v, kind)
        left = on if v.choice("left_state") == "idle" else sleep
        kwh = kwh + v[f"{kind}s"] * (share * (left - off) * h_off - (on - off) * wol) / 1000
    on, sleep, off = _powers(v, "monitor")
    left = on if v.choice("monitor_left_state") == "on" else sleep
    kwh = kwh + v["monitors"] * share * (left - off) * h_off / 1000
    computers = v.central("desktops") + v.central("laptops")
    return _Terms(
        kwh=kwh,
        kpis={
            "hours_outside_work": _central(h_off),
            "computers_left_on_before": computers * v.central("share_left_on"),
            "monitors_left_on_before": v.central("monitors") * v.central("share_left_on"),
            "wake_on_lan_hours": _central(wol),
        },
        notes=["negative_saving"] if _central(kwh) < 0 else [],
    )


def _power_settings(v: _Values) -> _Terms:
    """Sleep settings for daytime breaks (research §5.3-7, same structure as shutdown).

    kWh/yr = Σ_type N × s × working days × idle hours per day × (P_on − P_sleep) / 1000
    s = share of devices without (or with too late) sleep; powers of capnr_parameters.csv."""
    hours = v["working_days"] * v["idle_hours_per_day"]
    share = v["share_without_settings"]
    kwh: Number = 0.0
    for kind in ("desktop", "laptop", "monitor"):
        drop = v[f"{kind}.power_on"] - v[f"{kind}.power_sleep"]
        kwh = kwh + v[f"{kind}s"] * share * hours * drop / 1000
    devices = sum(v.central(name) for name in ("desktops", "laptops", "monitors"))
    return _Terms(
        kwh=kwh,
        kpis={
            "devices_set": devices * v.central("share_without_settings"),
            "idle_hours_per_year": _central(hours),
        },
    )


def _setpoint(v: _Values) -> _Terms:
    """Server-room setpoint (research §3.3, §5.3-2).

    kWh/yr = E_IT × (PUE − 1) × f_cool × s × ΔT − E_IT × k_fan × ΔT_fan
    E_IT = IT load kW × 8,760 h; f_cool cooling share of the overhead (0.8); s saving per °C
    (4 %, 2–5 %); ΔT = max(0, min(T_new, 27 °C) − T_now): no cooling saving counted above the
    ASHRAE recommended 27 °C; k_fan server power increase per °C (0.35–0.5 %) over the degrees
    added above 23 °C, ΔT_fan = max(0, T_new − max(T_now, 23)), uncapped. A setpoint above
    35 °C is refused by ``validate``."""
    now, new = v.central("current_setpoint_c"), v.central("new_setpoint_c")
    cap, threshold = v.central("recommended_max_c"), v.central("fan_threshold_c")
    rise = max(0.0, min(new, cap) - now)
    fan_degrees = max(0.0, new - max(now, threshold))
    it_kwh = v["it_load_kw"] * HOURS_PER_YEAR
    gross = it_kwh * (v["pue"] - 1) * v["cooling_share"] * v["saving_per_degree"] * rise
    fan = it_kwh * v["fan_increase_per_degree"] * fan_degrees
    kwh = gross - fan
    kpis = {
        "setpoint_rise_counted_c": rise,
        "fan_degrees_c": fan_degrees,
        "cooling_kwh_saved": _central(gross),
        "fan_kwh_added": _central(fan),
    }
    if _central(it_kwh) > 0:
        facility_after = _central(it_kwh * v["pue"] - kwh)
        kpis["pue_after"] = facility_after / _central(it_kwh + fan)
    notes = ["above_recommended"] if new > cap else []
    if _central(kwh) < 0:
        notes.append("negative_saving")
    return _Terms(kwh=kwh, kpis=kpis, notes=notes)


def _lifetime(v: _Values) -> _Terms:
    """Device lifetime from L1 to L2 = L1 + ΔL years (research §3.7, §5.3-3).

    kgCO2e/yr = Σ_type N × E_fab × (1/L1 − 1/(L1 + ΔL))   (E_fab: ADEME 2022 embodied_gwp)
    €/yr      = Σ_type N × price × (1/L1 − 1/(L1 + ΔL)) − N_computers × upgrade / (L1 + ΔL)
                (the upgrade only when ΔL > 0)
    ΔL = target − current as entered (≥ 0). Bounds: the current lifetime L1 (its default's
    range when left at the default) is one figure on both sides; the target moves with it, so
    each corner keeps the extension entered and the same E_fab on both sides: no change gives
    exactly 0 [0 – 0], a longer target never a negative low.
    For 4 → 6 years: laptop 182.6/12 = 15.2 kgCO2e/yr, desktop 17.0, monitor 5.5, phone 7.1."""
    embodied: Number = 0.0
    eur: Number = 0.0
    before: Number = 0.0
    after: Number = 0.0
    for kind in ("laptop", "desktop", "monitor", "smartphone"):
        count = v[f"{kind}s"]
        current = v[f"{kind}_lifetime_current"]
        # A target entered next to a current lifetime left at its default (which keeps its
        # range) would otherwise be exact while the current one varies: 2.5 → 2.5 years would
        # range from a loss to a saving. The extension is what the user decides.
        extension = v.central(f"{kind}_lifetime_target") - v.central(f"{kind}_lifetime_current")
        target = current + extension
        gap = 1 / current - 1 / target
        embodied = embodied + count * v[f"{kind}.embodied_gwp"] * gap
        eur = eur + count * v[f"{kind}_price_eur"] * gap
        if kind in ("laptop", "desktop") and extension > 0:
            eur = eur - count * v["upgrade_cost_eur"] / target
        before = before + count / current
        after = after + count / target
    return _Terms(
        embodied=embodied,
        eur_extra=eur,
        kpis={
            "purchases_per_year_before": _central(before),
            "purchases_per_year_after": _central(after),
            "purchases_avoided_per_year": _central(before) - _central(after),
        },
    )


def _refurbished(v: _Values) -> _Terms:
    """Refurbished purchases (research §3.7, §5.3-4).

    kgCO2e/yr = Σ_type B × share × E_fab × (1 − r)     (B purchases/yr, r residual ratio)
    €/yr      = Σ_type B × share × price × discount
    kg/yr     = Σ B × share × m × L for laptops (m = 127 kg) and smartphones (82 kg), m the
                raw materials avoided per year of use (ADEME 2022), L the lifetime.
    Quota check: refurbished share of spend against AGEC art. 58 (20 %, rates to confirm)."""
    share, residual = v["refurbished_share"], v["residual_ratio"]
    discount = v["refurbished_discount"]
    embodied: Number = 0.0
    eur: Number = 0.0
    spend_new = spend_refurbished = refurbished_count = 0.0
    for kind in ("laptop", "desktop", "monitor", "smartphone"):
        bought = v[f"{kind}s_bought"]
        refurbished = bought * share
        price = v[f"{kind}_price_eur"]
        embodied = embodied + refurbished * v[f"{kind}.embodied_gwp"] * (1 - residual)
        eur = eur + refurbished * price * discount
        spend_new += _central((bought - refurbished) * price)
        spend_refurbished += _central(refurbished * price * (1 - discount))
        refurbished_count += _central(refurbished)
    materials = (
        v["laptops_bought"] * share * v["materials_laptop_kg_per_year"] * v["laptop.lifetime"]
        + v["smartphones_bought"]
        * share
        * v["materials_smartphone_kg_per_year"]
        * v["smartphone.lifetime"]
    )
    quota = v.central("purchase_quota")
    kpis = {"refurbished_per_year": refurbished_count, "purchase_quota": quota}
    spend = spend_new + spend_refurbished
    if spend > 0:
        kpis["refurbished_share_of_spend"] = spend_refurbished / spend
        kpis["quota_met"] = float(spend_refurbished / spend >= quota)
    return _Terms(embodied=embodied, eur_extra=eur, materials=materials, kpis=kpis)


def _fewer_devices(v: _Values) -> _Terms:
    """Fewer devices: second screens, personal printers, desk phones, duplicates (§5.3-5).

    kgCO2e/yr = Σ_type ΔN × (E_fab / L + kWh/yr × EF), ΔN = before − after; kWh/yr per device
    from the footprint's usage model (``footprint.use_energy_kwh_per_year``) with the profile
    given; E_fab / L bounds: low embodied over the high lifetime, and the reverse."""
    kwh: Number = 0.0
    embodied: Number = 0.0
    removed = 0.0
    for prefix, code in FEWER_DEVICES:
        fewer = v[f"{prefix}_before"] - v[f"{prefix}_after"]
        kwh = kwh + fewer * v[f"{code}.kwh_per_year"]
        embodied = embodied + fewer * v[f"{code}.annual_embodied"]
        removed += _central(fewer)
    return _Terms(kwh=kwh, embodied=embodied, kpis={"devices_removed": removed})


def _reuse(v: _Values) -> _Terms:
    """Reuse and donation of retired equipment (décret 2023-266; research §5.3-6).

    rate = reused ÷ retired stock on 1 January (target 50 % from 2025)
    kgCO2e/yr = Σ_type reused × E_fab × substitution × remaining-life share
    WEEE sent to recycling is a KPI in kg, with no carbon credit."""
    embodied: Number = 0.0
    reused = 0.0
    for kind in ("laptop", "desktop", "monitor", "smartphone"):
        count = v[f"{kind}s_reused"]
        embodied = (
            embodied
            + count * v[f"{kind}.embodied_gwp"] * v["substitution"] * v["remaining_life_share"]
        )
        reused += _central(count)
    stock, target = v.central("retired_stock"), v.central("reuse_target")
    kpis = {"devices_reused": reused, "reuse_target": target, "weee_kg": v.central("weee_kg")}
    notes = []
    if stock > 0:
        kpis["reuse_rate"] = reused / stock
        kpis["reused_needed_for_target"] = float(math.ceil(target * stock - 1e-9))
        kpis["gap_to_target"] = max(0.0, kpis["reused_needed_for_target"] - reused)
        if reused > stock:
            notes.append("reuse_rate_above_one")
    else:
        notes.append("reuse_no_stock")
    return _Terms(embodied=embodied, kpis=kpis, notes=notes)


def _printing(v: _Values) -> _Terms:
    """Printing: duplex, follow-me printing, fewer personal printers (research §3.9, §5.3-8).

    pages = users × pages per user; sheets = pages × (1 − duplex / 2)
    pages avoided = pages × share never collected (with follow-me printing)
    sheets saved = pages × (1 − d_before/2) − (pages − pages avoided) × (1 − d_after/2)
    embodied kgCO2e = sheets saved × 4.6 g + printers removed × E_fab / L
    use kgCO2e = pages avoided × 1 g (printing, a direct figure) + kWh of printers × EF
    € = sheets saved × paper price + kWh × price; kg of materials = sheets saved × 4.99 g."""
    pages = v["users"] * v["pages_per_user"]
    follow_me = 1.0 if v.choice("follow_me") == "yes" else 0.0
    avoided = pages * v["uncollected_share"] * follow_me
    sheets_before = pages * (1 - v["duplex_before"] / 2)
    sheets_after = (pages - avoided) * (1 - v["duplex_after"] / 2)
    saved = sheets_before - sheets_after
    printers = v["printers_removed"]
    return _Terms(
        kwh=printers * v["printer_small.kwh_per_year"],
        embodied=saved * v["paper_kgco2e_per_sheet"]
        + printers * v["printer_small.annual_embodied"],
        use_extra=avoided * v["print_kgco2e_per_page"],
        eur_extra=saved * v["paper_eur_per_sheet"],
        materials=saved * v["a4_sheet_kg"],
        kpis={
            "pages_per_year": _central(pages),
            "sheets_saved": _central(saved),
            "reams_saved": _central(saved) / 500,
            "pages_not_printed": _central(avoided),
        },
        notes=["negative_saving"] if _central(saved) < 0 else [],
    )


def _consolidation(v: _Values) -> _Terms:
    """Server consolidation or a better-PUE host (research §3.4, §5.3-9).

    kWh/yr = (IT kW before × PUE before − IT kW after × PUE after) × 8,760
    embodied kgCO2e/yr = servers removed × E_server / L (3,660 kg, 1,300–3,660; L 4 years)."""
    before = v["it_load_kw_before"] * v["pue_before"] * HOURS_PER_YEAR
    after = v["it_load_kw_after"] * v["pue_after"] * HOURS_PER_YEAR
    removed = v["servers_before"] - v["servers_after"]
    kwh = before - after
    return _Terms(
        kwh=kwh,
        embodied=removed * v["server_embodied_kgco2e"] / v["server_rack.lifetime"],
        kpis={
            "servers_removed": _central(removed),
            "facility_kwh_before": _central(before),
            "facility_kwh_after": _central(after),
        },
        notes=["negative_saving"] if _central(kwh) < 0 else [],
    )


def _data_cleanup(v: _Values) -> _Terms:
    """Data retention clean-up (research §3.9, §5.3-10). Low confidence.

    kgCO2e/yr = GB deleted × copies × factor (0.00024 kg/GB/yr NegaOctet; high 0.15 UBA);
    the factor mixes storage construction and use: counted under use, with no kWh."""
    stored = v["gb_deleted"] * v["copies"]
    return _Terms(
        use_extra=stored * v["storage_kgco2e_per_gb_year"],
        kpis={"gb_stored_avoided": _central(stored)},
    )


def _video_to_audio(v: _Values) -> _Terms:
    """Audio instead of video meetings (research §3.9, §5.3-11). Low confidence.

    kgCO2e/yr = participants × video hours per week × working days / 5 × share switched
                × 0.015 kg per hour (MiNumEco: 1.5 t per 100,000 h)."""
    hours = (
        v["participants"] * v["video_hours_per_week"] * v["working_days"] / 5 * v["share_switched"]
    )
    return _Terms(
        use_extra=hours * v["video_audio_kgco2e_per_hour"],
        kpis={"hours_switched": _central(hours)},
    )


def _kpi_only(v: _Values) -> _Terms:
    """Training, accessibility and eco-design: no carbon figure (research §5.3-12, -13).

    KPIs: trained ÷ staff, field staff reached ÷ field staff, RGAA share of criteria met and
    its legal band (2 fully compliant at 100 %, 1 partially at ≥ 50 %, 0 not compliant),
    RGESN share of applicable criteria met."""
    kpis: dict[str, float] = {}
    if v.central("staff") > 0:
        kpis["trained_share"] = v.central("staff_trained") / v.central("staff")
    if v.central("field_staff") > 0:
        kpis["field_staff_reached_share"] = v.central("field_staff_reached") / v.central(
            "field_staff"
        )
    rgaa = v.central("rgaa_criteria_share")
    kpis["rgaa_criteria_share"] = rgaa
    band = 2 if rgaa >= v.central("rgaa_full") else 1 if rgaa >= v.central("rgaa_partial") else 0
    kpis["rgaa_status_band"] = float(band)
    kpis["rgesn_share"] = v.central("rgesn_share")
    return _Terms(kpis=kpis, notes=[("rgaa_none", "rgaa_partial", "rgaa_full")[band]])


_FORMULAS: dict[str, Callable[[_Values], _Terms]] = {
    "auto_shutdown": _auto_shutdown,
    "power_settings": _power_settings,
    "setpoint": _setpoint,
    "lifetime": _lifetime,
    "refurbished": _refurbished,
    "fewer_devices": _fewer_devices,
    "reuse": _reuse,
    "printing": _printing,
    "consolidation": _consolidation,
    "data_cleanup": _data_cleanup,
    "video_to_audio": _video_to_audio,
    "kpi_only": _kpi_only,
}


# ---------------------------------------------------------------------------------------------
# Pre-filling the inputs from an inventory


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


__all__ = [
    "MODELS",
    "MODEL_IDS",
    "Bounds",
    "Choice",
    "FleetSummary",
    "Impact",
    "ImpactModel",
    "InputSpec",
    "InvalidInputs",
    "Prefill",
    "UnknownModel",
    "compute",
    "figures",
    "fleet_summary",
    "inputs_from_fleet",
    "method_version",
    "prefilled_values",
    "validate",
]
