"""The action catalogue: versioned actions (data/actions/) checked against the diagnostic.

Each action answers one or more self-diagnostic questions and each question lists the actions that
answer it; the two lists must agree, so a gap found by the diagnostic always leads to its actions
and an action always says which answers make it relevant. Figures quoted in an action's text name
their source in ``sources`` (ids of ``data/sources.csv``); legal dates and thresholds are traced
through ``obligations``, i.e. the diagnostic questions that carry the legal reference and due date.
The file format is described in ``data/actions/SCHEMA.md``. Pure Python, no Django.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from importlib.resources.abc import Traversable
from typing import Any

from capnr.engine.diagnostic import EFFORTS, WHO, Referential, referential
from capnr.engine.impact.registry import MODEL_IDS
from capnr.engine.reference import reference_data

COSTS = ("none", "low", "medium", "high")
OWNERS = WHO
CO_BENEFITS = ("security", "money", "comfort", "compliance", "image", "skills")
# An action's ``model`` names a model of the impact registry (engine/impact/registry.py).
# "kpi_only": followed through its KPIs, no carbon figure by design (training, accessibility,
# eco-design); "" (no model): an enabling or governance step.
MODELS = MODEL_IDS
DIRECTIONS = ("up", "down")
# A KPI's unit: its code in the data files, and how a page writes it (French, English).
UNIT_LABELS: dict[str, tuple[str, str]] = {
    "%": ("%", "%"),
    "count": ("nombre", "number"),
    "count/yr": ("nombre par an", "number per year"),
    "days": ("jours", "days"),
    "years": ("ans", "years"),
    "°C": ("°C", "°C"),
    "ratio": ("ratio", "ratio"),
    "kWh/yr": ("kWh/an", "kWh/yr"),
    "€/yr": ("€/an", "€/yr"),
    "kg": ("kg", "kg"),
    "kg/yr": ("kg/an", "kg/yr"),
    "kgCO2e/person/yr": ("kg CO2e par personne et par an", "kgCO2e per person per year"),
    "GB": ("Go", "GB"),
    "KB": ("Ko", "KB"),
    "pages/yr": ("pages par an", "pages a year"),
    "h/yr": ("heures par an", "hours a year"),
}
UNITS = tuple(UNIT_LABELS)
TEXTS = ("title", "summary", "why")
FIELDS = frozenset(
    {
        "id",
        "theme",
        *(f"{name}_{lang}" for name in (*TEXTS, "steps") for lang in ("fr", "en")),
        "effort",
        "cost",
        "owner",
        "prerequisites",
        "co_benefits",
        "kpis",
        "dinum",
        "questions",
        "obligations",
        "model",
        "quick_win",
        "sources",
    }
)
KPI_FIELDS = frozenset({"id", "label_fr", "label_en", "unit", "direction"})
MIN_STEPS, MAX_STEPS = 3, 6
_ID = re.compile(r"[a-z_]+\.[a-z0-9_]+")
_KPI_ID = re.compile(r"[a-z0-9_]+")
_DINUM = re.compile(r"[a-i]\.\d+")

_DATA = files("capnr.engine") / "data" / "actions"


class CatalogueError(ValueError):
    """The catalogue's data files are inconsistent; the message names the file and item."""


@dataclass(frozen=True)
class Kpi:
    id: str
    label_fr: str
    label_en: str
    unit: str
    direction: str  # "up": higher is better; "down": lower is better

    @property
    def unit_fr(self) -> str:
        return UNIT_LABELS[self.unit][0]

    @property
    def unit_en(self) -> str:
        return UNIT_LABELS[self.unit][1]


@dataclass(frozen=True)
class Action:
    id: str
    theme: str
    title_fr: str
    title_en: str
    summary_fr: str
    summary_en: str
    why_fr: str
    why_en: str
    steps_fr: tuple[str, ...]
    steps_en: tuple[str, ...]
    effort: str
    cost: str
    owner: str
    prerequisites: tuple[str, ...]
    co_benefits: tuple[str, ...]
    kpis: tuple[Kpi, ...]
    dinum: tuple[str, ...]
    questions: tuple[str, ...]
    obligations: tuple[str, ...]
    model: str
    quick_win: bool
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Catalogue:
    version: str
    actions: tuple[Action, ...]  # in the diagnostic's theme order, then by id

    def action(self, action_id: str) -> Action:
        for action in self.actions:
            if action.id == action_id:
                return action
        raise KeyError(action_id)

    def for_theme(self, theme: str) -> tuple[Action, ...]:
        return tuple(action for action in self.actions if action.theme == theme)

    def for_question(self, question_id: str) -> tuple[Action, ...]:
        return tuple(action for action in self.actions if question_id in action.questions)


def _text(raw: Mapping[str, Any], name: str, where: str) -> str:
    value = raw.get(name)
    if not isinstance(value, str) or not value.strip():
        raise CatalogueError(f"{where}: missing or empty {name}")
    return value.strip()


