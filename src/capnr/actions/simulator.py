"""What a simulator page shows: its input fields (value, unit, valid range, source; the ones that
matter first, the rest under "Advanced settings"), a model run turned into figures, indicators,
notes, the lesson of the French grid and the action's next step, what an action already in place
saves each year, and why a run saves nothing when it does. The engine computes; this module only
checks the inputs through it and words the results."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from capnr.core.i18n import english
from capnr.engine import impact as engine_impact
from capnr.engine.planning import planning
from capnr.engine.reference import reference_data

from .prefill import Filled, Prefill

if TYPE_CHECKING:
    from capnr.engine.catalogue import Action

CONFIDENCE_LABELS = {
    "high": pgettext_lazy("confidence", "high"),
    "medium": pgettext_lazy("confidence", "medium"),
    "low": pgettext_lazy("confidence", "low"),
    "none": pgettext_lazy("confidence", "no carbon figure"),
}


def amount(value: Any) -> str:
    """A figure with as many decimals as it needs: 12,345 · 12.3 · 0.35 · 0.004 (localised)."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return "–"
    size = abs(number)
    if size == 0 or size >= 100:
        decimals = 0
    elif size >= 1:
        decimals = 1
    elif size >= 0.1:
        decimals = 2
    else:
        decimals = 3
    rounded = round(number, decimals)
    if rounded == 0:
        return "0"
    text = number_format(rounded, decimal_pos=decimals, use_l10n=True, force_grouping=True)
    separator = "." if english() else ","
    if decimals and separator in text:
        text = text.rstrip("0").rstrip(separator)
    return text


def percent(share: float) -> str:
    """0.413 → "41 %"; below 1 %, one decimal: 0.004 → "0.4 %"."""
    value = share * 100
    shown = amount(round(value)) if abs(value) >= 1 else amount(round(value, 1))
    return f"{shown}\u00a0%"


def input_text(value: Any) -> str:
    """A value as it goes back into a form field: exact (so a default sent back keeps its range),
    with the page's decimal mark."""
    if isinstance(value, str):
        return value
    number = float(value)
    text = str(int(number)) if number == int(number) else f"{number:.10g}"
    return text if english() else text.replace(".", ",")


# --- Inputs ---------------------------------------------------------------------------------


@dataclass
class FieldRow:
    spec: engine_impact.InputSpec
    filled: Filled
    error: str = ""

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def label(self) -> str:
        return self.spec.label_en if english() else self.spec.label_fr

    @property
    def unit(self) -> str:
        return self.spec.unit_en if english() else self.spec.unit_fr

    @property
    def help(self) -> str:
        return self.spec.help_en if english() else self.spec.help_fr

    @property
    def value(self) -> str:
        return input_text(self.filled.value)

    @property
    def is_choice(self) -> bool:
        return self.spec.kind == "choice"

    @property
    def choices(self) -> list[tuple[str, str]]:
        return [
            (choice.value, choice.label_en if english() else choice.label_fr)
            for choice in self.spec.choices
        ]

    @property
    def inputmode(self) -> str:
        return "numeric" if self.spec.kind == "count" else "decimal"

    @property
    def range_text(self) -> str:
        spec = self.spec
        if spec.kind == "choice" or spec.minimum is None or spec.maximum is None:
            return ""
        if spec.kind == "share":
            return _("From 0 to 1 (0.33 = 33 %).")
        low, high = amount(spec.minimum), amount(spec.maximum)
        if spec.kind == "count":
            return _("A whole number from %(low)s to %(high)s.") % {"low": low, "high": high}
        unit = f"\u00a0{self.unit}" if self.unit else ""
        return _("From %(low)s to %(high)s.") % {"low": low, "high": f"{high}{unit}"}

    @property
    def typical_text(self) -> str:
        """The default's bounds, when it has some ("typically 0.25 to 0.4")."""
        bounds = self.spec.default_bounds
        if bounds is None or bounds.low == bounds.high:
            return ""
        return _("Typically %(low)s to %(high)s.") % {
            "low": amount(bounds.low),
            "high": amount(bounds.high),
        }

    @property
    def source(self) -> dict[str, str] | None:
        """The published source of a typical value (citation, year, address)."""
        if self.filled.source not in ("default", "action") or not self.spec.source_id:
            return None
        return reference_data().sources.get(self.spec.source_id)

    @property
    def to_enter(self) -> bool:
        """The organisation's own figure, with no published default: a placeholder to replace."""
        return self.filled.source == "default" and not self.spec.source_id

    @property
    def source_label(self) -> str:
        if self.to_enter:
            return _("Yours to enter")
        return self.filled.label

    @property
    def advanced(self) -> bool:
        return self.spec.advanced

    @property
    def has_own_data(self) -> bool:
        own = ("inventory", "estimate", "profile", "diagnostic", "user")
        return self.filled.source in own or self.to_enter


