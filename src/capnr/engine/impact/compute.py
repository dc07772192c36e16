"""Running a model: its inputs checked, every uncertain figure at both ends, the registered
formula evaluated over every corner at once, kWh turned into euros and kgCO2e (the rules and
the bounds are in the package docstring). A model declared without electricity
(``Declaration.uses_electricity``) has no grid factor or price to vary."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .. import ENGINE_VERSION
from ..assets import AssetTable
from ..footprint import use_energy_kwh_per_year
from ..reference import ReferenceData, UsageProfile, data_version, reference_data
from .bounds import Bounds, Number, Values, bounds_of, corner_arrays
from .datafile import data_file, get_model, parameter_bounds
from .validation import checked


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
    model = get_model(model_id)
    declaration = model.declaration
    data = data or reference_data()
    loaded = data_file()
    values, given = checked(model, params or {})
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
        symbols[figure_id] = loaded.figures[figure_id].bounds
    for key in model.parameters:
        symbols[key] = parameter_bounds(data, key, model_id)
    if declaration.device_figures:
        symbols.update(_device_figures(declaration.device_figures, values, data))
    electric = declaration.uses_electricity
    if electric:
        if electricity_factor is None:
            factor = data.capnr_electricity[("FRA", scenario)]["gwp"]
            electricity_factor = Bounds(factor.value, factor.low, factor.high)
        symbols["_electricity_factor"] = electricity_factor
        symbols["_price"] = price or Bounds(
            data.electricity_price.value, data.electricity_price.low, data.electricity_price.high
        )
    arrays = corner_arrays(symbols)
    for name, (origin, offset) in aliases.items():
        arrays[name] = arrays[origin] + offset
    rows = len(next(iter(arrays.values()))) if arrays else 1
    terms = declaration.formula(Values(arrays, choices))
    undeclared = [name for name in terms.kpis if name not in {o.name for o in model.outputs}]
    if undeclared:
        raise RuntimeError(
            f"Impact model {model_id!r} returned indicators {undeclared} that its "
            f"[[models.{model_id}.outputs]] of impact_models.toml do not declare"
        )
    if not electric and np.any(np.asarray(terms.kwh) != 0):
        raise RuntimeError(
            f"Impact model {model_id!r} returned kWh but its registry entry says it uses no "
            "electricity (its kWh would be left out of the euros and the carbon)"
        )
    kwh: Number = terms.kwh
    eur: Number = terms.eur_extra
    use: Number = terms.use_extra
    if electric:
        eur = kwh * arrays["_price"] + eur
        use = kwh * arrays["_electricity_factor"] + use
    notes = list(dict.fromkeys([*model.notes, *terms.notes]))
    return Impact(
        kwh=bounds_of(kwh, rows),
        eur=bounds_of(eur, rows),
        kgco2e_use=bounds_of(use, rows),
        kgco2e_embodied=bounds_of(terms.embodied, rows),
        kg_materials=None if terms.materials is None else bounds_of(terms.materials, rows),
        kpis=terms.kpis,
        notes_fr=tuple(loaded.notes[note][0] for note in notes),
        notes_en=tuple(loaded.notes[note][1] for note in notes),
        confidence=model.confidence,
        method_version=loaded.method_version,
        model_id=model_id,
        period=model.period,
        inputs=values,
        defaulted=tuple(spec.name for spec in model.inputs if spec.name not in given),
    )