def _strings(raw: Mapping[str, Any], name: str, where: str) -> tuple[str, ...]:
    value = raw.get(name)
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise CatalogueError(f"{where}: {name} must be a list of strings, got {value!r}")
    if len(set(value)) != len(value):
        raise CatalogueError(f"{where}: {name} repeats an item: {value!r}")
    return tuple(value)


def _choice(raw: Mapping[str, Any], name: str, allowed: tuple[str, ...], where: str) -> str:
    value = raw.get(name)
    if value not in allowed:
        raise CatalogueError(f"{where}: {name} {value!r} is not one of {', '.join(allowed)}")
    return str(value)


def _steps(raw: Mapping[str, Any], lang: str, where: str) -> tuple[str, ...]:
    name = f"steps_{lang}"
    if name not in raw:
        raise CatalogueError(f"{where}: missing or empty {name}")
    steps = _strings(raw, name, where)
    if not MIN_STEPS <= len(steps) <= MAX_STEPS:
        raise CatalogueError(f"{where}: {name} needs {MIN_STEPS} to {MAX_STEPS} steps")
    if any(not step.strip() for step in steps):
        raise CatalogueError(f"{where}: {name} has an empty step")
    return tuple(step.strip() for step in steps)


def _kpi(raw: Any, where: str) -> Kpi:
    if not isinstance(raw, dict):
        raise CatalogueError(f"{where}: a KPI must be a table")
    unknown = sorted(set(raw) - KPI_FIELDS)
    if unknown:
        raise CatalogueError(f"{where}: unknown KPI field(s) {unknown}")
    kpi_id = raw.get("id")
    if not isinstance(kpi_id, str) or not _KPI_ID.fullmatch(kpi_id):
        raise CatalogueError(f"{where}: KPI id {kpi_id!r} must be lower-case snake_case")
    where = f"{where} KPI {kpi_id}"
    return Kpi(
        id=kpi_id,
        label_fr=_text(raw, "label_fr", where),
        label_en=_text(raw, "label_en", where),
        unit=_choice(raw, "unit", UNITS, where),
        direction=_choice(raw, "direction", DIRECTIONS, where),
    )


def _action(
    raw: Mapping[str, Any], where: str, data: Referential, source_ids: Collection[str]
) -> Action:
    action_id = raw.get("id")
    if not isinstance(action_id, str) or not _ID.fullmatch(action_id):
        raise CatalogueError(f"{where}: id {action_id!r} must look like <theme>.<slug>")
    where = f"{where} ({action_id})"
    unknown = sorted(set(raw) - FIELDS)
    if unknown:
        raise CatalogueError(f"{where}: unknown field(s) {unknown}")
    missing = sorted(FIELDS - set(raw))
    if missing:
        raise CatalogueError(f"{where}: missing {', '.join(missing)}")
    themes = tuple(theme.id for theme in data.themes)
    theme = raw["theme"]
    if theme not in themes:
        raise CatalogueError(f"{where}: unknown theme {theme!r}")
    if action_id.split(".", 1)[0] != theme:
        raise CatalogueError(f"{where}: the id must start with its theme {theme!r}")
    steps_fr, steps_en = _steps(raw, "fr", where), _steps(raw, "en", where)
    if len(steps_fr) != len(steps_en):
        raise CatalogueError(f"{where}: steps_fr and steps_en must have as many steps")
    effort = _choice(raw, "effort", EFFORTS, where)
    co_benefits = _strings(raw, "co_benefits", where)
    bad = [item for item in co_benefits if item not in CO_BENEFITS]
    if bad:
        raise CatalogueError(f"{where}: unknown co-benefit(s) {bad}")
    if not isinstance(raw["kpis"], list) or not raw["kpis"]:
        raise CatalogueError(f"{where}: kpis must list at least one KPI")
    kpis = tuple(_kpi(item, where) for item in raw["kpis"])
    kpi_ids = [kpi.id for kpi in kpis]
    if len(set(kpi_ids)) != len(kpi_ids):
        raise CatalogueError(f"{where}: duplicate KPI ids in {kpi_ids}")
    dinum = _strings(raw, "dinum", where)
    bad = [item for item in dinum if not _DINUM.fullmatch(item)]
    if bad:
        raise CatalogueError(f"{where}: DINUM practice ids look like 'f.2', got {bad}")
    known = {question.id: question for question in data.questions}
    questions = _strings(raw, "questions", where)
    if not questions:
        raise CatalogueError(f"{where}: an action answers at least one diagnostic question")
    bad = [item for item in questions if item not in known]
    if bad:
        raise CatalogueError(f"{where}: unknown question id(s) {bad}")
    obligations = _strings(raw, "obligations", where)
    bad = [item for item in obligations if item not in known]
    if bad:
        raise CatalogueError(f"{where}: unknown obligation question id(s) {bad}")
    bad = [item for item in obligations if known[item].obligation is None]
    if bad:
        raise CatalogueError(f"{where}: obligations {bad} are not legal obligations")
    bad = [item for item in obligations if item not in questions]
    if bad:
        raise CatalogueError(f"{where}: obligations {bad} must also be in questions")
    model = raw["model"]
    if model != "" and model not in MODELS:
        raise CatalogueError(f"{where}: unknown impact model {model!r}")
    quick_win = raw["quick_win"]
    if not isinstance(quick_win, bool):
        raise CatalogueError(f"{where}: quick_win must be true or false")
    if quick_win and effort != "easy":
        raise CatalogueError(f"{where}: a quick win must be easy")
    sources = _strings(raw, "sources", where)
    bad = [item for item in sources if item not in source_ids]
    if bad:
        raise CatalogueError(f"{where}: unknown source id(s) {bad} (see data/sources.csv)")
    return Action(
        id=action_id,
        theme=str(theme),
        title_fr=_text(raw, "title_fr", where),
        title_en=_text(raw, "title_en", where),
        summary_fr=_text(raw, "summary_fr", where),
        summary_en=_text(raw, "summary_en", where),
        why_fr=_text(raw, "why_fr", where),
        why_en=_text(raw, "why_en", where),
        steps_fr=steps_fr,
        steps_en=steps_en,
        effort=effort,
        cost=_choice(raw, "cost", COSTS, where),
        owner=_choice(raw, "owner", OWNERS, where),
        prerequisites=_strings(raw, "prerequisites", where),
        co_benefits=co_benefits,
        kpis=kpis,
        dinum=dinum,
        questions=questions,
        obligations=obligations,
        model=str(model),
        quick_win=quick_win,
        sources=sources,
    )


