"""The action catalogue: the shipped data is complete and consistent, and the loader refuses bad
data with a message that names the file, the action and the cause."""

from __future__ import annotations

import re
import tomllib
from collections import Counter
from importlib.resources import files
from pathlib import Path
from typing import Any

import pytest

from capnr.engine.catalogue import (
    CO_BENEFITS,
    COSTS,
    MODELS,
    OWNERS,
    Catalogue,
    CatalogueError,
    catalogue,
    load_catalogue,
)
from capnr.engine.diagnostic import (
    EFFORTS,
    Obligation,
    Question,
    Referential,
    Theme,
    referential,
)
from capnr.engine.impact import MODEL_IDS
from capnr.engine.reference import reference_data

# -- the shipped catalogue ------------------------------------------------------------------------


def test_the_catalogue_has_at_least_45_actions_and_covers_every_theme():
    data, actions = referential(), catalogue().actions
    assert len(actions) >= 45
    per_theme = Counter(action.theme for action in actions)
    for theme in data.themes:
        assert per_theme[theme.id] >= 3, theme.id
    assert re.fullmatch(r"\d{4}\.\d{1,2}\.\d+", catalogue().version)


def test_every_reference_of_every_action_resolves():
    data = referential()
    questions = {question.id: question for question in data.questions}
    ids = {action.id for action in catalogue().actions}
    sources = set(reference_data().sources)
    for action in catalogue().actions:
        assert action.id.startswith(f"{action.theme}."), action.id
        assert action.questions and set(action.questions) <= set(questions), action.id
        assert set(action.obligations) <= set(action.questions), action.id
        for qid in action.obligations:
            assert questions[qid].obligation is not None, (action.id, qid)
        assert set(action.prerequisites) <= ids - {action.id}, action.id
        assert set(action.sources) <= sources, action.id
        assert action.model in (*MODELS, ""), action.id
        assert action.effort in EFFORTS and action.cost in COSTS, action.id
        assert action.owner in OWNERS and set(action.co_benefits) <= set(CO_BENEFITS), action.id
        assert all(re.fullmatch(r"[a-i]\.\d+", item) for item in action.dinum), action.id
        assert action.kpis, action.id


def test_questions_and_actions_name_each_other_both_ways():
    data, shipped = referential(), catalogue()
    for question in data.questions:
        assert set(question.actions) == {a.id for a in shipped.for_question(question.id)}, (
            question.id
        )
        # Every question leads to at least one action: a gap is never a dead end.
        assert question.actions, question.id
    for action in shipped.actions:
        for qid in action.questions:
            assert action.id in data.question(qid).actions, (action.id, qid)


def test_every_text_exists_in_french_and_english():
    for action in catalogue().actions:
        for name in ("title", "summary", "why"):
            for lang in ("fr", "en"):
                assert getattr(action, f"{name}_{lang}").strip(), (action.id, name, lang)
        assert 3 <= len(action.steps_fr) == len(action.steps_en) <= 6, action.id
        for kpi in action.kpis:
            assert kpi.label_fr and kpi.label_en and kpi.unit, (action.id, kpi.id)
            assert kpi.direction in ("up", "down"), (action.id, kpi.id)


def test_the_testimony_quick_wins_are_there_with_their_models():
    shipped = catalogue()
    setpoint = shipped.action("hosting.raise_setpoint")
    assert setpoint.quick_win and setpoint.model == "setpoint" and setpoint.effort == "easy"
    assert "hosting.01" in setpoint.questions
    assert any(kpi.unit == "°C" for kpi in setpoint.kpis)
    shutdown = shipped.action("use.auto_shutdown")
    assert shutdown.quick_win and shutdown.model == "auto_shutdown" and shutdown.effort == "easy"
    # The patch-compliance side effect is part of the action, not an afterthought.
    assert "security" in shutdown.co_benefits
    assert any(kpi.id == "patch_compliance" for kpi in shutdown.kpis)


def test_quick_wins_are_easy_and_every_impact_model_is_used():
    shipped = catalogue()
    assert all(a.effort == "easy" for a in shipped.actions if a.quick_win)
    assert {a.model for a in shipped.actions} - {""} == set(MODELS)


def test_the_model_ids_are_the_registry_s_and_the_impact_models_file_s():
    path = Path(str(files("capnr.engine") / "data" / "impact_models.toml"))
    models = tomllib.loads(path.read_text("utf-8"))["models"]
    assert MODELS == MODEL_IDS
    assert set(models) == set(MODELS)


