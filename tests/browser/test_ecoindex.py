"""The EcoIndex the browser suite computes, checked against values the method's authors publish
(the test suite and README of the reference implementation, github.com/cnumr/ecoindex_python,
2023). No browser needed."""

from __future__ import annotations

import pytest

from .ecoindex import QUANTILES_DOM, QUANTILES_REQUESTS, QUANTILES_SIZE_KB, ecoindex, quantile


@pytest.mark.parametrize(
    ("bounds", "value", "expected"),
    [
        (QUANTILES_SIZE_KB, 2500, 14.086372025739513),
        (QUANTILES_DOM, 150, 2.892857142857143),
        (QUANTILES_REQUESTS, 23, 2.8),
        (QUANTILES_SIZE_KB, 310182.902, 20),  # past the last bound: the worst
        (QUANTILES_DOM, 0, 0),
        (QUANTILES_DOM, 47, 1),  # on a bound: exactly its rank
    ],
)
def test_quantile_interpolates_within_the_published_bounds(bounds, value, expected) -> None:
    assert quantile(bounds, value) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("dom", "requests", "size_kb", "score", "grade"),
    [
        (100, 100, 100, 72, "B"),
        (100, 100, 1000, 67, "C"),
        (100, 100, 10000, 58, "C"),
        (200, 200, 10000, 46, "D"),
        (2355, 267, 2493, 10, "G"),
        (240, 20, 331, 83, "A"),
        (2240, 100, 310182.902, 16, "F"),
    ],
)
def test_ecoindex_matches_published_scores(dom, requests, size_kb, score, grade) -> None:
    result = ecoindex(dom=dom, requests=requests, size_kb=size_kb)
    assert (result.score, result.grade) == (score, grade)


def test_a_light_page_of_this_product_scores_well_and_a_long_one_does_not() -> None:
    # The figures issue 12 reported: about 660 elements, 4 requests, 60 KB → 70; a short page
    # of 250 elements → above 85.
    assert ecoindex(dom=660, requests=4, size_kb=60).score == 70
    assert ecoindex(dom=250, requests=4, size_kb=40).score >= 85


def test_a_negative_measure_is_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        quantile(QUANTILES_DOM, -1)


@pytest.mark.parametrize(
    ("score", "grade"),
    [(100, "A"), (81, "A"), (80, "B"), (50.2, "D"), (25, "F"), (10, "G"), (2, "G")],
)
def test_grade_is_the_first_threshold_the_score_exceeds(score, grade) -> None:
    from .ecoindex import grade as grade_of

    assert grade_of(score) == grade
