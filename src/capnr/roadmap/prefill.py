"""Simulator inputs pre-filled for one organisation, each with where it came from.

Order of precedence, last wins:

1. **default**: the model's sourced default (``impact_models.toml``);
2. **inventory**: device counts, lifetimes given, purchases and retirements per year, server-room
   IT load and PUE, from the organisation's assets (``impact.inputs_from_fleet``). Without any
   asset, the rough estimate from the profile's headcount stands in (**estimate**), and without a
   headcount the defaults stay;
3. **profile**: the headcount (people who print, who meet on video, staff);
4. **diagnostic**: a few answers of the latest self-diagnostic say something about the starting
   point (``DIAGNOSTIC_RULES`` below);
5. **action**: when the simulator is opened from a catalogue action whose model several actions
   share, the action's typical target (``ACTION_TARGETS`` below), so that "fewer second screens"
   and "fewer desk phones" do not show the same zero;
6. **user**: what the person typed in the form.

The electricity price is not an input of a model but a parameter of every computation: the
profile's price when given (``services.price_for``), else the sourced national default.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

from capnr.diagnostics import selectors as diagnostic_selectors
from capnr.diagnostics.referential import questions_for
from capnr.engine import impact as engine_impact
from capnr.engine.estimate import estimate_fleet, estimated_assets
from capnr.engine.reference import reference_data
from capnr.inventory.engine_adapter import engine_table
from capnr.inventory.presentation import breakdown
from capnr.inventory.selectors import asset_list, latest_footprint

from . import services

if TYPE_CHECKING:
    from django.http import HttpRequest

    from capnr.diagnostics.models import Answer, Diagnostic
    from capnr.engine.assets import AssetTable
    from capnr.organisations.tenancy import OrganisationAccess

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


@dataclass(frozen=True)
class DiagnosticRule:
    """When ``question`` is answered ``answer``, input ``name`` of ``model`` starts at ``value``."""

    question: str
    answer: str
    model: str
    name: str
    value: Value


# Why these values. Each answer moves the *starting point* of a model, never its target:
# - use.01 "Do workstations switch off automatically in the evening and at weekends?": yes leaves
#   only the machines exempted on purpose on (5 %, our assumption); partly halves the audits'
#   third (0.17). The same share feeds the consumption of devices removed (fewer_devices).
# - use.02 "Are power settings enforced on all computers…?": yes → 10 % of devices still without
#   sleep settings, partly → 30 %, against 50 % by default (our assumptions).
# - hosting.01 "Is the cooling of your server room set to at least 24 °C…?": yes → the current
#   setpoint is 24 °C (the question's own threshold), so the simulator starts from there.
# - use.04 "Do printers print double-sided… by default?": yes → duplex share today 0.8 (the
#   target's own value: nothing left to gain), partly → 0.5.
# - use.05 "Is follow-me printing enabled?": yes → it is already in place, so the scenario does
#   not count it again (follow_me = "no", i.e. not introduced by this scenario).
# Answers carried over from last year and not confirmed do not count (as in the score).
DIAGNOSTIC_RULES: tuple[DiagnosticRule, ...] = (
    DiagnosticRule("use.01", "yes", "auto_shutdown", "share_left_on", 0.05),
    DiagnosticRule("use.01", "partly", "auto_shutdown", "share_left_on", 0.17),
    DiagnosticRule("use.01", "yes", "fewer_devices", "share_left_on", 0.05),
    DiagnosticRule("use.01", "partly", "fewer_devices", "share_left_on", 0.17),
    DiagnosticRule("use.02", "yes", "power_settings", "share_without_settings", 0.1),
    DiagnosticRule("use.02", "partly", "power_settings", "share_without_settings", 0.3),
    DiagnosticRule("hosting.01", "yes", "setpoint", "current_setpoint_c", 24.0),
    DiagnosticRule("use.04", "yes", "printing", "duplex_before", 0.8),
    DiagnosticRule("use.04", "partly", "printing", "duplex_before", 0.5),
    DiagnosticRule("use.05", "yes", "printing", "follow_me", "no"),
)


def _share_of(name: str, share: float) -> Callable[[Mapping[str, Value]], float]:
    return lambda values: float(round(float(values[name]) * share))


def _keep(name: str) -> Callable[[Mapping[str, Value]], Value]:
    return lambda values: values[name]


def _reuse_target(share: float) -> dict[str, Callable[[Mapping[str, Value]], Value]]:
    """``share`` of one year's retirements of each type reused."""

    def of(kind: str) -> Callable[[Mapping[str, Value]], Value]:
        return lambda values: float(round(share * float(values.get(f"_{kind}s_retired", 0.0))))

    return {f"{kind}s_reused": of(kind) for kind in ("laptop", "desktop", "monitor", "smartphone")}


