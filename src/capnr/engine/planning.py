"""Planning assumptions of the action catalogue: ``data/actions/planning.toml``.

Four kinds of entries, each with its value, the id of its source in ``data/sources.csv`` and a
short note (format: ``data/actions/SCHEMA.md``):

- **targets**: the typical target of a catalogue action on one input of the action's impact
  model, as a fixed value, a share of another input, or a copy of another input, so that
  actions sharing a model ("fewer second screens", "fewer desk phones") do not open the
  simulator on the same zero;
- **diagnostic rules**: a diagnostic answer that moves the starting point of a model's input;
- **changes done**: when the diagnostic says an action is already in place, the inputs (in the
  forms of a target) that make the model's run the change the organisation has made, from the
  usual state before it to today's, so that the simulator says what it already saves each year
  instead of opening on the nothing left to gain;
- **recommendation parameters**: the spending of a "low" cost action used to test its payback,
  and the weight of a diagnostic gap by answer.

The file belongs to the catalogue and shares its version (``catalogue.toml``). The loader checks
every reference (actions, models, inputs, questions, answers, sources) and every value against the
input it fills; an error names the file and the entry. Pure Python, no Django.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from importlib.resources.abc import Traversable
from typing import Any, Literal

from capnr.engine.catalogue import CatalogueError, catalogue
from capnr.engine.diagnostic import ANSWERS, referential
from capnr.engine.impact import MODELS, ImpactModel, InputSpec
from capnr.engine.reference import reference_data

FILE = "planning.toml"
Value = float | str
Form = Literal["value", "share_of", "same_as"]
FORMS: tuple[Form, ...] = ("value", "share_of", "same_as")
# Quantities a target may take a share of besides the model's inputs: the devices of each type
# that reach end of use in one year (the pre-fill of the refurbished model's "<kind>s_bought").
RETIRED = ("laptops_retired", "desktops_retired", "monitors_retired", "smartphones_retired")
# The answers a gap can carry, plus "unanswered" (no answer yet).
GAP_ANSWERS = ("no", "unknown", "partly", "unanswered")
MAX_DIGITS = 6
_TARGET_FIELDS = frozenset(
    {"action", "input", "value", "share_of", "share", "digits", "same_as", "source", "note"}
)
_RULE_FIELDS = frozenset({"question", "answer", "model", "input", "value", "source", "note"})
_PARAMETER_FIELDS = frozenset({"value", "unit", "source", "note"})
_RECOMMEND = ("low_cost_eur", "gap_weight")

_DATA = files("capnr.engine") / "data" / "actions"


class PlanningError(CatalogueError):
    """``planning.toml`` is inconsistent; the message names the file and the entry."""


@dataclass(frozen=True)
class Target:
    """The typical target of ``action`` on input ``input`` of its model ``model``.

    ``form`` says how it is computed from the pre-filled values: ``value`` (fixed), ``share_of``
    (``share`` × the value of input ``of``, rounded to ``digits`` decimals) or ``same_as`` (the
    value of input ``of``, unchanged)."""

    action: str
    model: str
    input: str
    form: Form
    source: str
    note: str
    value: Value = 0.0
    of: str = ""
    share: float = 0.0
    digits: int = 0

    def compute(self, values: Mapping[str, Value]) -> Value:
        """The target from the pre-filled values (input name → value, plus ``RETIRED``)."""
        if self.form == "value":
            return self.value
        if self.form == "same_as":
            return values[self.of]
        return float(round(float(values[self.of]) * self.share, self.digits))


@dataclass(frozen=True)
class DiagnosticRule:
    """When ``question`` is answered ``answer``, input ``input`` of ``model`` starts at
    ``value``."""

    question: str
    answer: str
    model: str
    input: str
    value: Value
    source: str
    note: str


@dataclass(frozen=True)
class Parameter:
    name: str
    value: float
    unit: str
    source: str
    note: str


@dataclass(frozen=True)
class GapWeights:
    """What a diagnostic gap weighs by its answer; any other answer weighs as ``unanswered``."""

    no: float
    unknown: float
    partly: float
    unanswered: float
    source: str
    note: str

    def of(self, answer: str | None) -> float:
        if answer == "no":
            return self.no
        if answer == "unknown":
            return self.unknown
        if answer == "partly":
            return self.partly
        return self.unanswered


@dataclass(frozen=True)
class Planning:
    version: str  # the catalogue's (catalogue.toml)
    targets: tuple[Target, ...]
    diagnostic: tuple[DiagnosticRule, ...]
    low_cost_eur: Parameter
    gap_weights: GapWeights
    done: tuple[Target, ...] = ()

    def targets_for(self, action_id: str) -> tuple[Target, ...]:
        return tuple(target for target in self.targets if target.action == action_id)

    def done_for(self, action_id: str) -> tuple[Target, ...]:
        """The change ``action_id`` made, for the saving it already makes once in place."""
        return tuple(change for change in self.done if change.action == action_id)


# -- reading ------------------------------------------------------------------------------------


def _fields(raw: Any, allowed: frozenset[str], where: str) -> Mapping[str, Any]:
    if not isinstance(raw, dict):
        raise PlanningError(f"{where}: must be a table")
    unknown = sorted(set(raw) - allowed)
    if unknown:
        raise PlanningError(f"{where}: unknown field(s) {unknown}")
    return raw


def _text(raw: Mapping[str, Any], name: str, where: str) -> str:
    value = raw.get(name)
    if not isinstance(value, str) or not value.strip():
        raise PlanningError(f"{where}: missing or empty {name}")
    return value.strip()


def _number(raw: Mapping[str, Any], name: str, where: str) -> float:
    value = raw.get(name)
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise PlanningError(f"{where}: {name} must be a number, got {value!r}")
    return float(value)


def _source(raw: Mapping[str, Any], where: str, source_ids: Collection[str]) -> str:
    source = _text(raw, "source", where)
    if source not in source_ids:
        raise PlanningError(f"{where}: unknown source id {source!r} (see data/sources.csv)")
    return source


def _input(model: ImpactModel, name: Any, where: str) -> InputSpec:
    if not isinstance(name, str) or not name:
        raise PlanningError(f"{where}: missing input")
    try:
        return model.input(name)
    except KeyError:
        raise PlanningError(f"{where}: model {model.id!r} has no input {name!r}") from None


def _fixed(raw: Mapping[str, Any], spec: InputSpec, where: str) -> Value:
    """``value``, checked against the input it fills: a choice of a choice input, else a number
    within the input's range."""
    value = raw.get("value")
    if spec.kind == "choice":
        allowed = [choice.value for choice in spec.choices]
        if value not in allowed:
            raise PlanningError(
                f"{where}: value {value!r} of {spec.name} is not one of {', '.join(allowed)}"
            )
        return str(value)
    number = _number(raw, "value", where)
    low = -math.inf if spec.minimum is None else spec.minimum
    high = math.inf if spec.maximum is None else spec.maximum
    if not low <= number <= high:
        raise PlanningError(f"{where}: value {number:g} of {spec.name} is outside {low:g}–{high:g}")
    return number


