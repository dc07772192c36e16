"""Simulator inputs pre-filled for one organisation, each with where it came from.

Order of precedence, last wins:

1. **default**: the model's sourced default (``impact_models.toml``);
2. **inventory**: device counts, lifetimes given, purchases and retirements per year, server-room
   IT load and PUE, from the organisation's assets (``impact.inputs_from_fleet``). Without any
   asset, the rough estimate from the profile's headcount stands in (**estimate**), and without a
   headcount the defaults stay;
3. **profile**: the headcount (people who print, who meet on video, staff);
4. **diagnostic**: a few answers of the latest self-diagnostic say something about the starting
   point (the diagnostic rules of ``engine/data/actions/planning.toml``);
5. **action**: when the simulator is opened from a catalogue action whose model several actions
   share, the action's typical target (the targets of ``planning.toml``), so that "fewer second
   screens" and "fewer desk phones" do not show the same zero;
6. **user**: what the person typed in the form.

When the diagnostic says an action is already in place, ``Prefill.done_values`` gives the inputs
of the change it made (the ``[[done]]`` entries of ``planning.toml``: the usual state before it,
to today's pre-filled values), for what it already saves each year.

The electricity price is not an input of a model but a parameter of every computation: the
profile's price when given (``services.price_for``), else the sourced national default.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

from capnr.diagnostics import selectors as diagnostic_selectors
from capnr.diagnostics.referential import questions_for
from capnr.engine import impact as engine_impact
from capnr.engine.estimate import estimate_fleet, estimated_assets
from capnr.engine.planning import RETIRED, planning
from capnr.engine.reference import reference_data
from capnr.inventory.engine_adapter import engine_table
from capnr.inventory.presentation import breakdown
from capnr.inventory.selectors import asset_list, latest_footprint

from . import services

if TYPE_CHECKING:
    from django.http import HttpRequest

    from capnr.core.access import OrganisationAccess
    from capnr.diagnostics.models import Answer, Diagnostic
    from capnr.engine.assets import AssetTable

SOURCES = ("inventory", "estimate", "profile", "diagnostic", "action", "user", "default", "unknown")
SOURCE_LABELS = {
    "inventory": _("From your inventory"),
    "estimate": _("Estimated from your headcount"),
    "profile": _("From your profile"),
    "diagnostic": _("From your diagnostic"),
    "action": _("Typical target of the action"),
    "user": _("Entered by you"),
    "default": _("Typical value"),
    "unknown": _("Not recorded"),  # a scenario kept without its sources
}

Value = float | str


# The diagnostic rules and the actions' typical targets are sourced planning assumptions of the
# engine (``engine/data/actions/planning.toml``, read through ``capnr.engine.planning``):
# - a diagnostic rule moves the *starting point* of a model's input when a question is answered
#   a given way (e.g. use.02 "yes": 10 % of devices still without sleep settings); answers
#   carried over from last year and not confirmed do not count (as in the score);
# - a target sets an input of the action's model to a fixed value, a share of another input or
#   of one year's retirements of a device type (``RETIRED``), or a copy of another input.


@dataclass(frozen=True)
class Hotspot:
    """A footprint category that weighs much: its share of the organisation's footprint, 0–1."""

    category: str
    label: str
    share: float


@dataclass(frozen=True)
class Filled:
    """One input's value and where it came from; ``question`` for a diagnostic answer."""

    value: Value
    source: str
    question: str = ""

    @property
    def label(self) -> str:
        return str(SOURCE_LABELS.get(self.source, self.source))


@dataclass
class Prefill:
    """Every model's inputs for one organisation, plus what the simulator needs around them."""

    inputs: dict[str, dict[str, Filled]]
    fleet: str  # "inventory", "estimate" or "none"
    price: dict[str, Any] = field(default_factory=dict)  # keyword for impact.compute
    # Devices reaching end of use per year and type, for the reuse targets.
    retired: dict[str, float] = field(default_factory=dict)

    @property
    def price_source(self) -> str:
        return "profile" if self.price else "default"

    def for_model(self, model_id: str, action_id: str = "") -> dict[str, Filled]:
        """The inputs of one model, with the action's typical target when one is given."""
        filled = dict(self.inputs[model_id])
        targets = planning().targets_for(action_id) if action_id else ()
        if targets:
            values: dict[str, Value] = {name: 0.0 for name in RETIRED}
            values.update(self.retired)
            values.update({name: item.value for name, item in filled.items()})
            model = engine_impact.MODELS[model_id]
            for target in targets:
                name = target.input
                if target.model != model_id or name not in filled:
                    continue
                spec = model.input(name)
                value = target.compute(values)
                if spec.kind != "choice" and spec.minimum is not None and spec.maximum is not None:
                    value = min(max(float(value), spec.minimum), spec.maximum)
                filled[name] = Filled(value, "action")
        return filled

    def values(self, model_id: str, action_id: str = "") -> dict[str, Value]:
        return {name: item.value for name, item in self.for_model(model_id, action_id).items()}

    def done_values(self, model_id: str, action_id: str) -> dict[str, Value] | None:
        """The inputs that make the model's run the change ``action_id`` has already made (the
        ``[[done]]`` entries of ``planning.toml``: the usual state before it, to today's pre-filled
        values); None when the planning assumptions give none for it."""
        changes = [item for item in planning().done_for(action_id) if item.model == model_id]
        if not changes:
            return None
        today = self.values(model_id, action_id)
        known: dict[str, Value] = {name: 0.0 for name in RETIRED}
        known.update(self.retired)
        known.update(today)
        model = engine_impact.MODELS[model_id]
        done = dict(today)
        for change in changes:
            value = change.compute(known)
            spec = model.input(change.input)
            if spec.kind != "choice" and spec.minimum is not None and spec.maximum is not None:
                value = min(max(float(value), spec.minimum), spec.maximum)
            done[change.input] = value
        return done