def _check_prerequisites(actions: Iterable[tuple[Action, str]]) -> None:
    where = {action.id: place for action, place in actions}
    graph = {action.id: action.prerequisites for action, _ in actions}
    for action_id, needs in graph.items():
        bad = [item for item in needs if item not in graph or item == action_id]
        if bad:
            raise CatalogueError(f"{where[action_id]}: unknown prerequisite(s) {bad}")
    done: set[str] = set()

    def visit(action_id: str, path: tuple[str, ...]) -> None:
        if action_id in path:
            cycle = " → ".join((*path[path.index(action_id) :], action_id))
            raise CatalogueError(f"{where[action_id]}: prerequisites form a cycle: {cycle}")
        if action_id in done:
            return
        for item in graph[action_id]:
            visit(item, (*path, action_id))
        done.add(action_id)

    for action_id in graph:
        visit(action_id, ())


def _check_both_ways(actions: Iterable[Action], data: Referential) -> None:
    """Each question's ``actions`` list must be exactly the actions that name the question."""
    answering: dict[str, set[str]] = {question.id: set() for question in data.questions}
    for action in actions:
        for question_id in action.questions:
            answering[question_id].add(action.id)
    for question in data.questions:
        listed, expected = set(question.actions), answering[question.id]
        if listed != expected:
            details = []
            if expected - listed:
                details.append(f"missing {sorted(expected - listed)}")
            if listed - expected:
                details.append(f"not answering it or unknown {sorted(listed - expected)}")
            raise CatalogueError(
                f"diagnostic question {question.id}: its actions list disagrees with the "
                f"catalogue ({'; '.join(details)})"
            )


def load_catalogue(
    directory: Traversable, data: Referential, source_ids: Collection[str]
) -> Catalogue:
    """Read and check ``catalogue.toml`` (version) and every ``catalogue_*.toml`` in directory."""
    header = tomllib.loads((directory / "catalogue.toml").read_text("utf-8"))
    version = header.get("version")
    if not isinstance(version, str) or not version:
        raise CatalogueError("catalogue.toml: missing version")
    loaded: list[tuple[Action, str]] = []
    first_seen: dict[str, str] = {}
    for entry in sorted(directory.iterdir(), key=lambda item: item.name):
        if not (entry.name.startswith("catalogue_") and entry.name.endswith(".toml")):
            continue
        try:
            content = tomllib.loads(entry.read_text("utf-8"))
        except tomllib.TOMLDecodeError as error:
            raise CatalogueError(f"{entry.name}: not valid TOML ({error})") from error
        for index, raw in enumerate(content.get("action", [])):
            place = f"{entry.name} action {index + 1}"
            action = _action(raw, place, data, source_ids)
            if action.id in first_seen:
                raise CatalogueError(
                    f"{place}: duplicate action id {action.id!r} (first in {first_seen[action.id]})"
                )
            first_seen[action.id] = place
            loaded.append((action, f"{place} ({action.id})"))
    _check_prerequisites(loaded)
    actions = [action for action, _ in loaded]
    _check_both_ways(actions, data)
    order = {theme.id: position for position, theme in enumerate(data.themes)}
    actions.sort(key=lambda action: (order[action.theme], action.id))
    return Catalogue(version=version, actions=tuple(actions))


@cache
def catalogue() -> Catalogue:
    """The shipped catalogue, checked against the diagnostic referential; loaded once."""
    return load_catalogue(_DATA, referential(), frozenset(reference_data().sources))