def _target(
    raw: Any,
    where: str,
    actions: Mapping[str, str],
    models: Mapping[str, ImpactModel],
    source_ids: Collection[str],
) -> Target:
    raw = _fields(raw, _TARGET_FIELDS, where)
    action = raw.get("action")
    if not isinstance(action, str) or action not in actions:
        raise PlanningError(f"{where}: unknown action {action!r}")
    model_id = actions[action]
    if model_id not in models:
        raise PlanningError(f"{where}: action {action} has no impact model with inputs")
    model = models[model_id]
    spec = _input(model, raw.get("input"), where)
    where = f"{where} ({action} → {spec.name})"
    forms = [form for form in FORMS if form in raw]
    if len(forms) != 1:
        raise PlanningError(f"{where}: give exactly one of {', '.join(FORMS)}")
    form = forms[0]
    if form != "share_of" and ("share" in raw or "digits" in raw):
        raise PlanningError(f"{where}: share and digits go with share_of only")
    source, note = _source(raw, where, source_ids), _text(raw, "note", where)
    if form == "value":
        return Target(
            action, model_id, spec.name, form, source, note, value=_fixed(raw, spec, where)
        )
    if spec.kind == "choice" and form == "share_of":
        raise PlanningError(f"{where}: a choice input takes a value or same_as, not a share")
    of = raw[form]
    if form == "same_as":
        other = _input(model, of, f"{where} same_as")
        if other.name == spec.name:
            raise PlanningError(f"{where}: same_as names the input itself")
        if other.kind != spec.kind or other.choices != spec.choices:
            raise PlanningError(f"{where}: same_as {other.name} is not of the same kind")
        return Target(action, model_id, spec.name, form, source, note, of=other.name)
    if of in RETIRED and any(item.name == of for item in model.inputs):
        raise PlanningError(f"{where}: share_of {of} is both an input and a retirement count")
    if of not in RETIRED:
        other = _input(model, of, f"{where} share_of")
        if other.kind == "choice":
            raise PlanningError(f"{where}: share_of {other.name} is a choice, not a number")
        if other.name == spec.name:
            raise PlanningError(f"{where}: share_of names the input itself")
    share = _number(raw, "share", where)
    if share < 0:
        raise PlanningError(f"{where}: share must not be negative, got {share:g}")
    digits = raw.get("digits", 0)
    if isinstance(digits, bool) or not isinstance(digits, int) or not 0 <= digits <= MAX_DIGITS:
        raise PlanningError(f"{where}: digits must be a whole number 0–{MAX_DIGITS}")
    return Target(
        action, model_id, spec.name, form, source, note, of=str(of), share=share, digits=digits
    )