def field_rows(
    model_id: str, filled: Mapping[str, Filled], errors: Mapping[str, str] | None = None
) -> list[FieldRow]:
    model = engine_impact.MODELS[model_id]
    errors = errors or {}
    return [
        FieldRow(spec, filled[spec.name], errors.get(spec.name, ""))
        for spec in model.inputs
        if spec.name in filled
    ]


def check(
    model_id: str, filled: Mapping[str, Filled]
) -> tuple[dict[str, float | str] | None, dict[str, str]]:
    """(the checked values, {}) or (None, the engine's message per input, in the language)."""
    raw = {name: item.value for name, item in filled.items()}
    try:
        return engine_impact.validate(model_id, raw), {}
    except engine_impact.InvalidInputs as error:
        return None, error.messages("en" if english() else "fr")


# --- Results --------------------------------------------------------------------------------


@dataclass
class Kpi:
    label: str
    value: str
    unit: str


@dataclass
class Results:
    impact: engine_impact.Impact
    kpis: list[Kpi] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    lesson: str = ""  # "energy", "embodied" or ""
    next_step: str = ""  # the model's advice: the next step of this very action

    @property
    def saves_nothing(self) -> bool:
        """Figures that are all zero, bounds included: the page says why instead of 0 €."""
        impact = self.impact
        figures = (impact.kwh, impact.eur, impact.kgco2e_total)
        return self.has_carbon and all(
            bound == 0 for figure in figures for bound in (figure.value, figure.low, figure.high)
        )

    @property
    def confidence_label(self) -> str:
        return str(CONFIDENCE_LABELS.get(self.impact.confidence, self.impact.confidence))

    @property
    def total(self) -> engine_impact.Bounds:
        return self.impact.kgco2e_total

    @property
    def embodied_share(self) -> float:
        total = self.impact.kgco2e_total.value
        return self.impact.kgco2e_embodied.value / total if total > 0 else 0.0

    @property
    def has_carbon(self) -> bool:
        return self.impact.confidence != "none"

    @property
    def period_is_year(self) -> bool:
        return self.impact.period == "year"


def _kpi(model: engine_impact.ImpactModel, name: str, value: float) -> Kpi:
    """An indicator worded from its declaration in the engine's registry (label, unit, kind).
    The engine refuses undeclared indicators; only a result stored under an older method could
    name one that is no longer declared: it is shown under its id."""
    try:
        output = model.output(name)
    except KeyError:
        return Kpi(name, amount(value), "")
    if output.kind == "share":
        text = percent(value)
    elif output.kind == "yes_no":
        text = _("yes") if value >= 0.5 else _("no")
    elif output.kind == "band":
        fr, en = output.bands[max(0, min(len(output.bands) - 1, int(value)))]
        text = en if english() else fr
    elif output.kind == "ratio":
        text = amount(round(value, 2))
    else:
        text = amount(value)
    label = output.label_en if english() else output.label_fr
    return Kpi(label, text, output.unit_en if english() else output.unit_fr)


def results(model_id: str, impact: engine_impact.Impact) -> Results:
    model = engine_impact.MODELS[model_id]
    notes = list(impact.notes_en if english() else impact.notes_fr)
    # The model's own notes come first, in order; the energy lesson is stated with the figures.
    if "energy_lesson" in model.notes:
        index = model.notes.index("energy_lesson")
        if index < len(notes):
            del notes[index]
    shown = Results(
        impact=impact,
        kpis=[_kpi(model, name, value) for name, value in impact.kpis.items()],
        notes=notes,
        next_step=model.next_step_en if english() else model.next_step_fr,
    )
    total = impact.kgco2e_total.value
    if total > 0 and shown.embodied_share >= 0.5:
        shown.lesson = "embodied"
    elif impact.kwh.value > 0:
        # Not mostly embodied, so mostly electricity, whichever the model (the list of "energy
        # models" this once also tested could never change the outcome).
        shown.lesson = "energy"
    return shown


def compute(
    model_id: str, values: Mapping[str, float | str], price: Mapping[str, Any]
) -> engine_impact.Impact:
    return engine_impact.compute(model_id, values, **price)


# --- Already done, and why nothing is saved ----------------------------------------------------