def build_prefill(
    *,
    table: AssetTable,
    fleet: str,
    headcount: int | None,
    answers: Mapping[str, str],
    price: dict[str, Any] | None = None,
) -> Prefill:
    """Pure: the pre-fill from an engine table (the inventory, or the rough estimate), the
    headcount, the diagnostic answers (question id → yes/partly/no/na/unknown) and the price."""
    from_fleet = engine_impact.inputs_from_fleet(table, None, headcount=headcount)
    relabel = {"inventory": fleet if fleet in ("inventory", "estimate") else "default"}
    inputs: dict[str, dict[str, Filled]] = {
        model_id: {
            name: Filled(item.value, relabel.get(item.source, item.source))
            for name, item in filled.items()
        }
        for model_id, filled in from_fleet.items()
    }
    for model_id, filled in inputs.items():
        model = engine_impact.MODELS[model_id]
        for name, item in filled.items():
            spec = model.input(name)
            if spec.kind != "choice" and spec.minimum is not None and spec.maximum is not None:
                clipped = min(max(float(item.value), spec.minimum), spec.maximum)
                if clipped != item.value:
                    filled[name] = replace(item, value=clipped)
    for rule in planning().diagnostic:
        if answers.get(rule.question) == rule.answer and rule.input in inputs.get(rule.model, {}):
            inputs[rule.model][rule.input] = Filled(rule.value, "diagnostic", rule.question)
    refurbished = inputs["refurbished"]
    retired = {
        f"{kind}s_retired": float(refurbished[f"{kind}s_bought"].value)
        for kind in ("laptop", "desktop", "monitor", "smartphone")
    }
    return Prefill(inputs=inputs, fleet=fleet, price=dict(price or {}), retired=retired)


@dataclass
class OrganisationFacts:
    """What the catalogue, simulator and recommendation pages read about an organisation, once."""

    diagnostic: Diagnostic | None
    answer_rows: dict[str, Answer]
    answers: dict[str, str]  # scored: given answers, not the carried-over ones to confirm
    applicable: frozenset[str]
    prefill: Prefill


def _fleet_table(access: OrganisationAccess) -> tuple[AssetTable, str]:
    table, summary = engine_table(asset_list(access=access))
    if summary["devices"] > 0:
        return table, "inventory"
    organisation = access.organisation
    if organisation.headcount:
        lines = estimate_fleet(
            kind=organisation.kind or "other",
            headcount=organisation.headcount,
            workstations=organisation.workstation_count,
        )
        return estimated_assets(lines), "estimate"
    return table, "none"


def organisation_facts(access: OrganisationAccess) -> OrganisationFacts:
    diagnostic = diagnostic_selectors.latest_diagnostic(access=access)
    rows = diagnostic_selectors.answers_by_question(diagnostic) if diagnostic else {}
    answers = diagnostic_selectors.scored_answers(rows)
    table, fleet = _fleet_table(access)
    prefill = build_prefill(
        table=table,
        fleet=fleet,
        headcount=access.organisation.headcount,
        answers=answers,
        price=services.price_for(access),
    )
    return OrganisationFacts(
        diagnostic=diagnostic,
        answer_rows=rows,
        answers=answers,
        applicable=frozenset(question.id for question in questions_for(access.organisation)),
        prefill=prefill,
    )


def facts_for(request: HttpRequest, access: OrganisationAccess) -> OrganisationFacts:
    """``organisation_facts``, read once per request whatever the number of callers."""
    cache: dict[int, OrganisationFacts] = request.__dict__.setdefault("_capnr_facts", {})
    key = access.organisation.pk
    if key not in cache:
        cache[key] = organisation_facts(access)
    return cache[key]


def footprint_hotspots(access: OrganisationAccess) -> list[Hotspot]:
    """The footprint's largest categories (those that make half of it, three at most), from the
    latest footprint run; none without one."""
    run = latest_footprint(access=access)
    if run is None or not run.results.get("totals"):
        return []
    hotspots: list[Hotspot] = []
    covered = 0.0
    for row in breakdown(run, "category"):
        hotspots.append(Hotspot(row.key, row.label, row.share))
        covered += row.share
        if covered >= 0.5 or len(hotspots) == 3:
            break
    return hotspots


def price_figure(prefill: Prefill) -> engine_impact.Bounds:
    """The electricity price the computations use (€/kWh excl. VAT), with its bounds."""
    if prefill.price:
        price: engine_impact.Bounds = prefill.price["price"]
        return price
    default = reference_data().electricity_price
    return engine_impact.Bounds(default.value, default.low, default.high)


def with_user_values(
    filled: Mapping[str, Filled], submitted: Mapping[str, str]
) -> dict[str, Filled]:
    """The pre-fill with what the form sent: a value that differs from the pre-fill becomes the
    user's; one sent back unchanged keeps its source. Values are not checked here."""
    result = dict(filled)
    for name, raw in submitted.items():
        if name not in result:
            continue
        current = result[name]
        if _same(current.value, raw):
            continue
        result[name] = replace(current, value=raw, source="user", question="")
    return result


def _same(value: Value, raw: str) -> bool:
    if isinstance(value, str):
        return value == raw
    text = raw.strip().replace("\u202f", "").replace("\xa0", "").replace(" ", "")
    if "," in text and "." not in text:
        text = text.replace(",", ".")
    try:
        return abs(float(text) - float(value)) <= 1e-9 * max(1.0, abs(float(value)))
    except ValueError:
        return False