def _rule(
    raw: Any,
    where: str,
    questions: Collection[str],
    models: Mapping[str, ImpactModel],
    source_ids: Collection[str],
) -> DiagnosticRule:
    raw = _fields(raw, _RULE_FIELDS, where)
    question = raw.get("question")
    if not isinstance(question, str) or question not in questions:
        raise PlanningError(f"{where}: unknown question {question!r}")
    answer = raw.get("answer")
    if not isinstance(answer, str) or answer not in ANSWERS:
        raise PlanningError(f"{where}: answer {answer!r} is not one of {', '.join(ANSWERS)}")
    model_id = raw.get("model")
    if not isinstance(model_id, str) or model_id not in models:
        raise PlanningError(f"{where}: unknown impact model {model_id!r}")
    spec = _input(models[model_id], raw.get("input"), where)
    where = f"{where} ({question} {answer} → {model_id}.{spec.name})"
    return DiagnosticRule(
        question=question,
        answer=answer,
        model=model_id,
        input=spec.name,
        value=_fixed(raw, spec, where),
        source=_source(raw, where, source_ids),
        note=_text(raw, "note", where),
    )


def _recommend(raw: Any, source_ids: Collection[str]) -> tuple[Parameter, GapWeights]:
    where = f"{FILE} recommend"
    raw = _fields(raw, frozenset(_RECOMMEND), where)
    missing = [name for name in _RECOMMEND if name not in raw]
    if missing:
        raise PlanningError(f"{where}: missing {', '.join(missing)}")
    where_cost = f"{where}.low_cost_eur"
    cost = _fields(raw["low_cost_eur"], _PARAMETER_FIELDS, where_cost)
    value = _number(cost, "value", where_cost)
    if value <= 0:
        raise PlanningError(f"{where_cost}: value must be positive, got {value:g}")
    unit = _text(cost, "unit", where_cost)
    if unit != "€":
        raise PlanningError(f"{where_cost}: unit must be €, got {unit!r}")
    low_cost = Parameter(
        "low_cost_eur",
        value,
        unit,
        _source(cost, where_cost, source_ids),
        _text(cost, "note", where_cost),
    )
    where_gap = f"{where}.gap_weight"
    gap = _fields(raw["gap_weight"], frozenset({*GAP_ANSWERS, "source", "note"}), where_gap)
    weights: dict[str, float] = {}
    for answer in GAP_ANSWERS:
        if answer not in gap:
            raise PlanningError(f"{where_gap}: missing {answer}")
        weight = _number(gap, answer, where_gap)
        if not 0 <= weight <= 1:
            raise PlanningError(f"{where_gap}: {answer} must be between 0 and 1, got {weight:g}")
        weights[answer] = weight
    return low_cost, GapWeights(
        **weights,
        source=_source(gap, where_gap, source_ids),
        note=_text(gap, "note", where_gap),
    )


