"""The self-diagnostic's referential, applicability and scoring. Pure Python.

Score of a set of questions (a theme, or all):
    score % = 100 × Σ w_q × v(a_q) / Σ w_q
over applicable questions answered yes, partly, no or "don't know", where w_q is the question's
priority (3, 2 or 1) and v(yes) = 1, v(partly) = 0.5, v(no) = v(don't know) = 0. "Not
applicable" and unanswered questions leave the denominator; an inapplicable question (by the
organisation's kind, size and, for a company, turnover) is hidden and leaves it too. The global
grade is the letter of the highest bound the global score reaches; the /1000 figure is the global
score × 10, with the Label NR levels shown as indicative only (the official grid is not public).
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files
from typing import Any

ANSWERS = ("yes", "partly", "no", "na", "unknown")
EFFORTS = ("easy", "medium", "hard")
# The axes of the REEN law's responsible digital strategy a question answers: code, then how
# a page writes it (French, English).
REEN_AXES: dict[str, tuple[str, str]] = {
    "strategie": ("stratégie", "strategy"),
    "achats": ("achats", "purchasing"),
    "duree_de_vie": ("durée de vie", "lifetime"),
    "ecoconception": ("écoconception", "eco-design"),
    "sobriete": ("sobriété", "sufficiency"),
}
WHO = (
    "it",
    "purchasing",
    "hr",
    "general_services",
    "communication",
    "management",
    "accessibility",
    "data_protection",
)
KINDS = (
    "state_service",
    "commune",
    "epci",
    "departement",
    "region",
    "public_establishment",
    "hospital",
    "education",
    "association",
    "company",
    "other",
)
PUBLIC_KINDS = frozenset(KINDS) - {"association", "company", "other"}
APPLICABILITY_KEYS = frozenset(
    {"kinds", "min_population", "min_purchasing", "public_only", "public_or_large_company"}
)
PURCHASING_ORDER = ("unknown", "under_1m", "1m_10m", "10m_50m", "50m_100m", "over_100m")
REQUIRED = (
    "id",
    "theme",
    "priority",
    "effort",
    "text_fr",
    "text_en",
    "why_fr",
    "why_en",
    "how_fr",
    "how_en",
    "who",
    "dinum",
    "label_nr",
    "reen",
    "rgesn",
    "rgaa",
    "actions",
)

_DATA = files("capnr.engine") / "data" / "diagnostic"


class ReferentialError(ValueError):
    """The referential's data files are inconsistent; the message names the file and item."""


@dataclass(frozen=True)
class Theme:
    id: str
    title_fr: str
    title_en: str
    dinum: tuple[str, ...]


@dataclass(frozen=True)
class Obligation:
    reference: str
    applies_fr: str
    applies_en: str
    due: str
    to_confirm: bool


@dataclass(frozen=True)
class Applicability:
    kinds: tuple[str, ...] = ()
    min_population: int | None = None
    min_purchasing: str | None = None
    public_only: bool = False
    # Public bodies, and companies whose yearly turnover exceeds €250 M (accessibility law).
    public_or_large_company: bool = False


@dataclass(frozen=True)
class Question:
    id: str
    theme: str
    priority: int
    effort: str
    text_fr: str
    text_en: str
    why_fr: str
    why_en: str
    how_fr: str
    how_en: str
    who: tuple[str, ...]
    dinum: tuple[str, ...]
    label_nr: str
    reen: str
    rgesn: tuple[str, ...]
    rgaa: str
    actions: tuple[str, ...]
    applies_to: Applicability = field(default_factory=Applicability)
    obligation: Obligation | None = None

    @property
    def reen_fr(self) -> str:
        return REEN_AXES[self.reen][0] if self.reen else ""

    @property
    def reen_en(self) -> str:
        return REEN_AXES[self.reen][1] if self.reen else ""


@dataclass(frozen=True)
class Profile:
    """What applicability depends on: the organisation's kind, size and (companies) turnover."""

    kind: str
    population: int | None = None
    purchasing_bracket: str = "unknown"
    turnover_over_250m: bool = False  # only read for companies