@dataclass
class Change:
    """One input the change already made moved: its usual value before, and today's."""

    label: str
    unit: str
    before: str
    today: str


@dataclass
class Done:
    """What an action the diagnostic says is in place saves each year, from the usual state
    before it (``[[done]]`` of ``planning.toml``) to the organisation's pre-filled one."""

    action: Action
    results: Results
    changes: list[Change]
    sources: dict[str, dict[str, str]]


def already_done(model_id: str, prefill: Prefill, in_place: list[Action]) -> list[Done]:
    """The yearly saving of each action in place whose change the planning assumptions describe;
    none for an action without them, or whose change saves nothing with these figures."""
    model = engine_impact.MODELS[model_id]
    found = []
    for action in in_place:
        done = prefill.done_values(model_id, action.id)
        if done is None:
            continue
        checked, errors = check(model_id, {k: Filled(v, "action") for k, v in done.items()})
        if checked is None or errors:
            continue
        shown = results(model_id, compute(model_id, checked, prefill.price))
        if shown.saves_nothing or shown.total.value <= 0:
            continue
        today = prefill.values(model_id, action.id)
        changes = []
        entries = planning().done_for(action.id)
        for entry in entries:
            spec = model.input(entry.input)
            if entry.form != "value" or spec.kind == "choice":
                continue
            changes.append(
                Change(
                    label=spec.label_en if english() else spec.label_fr,
                    unit=spec.unit_en if english() else spec.unit_fr,
                    before=amount(done[entry.input]),
                    today=amount(today[entry.input]),
                )
            )
        sources = reference_data().sources
        found.append(
            Done(
                action,
                shown,
                changes,
                {entry.source: sources[entry.source] for entry in entries},
            )
        )
    return found


@dataclass
class Nothing:
    """Why a run saves nothing, said instead of a row of zeros: an own figure still to enter, a
    simulator shared by several actions opened without one (nothing changes), an action already
    done (nothing left with today's values), or the values as they are."""

    reason: str  # "to_enter", "choose", "done" or "values"
    rows: list[FieldRow] = field(default_factory=list)  # the figures to enter
    actions: list[Action] = field(default_factory=list)  # the actions to choose from


def why_nothing(
    shown: Results | None,
    rows: list[FieldRow],
    *,
    action: Action | None,
    using: list[Action],
    done: list[Done],
) -> Nothing | None:
    if shown is None or not shown.saves_nothing:
        return None
    if done:
        return Nothing("done")
    targeted = [item for item in using if planning().targets_for(item.id)]
    if action is None and targeted:
        return Nothing("choose", actions=targeted)
    to_enter = [row for row in rows if row.to_enter and _is_zero(row.filled.value)]
    if to_enter:
        return Nothing("to_enter", rows=to_enter)
    return Nothing("values")


def _is_zero(value: Any) -> bool:
    try:
        return float(str(value).replace(",", ".")) == 0
    except ValueError:
        return False


def _stored_bounds(results: Mapping[str, Any], name: str) -> engine_impact.Bounds:
    figure = results.get(name) or {}
    value = float(figure.get("value", 0.0))
    return engine_impact.Bounds(
        value, float(figure.get("low", value)), float(figure.get("high", value))
    )


def impact_from_dict(model_id: str, results: Mapping[str, Any]) -> engine_impact.Impact | None:
    """A stored scenario's results (``Impact.as_dict()``) back into an ``Impact``; None when
    they cannot be read (an older or partial record)."""
    try:
        use = _stored_bounds(results, "kgco2e_use")
        embodied = _stored_bounds(results, "kgco2e_embodied")
        if "kgco2e_use" not in results and "kgco2e_embodied" not in results:
            use = _stored_bounds(results, "kgco2e_total")  # only a total was kept
        materials = results.get("kg_materials")
        return engine_impact.Impact(
            kwh=_stored_bounds(results, "kwh"),
            eur=_stored_bounds(results, "eur"),
            kgco2e_use=use,
            kgco2e_embodied=embodied,
            kg_materials=None if not materials else _stored_bounds(results, "kg_materials"),
            kpis={str(k): float(v) for k, v in (results.get("kpis") or {}).items()},
            notes_fr=tuple(results.get("notes_fr") or ()),
            notes_en=tuple(results.get("notes_en") or ()),
            confidence=str(results.get("confidence", "")),
            method_version=str(results.get("method_version", "")),
            model_id=model_id,
            period=str(results.get("period", "year")),
            data_version=str(results.get("data_version", "")),
            engine_version=str(results.get("engine_version", "")),
        )
    except (TypeError, ValueError, AttributeError):
        return None