def load_planning(
    directory: Traversable,
    *,
    actions: Mapping[str, str],
    questions: Collection[str],
    models: Mapping[str, ImpactModel],
    source_ids: Collection[str],
) -> Planning:
    """Read and check ``planning.toml`` of directory (and the version of its ``catalogue.toml``).
    ``actions``: catalogue action id → its impact model id ("" for none); ``questions``: the
    diagnostic question ids; ``models``: the impact models; ``source_ids``: ids of sources.csv."""
    try:
        header = tomllib.loads((directory / "catalogue.toml").read_text("utf-8"))
        content = tomllib.loads((directory / FILE).read_text("utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise PlanningError(f"{FILE}: not valid TOML ({error})") from error
    except FileNotFoundError as error:
        raise PlanningError(f"{FILE}: missing file ({error})") from error
    version = header.get("version")
    if not isinstance(version, str) or not version:
        raise PlanningError("catalogue.toml: missing version")
    unknown = sorted(set(content) - {"target", "diagnostic", "done", "recommend"})
    if unknown:
        raise PlanningError(f"{FILE}: unknown section(s) {unknown}")
    for name in ("target", "diagnostic", "done"):
        if not isinstance(content.get(name, []), list):
            raise PlanningError(f"{FILE}: {name} must be an array of tables ([[{name}]])")
    targets: list[Target] = []
    seen: dict[tuple[str, ...], str] = {}
    for index, raw in enumerate(content.get("target", []), start=1):
        place = f"{FILE} target {index}"
        target = _target(raw, place, actions, models, source_ids)
        key = (target.action, target.input)
        if key in seen:
            raise PlanningError(
                f"{place}: {target.action} → {target.input} is already set by {seen[key]}"
            )
        seen[key] = place
        targets.append(target)
    rules: list[DiagnosticRule] = []
    for index, raw in enumerate(content.get("diagnostic", []), start=1):
        place = f"{FILE} diagnostic {index}"
        rule = _rule(raw, place, questions, models, source_ids)
        same = (rule.question, rule.answer, rule.model, rule.input)
        if same in seen:
            raise PlanningError(f"{place}: the same answer and input as {seen[same]}")
        seen[same] = place
        rules.append(rule)
    done: list[Target] = []
    for index, raw in enumerate(content.get("done", []), start=1):
        place = f"{FILE} done {index}"
        change = _target(raw, place, actions, models, source_ids)
        done_key = ("done", change.action, change.input)
        if done_key in seen:
            raise PlanningError(
                f"{place}: {change.action} → {change.input} is already set by {seen[done_key]}"
            )
        seen[done_key] = place
        done.append(change)
    if "recommend" not in content:
        raise PlanningError(f"{FILE}: missing [recommend]")
    low_cost, gap_weights = _recommend(content["recommend"], source_ids)
    return Planning(
        version=version,
        targets=tuple(targets),
        diagnostic=tuple(rules),
        low_cost_eur=low_cost,
        gap_weights=gap_weights,
        done=tuple(done),
    )


@cache
def planning() -> Planning:
    """The shipped planning assumptions, checked against the catalogue, the diagnostic, the
    impact models and the sources; loaded once."""
    return load_planning(
        _DATA,
        actions={action.id: action.model for action in catalogue().actions},
        questions=frozenset(question.id for question in referential().questions),
        models=MODELS,
        source_ids=frozenset(reference_data().sources),
    )
