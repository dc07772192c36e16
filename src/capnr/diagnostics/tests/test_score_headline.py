"""One score, one way (issue 12, item 5): the headline and the indicative Label NR level."""

from __future__ import annotations

from django.utils import translation

from capnr.diagnostics import presentation
from capnr.engine import diagnostic as engine


def results(answers: dict[str, str]) -> engine.Results:
    return engine.score(answers, engine.Profile(kind="state_service"))


def strategy_answers(yes: int, no: int) -> dict[str, str]:
    questions = [q.id for q in engine.referential().questions if q.theme == "strategy"]
    return {qid: "yes" if n < yes else "no" for n, qid in enumerate(questions[: yes + no])}


def test_the_headline_is_the_rounded_score_and_its_grade_or_nothing():
    assert presentation.headline(results({})) is None
    result = results(strategy_answers(3, 3))
    assert presentation.headline(result) == f"{result.score}/100 · {result.grade}"


def test_the_label_level_is_said_once_with_what_it_is():
    assert presentation.label_nr(results({})) is None
    with translation.override("fr"):
        below = presentation.label_nr(results(strategy_answers(0, 3)))
        assert below["level"] is None
        assert below["sentence"] == "Niveau indicatif Label NR : pas encore atteint."
        assert (
            "niveau 1 dès 45/100 (450/1000), niveau 2 dès 70/100 (700/1000)"
            in (below["explanation"])
        )
        top = presentation.label_nr(results(strategy_answers(3, 0)))
        assert top["level"] == 2 and top["sentence"] == "Niveau indicatif Label NR : niveau 2."
    with translation.override("en"):
        top = presentation.label_nr(results(strategy_answers(3, 0)))
        assert top["sentence"] == "Label NR, indicative level: level 2."
        assert "official grid is not public" in top["explanation"]


def test_the_label_levels_name_is_in_the_readers_language():
    assert presentation.label_level_name(None) is None
    with translation.override("fr"):
        assert presentation.label_level_name(2) == "Niveau 2 (indicatif)"
    with translation.override("en"):
        assert presentation.label_level_name(2) == "Level 2 (indicative)"