def test_actions_that_anticipate_regulation_reach_the_due_dates_of_their_questions():
    data, shipped = referential(), catalogue()
    criterion = shipped.action("purchasing.environmental_criterion")
    due = [data.question(qid).obligation.due for qid in criterion.obligations]  # type: ignore[union-attr]
    assert due == ["2026-08-21"]
    for action_id in ("strategy.reen_strategy", "purchasing.spaser", "end_of_use.reuse_channels"):
        assert shipped.action(action_id).obligations, action_id
    for action_id in ("accessibility.rgaa_audit", "accessibility.statement"):
        assert shipped.action(action_id).obligations, action_id


def test_the_catalogue_covers_the_actions_asked_for():
    shipped = {action.id: action for action in catalogue().actions}
    expected = {
        "equipment.lifetime_policy": "lifetime",
        "purchasing.refurbished_sourcing": "refurbished",
        "equipment.second_screens": "fewer_devices",
        "equipment.fewer_individual_printers": "fewer_devices",
        "equipment.desk_phones": "fewer_devices",
        "end_of_use.reuse_channels": "reuse",
        "end_of_use.donation": "reuse",
        "end_of_use.collection_challenge": "reuse",
        "awareness.field_staff_training": "kpi_only",
        "accessibility.rgaa_audit": "kpi_only",
        "accessibility.multi_year_plan": "kpi_only",
        "accessibility.statement": "kpi_only",
        "ecodesign.rgesn_declaration": "kpi_only",
        "data.retention_cleanup": "data_cleanup",
        "use.audio_first_meetings": "video_to_audio",
        "use.duplex_default": "printing",
        "use.follow_me_printing": "printing",
        "hosting.virtualise_consolidate": "consolidation",
        "hosting.better_host": "consolidation",
        "strategy.reen_strategy": "",
        "purchasing.spaser": "",
        "purchasing.environmental_criterion": "",
        "strategy.quality_process": "",
        "communication.internal_plan": "",
    }
    for action_id, model in expected.items():
        assert action_id in shipped, action_id
        assert shipped[action_id].model == model, action_id


def test_lookups_by_id_theme_and_question():
    shipped = catalogue()
    assert shipped.action("use.auto_shutdown").theme == "use"
    with pytest.raises(KeyError):
        shipped.action("use.nothing")
    assert all(a.theme == "hosting" for a in shipped.for_theme("hosting"))
    assert "use.auto_shutdown" in {a.id for a in shipped.for_question("use.01")}


def test_the_catalogue_is_loaded_once():
    assert catalogue() is catalogue()


# -- the loader on small, deliberately broken files --------------------------------------------


def _question(qid: str, actions: tuple[str, ...], obligation: Obligation | None = None) -> Question:
    return Question(
        id=qid,
        theme=qid.split(".")[0],
        priority=2,
        effort="easy",
        text_fr="?",
        text_en="?",
        why_fr="",
        why_en="",
        how_fr="",
        how_en="",
        who=("it",),
        dinum=(),
        label_nr="",
        reen="",
        rgesn=(),
        rgaa="",
        actions=actions,
        obligation=obligation,
    )


LAW = Obligation("Loi n° 0000-0", "tous", "everyone", "2027-01-01", False)


def _referential(**links: tuple[str, ...]) -> Referential:
    actions = {
        "strategy.01": ("strategy.lead",),
        "use.01": ("use.shutdown",),
        "use.02": ("use.shutdown",),
        "use.03": (),
    } | {qid.replace("_", "."): ids for qid, ids in links.items()}
    return Referential(
        version="test",
        themes=(Theme("strategy", "Stratégie", "Strategy", ()), Theme("use", "Usages", "Use", ())),
        questions=(
            _question("strategy.01", actions["strategy.01"]),
            _question("use.01", actions["use.01"]),
            _question("use.02", actions["use.02"], LAW),
            _question("use.03", actions["use.03"]),
        ),
        values={"yes": 1.0, "partly": 0.5, "no": 0.0, "unknown": 0.0},
        grades=(("A", 80), ("E", 0)),
        label_levels=(),
    )


SOURCES = frozenset({"adnouest"})


def _action(action_id: str, **changes: Any) -> dict[str, Any]:
    theme = action_id.split(".")[0]
    action: dict[str, Any] = {
        "id": action_id,
        "theme": theme,
        "title_fr": "Titre",
        "title_en": "Title",
        "summary_fr": "Résumé.",
        "summary_en": "Summary.",
        "why_fr": "Pourquoi.",
        "why_en": "Why.",
        "steps_fr": ["Un.", "Deux.", "Trois."],
        "steps_en": ["One.", "Two.", "Three."],
        "effort": "easy",
        "cost": "none",
        "owner": "it",
        "prerequisites": [],
        "co_benefits": ["money"],
        "dinum": ["f.2"],
        "questions": ["strategy.01"] if theme == "strategy" else ["use.01", "use.02"],
        "obligations": [],
        "model": "",
        "quick_win": False,
        "sources": [],
        "kpis": [
            {"id": "share", "label_fr": "Part", "label_en": "Share", "unit": "%", "direction": "up"}
        ],
    }
    action.update(changes)
    return action


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(item) for item in value) + "]"
    return str(value)


