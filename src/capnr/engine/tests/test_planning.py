"""Planning assumptions (data/actions/planning.toml): the shipped file is complete, sourced and
consistent with the catalogue, the diagnostic and the impact models; the loader refuses bad data
with a message that names the file, the entry and the cause."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from capnr.engine.catalogue import CatalogueError, catalogue
from capnr.engine.diagnostic import referential
from capnr.engine.impact import MODELS
from capnr.engine.planning import (
    RETIRED,
    GapWeights,
    Planning,
    PlanningError,
    Target,
    load_planning,
    planning,
)
from capnr.engine.reference import reference_data

# -- the shipped file -----------------------------------------------------------------------------


def test_the_shipped_planning_loads_with_the_catalogue_version():
    shipped = planning()
    assert shipped.version == catalogue().version
    assert shipped.targets and shipped.diagnostic
    assert planning() is shipped  # loaded once


def test_every_shipped_entry_names_a_known_source_and_says_why():
    shipped, sources = planning(), set(reference_data().sources)
    entries: list[Any] = [
        *shipped.targets,
        *shipped.diagnostic,
        shipped.low_cost_eur,
        shipped.gap_weights,
    ]
    for entry in entries:
        assert entry.source in sources, entry
        assert entry.note.strip(), entry


def test_every_shipped_target_fills_an_input_of_its_actions_model():
    shipped = catalogue()
    for target in planning().targets:
        action = shipped.action(target.action)
        assert target.model == action.model, target
        MODELS[target.model].input(target.input)


def test_every_shipped_diagnostic_rule_names_a_question_and_an_input():
    questions = {question.id for question in referential().questions}
    for rule in planning().diagnostic:
        assert rule.question in questions, rule
        MODELS[rule.model].input(rule.input)


def test_the_shipped_values_are_those_the_app_relied_on():
    shipped = planning()
    by_key = {(target.action, target.input): target for target in shipped.targets}
    phones = by_key["equipment.desk_phones", "desk_phones_after"]
    assert (phones.form, phones.of, phones.share) == ("share_of", "desk_phones_before", 0.5)
    reuse = by_key["end_of_use.reuse_channels", "laptops_reused"]
    assert (reuse.of, reuse.share, reuse.source) == ("laptops_retired", 0.5, "decret2023_266")
    assert by_key["equipment.pool_and_reassign", "monitors_reused"].share == 0.1
    assert by_key["hosting.virtualise_consolidate", "servers_after"].share == 0.5
    host = by_key["hosting.better_host", "pue_after"]
    assert (host.value, host.source) == (1.55, "ademe2025")
    rules = {(r.question, r.answer, r.model, r.input): r.value for r in shipped.diagnostic}
    assert rules["use.02", "yes", "power_settings", "share_without_settings"] == 0.1
    assert rules["hosting.01", "yes", "setpoint", "current_setpoint_c"] == 24.0
    # Already at 24 °C: what is left is up to the top of the ASHRAE recommended range.
    assert rules["hosting.01", "yes", "setpoint", "new_setpoint_c"] == 27.0
    assert rules["use.05", "yes", "printing", "follow_me"] == "no"
    assert shipped.low_cost_eur.value == 5000.0
    assert [shipped.gap_weights.of(a) for a in ("no", "unknown", "partly", None)] == [
        1.0,
        1.0,
        0.5,
        0.5,
    ]


# -- computing a target ---------------------------------------------------------------------------


def _target(**fields: Any) -> Target:
    base: dict[str, Any] = {
        "action": "a.b",
        "model": "consolidation",
        "input": "servers_after",
        "source": "capnr_estimate",
        "note": "n",
    }
    return Target(**{**base, **fields})


def test_a_target_is_a_fixed_value_a_rounded_share_or_a_copy():
    values = {"servers_before": 7.0, "it_load_kw_before": 3.333, "laptops_retired": 5.0}
    assert _target(form="value", value=1.55).compute(values) == 1.55
    assert _target(form="value", value="no").compute(values) == "no"
    assert _target(form="share_of", of="servers_before", share=0.5).compute(values) == 4.0
    two = _target(form="share_of", of="it_load_kw_before", share=0.7, digits=2)
    assert two.compute(values) == 2.33
    assert _target(form="share_of", of="laptops_retired", share=0.25).compute(values) == 1.0
    assert _target(form="same_as", of="servers_before").compute(values) == 7.0


def test_a_gap_weighs_by_its_answer_and_any_other_as_unanswered():
    weights = GapWeights(no=1.0, unknown=0.9, partly=0.4, unanswered=0.3, source="s", note="n")
    assert [weights.of(a) for a in ("no", "unknown", "partly", None, "yes")] == [
        1.0,
        0.9,
        0.4,
        0.3,
        0.3,
    ]


# -- the loader on small files --------------------------------------------------------------------

ACTIONS = {
    "equipment.desk_phones": "fewer_devices",
    "end_of_use.donation": "reuse",
    "use.follow_me_printing": "printing",
    "use.duplex_default": "printing",
    "hosting.better_host": "consolidation",
    "hosting.virtualise_consolidate": "consolidation",
    "strategy.plan": "",
}
QUESTIONS = frozenset({"use.02", "use.05"})
SOURCES = frozenset({"capnr_estimate", "ademe2025"})
NOTE = {"source": "capnr_estimate", "note": "why"}
TARGETS: list[dict[str, Any]] = [
    {
        "action": "equipment.desk_phones",
        "input": "desk_phones_after",
        "share_of": "desk_phones_before",
        "share": 0.5,
        **NOTE,
    },
    {
        "action": "end_of_use.donation",
        "input": "laptops_reused",
        "share_of": "laptops_retired",
        "share": 0.25,
        **NOTE,
    },
    {"action": "use.duplex_default", "input": "follow_me", "value": "no", **NOTE},
    {
        "action": "use.follow_me_printing",
        "input": "duplex_after",
        "same_as": "duplex_before",
        **NOTE,
    },
    {
        "action": "hosting.virtualise_consolidate",
        "input": "it_load_kw_after",
        "share_of": "it_load_kw_before",
        "share": 0.7,
        "digits": 2,
        **NOTE,
    },
    {
        "action": "hosting.better_host",
        "input": "pue_after",
        "value": 1.55,
        "source": "ademe2025",
        "note": "colocation",
    },
]
RULES: list[dict[str, Any]] = [
    {
        "question": "use.02",
        "answer": "yes",
        "model": "power_settings",
        "input": "share_without_settings",
        "value": 0.1,
        **NOTE,
    },
    {
        "question": "use.05",
        "answer": "yes",
        "model": "printing",
        "input": "follow_me",
        "value": "no",
        **NOTE,
    },
]
LOW_COST: dict[str, Any] = {"value": 5000.0, "unit": "€", **NOTE}
GAP: dict[str, Any] = {"no": 1.0, "unknown": 1.0, "partly": 0.5, "unanswered": 0.5, **NOTE}


def _table(header: str, fields: dict[str, Any]) -> str:
    lines = [header]
    lines += [f"{key} = {json.dumps(value, ensure_ascii=False)}" for key, value in fields.items()]
    return "\n".join(lines) + "\n\n"


def _write(
    directory: Path,
    targets: list[dict[str, Any]] | None = None,
    rules: list[dict[str, Any]] | None = None,
    *,
    low_cost: dict[str, Any] | None = None,
    gap: dict[str, Any] | None = None,
    extra: str = "",
    version: str = "2026.1.1",
) -> Path:
    (directory / "catalogue.toml").write_text(f'version = "{version}"\n', "utf-8")
    text = "".join(_table("[[target]]", item) for item in (TARGETS if targets is None else targets))
    text += "".join(_table("[[diagnostic]]", item) for item in (RULES if rules is None else rules))
    text += _table("[recommend.low_cost_eur]", LOW_COST if low_cost is None else low_cost)
    text += _table("[recommend.gap_weight]", GAP if gap is None else gap)
    (directory / "planning.toml").write_text(text + extra, "utf-8")
    return directory


def _load(directory: Path) -> Planning:
    return load_planning(
        directory, actions=ACTIONS, questions=QUESTIONS, models=MODELS, source_ids=SOURCES
    )


def test_a_small_valid_file_loads(tmp_path: Path):
    loaded = _load(_write(tmp_path))
    assert loaded.version == "2026.1.1"
    assert [target.form for target in loaded.targets] == [
        "share_of",
        "share_of",
        "value",
        "same_as",
        "share_of",
        "value",
    ]
    assert loaded.targets_for("hosting.better_host")[0].value == 1.55
    assert loaded.targets_for("hosting.virtualise_consolidate")[0].digits == 2
    assert loaded.targets_for("equipment.desk_phones")[0].model == "fewer_devices"
    assert loaded.targets_for("strategy.plan") == ()
    assert [rule.value for rule in loaded.diagnostic] == [0.1, "no"]
    assert loaded.low_cost_eur.value == 5000.0 and loaded.low_cost_eur.unit == "€"
    assert loaded.gap_weights.of("partly") == 0.5


def test_an_integer_value_is_read_as_a_number(tmp_path: Path):
    rule = {**RULES[0], "value": 0}
    assert _load(_write(tmp_path, rules=[rule])).diagnostic[0].value == 0.0


def _target_with(index: int = 0, **changes: Any) -> list[dict[str, Any]]:
    changed = {
        key: value for key, value in {**TARGETS[index], **changes}.items() if value is not None
    }
    return [changed]


TARGET_ERRORS = [
    pytest.param(
        {"action": "use.nothing"}, r"target 1: unknown action 'use\.nothing'", id="action"
    ),
    pytest.param({"action": "strategy.plan"}, "target 1: action strategy.plan has no impact model"),
    pytest.param(
        {"input": "phones_after"},
        r"target 1: model 'fewer_devices' has no input 'phones_after'",
        id="input",
    ),
    pytest.param({"input": None}, "target 1: missing input", id="no-input"),
    pytest.param(
        {"source": "nowhere"},
        r"target 1 \(equipment\.desk_phones → desk_phones_after\): unknown source id 'nowhere'",
        id="source",
    ),
    pytest.param({"note": " "}, "missing or empty note", id="note"),
    pytest.param({"value": 3.0}, "exactly one of value, share_of, same_as", id="two-forms"),
    pytest.param({"share_of": None, "share": None}, "exactly one of", id="no-form"),
    pytest.param({"share": -0.5}, "share must not be negative", id="negative"),
    pytest.param({"share": "half"}, "share must be a number", id="share-text"),
    pytest.param({"share": True}, "share must be a number", id="share-bool"),
    pytest.param({"digits": 7}, "digits must be a whole number 0–6", id="digits"),
    pytest.param({"digits": 1.5}, "digits must be a whole number", id="digits-float"),
    pytest.param({"share_of": "desk_phones_after"}, "share_of names the input itself", id="itself"),
    pytest.param(
        {"share_of": "desk_phone_before"},
        r"share_of: model 'fewer_devices' has no input 'desk_phone_before'",
        id="share-of",
    ),
    pytest.param({"colour": "red"}, r"target 1: unknown field\(s\) \['colour'\]", id="field"),
]


@pytest.mark.parametrize(("changes", "match"), TARGET_ERRORS)
def test_a_bad_target_is_refused_with_its_place(
    tmp_path: Path, changes: dict[str, Any], match: str
):
    with pytest.raises(PlanningError, match=match) as error:
        _load(_write(tmp_path, _target_with(**changes)))
    assert str(error.value).startswith("planning.toml target 1")


def test_a_fixed_value_must_fit_the_input(tmp_path: Path):
    with pytest.raises(PlanningError, match=r"target 1 .*value 0\.5 of pue_after is outside 1–5"):
        _load(_write(tmp_path, _target_with(5, value=0.5)))
    with pytest.raises(PlanningError, match="value 'maybe' of follow_me is not one of yes, no"):
        _load(_write(tmp_path, _target_with(2, value="maybe")))
    with pytest.raises(PlanningError, match="value must be a number, got 'high'"):
        _load(_write(tmp_path, _target_with(5, value="high")))


def test_a_choice_takes_no_share_and_a_copy_only_of_its_kind(tmp_path: Path):
    shared = {"value": None, "share_of": "users", "share": 0.5}
    with pytest.raises(PlanningError, match="a choice input takes a value or same_as"):
        _load(_write(tmp_path, _target_with(2, **shared)))
    with pytest.raises(PlanningError, match="share_of follow_me is a choice"):
        _load(_write(tmp_path, _target_with(3, same_as=None, share_of="follow_me", share=0.5)))
    with pytest.raises(PlanningError, match="same_as follow_me is not of the same kind"):
        _load(_write(tmp_path, _target_with(3, same_as="follow_me")))
    with pytest.raises(PlanningError, match="share and digits go with share_of only"):
        _load(_write(tmp_path, _target_with(3, share=0.5)))


def test_a_second_target_for_the_same_action_and_input_is_refused(tmp_path: Path):
    twice = [TARGETS[0], {**TARGETS[0], "share": 0.6}]
    with pytest.raises(PlanningError, match=r"target 2: .* already set by planning\.toml target 1"):
        _load(_write(tmp_path, twice))


RULE_ERRORS = [
    pytest.param(
        {"question": "use.99"}, r"diagnostic 1: unknown question 'use\.99'", id="question"
    ),
    pytest.param({"answer": "maybe"}, "diagnostic 1: answer 'maybe' is not one of", id="answer"),
    pytest.param(
        {"model": "teleport"}, "diagnostic 1: unknown impact model 'teleport'", id="model"
    ),
    pytest.param(
        {"input": "share_left_on"},
        "diagnostic 1: model 'power_settings' has no input 'share_left_on'",
        id="input",
    ),
    pytest.param(
        {"value": 1.5}, r"value 1\.5 of share_without_settings is outside 0–1", id="range"
    ),
    pytest.param({"source": "nowhere"}, "unknown source id 'nowhere'", id="source"),
    pytest.param({"note": None}, "missing or empty note", id="note"),
    pytest.param({"share": 0.5}, r"unknown field\(s\) \['share'\]", id="field"),
]


@pytest.mark.parametrize(("changes", "match"), RULE_ERRORS)
def test_a_bad_diagnostic_rule_is_refused_with_its_place(
    tmp_path: Path, changes: dict[str, Any], match: str
):
    rule = {key: value for key, value in {**RULES[0], **changes}.items() if value is not None}
    with pytest.raises(PlanningError, match=match) as error:
        _load(_write(tmp_path, rules=[rule]))
    assert str(error.value).startswith("planning.toml diagnostic 1")


def test_the_same_answer_and_input_twice_is_refused(tmp_path: Path):
    with pytest.raises(PlanningError, match="diagnostic 2: the same answer and input as"):
        _load(_write(tmp_path, rules=[RULES[0], {**RULES[0], "value": 0.2}]))


@pytest.mark.parametrize(
    ("low_cost", "gap", "match"),
    [
        ({**LOW_COST, "value": 0}, None, r"recommend\.low_cost_eur: value must be positive"),
        ({**LOW_COST, "unit": "$"}, None, r"recommend\.low_cost_eur: unit must be €"),
        ({"value": 5000.0, "unit": "€", "note": "n"}, None, "missing or empty source"),
        (None, {**GAP, "partly": 1.5}, r"recommend\.gap_weight: partly must be between 0 and 1"),
        (
            None,
            {k: v for k, v in GAP.items() if k != "unanswered"},
            r"gap_weight: missing unanswered",
        ),
        (None, {**GAP, "yes": 0.0}, r"recommend\.gap_weight: unknown field\(s\) \['yes'\]"),
    ],
)
def test_bad_recommendation_parameters_are_refused(
    tmp_path: Path, low_cost: dict[str, Any] | None, gap: dict[str, Any] | None, match: str
):
    with pytest.raises(PlanningError, match=rf"planning\.toml .*{match}"):
        _load(_write(tmp_path, low_cost=low_cost, gap=gap))


def test_a_file_without_recommend_or_with_an_unknown_section_is_refused(tmp_path: Path):
    (tmp_path / "catalogue.toml").write_text('version = "2026.1.1"\n', "utf-8")
    (tmp_path / "planning.toml").write_text(_table("[[target]]", TARGETS[0]), "utf-8")
    with pytest.raises(PlanningError, match=r"planning\.toml: missing \[recommend\]"):
        _load(tmp_path)
    with pytest.raises(PlanningError, match=r"unknown section\(s\) \['extra'\]"):
        _load(_write(tmp_path, extra="[extra]\nvalue = 1\n"))


def test_invalid_toml_and_a_missing_version_are_refused(tmp_path: Path):
    with pytest.raises(PlanningError, match=r"planning\.toml: not valid TOML"):
        _load(_write(tmp_path, extra="[[target]\n"))
    with pytest.raises(PlanningError, match=r"catalogue\.toml: missing version"):
        _load(_write(tmp_path, version=""))


def test_a_missing_file_is_refused(tmp_path: Path):
    (tmp_path / "catalogue.toml").write_text('version = "2026.1.1"\n', "utf-8")
    with pytest.raises(PlanningError, match=r"planning\.toml: missing file"):
        _load(tmp_path)


def test_planning_errors_are_catalogue_errors():
    assert issubclass(PlanningError, CatalogueError)
    assert {"laptops_retired", "smartphones_retired"} <= set(RETIRED)


# -- changes already done -------------------------------------------------------------------------


def test_the_shipped_changes_done_start_from_the_usual_state_before():
    shipped = planning()
    setpoint = {change.input: change for change in shipped.done_for("hosting.raise_setpoint")}
    assert (setpoint["current_setpoint_c"].value, setpoint["current_setpoint_c"].form) == (
        22.0,
        "value",
    )
    assert setpoint["new_setpoint_c"].form == "same_as"
    assert setpoint["new_setpoint_c"].of == "current_setpoint_c"
    duplex = {change.input: change for change in shipped.done_for("use.duplex_default")}
    assert duplex["duplex_before"].value == MODELS["printing"].input("duplex_before").default
    assert shipped.done_for("strategy.plan") == ()
    for change in shipped.done:
        assert change.source in reference_data().sources and change.note.strip(), change
        MODELS[change.model].input(change.input)


DONE = {
    "action": "hosting.better_host",
    "input": "pue_before",
    "value": 2.5,
    "source": "capnr_estimate",
    "note": "n",
}


def test_a_change_done_loads_and_a_bad_one_is_refused_with_its_place(tmp_path: Path):
    loaded = _load(_write(tmp_path, extra=_table("[[done]]", DONE)))
    (change,) = loaded.done_for("hosting.better_host")
    assert (change.model, change.input, change.value) == ("consolidation", "pue_before", 2.5)
    with pytest.raises(PlanningError, match=r"planning\.toml done 1: unknown action"):
        _load(_write(tmp_path, extra=_table("[[done]]", {**DONE, "action": "use.nothing"})))
    with pytest.raises(PlanningError, match=r"done 1 .*value 9 of pue_before is outside 1–5"):
        _load(_write(tmp_path, extra=_table("[[done]]", {**DONE, "value": 9})))
    twice = _table("[[done]]", DONE) + _table("[[done]]", {**DONE, "value": 2.0})
    with pytest.raises(PlanningError, match=r"done 2: .* already set by planning\.toml done 1"):
        _load(_write(tmp_path, extra=twice))