@dataclass(frozen=True)
class Referential:
    version: str
    themes: tuple[Theme, ...]
    questions: tuple[Question, ...]
    values: Mapping[str, float]
    grades: tuple[tuple[str, float], ...]
    label_levels: tuple[tuple[str, float], ...]

    def question(self, question_id: str) -> Question:
        for question in self.questions:
            if question.id == question_id:
                return question
        raise KeyError(question_id)


def _strings(value: Any, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ReferentialError(f"{where}: expected a list of strings, got {value!r}")
    return tuple(value)


def _question(raw: Mapping[str, Any], where: str, themes: set[str]) -> Question:
    missing = [name for name in REQUIRED if name not in raw]
    if missing:
        raise ReferentialError(f"{where}: missing {', '.join(missing)}")
    where = f"{where} ({raw['id']})"
    if raw["theme"] not in themes:
        raise ReferentialError(f"{where}: unknown theme {raw['theme']!r}")
    if raw["priority"] not in (1, 2, 3):
        raise ReferentialError(f"{where}: priority must be 1, 2 or 3")
    if raw["effort"] not in EFFORTS:
        raise ReferentialError(f"{where}: effort must be one of {EFFORTS}")
    if raw["reen"] and raw["reen"] not in REEN_AXES:
        raise ReferentialError(f"{where}: reen must be '' or one of {tuple(REEN_AXES)}")
    who = _strings(raw["who"], f"{where} who")
    unknown_who = [item for item in who if item not in WHO]
    if unknown_who:
        raise ReferentialError(f"{where}: unknown 'who' {unknown_who}")
    rules = raw.get("applies_to", {})
    if not isinstance(rules, dict):
        raise ReferentialError(f"{where}: applies_to must be a table")
    unknown_rules = sorted(set(rules) - APPLICABILITY_KEYS)
    if unknown_rules:
        raise ReferentialError(f"{where}: unknown applies_to key(s) {unknown_rules}")
    kinds = _strings(rules.get("kinds", []), f"{where} applies_to.kinds")
    if any(kind not in KINDS for kind in kinds):
        raise ReferentialError(f"{where}: unknown organisation kind in {kinds}")
    min_purchasing = rules.get("min_purchasing")
    if min_purchasing is not None and min_purchasing not in PURCHASING_ORDER:
        raise ReferentialError(f"{where}: unknown purchasing bracket {min_purchasing!r}")
    obligation = None
    if "obligation" in raw:
        item = raw["obligation"]
        obligation = Obligation(
            str(item.get("reference", "")),
            str(item.get("applies_fr", "")),
            str(item.get("applies_en", "")),
            str(item.get("due", "")),
            bool(item.get("to_confirm", False)),
        )
        if not obligation.reference:
            raise ReferentialError(f"{where}: an obligation needs its legal reference")
    return Question(
        id=str(raw["id"]),
        theme=str(raw["theme"]),
        priority=int(raw["priority"]),
        effort=str(raw["effort"]),
        text_fr=str(raw["text_fr"]),
        text_en=str(raw["text_en"]),
        why_fr=str(raw["why_fr"]),
        why_en=str(raw["why_en"]),
        how_fr=str(raw["how_fr"]),
        how_en=str(raw["how_en"]),
        who=who,
        dinum=_strings(raw["dinum"], f"{where} dinum"),
        label_nr=str(raw["label_nr"]),
        reen=str(raw["reen"]),
        rgesn=_strings(raw["rgesn"], f"{where} rgesn"),
        rgaa=str(raw["rgaa"]),
        actions=_strings(raw["actions"], f"{where} actions"),
        applies_to=Applicability(
            kinds,
            rules.get("min_population"),
            min_purchasing,
            bool(rules.get("public_only", False)),
            bool(rules.get("public_or_large_company", False)),
        ),
        obligation=obligation,
    )


@cache
def referential() -> Referential:
    """Themes and questions from ``data/diagnostic``, checked; loaded once."""
    themes_file = tomllib.loads((_DATA / "themes.toml").read_text("utf-8"))
    themes = tuple(
        Theme(t["id"], t["title_fr"], t["title_en"], tuple(t.get("dinum", [])))
        for t in themes_file["theme"]
    )
    theme_ids = {theme.id for theme in themes}
    questions: list[Question] = []
    for entry in sorted(_DATA.iterdir(), key=lambda item: item.name):
        if not (entry.name.startswith("questions_") and entry.name.endswith(".toml")):
            continue
        content = tomllib.loads(entry.read_text("utf-8"))
        for index, raw in enumerate(content.get("question", [])):
            questions.append(_question(raw, f"{entry.name} question {index + 1}", theme_ids))
    ids = [question.id for question in questions]
    duplicates = sorted({qid for qid in ids if ids.count(qid) > 1})
    if duplicates:
        raise ReferentialError(f"duplicate question ids: {duplicates}")
    order = {theme.id: position for position, theme in enumerate(themes)}
    questions.sort(key=lambda q: (order[q.theme], q.id))
    scoring = themes_file["scoring"]
    return Referential(
        version=str(themes_file["version"]),
        themes=themes,
        questions=tuple(questions),
        values={answer: float(scoring[answer]) for answer in ("yes", "partly", "no", "unknown")},
        grades=tuple((str(g), float(b)) for g, b in scoring["grades"]),
        label_levels=tuple((str(n), float(b)) for n, b in scoring["label_levels"]),
    )


def applies(question: Question, profile: Profile) -> bool:
    rules = question.applies_to
    if rules.kinds and profile.kind not in rules.kinds:
        return False
    if rules.public_only and profile.kind not in PUBLIC_KINDS:
        return False
    if rules.public_or_large_company and not (
        profile.kind in PUBLIC_KINDS or (profile.kind == "company" and profile.turnover_over_250m)
    ):
        return False
    if rules.min_population is not None and (profile.population or 0) < rules.min_population:
        return False
    if rules.min_purchasing is not None:
        have = (
            PURCHASING_ORDER.index(profile.purchasing_bracket)
            if profile.purchasing_bracket in PURCHASING_ORDER
            else 0
        )
        if have < PURCHASING_ORDER.index(rules.min_purchasing):
            return False
    return True


def applicable_questions(profile: Profile, data: Referential | None = None) -> list[Question]:
    data = data or referential()
    return [question for question in data.questions if applies(question, profile)]


@dataclass(frozen=True)
class Score:
    percent: float | None  # None when nothing counts yet
    answered: int  # applicable questions with an answer (N/A included)
    applicable: int


@dataclass(frozen=True)
class Gap:
    question: Question
    answer: str | None


@dataclass(frozen=True)
class Results:
    themes: dict[str, Score]
    overall: Score
    grade: str | None
    out_of_1000: float | None
    label_level: str | None  # indicative
    gaps: list[Gap]  # applicable legal obligations not answered "yes"
    follow_ups: list[Question]  # answered "don't know"


def _score(
    questions: Sequence[Question], answers: Mapping[str, str], values: Mapping[str, float]
) -> Score:
    points = weights = 0.0
    answered = 0
    for question in questions:
        answer = answers.get(question.id)
        if answer is None:
            continue
        if answer not in ANSWERS:
            raise ValueError(f"Question {question.id}: unknown answer {answer!r}")
        answered += 1
        if answer == "na":
            continue
        points += question.priority * values[answer]
        weights += question.priority
    return Score(100 * points / weights if weights else None, answered, len(questions))


def score(answers: Mapping[str, str], profile: Profile, data: Referential | None = None) -> Results:
    """Scores per theme and overall, grade, /1000, compliance gaps and follow-ups."""
    data = data or referential()
    questions = applicable_questions(profile, data)
    themes = {
        theme.id: _score([q for q in questions if q.theme == theme.id], answers, data.values)
        for theme in data.themes
    }
    overall = _score(questions, answers, data.values)
    grade = label = None
    out_of_1000 = None
    if overall.percent is not None:
        grade = next(letter for letter, bound in data.grades if overall.percent >= bound)
        out_of_1000 = overall.percent * 10
        label = next((name for name, bound in data.label_levels if out_of_1000 >= bound), None)
    gaps = [
        Gap(q, answers.get(q.id))
        for q in questions
        if q.obligation is not None and answers.get(q.id) not in ("yes", "na")
    ]
    follow_ups = [q for q in questions if answers.get(q.id) == "unknown"]
    return Results(themes, overall, grade, out_of_1000, label, gaps, follow_ups)