def _toml(actions: list[dict[str, Any]]) -> str:
    lines: list[str] = []
    for action in actions:
        lines.append("[[action]]")
        lines += [f"{k} = {_toml_value(v)}" for k, v in action.items() if k != "kpis"]
        for kpi in action.get("kpis", []):
            lines.append("[[action.kpis]]")
            lines += [f"{k} = {_toml_value(v)}" for k, v in kpi.items()]
        lines.append("")
    return "\n".join(lines)


def _write(directory: Path, *groups: list[dict[str, Any]], version: str = "2026.1.1") -> Path:
    (directory / "catalogue.toml").write_text(f'version = "{version}"\n', "utf-8")
    for index, actions in enumerate(groups):
        (directory / f"catalogue_{'abc'[index]}.toml").write_text(_toml(actions), "utf-8")
    return directory


def _load(directory: Path, data: Referential | None = None) -> Catalogue:
    return load_catalogue(directory, data or _referential(), SOURCES)


GOOD = [_action("strategy.lead"), _action("use.shutdown", prerequisites=["strategy.lead"])]


def test_a_small_valid_catalogue_loads_in_theme_order(tmp_path: Path):
    shipped = _load(_write(tmp_path, [GOOD[1]], [GOOD[0]]))
    assert shipped.version == "2026.1.1"
    assert [a.id for a in shipped.actions] == ["strategy.lead", "use.shutdown"]
    shutdown = shipped.action("use.shutdown")
    assert shutdown.steps_en == ("One.", "Two.", "Three.") and shutdown.kpis[0].unit == "%"


def _refused(tmp_path: Path, actions: list[dict[str, Any]], match: str, **links: Any) -> None:
    with pytest.raises(CatalogueError, match=match):
        _load(_write(tmp_path, actions), _referential(**links))


def test_an_unknown_theme_is_refused(tmp_path: Path):
    _refused(
        tmp_path,
        [GOOD[0], _action("use.shutdown", theme="usage")],
        r"catalogue_a\.toml action 2 \(use\.shutdown\): unknown theme 'usage'",
    )


def test_an_id_that_does_not_start_with_its_theme_is_refused(tmp_path: Path):
    _refused(tmp_path, [GOOD[0], _action("use.shutdown", theme="strategy")], "start with")


def test_an_unknown_question_is_refused(tmp_path: Path):
    _refused(
        tmp_path,
        [GOOD[0], _action("use.shutdown", questions=["use.01", "use.02", "use.99"])],
        r"\(use\.shutdown\): unknown question id\(s\) \['use\.99'\]",
    )


def test_an_unknown_prerequisite_is_refused(tmp_path: Path):
    _refused(
        tmp_path,
        [GOOD[0], _action("use.shutdown", prerequisites=["strategy.nothing"])],
        r"catalogue_a\.toml action 2 \(use\.shutdown\): unknown prerequisite\(s\) "
        r"\['strategy\.nothing'\]",
    )


def test_prerequisites_in_a_cycle_are_refused(tmp_path: Path):
    _refused(
        tmp_path,
        [_action("strategy.lead", prerequisites=["use.shutdown"]), GOOD[1]],
        "cycle",
    )


def test_an_unknown_model_is_refused(tmp_path: Path):
    _refused(
        tmp_path,
        [GOOD[0], _action("use.shutdown", model="night_shutdown")],
        r"\(use\.shutdown\): unknown impact model 'night_shutdown'",
    )


def test_a_duplicate_id_across_files_is_refused(tmp_path: Path):
    with pytest.raises(CatalogueError, match=r"catalogue_b\.toml action 1: duplicate.*catalogue_a"):
        _load(_write(tmp_path, GOOD, [_action("use.shutdown")]))


@pytest.mark.parametrize(
    ("field", "value"),
    [("effort", "trivial"), ("cost", "free"), ("owner", "finance"), ("co_benefits", ["fun"])],
)
def test_bad_effort_cost_owner_or_co_benefit_are_refused(tmp_path: Path, field: str, value: Any):
    _refused(tmp_path, [GOOD[0], _action("use.shutdown", **{field: value})], r"\(use\.shutdown\)")


@pytest.mark.parametrize(
    "field", ["title_fr", "title_en", "summary_fr", "summary_en", "why_fr", "why_en"]
)
def test_a_missing_or_empty_text_in_either_language_is_refused(tmp_path: Path, field: str):
    empty = _action("use.shutdown", **{field: "  "})
    _refused(tmp_path, [GOOD[0], empty], rf"\(use\.shutdown\): missing or empty {field}")
    missing = _action("use.shutdown")
    del missing[field]
    _refused(tmp_path, [GOOD[0], missing], rf"\(use\.shutdown\): missing {field}")


