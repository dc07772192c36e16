"""The registry of impact models: each model declared once (code in registry.py, data in
impact_models.toml), every input and output labelled in both languages with a unit, and the
data file, the registry and the action catalogue holding the same models."""

from __future__ import annotations

import copy
import tomllib
from dataclasses import replace
from importlib.resources import files
from typing import Any

import pytest

from capnr.engine.catalogue import catalogue
from capnr.engine.impact import MODEL_IDS, MODELS, REGISTRY, compute, datafile
from capnr.engine.impact.datafile import data_file, read_data_file
from capnr.engine.reference import reference_data

from .helpers import EVERY_INDICATOR


def raw_data_file() -> dict[str, Any]:
    text = (files("capnr.engine") / "data" / "impact_models.toml").read_text("utf-8")
    return tomllib.loads(text)


def reads_as_its_id(label: str, name: str) -> bool:
    """What a page used to show when nobody had written a label: the id, as is or with spaces
    (all lower case). A written label starts with a capital and holds no underscore, so that
    "Desktops" for ``desktops`` is a label, "desktops" is not."""
    return label in {name, name.replace("_", " ")} or "_" in label or not label[:1].isupper()


def test_the_registry_the_data_file_and_the_models_hold_the_same_ids_in_order():
    assert tuple(declaration.id for declaration in REGISTRY) == MODEL_IDS
    assert len(set(MODEL_IDS)) == len(MODEL_IDS)
    assert tuple(MODELS) == MODEL_IDS
    assert set(raw_data_file()["models"]) == set(MODEL_IDS)
    for model_id, model in MODELS.items():
        assert model.declaration.id == model_id


def test_every_action_of_the_catalogue_names_a_registered_model_and_each_model_is_used():
    used = {action.model for action in catalogue().actions}
    assert used - {""} <= set(MODEL_IDS)
    assert set(MODEL_IDS) <= used


@pytest.mark.parametrize("model_id", MODEL_IDS)
def test_every_input_and_output_has_a_label_in_both_languages_and_a_unit(model_id):
    units = data_file().units
    model = MODELS[model_id]
    assert model.outputs, f"{model_id} declares no output"
    for item in (*model.inputs, *model.outputs):
        where = (model_id, item.name)
        for label in (item.label_fr, item.label_en):
            assert label.strip(), where
            assert not reads_as_its_id(label, item.name), where
        assert item.unit in units, where
        assert (item.unit_fr, item.unit_en) == (units[item.unit]["fr"], units[item.unit]["en"])
    for spec in model.inputs:
        for choice in spec.choices:
            assert choice.label_fr.strip() and choice.label_en.strip(), (model_id, spec.name)
    for output in model.outputs:
        assert all(fr.strip() and en.strip() for fr, en in output.bands), output.name
        assert (output.kind == "band") == bool(output.bands), output.name


@pytest.mark.parametrize("model_id", MODEL_IDS)
def test_every_indicator_a_formula_returns_is_declared_and_every_declared_one_can_appear(
    model_id,
):
    declared = {output.name for output in MODELS[model_id].outputs}
    returned = set(compute(model_id).kpis) | set(
        compute(model_id, EVERY_INDICATOR.get(model_id, {})).kpis
    )
    assert returned == declared


def test_compute_refuses_an_indicator_its_model_does_not_declare(monkeypatch):
    bare = replace(MODELS["data_cleanup"], outputs=())
    monkeypatch.setitem(datafile.MODELS, "data_cleanup", bare)
    with pytest.raises(RuntimeError, match=r"'data_cleanup' returned indicators \['gb_stored"):
        compute("data_cleanup", {"gb_deleted": 10})


def test_compute_refuses_kwh_from_a_model_declared_without_electricity(monkeypatch):
    shutdown = MODELS["auto_shutdown"]
    wrong = replace(shutdown.declaration, uses_electricity=False)
    monkeypatch.setitem(datafile.MODELS, "auto_shutdown", replace(shutdown, declaration=wrong))
    with pytest.raises(RuntimeError, match="uses no electricity"):
        compute("auto_shutdown", {"desktops": 10})


@pytest.mark.parametrize("model_id", MODEL_IDS)
def test_models_without_electricity_have_no_grid_figure_to_vary(model_id):
    impact = compute(model_id, EVERY_INDICATOR.get(model_id, {}))
    if not MODELS[model_id].declaration.uses_electricity:
        assert impact.kwh.value == impact.kwh.low == impact.kwh.high == 0


