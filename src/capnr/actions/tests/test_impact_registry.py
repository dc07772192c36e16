"""The roadmap reads the engine's registry of impact models, never a list of its own: the
simulator words every indicator from its declaration in both languages, the catalogue offers a
simulator for the actions whose model gives figures, and the hotspots come from ``acts_on``."""

from __future__ import annotations

import pytest
from django.utils import translation

from capnr.actions import recommend
from capnr.actions import simulator as sim
from capnr.actions.prefill import Hotspot
from capnr.engine.catalogue import catalogue
from capnr.engine.impact import MODEL_IDS, MODELS, compute
from capnr.engine.reference import reference_data
from capnr.engine.tests.helpers import EVERY_INDICATOR

WORKSTATIONS = ("desktop", "laptop", "monitor", "monitor_large")
DEVICES = ("desktop", "laptop", "monitor", "monitor_large", "smartphone")
SERVERS = ("server_rack", "server_tower", "nas", "switch", "router")


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("model_id", MODEL_IDS)
def test_the_simulator_words_every_indicator_from_its_declaration(model_id, language):
    impact = compute(model_id, EVERY_INDICATOR.get(model_id, {}))
    model = MODELS[model_id]
    with translation.override(language):
        shown = sim.results(model_id, impact)
    assert len(shown.kpis) == len(impact.kpis) == len(model.outputs)
    for kpi, name in zip(shown.kpis, impact.kpis, strict=True):
        output = model.output(name)
        assert kpi.label == getattr(output, f"label_{language}")
        assert kpi.unit == getattr(output, f"unit_{language}")
        assert kpi.label not in {name, name.replace("_", " ")}
        assert kpi.value and kpi.value != "–", name


def test_indicator_units_and_bands_follow_the_page_language():
    shutdown = compute("auto_shutdown", {"desktops": 10})
    rgaa = compute("kpi_only", {"rgaa_criteria_share": 0.6})
    with translation.override("fr"):
        hours = sim.results("auto_shutdown", shutdown).kpis[0]
        band = next(k for k in sim.results("kpi_only", rgaa).kpis if k.label.startswith("État"))
    assert (hours.label, hours.unit) == ("Heures hors temps de travail", "h/an")
    assert band.value == "partiellement conforme"
    with translation.override("en"):
        hours = sim.results("auto_shutdown", shutdown).kpis[0]
        band = next(k for k in sim.results("kpi_only", rgaa).kpis if k.label == "RGAA legal status")
    assert (hours.label, hours.unit) == ("Hours outside working time", "h/yr")
    assert band.value == "partially compliant"


def test_a_stored_result_naming_an_indicator_no_longer_declared_shows_its_id_not_a_guess():
    impact = compute("data_cleanup", {"gb_deleted": 10})
    stored = sim.impact_from_dict("data_cleanup", {**impact.as_dict(), "kpis": {"old_kpi": 2.0}})
    assert stored is not None
    (kpi,) = sim.results("data_cleanup", stored).kpis
    assert (kpi.label, kpi.value, kpi.unit) == ("old_kpi", "2", "")


def test_the_simulator_is_offered_for_exactly_the_actions_whose_model_gives_figures():
    actions = catalogue().actions
    offered = {action.id for action in actions if recommend.modelled(action)}
    assert offered == {a.id for a in actions if a.model and MODELS[a.model].quantified}
    # As before the registry: every action with a model but the KPI-only ones.
    assert offered == {a.id for a in actions if a.model not in ("", "kpi_only")}


def test_the_lesson_follows_the_figures_whatever_the_model():
    servers = compute("consolidation", {"servers_before": 10, "servers_after": 4})
    assert sim.results("consolidation", servers).lesson == "embodied"
    room = compute("consolidation", {"it_load_kw_before": 5, "it_load_kw_after": 3})
    assert sim.results("consolidation", room).lesson == "energy"
    screens = compute("fewer_devices", {"monitors_before": 10})  # nothing removed
    assert sim.results("fewer_devices", screens).lesson == ""


def test_hotspot_categories_come_from_the_models_acts_on():
    acts_on = {model.id: model.acts_on for model in MODELS.values() if model.acts_on}
    # The categories each model acted upon when recommend.py listed them itself.
    assert acts_on == {
        "auto_shutdown": WORKSTATIONS,
        "power_settings": WORKSTATIONS,
        "setpoint": SERVERS,
        "lifetime": DEVICES,
        "refurbished": DEVICES,
        "reuse": DEVICES,
        "printing": ("printer_small", "printer_workgroup", "printer_mfp"),
        "consolidation": SERVERS,
    }
    every = [Hotspot(code, code, 0.01) for code in reference_data().category_codes]
    for action in catalogue().actions:
        found = {spot.category for spot in recommend.hotspots_for(action, every)}
        if action.id in recommend.ACTION_CATEGORIES:
            assert found == set(recommend.ACTION_CATEGORIES[action.id]), action.id
        elif action.model:
            assert found == set(MODELS[action.model].acts_on), action.id
        else:
            assert not found, action.id


def test_the_per_action_categories_name_catalogue_actions_and_footprint_categories():
    ids = {action.id for action in catalogue().actions}
    codes = set(reference_data().category_codes)
    for action_id, categories in recommend.ACTION_CATEGORIES.items():
        assert action_id in ids
        assert set(categories) <= codes