def test_steps_must_exist_in_both_languages_in_the_same_number(tmp_path: Path):
    _refused(
        tmp_path,
        [GOOD[0], _action("use.shutdown", steps_en=["One.", "Two.", "Three.", "Four."])],
        "as many steps",
    )
    _refused(tmp_path, [GOOD[0], _action("use.shutdown", steps_fr=["Un.", "Deux."])], "3 to 6")
    _refused(
        tmp_path,
        [GOOD[0], _action("use.shutdown", steps_fr=["Un.", "", "Trois."])],
        "empty step",
    )


def test_a_kpi_needs_both_labels_a_known_unit_and_a_direction(tmp_path: Path):
    kpi = {"id": "share", "label_fr": "Part", "label_en": "", "unit": "%", "direction": "up"}
    _refused(tmp_path, [GOOD[0], _action("use.shutdown", kpis=[kpi])], "KPI share: missing")
    for bad in ({"unit": "parsecs"}, {"direction": "sideways"}):
        kpi = {"id": "share", "label_fr": "Part", "label_en": "Share", "unit": "%"}
        kpi |= {"direction": "up"} | bad
        _refused(tmp_path, [GOOD[0], _action("use.shutdown", kpis=[kpi])], "KPI share")
    # No [[action.kpis]] table at all: the field is missing.
    _refused(tmp_path, [GOOD[0], _action("use.shutdown", kpis=[])], r"missing kpis")


def test_an_unknown_field_or_source_is_refused(tmp_path: Path):
    _refused(tmp_path, [GOOD[0], _action("use.shutdown", quickwin=True)], "unknown field")
    _refused(
        tmp_path,
        [GOOD[0], _action("use.shutdown", sources=["adnouest", "hearsay"])],
        r"unknown source id\(s\) \['hearsay'\]",
    )


def test_obligations_must_be_legal_obligations_among_the_questions_answered(tmp_path: Path):
    _refused(
        tmp_path,
        [GOOD[0], _action("use.shutdown", obligations=["use.01"])],
        "not legal obligations",
    )
    _refused(
        tmp_path,
        [GOOD[0], _action("use.shutdown", questions=["use.01"], obligations=["use.02"])],
        "must also be in questions",
        use_02=(),
    )
    loaded = _load(_write(tmp_path, [GOOD[0], _action("use.shutdown", obligations=["use.02"])]))
    assert loaded.action("use.shutdown").obligations == ("use.02",)


def test_a_quick_win_must_be_easy(tmp_path: Path):
    _refused(
        tmp_path,
        [GOOD[0], _action("use.shutdown", quick_win=True, effort="medium")],
        "quick win must be easy",
    )


def test_questions_must_list_exactly_the_actions_that_answer_them(tmp_path: Path):
    # use.03 is answered by the action but does not list it.
    _refused(
        tmp_path,
        [GOOD[0], _action("use.shutdown", questions=["use.01", "use.02", "use.03"])],
        r"diagnostic question use\.03: .*missing \['use\.shutdown'\]",
    )
    # use.01 lists an action that does not answer it (or does not exist).
    _refused(
        tmp_path,
        GOOD,
        r"diagnostic question use\.01: .*unknown \['use\.ghost'\]",
        use_01=("use.shutdown", "use.ghost"),
    )


def test_a_missing_version_is_refused(tmp_path: Path):
    with pytest.raises(CatalogueError, match=r"catalogue\.toml: missing version"):
        _load(_write(tmp_path, GOOD, version=""))


def test_broken_toml_names_its_file(tmp_path: Path):
    _write(tmp_path, GOOD)
    (tmp_path / "catalogue_b.toml").write_text("[[action]\nid = ", "utf-8")
    with pytest.raises(CatalogueError, match=r"catalogue_b\.toml: not valid TOML"):
        _load(tmp_path)


def test_kpi_units_and_reen_axes_are_written_in_words_in_both_languages():
    from capnr.engine.catalogue import catalogue
    from capnr.engine.diagnostic import REEN_AXES, referential

    kpis = [kpi for action in catalogue().actions for kpi in action.kpis]
    assert {kpi.unit_fr for kpi in kpis if kpi.unit == "kWh/yr"} == {"kWh/an"}
    assert all(kpi.unit_fr and kpi.unit_en for kpi in kpis)
    questions = [q for q in referential().questions if q.reen]
    assert questions and all(q.reen in REEN_AXES and "_" not in q.reen_fr for q in questions)
