"""THE registry of impact models: each model is declared once, in two halves that meet here.

- Its **code** is one ``Declaration`` of ``REGISTRY`` below: the id, the formula (a function of
  ``workstations``, ``server_room``, ``equipment``, ``usage`` or ``indicators``), whether its
  savings involve electricity (then ``compute`` adds the grid factor and price to vary), and the
  device categories whose per-device figures the formula reads.
- Its **data** is ``[models.<id>]`` of ``data/impact_models.toml``: titles and formula text,
  inputs (labels, help, units, defaults with their sources, pre-fill), rules, figures, notes,
  the outputs (KPIs, labelled in both languages with a unit and how they read) and the
  footprint categories it acts upon (``acts_on``: the hotspots that make its actions relevant).

``datafile`` reads the data, checks it against the declarations (exactly the same ids, every
figure, source, unit and category known) and joins the two into ``ImpactModel``. Everything
else derives from it: ``MODEL_IDS`` for the action catalogue (``catalogue.MODELS``), the
simulator's fields and indicator labels, the recommendations' hotspots. To add a model, see
"Add an impact model" in ARCHITECTURE.md (where to put a new thing).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from . import equipment, indicators, server_room, usage, workstations
from .bounds import Terms, Values
from .spec import InputSpec, Output, Rule

Formula = Callable[[Values], Terms]


@dataclass(frozen=True)
class Declaration:
    """The code side of one impact model (its data side: ``[models.<id>]`` of the data file)."""

    id: str
    formula: Formula
    uses_electricity: bool  # False: no kWh, so no grid factor or price to vary
    # Categories whose per-device figures the formula reads as "<code>.kwh_per_year" (the
    # footprint's usage model with the inputs' profile) and "<code>.annual_embodied".
    device_figures: tuple[str, ...] = ()


REGISTRY: tuple[Declaration, ...] = (
    Declaration("auto_shutdown", workstations.auto_shutdown, uses_electricity=True),
    Declaration("power_settings", workstations.power_settings, uses_electricity=True),
    Declaration("setpoint", server_room.setpoint, uses_electricity=True),
    Declaration("lifetime", equipment.lifetime, uses_electricity=False),
    Declaration("refurbished", equipment.refurbished, uses_electricity=False),
    Declaration(
        "fewer_devices",
        equipment.fewer_devices,
        uses_electricity=True,
        device_figures=tuple(code for _, code in equipment.FEWER_DEVICES),
    ),
    Declaration("reuse", equipment.reuse, uses_electricity=False),
    Declaration(
        "printing", usage.printing, uses_electricity=True, device_figures=("printer_small",)
    ),
    Declaration("consolidation", server_room.consolidation, uses_electricity=True),
    Declaration("data_cleanup", usage.data_cleanup, uses_electricity=False),
    Declaration("video_to_audio", usage.video_to_audio, uses_electricity=False),
    Declaration("kpi_only", indicators.kpi_only, uses_electricity=False),
)
MODEL_IDS: tuple[str, ...] = tuple(declaration.id for declaration in REGISTRY)


@dataclass(frozen=True)
class ImpactModel:
    """One registered model: its declaration joined with its section of the data file."""

    id: str
    title_fr: str
    title_en: str
    inputs: tuple[InputSpec, ...]
    formula_fr: str
    formula_en: str
    confidence: str  # high, medium, low; "none": no carbon figure (kpi_only), KPIs only
    declaration: Declaration = field(repr=False, compare=False)
    period: Literal["year", "one_off"] = "year"
    figures: tuple[str, ...] = ()
    parameters: tuple[str, ...] = ()  # "<category>.<parameter>" of capnr_parameters.csv
    notes: tuple[str, ...] = ()
    rules: tuple[Rule, ...] = ()
    outputs: tuple[Output, ...] = ()
    acts_on: tuple[str, ...] = ()  # footprint category codes
    # The advice the simulator gives under the figures: the next step of this very action.
    next_step_fr: str = ""
    next_step_en: str = ""

    def input(self, name: str) -> InputSpec:
        for spec in self.inputs:
            if spec.name == name:
                return spec
        raise KeyError(f"Model {self.id!r} has no input {name!r}")

    def output(self, name: str) -> Output:
        for output in self.outputs:
            if output.name == name:
                return output
        raise KeyError(f"Model {self.id!r} declares no output {name!r}")

    @property
    def quantified(self) -> bool:
        """Gives figures (kWh, €, kgCO2e), not only KPIs: its simulator shows savings."""
        return self.confidence != "none"