def test_every_formula_states_its_formula_in_a_docstring():
    for declaration in REGISTRY:
        doc = declaration.formula.__doc__ or ""
        assert len(doc.strip().splitlines()) >= 3, declaration.id


def test_the_shipped_file_reads_again_the_same_way():
    again = read_data_file(raw_data_file())
    assert again.models == data_file().models
    assert again.figures == data_file().figures


def test_a_model_in_the_data_file_but_not_in_the_registry_is_refused():
    raw = raw_data_file()
    raw["models"]["switch_off_the_sun"] = copy.deepcopy(raw["models"]["data_cleanup"])
    with pytest.raises(ValueError, match=r"not in the registry \['switch_off_the_sun'\]"):
        read_data_file(raw)


def test_a_registered_model_missing_from_the_data_file_is_refused():
    raw = raw_data_file()
    del raw["models"]["video_to_audio"]
    with pytest.raises(ValueError, match=r"missing \['video_to_audio'\]"):
        read_data_file(raw)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"label_fr": ""}, "a label in French and in English"),
        ({"label_en": "  "}, "a label in French and in English"),
        ({"unit": "parsecs"}, "unknown unit 'parsecs'"),
        ({"kind": "colour"}, "unknown kind 'colour'"),
        ({"kind": "band"}, "bands go with kind"),
    ],
)
def test_an_output_without_labels_or_with_an_unknown_unit_or_kind_is_refused(change, message):
    raw = raw_data_file()
    raw["models"]["data_cleanup"]["outputs"][0].update(change)
    with pytest.raises(ValueError, match=message) as caught:
        read_data_file(raw)
    assert "[models.data_cleanup] output 'gb_stored_avoided'" in str(caught.value)


def test_two_outputs_with_one_name_are_refused():
    raw = raw_data_file()
    outputs = raw["models"]["printing"]["outputs"]
    outputs.append(dict(outputs[0]))
    with pytest.raises(ValueError, match="two outputs share a name"):
        read_data_file(raw)


def test_acts_on_names_footprint_categories():
    codes = set(reference_data().category_codes)
    for model in MODELS.values():
        assert set(model.acts_on) <= codes, model.id
        assert set(model.declaration.device_figures) <= codes, model.id
    raw = raw_data_file()
    raw["models"]["setpoint"]["acts_on"] = ["server_rack", "mainframe"]
    with pytest.raises(ValueError, match="unknown category 'mainframe' in acts_on"):
        read_data_file(raw)


def test_only_the_kpi_model_gives_no_figures():
    assert [m.id for m in MODELS.values() if not m.quantified] == ["kpi_only"]


def test_a_model_with_many_inputs_shows_at_most_five_first_and_every_model_advises():
    for model in MODELS.values():
        first = [spec.name for spec in model.inputs if not spec.advanced]
        if len(model.inputs) > datafile.MAX_INPUTS_AT_ONCE:
            assert 0 < len(first) <= datafile.MAIN_INPUTS, model.id
        assert model.next_step_fr.startswith("Prochaine étape"), model.id
        assert model.next_step_en.startswith("Next step"), model.id
    shutdown = [spec.name for spec in MODELS["auto_shutdown"].inputs if not spec.advanced]
    assert shutdown == ["desktops", "laptops", "monitors", "share_left_on", "daily_hours"]


def test_a_model_with_too_many_inputs_shown_first_is_refused():
    raw = raw_data_file()
    raw["models"]["auto_shutdown"]["inputs"][6].pop("advanced")  # working_days
    with pytest.raises(ValueError, match=r"18 inputs: at most 5 may be shown first") as caught:
        read_data_file(raw)
    assert "[models.auto_shutdown]" in str(caught.value)
    raw = raw_data_file()
    raw["models"]["printing"]["inputs"][0]["advanced"] = "yes"
    with pytest.raises(ValueError, match="advanced must be true or false, got 'yes'"):
        read_data_file(raw)


@pytest.mark.parametrize("language", ["fr", "en"])
def test_a_model_without_its_next_step_is_refused(language):
    raw = raw_data_file()
    raw["models"]["printing"][f"next_step_{language}"] = " "
    with pytest.raises(ValueError, match=r"\[models\.printing\].*next step in French and in"):
        read_data_file(raw)
