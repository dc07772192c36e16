"""Self-diagnostic scoring (hand-computed), applicability, and the referential's consistency."""

from __future__ import annotations

import re

import pytest

from capnr.engine.diagnostic import (
    KINDS,
    PUBLIC_KINDS,
    REQUIRED,
    Applicability,
    Obligation,
    Profile,
    Question,
    Referential,
    ReferentialError,
    Theme,
    _question,
    applicable_questions,
    applies,
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


def test_public_or_large_company_covers_public_bodies_and_companies_above_250m():
    rule = q(
        "accessibility.01",
        "accessibility",
        3,
        applies_to=Applicability(public_or_large_company=True),
    )
    assert applies(rule, Profile(kind="commune"))
    assert applies(rule, Profile(kind="hospital"))
    assert applies(rule, Profile(kind="company", turnover_over_250m=True))
    assert not applies(rule, Profile(kind="company"))
    # The turnover threshold is the companies' one: it opens nothing to other private bodies.
    assert not applies(rule, Profile(kind="association", turnover_over_250m=True))
    assert not applies(rule, Profile(kind="other", turnover_over_250m=True))
    # public_only stays public-only whatever the turnover.
    public = q("data.03", "data", 2, applies_to=Applicability(public_only=True))
    assert not applies(public, Profile(kind="company", turnover_over_250m=True))


ACCESSIBILITY_OBLIGATIONS = [f"accessibility.0{n}" for n in range(1, 8)]


def test_accessibility_obligations_apply_to_public_bodies_and_large_companies():
    data = referential()
    shown = lambda profile: {x.id for x in applicable_questions(profile, data)}  # noqa: E731
    large_company = shown(Profile(kind="company", turnover_over_250m=True))
    small_company = shown(Profile(kind="company"))
    commune = shown(Profile(kind="commune", population=8_000))
    for qid in ACCESSIBILITY_OBLIGATIONS:
        assert data.question(qid).obligation is not None, qid
        assert qid in large_company and qid in commune, qid
        assert qid not in small_company, qid
    # Good practice that is not an obligation stays open to everyone.
    assert {"accessibility.08", "accessibility.09", "accessibility.10"} <= small_company
    # Every obligation drawn from the accessibility law follows the same rule.
    for question in data.questions:
        if question.obligation and "2005-102" in question.obligation.reference:
            assert question.applies_to.public_or_large_company, question.id
            assert not question.applies_to.public_only and not question.applies_to.kinds


def test_spaser_applies_to_every_public_buyer_above_50m():
    spaser = referential().question("purchasing.10")
    assert "SPASER" in spaser.text_en and spaser.obligation is not None
    for kind in sorted(PUBLIC_KINDS):
        for bracket in ("50m_100m", "over_100m"):
            assert applies(spaser, Profile(kind=kind, purchasing_bracket=bracket)), (kind, bracket)
        for bracket in ("unknown", "under_1m", "1m_10m", "10m_50m"):
            assert not applies(spaser, Profile(kind=kind, purchasing_bracket=bracket)), kind
    for kind in ("association", "company", "other"):
        private = Profile(kind=kind, purchasing_bracket="over_100m", turnover_over_250m=True)
        assert not applies(spaser, private), kind


def test_the_environmental_award_criterion_applies_to_every_public_buyer():
    clause = referential().question("purchasing.01")
    assert clause.obligation is not None and clause.obligation.due == "2026-08-21"
    assert "2021-1104" in clause.obligation.reference
    for kind in sorted(PUBLIC_KINDS):
        assert applies(clause, Profile(kind=kind)), kind  # whatever the purchasing volume
    for kind in ("association", "company", "other"):
        assert not applies(clause, Profile(kind=kind, purchasing_bracket="over_100m")), kind


def test_public_kinds_are_the_engines_kinds_but_private_ones():
    assert set(KINDS) - PUBLIC_KINDS == {"association", "company", "other"}


def test_an_unknown_applicability_key_is_refused():
    raw: dict[str, object] = {name: [] for name in REQUIRED}
    raw.update(
        id="accessibility.99",
        theme="accessibility",
        priority=2,
        effort="easy",
        who=["it"],
        applies_to={"public_or_large_companies": True},  # typo: must not pass silently
    )
    for name in ("text_fr", "text_en", "why_fr", "why_en", "how_fr", "how_en"):
        raw[name] = "?"
    raw.update(label_nr="", reen="", rgaa="")
    with pytest.raises(ReferentialError, match="public_or_large_companies"):
        _question(raw, "questions_x.toml question 1", {"accessibility"})
    raw["applies_to"] = {"public_or_large_company": True}
    loaded = _question(raw, "questions_x.toml question 1", {"accessibility"})
    assert loaded.applies_to == Applicability(public_or_large_company=True)
