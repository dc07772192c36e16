"""Impact models of the action catalogue: what an action saves each year, from the organisation's
own numbers.

Each model turns a few inputs (counts, shares, powers, setpoints…) into **yearly savings**
(positive = saved) in kWh, euros excluding VAT, kgCO2e split into use (electricity and direct
per-use figures) and embodied (manufacturing avoided, annualised), and, where a source quantifies
them, kg of raw materials. Every default and factor comes from ``data/impact_models.toml``, which
also reads ``capnr_parameters.csv`` (embodied carbon, lifetimes, powers) and ``defaults.toml``
(usage profile, server-room PUE, electricity price); each names a source of ``sources.csv``. Each
model is declared once in ``registry`` (its formula, in ``workstations``, ``server_room``,
``equipment``, ``usage`` or ``indicators``) and in the data file (inputs, outputs, labels);
the methodology pages (``docs/methodology/actions.*.md``) are written from the formulas'
docstrings and the data file.

Modules: ``registry`` (the declarations, ``ImpactModel``), ``spec`` (inputs, outputs, figures),
``datafile`` (reading and checking the data file: ``MODELS``), ``validation`` (``validate``),
``compute`` (``compute``, ``Impact``), ``fleet`` (``inputs_from_fleet``), ``bounds`` (``Bounds``
and the corners of the uncertainty box).

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
extension entered (``equipment.lifetime``: no change is exactly 0 [0 – 0]), and off and sleep
powers are capped at the on power (``workstations.auto_shutdown``). ``kgco2e_total`` adds the
bounds of its two parts.

**Shares** are fractions from 0 to 1 everywhere (0.33 = 33 %); 33 is refused, not read as 33 %.
"""

from __future__ import annotations

from .bounds import MAX_UNCERTAIN, Bounds
from .compute import Impact, compute
from .datafile import MODELS, UnknownModel, figures, method_version
from .fleet import FleetSummary, Prefill, fleet_summary, inputs_from_fleet, prefilled_values
from .registry import MODEL_IDS, REGISTRY, Declaration, ImpactModel
from .spec import CONFIDENCES, KINDS, OUTPUT_KINDS, Choice, Figure, InputSpec, Output, Rule
from .validation import InvalidInputs, validate

__all__ = [
    "CONFIDENCES",
    "KINDS",
    "MAX_UNCERTAIN",
    "MODELS",
    "MODEL_IDS",
    "OUTPUT_KINDS",
    "REGISTRY",
    "Bounds",
    "Choice",
    "Declaration",
    "Figure",
    "FleetSummary",
    "Impact",
    "ImpactModel",
    "InputSpec",
    "InvalidInputs",
    "Output",
    "Prefill",
    "Rule",
    "UnknownModel",
    "compute",
    "figures",
    "fleet_summary",
    "inputs_from_fleet",
    "method_version",
    "prefilled_values",
    "validate",
]
