"""Reading ``data/impact_models.toml``: the data side of each registered model (see
``registry``), checked against the registry and the reference data, joined into ``MODELS``.

The file also reads ``capnr_parameters.csv`` (embodied carbon, lifetimes, powers) and
``defaults.toml`` (usage profile, server-room PUE); each default names a source of
``sources.csv``. Its header comment describes the format."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, replace
from functools import cache
from importlib.resources import files
from typing import Any

from ..reference import ReferenceData, _rows, reference_data
from .bounds import Bounds
from .registry import MODEL_IDS, REGISTRY, Declaration, ImpactModel
from .spec import (
    CONFIDENCES,
    KINDS,
    OUTPUT_KINDS,
    Choice,
    Figure,
    InputSpec,
    Output,
    Rule,
)

_DATA = files("capnr.engine") / "data"
# A simulator with more inputs than this shows at most MAIN_INPUTS first, the rest under its
# "Advanced settings" (the inputs marked advanced = true in the data file).
MAX_INPUTS_AT_ONCE = 8
MAIN_INPUTS = 5


class UnknownModel(KeyError):
    def __init__(self, model_id: str) -> None:
        super().__init__(f"Unknown impact model {model_id!r}; known: {', '.join(MODEL_IDS)}")


@dataclass(frozen=True)
class DataFile:
    """``impact_models.toml`` read and checked: the registered models and what they share."""

    models: dict[str, ImpactModel]
    figures: dict[str, Figure]
    notes: dict[str, tuple[str, str]]  # key -> (French, English)
    units: dict[str, dict[str, str]]  # key -> {"fr": ..., "en": ...}
    method_version: str


def _problem(where: str, message: str) -> ValueError:
    return ValueError(f"impact_models.toml {where}: {message}")


def parameter_bounds(data: ReferenceData, key: str, where: str) -> Bounds:
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
        bounds = parameter_bounds(data, raw["parameter"], where)
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
        advanced=_flag(raw, "advanced", where),
    )


def _flag(raw: dict[str, Any], name: str, where: str) -> bool:
    value = raw.get(name, False)
    if not isinstance(value, bool):
        raise _problem(where, f"{name} must be true or false, got {value!r}")
    return value


_PREFILL_KINDS = ("count", "lifetime", "replacements", "retired", "it_load_kw", "pue", "headcount")


def _check_prefill(text: str, where: str, data: ReferenceData) -> None:
    kind, _, categories = text.partition(":")
    if kind not in _PREFILL_KINDS:
        raise _problem(where, f"unknown prefill {text!r}")
    for code in filter(None, categories.split("+")):
        if code not in data.category_codes:
            raise _problem(where, f"unknown category {code!r} in prefill")


def _outputs(
    raw: dict[str, Any], where: str, units: dict[str, dict[str, str]]
) -> tuple[Output, ...]:
    outputs = []
    for item in raw.get("outputs", []):
        name = item.get("name", "")
        at = f"{where} output {name!r}"
        kind, unit = item.get("kind", "number"), item.get("unit", "none")
        if kind not in OUTPUT_KINDS:
            raise _problem(at, f"unknown kind {kind!r}")
        if unit not in units:
            raise _problem(at, f"unknown unit {unit!r}")
        labels = (item.get("label_fr", ""), item.get("label_en", ""))
        if not name or not all(label.strip() for label in labels):
            raise _problem(at, "needs a name and a label in French and in English")
        bands = tuple((band["fr"], band["en"]) for band in item.get("bands", []))
        if (kind == "band") != bool(bands):
            raise _problem(at, 'bands go with kind = "band", and only with it')
        outputs.append(
            Output(
                name=name,
                label_fr=labels[0],
                label_en=labels[1],
                unit=unit,
                unit_fr=units[unit]["fr"],
                unit_en=units[unit]["en"],
                kind=kind,
                bands=bands,
            )
        )
    if len({output.name for output in outputs}) != len(outputs):
        raise _problem(where, "two outputs share a name")
    return tuple(outputs)


def _presentation(raw: dict[str, Any], inputs: list[InputSpec], where: str) -> tuple[str, str]:
    """Check how the simulator presents the model: at most ``MAIN_INPUTS`` inputs shown first
    when it has more than ``MAX_INPUTS_AT_ONCE``; returns its next step (French, English)."""
    main = [spec.name for spec in inputs if not spec.advanced]
    if len(inputs) > MAX_INPUTS_AT_ONCE and len(main) > MAIN_INPUTS:
        raise _problem(
            where,
            f"{len(inputs)} inputs: at most {MAIN_INPUTS} may be shown first, the others "
            f"advanced = true (shown first now: {', '.join(main)})",
        )
    next_step = (raw.get("next_step_fr", ""), raw.get("next_step_en", ""))
    if not all(isinstance(text, str) and text.strip() for text in next_step):
        raise _problem(where, "needs its next step in French and in English")
    return next_step[0].strip(), next_step[1].strip()


def _model(
    declaration: Declaration,
    raw: dict[str, Any],
    figures: dict[str, Figure],
    notes: dict[str, tuple[str, str]],
    units: dict[str, dict[str, str]],
    profile_sources: dict[str, str],
    count_maximum: float,
    data: ReferenceData,
) -> ImpactModel:
    model_id = declaration.id
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
    next_step = _presentation(raw, resolved, where)
    for figure_id in raw["figures"]:
        if figure_id not in figures:
            raise _problem(where, f"unknown figure {figure_id!r}")
    for key in raw["parameters"]:
        parameter_bounds(data, key, where)
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
    acts_on = tuple(raw.get("acts_on", ()))
    for code in acts_on:
        if code not in data.category_codes:
            raise _problem(where, f"unknown category {code!r} in acts_on")
    for code in declaration.device_figures:
        if code not in data.category_codes:
            raise _problem(where, f"the registry asks device figures of unknown {code!r}")
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
        outputs=_outputs(raw, where, units),
        acts_on=acts_on,
        declaration=declaration,
        next_step_fr=next_step[0],
        next_step_en=next_step[1],
    )


@cache
def data_file() -> DataFile:
    """The shipped data file, read and checked once."""
    raw: dict[str, Any] = tomllib.loads((_DATA / "impact_models.toml").read_text("utf-8"))
    return read_data_file(raw)


def read_data_file(
    raw: dict[str, Any],
    registry: tuple[Declaration, ...] = REGISTRY,
    data: ReferenceData | None = None,
) -> DataFile:
    """Check the parsed data file against the registry (exactly its models) and the reference
    data (sources, units, categories, figures), and join each model's data to its declaration.
    Raises ``ValueError`` naming the table and item at the first problem."""
    data = data or reference_data()
    model_ids = tuple(declaration.id for declaration in registry)
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
    if set(raw["models"]) != set(model_ids):
        missing = sorted(set(model_ids) - set(raw["models"]))
        unknown = sorted(set(raw["models"]) - set(model_ids))
        raise _problem(
            "[models]",
            f"must hold exactly the registered models ({', '.join(model_ids)}); "
            f"missing {missing}, not in the registry {unknown}",
        )
    models = {
        declaration.id: _model(
            declaration,
            raw["models"][declaration.id],
            figures,
            notes,
            raw["units"],
            profile_sources,
            count_maximum,
            data,
        )
        for declaration in registry
    }
    return DataFile(models, figures, notes, raw["units"], str(raw["meta"]["method_version"]))


def figures() -> dict[str, Figure]:
    """The figures of ``impact_models.toml`` (for the methodology page and the tests)."""
    return dict(data_file().figures)


def method_version() -> str:
    return data_file().method_version


MODELS: dict[str, ImpactModel] = data_file().models


def get_model(model_id: str) -> ImpactModel:
    try:
        return MODELS[model_id]
    except KeyError:
        raise UnknownModel(model_id) from None
