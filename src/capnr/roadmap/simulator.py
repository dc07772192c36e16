"""What a simulator page shows: its input fields (value, unit, valid range, source) and a model
run turned into figures, indicators, notes and the lesson of the French grid. The engine
computes; this module only checks the inputs through it and words the results."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from capnr.core.i18n import english
from capnr.engine import impact as engine_impact
from capnr.engine.reference import reference_data

from .prefill import Filled

# Models whose savings are mostly electricity.
ENERGY_MODELS = frozenset({"auto_shutdown", "power_settings", "setpoint", "consolidation"})
CONFIDENCE_LABELS = {
    "high": pgettext_lazy("confidence", "high"),
    "medium": pgettext_lazy("confidence", "medium"),
    "low": pgettext_lazy("confidence", "low"),
    "none": pgettext_lazy("confidence", "no carbon figure"),
}
# The indicators the models return: label, unit, and how to show the value.
KPI_LABELS: dict[str, tuple[Any, str, str]] = {
    "hours_outside_work": (gettext_lazy("Hours outside working time"), "h/yr", "number"),
    "computers_left_on_before": (gettext_lazy("Computers left on today"), "", "number"),
    "monitors_left_on_before": (gettext_lazy("Monitors left on today"), "", "number"),
    "wake_on_lan_hours": (gettext_lazy("Wake-on-LAN hours for updates"), "h/yr", "number"),
    "devices_set": (gettext_lazy("Devices to set"), "", "number"),
    "idle_hours_per_year": (gettext_lazy("Idle hours per device"), "h/yr", "number"),
    "setpoint_rise_counted_c": (gettext_lazy("Setpoint rise counted"), "°C", "number"),
    "fan_degrees_c": (gettext_lazy("Degrees above the fan threshold"), "°C", "number"),
    "cooling_kwh_saved": (gettext_lazy("Cooling electricity saved"), "kWh/yr", "number"),
    "fan_kwh_added": (gettext_lazy("Server fan electricity added"), "kWh/yr", "number"),
    "pue_after": (gettext_lazy("PUE after the change"), "", "ratio"),
    "purchases_per_year_before": (gettext_lazy("Devices bought per year today"), "", "number"),
    "purchases_per_year_after": (gettext_lazy("Devices bought per year after"), "", "number"),
    "purchases_avoided_per_year": (gettext_lazy("Purchases avoided per year"), "", "number"),
    "refurbished_per_year": (gettext_lazy("Refurbished devices per year"), "", "number"),
    "purchase_quota": (gettext_lazy("Legal purchasing threshold (AGEC)"), "", "share"),
    "refurbished_share_of_spend": (gettext_lazy("Refurbished share of spend"), "", "share"),
    "quota_met": (gettext_lazy("Threshold met"), "", "yes_no"),
    "devices_removed": (gettext_lazy("Devices removed"), "", "number"),
    "devices_reused": (gettext_lazy("Devices reused"), "", "number"),
    "reuse_target": (gettext_lazy("Legal reuse target"), "", "share"),
    "weee_kg": (gettext_lazy("WEEE sent to recycling"), "kg", "number"),
    "reuse_rate": (gettext_lazy("Reuse rate"), "", "share"),
    "reused_needed_for_target": (gettext_lazy("Devices to reuse to meet the target"), "", "number"),
    "gap_to_target": (gettext_lazy("Devices still missing to meet the target"), "", "number"),
    "pages_per_year": (gettext_lazy("Pages printed per year"), "", "number"),
    "sheets_saved": (gettext_lazy("Sheets of paper saved"), "/yr", "number"),
    "reams_saved": (gettext_lazy("Reams saved"), "/yr", "number"),
    "pages_not_printed": (gettext_lazy("Pages no longer printed"), "/yr", "number"),
    "servers_removed": (gettext_lazy("Servers removed"), "", "number"),
    "facility_kwh_before": (gettext_lazy("Room electricity before"), "kWh/yr", "number"),
    "facility_kwh_after": (gettext_lazy("Room electricity after"), "kWh/yr", "number"),
    "gb_stored_avoided": (gettext_lazy("Storage avoided, copies included"), "GB", "number"),
    "hours_switched": (gettext_lazy("Meeting hours switched to audio"), "h/yr", "number"),
    "trained_share": (gettext_lazy("Share of staff trained"), "", "share"),
    "field_staff_reached_share": (gettext_lazy("Share of field staff reached"), "", "share"),
    "rgaa_criteria_share": (gettext_lazy("RGAA criteria met"), "", "share"),
    "rgaa_status_band": (gettext_lazy("RGAA legal status"), "", "rgaa"),
    "rgesn_share": (gettext_lazy("RGESN criteria met"), "", "share"),
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


def _kpi(name: str, value: float) -> Kpi:
    label, unit, kind = KPI_LABELS.get(name, (name.replace("_", " "), "", "number"))
    if kind == "share":
        text = percent(value)
    elif kind == "yes_no":
        text = _("yes") if value >= 0.5 else _("no")
    elif kind == "rgaa":
        text = (_("not compliant"), _("partially compliant"), _("fully compliant"))[
            max(0, min(2, int(value)))
        ]
    elif kind == "ratio":
        text = amount(round(value, 2))
    else:
        text = amount(value)
    return Kpi(str(label), text, unit)


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
        kpis=[_kpi(name, value) for name, value in impact.kpis.items()],
        notes=notes,
    )
    total = impact.kgco2e_total.value
    if total > 0 and shown.embodied_share >= 0.5:
        shown.lesson = "embodied"
    elif impact.kwh.value > 0 and (model_id in ENERGY_MODELS or shown.embodied_share < 0.5):
        shown.lesson = "energy"
    return shown


def compute(
    model_id: str, values: Mapping[str, float | str], price: Mapping[str, Any]
) -> engine_impact.Impact:
    return engine_impact.compute(model_id, values, **price)


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
