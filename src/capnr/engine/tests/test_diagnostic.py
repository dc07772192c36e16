"""Self-diagnostic scoring (hand-computed), applicability, and the referential's consistency."""

from __future__ import annotations

import re

import pytest

from capnr.engine.diagnostic import (
    Applicability,
    Obligation,
    Profile,
    Question,
    Referential,
    Theme,
    applicable_questions,
    referential,
    score,
)


def q(qid: str, theme: str, priority: int, **extra) -> Question:
    return Question(
        id=qid,
        theme=theme,
        priority=priority,
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
        actions=(),
        **extra,
    )


REEN = Obligation(
    "Loi n° 2021-1485, art. 35", "communes > 50 000", "towns > 50,000", "2025-01-01", False
)
SMALL = Referential(
    version="test",
    themes=(Theme("strategy", "Stratégie", "Strategy", ()), Theme("use", "Usages", "Use", ())),
    questions=(
        q("strategy.01", "strategy", 3),
        q("strategy.02", "strategy", 1),
        q(
            "strategy.03",
            "strategy",
            2,
            applies_to=Applicability(kinds=("commune", "epci"), min_population=50_000),
            obligation=REEN,
        ),
        q("use.01", "use", 2),
        q("use.02", "use", 2, applies_to=Applicability(min_purchasing="50m_100m")),
        q("use.03", "use", 1, applies_to=Applicability(public_only=True)),
    ),
    values={"yes": 1.0, "partly": 0.5, "no": 0.0, "unknown": 0.0},
    grades=(("A", 80), ("B", 60), ("C", 40), ("D", 20), ("E", 0)),
    label_levels=(("Niveau 2", 700), ("Niveau 1", 450)),
)
AGENCY = Profile(kind="state_service", purchasing_bracket="10m_50m")
BIG_TOWN = Profile(kind="commune", population=61_000, purchasing_bracket="over_100m")


def test_hand_computed_scores_with_partly_na_and_unknown():
    answers = {"strategy.01": "yes", "strategy.02": "partly", "use.01": "unknown", "use.03": "na"}
    results = score(answers, AGENCY, SMALL)
    # strategy: (3×1 + 1×0.5) / (3 + 1) = 87.5 %
    assert results.themes["strategy"].percent == pytest.approx(87.5)
    # use: use.01 "don't know" counts 0 over its weight 2; use.03 N/A leaves; use.02 not
    # applicable to this purchasing bracket
    assert results.themes["use"].percent == pytest.approx(0.0)
    # overall: (3 + 0.5 + 0) / (3 + 1 + 2) = 58.33 %
    assert results.overall.percent == pytest.approx(350 / 6)
    assert results.grade == "C" and results.out_of_1000 == pytest.approx(3500 / 6)
    assert results.label_level == "Niveau 1"
    assert [f.id for f in results.follow_ups] == ["use.01"]
    assert results.overall.answered == 4 and results.overall.applicable == 4


def test_nothing_answered_gives_no_score_rather_than_zero():
    results = score({}, AGENCY, SMALL)
    assert results.overall.percent is None and results.grade is None


def test_applicability_by_kind_population_purchasing_and_public_status():
    ids = lambda profile: [x.id for x in applicable_questions(profile, SMALL)]  # noqa: E731
    assert ids(AGENCY) == ["strategy.01", "strategy.02", "use.01", "use.03"]
    assert ids(BIG_TOWN) == [
        "strategy.01",
        "strategy.02",
        "strategy.03",
        "use.01",
        "use.02",
        "use.03",
    ]
    small_town = Profile(kind="commune", population=12_000)
    assert "strategy.03" not in ids(small_town)
    assert "use.03" not in ids(Profile(kind="association"))


def test_unanswered_obligations_are_compliance_gaps():
    results = score({"strategy.03": "partly"}, BIG_TOWN, SMALL)
    assert [(gap.question.id, gap.answer) for gap in results.gaps] == [("strategy.03", "partly")]
    assert not score({"strategy.03": "yes"}, BIG_TOWN, SMALL).gaps


def test_unknown_answers_are_refused():
    with pytest.raises(ValueError, match=r"strategy\.01"):
        score({"strategy.01": "maybe"}, AGENCY, SMALL)


def test_the_referential_is_complete_and_consistent():
    data = referential()
    assert len(data.themes) == 12
    assert len(data.questions) >= 80
    for theme in data.themes:
        assert sum(1 for x in data.questions if x.theme == theme.id) >= 5, theme.id
    for question in data.questions:
        assert question.text_fr.strip() and question.text_en.strip(), question.id
        assert re.fullmatch(r"[a-z_]+\.\d{2}", question.id), question.id
        assert all(re.fullmatch(r"[a-i]\.\d+", item) for item in question.dinum), question.id
        if question.obligation is not None:
            assert question.obligation.applies_fr and question.obligation.applies_en
    assert {x.priority for x in data.questions} == {1, 2, 3}
