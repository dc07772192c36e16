"""Checking a model's inputs: every bad input at once, with messages in French and English that
state the valid range (numbers out of range, counts that are not whole, shares outside 0–1,
choices not offered, unknown names, broken cross-input rules)."""

from __future__ import annotations

import math
from collections.abc import Mapping

from .datafile import get_model
from .registry import ImpactModel
from .spec import InputSpec, Rule


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


def checked(
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
    values, _ = checked(get_model(model_id), params)
    return values
