"""Self-diagnostic scoring (hand-computed), applicability, and the referential's consistency."""

from __future__ import annotations

import re

import pytest

from capnr.engine.diagnostic import (
    KINDS,
    MIN_COUNTED_ANSWERS,
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
    rounded_score,
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
    assert results.score is None and results.label_level_number is None


def test_the_headline_is_the_rounded_score_and_its_grade_never_contradicts_it():
    # strategy.01 (3) partly, strategy.02 (1) partly, use.01 (2) yes, use.03 (1) no:
    # (1.5 + 0.5 + 2) / 7 = 57.14 → 57, grade C; and a score just under a bound, rounded onto
    # it, takes that bound's grade: the page never shows "40/100 · D".
    answers = {"strategy.01": "partly", "strategy.02": "partly", "use.01": "yes", "use.03": "no"}
    results = score(answers, AGENCY, SMALL)
    assert results.score == 57 and results.grade == "C"
    rounded = [rounded_score(x) for x in (39.5, 39.49, 40.5, 44.6, 0.0, 100.0)]
    assert rounded == [40, 39, 41, 45, 0, 100]
    # 159 yes out of 200 equal questions: 79.5 %, shown 80/100, so grade A (not B).
    custom = Referential(
        version="t",
        themes=SMALL.themes,
        questions=tuple(q(f"strategy.{n:02}", "strategy", 1) for n in range(1, 201)),
        values=SMALL.values,
        grades=SMALL.grades,
        label_levels=SMALL.label_levels,
    )
    answers = {f"strategy.{n:02}": "yes" if n <= 159 else "no" for n in range(1, 201)}
    results = score(answers, AGENCY, custom)
    assert results.overall.percent == pytest.approx(79.5)
    assert results.score == 80 and results.grade == "A"
    # 89 yes of 200 = 44.5 %: shown as 45/100, which reaches the first indicative level (450).
    answers = {f"strategy.{n:02}": "yes" if n <= 89 else "no" for n in range(1, 201)}
    results = score(answers, AGENCY, custom)
    assert results.score == 45 and results.label_level == "Niveau 1"
    assert results.label_level_number == 1
    answers = {f"strategy.{n:02}": "yes" if n <= 140 else "no" for n in range(1, 201)}
    assert score(answers, AGENCY, custom).label_level_number == 2
    answers = {f"strategy.{n:02}": "yes" if n <= 88 else "no" for n in range(1, 201)}
    below = score(answers, AGENCY, custom)
    assert below.score == 44 and below.label_level is None and below.label_level_number is None


def test_a_theme_scored_on_too_few_answers_is_marked():
    # use: use.01 yes is the only counted answer (use.03 is not applicable): 100/100 on one
    # answer, which says little. strategy: two counted answers, still too few.
    answers = {"use.01": "yes", "use.03": "na", "strategy.01": "no", "strategy.02": "yes"}
    results = score(answers, AGENCY, SMALL)
    use, strategy = results.themes["use"], results.themes["strategy"]
    assert use.percent == 100 and use.answered == 2 and use.counted == 1
    assert use.too_few_answers
    assert strategy.counted == 2 and strategy.too_few_answers
    assert MIN_COUNTED_ANSWERS == 3
    # The overall rests on 3 counted answers: enough.
    assert results.overall.counted == 3 and not results.overall.too_few_answers
    # Not scored is not "too few": there is no figure to doubt.
    only_na = score({"use.03": "na"}, AGENCY, SMALL).themes["use"]
    assert only_na.percent is None and only_na.counted == 0 and not only_na.too_few_answers


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
        # The radar names its axes with the short names: a word or two that fit around it.
        for short in (theme.short_fr, theme.short_en):
            assert short and len(short) <= 13, theme.id
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