# The typical target of actions that share a model, as a function of the pre-filled values.
# They are Cap NR assumptions, shown as such ("Typical target of the action"):
# - second screens: 1 monitor in 10 removed; desk phones: half replaced by softphones; individual
#   printers: three in four removed; allocation profiles: 1 desktop and 1 smartphone in 10
#   removed (duplicates of a laptop, phones the job does not need);
# - duplex by default: no follow-me printing in that scenario; follow-me printing: duplex
#   unchanged;
# - reuse: the legal targets applied to one year of retirements per type (fleet ÷ lifetime, the
#   refurbished model's "bought per year"): 50 % through reuse channels (décret 2023-266), 25 %
#   donated (Services publics écoresponsables plan), 10 % reassigned internally (our assumption);
# - consolidation: half the servers, 30 % less IT load (virtualisation, our assumption); a better
#   host: the same load at the colocation PUE of ADEME 2025 (1.55).
ACTION_TARGETS: dict[str, dict[str, Callable[[Mapping[str, Value]], Value]]] = {
    "equipment.second_screens": {"monitors_after": _share_of("monitors_before", 0.9)},
    "equipment.desk_phones": {"desk_phones_after": _share_of("desk_phones_before", 0.5)},
    "equipment.fewer_individual_printers": {"printers_after": _share_of("printers_before", 0.25)},
    "equipment.allocation_profiles": {
        "desktops_after": _share_of("desktops_before", 0.9),
        "smartphones_after": _share_of("smartphones_before", 0.9),
    },
    "use.duplex_default": {"follow_me": lambda values: "no"},
    "use.follow_me_printing": {"duplex_after": _keep("duplex_before")},
    "end_of_use.reuse_channels": _reuse_target(0.5),
    "end_of_use.donation": _reuse_target(0.25),
    "equipment.pool_and_reassign": _reuse_target(0.1),
    "hosting.virtualise_consolidate": {
        "servers_after": _share_of("servers_before", 0.5),
        "it_load_kw_after": lambda values: round(float(values["it_load_kw_before"]) * 0.7, 2),
    },
    "hosting.better_host": {"pue_after": lambda values: 1.55},
}


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
        targets = ACTION_TARGETS.get(action_id, {})
        if targets:
            values: dict[str, Value] = {name: item.value for name, item in filled.items()}
            values.update({f"_{kind}": count for kind, count in self.retired.items()})
            model = engine_impact.MODELS[model_id]
            for name, target in targets.items():
                if name not in filled:
                    continue
                spec = model.input(name)
                value = target(values)
                if spec.kind != "choice" and spec.minimum is not None and spec.maximum is not None:
                    value = min(max(float(value), spec.minimum), spec.maximum)
                filled[name] = Filled(value, "action")
        return filled

    def values(self, model_id: str, action_id: str = "") -> dict[str, Value]:
        return {name: item.value for name, item in self.for_model(model_id, action_id).items()}


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
    for rule in DIAGNOSTIC_RULES:
        if answers.get(rule.question) == rule.answer and rule.name in inputs.get(rule.model, {}):
            inputs[rule.model][rule.name] = Filled(rule.value, "diagnostic", rule.question)
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
