"""The anonymous benchmarks' rules, without a database: quartiles, the threshold of five, and the
differencing guard (two groups that differ by one to four organisations are never both shown)."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from capnr.peers.benchmarks import (
    ANY,
    DIFFERENCING,
    MINIMUM_GROUP,
    TOO_FEW,
    GroupKey,
    Quartiles,
    every_group,
    quartiles,
    release,
    size_bracket,
    size_distance,
)


def test_quartiles_interpolate_between_order_statistics_type_7():
    # Sorted 10, 20, 30, 40, 50: h = 4 p -> 20, 30, 40.
    assert quartiles([50, 10, 40, 20, 30]) == Quartiles(q1=20.0, median=30.0, q3=40.0, count=5)
    # Six values 1..6: h = 5 p -> 1 + 1.25 = 2.25, 3.5, 4.75.
    assert quartiles([6, 5, 4, 3, 2, 1]) == Quartiles(q1=2.25, median=3.5, q3=4.75, count=6)


def test_quartiles_refuse_fewer_than_five_values_and_non_numbers():
    with pytest.raises(ValueError, match="at least 5"):
        quartiles([1.0, 2.0, 3.0, 4.0])
    with pytest.raises(ValueError, match="finite"):
        quartiles([1.0, 2.0, 3.0, 4.0, math.nan])


def test_an_organisation_sees_its_quartile_not_its_rank():
    q = Quartiles(q1=20.0, median=30.0, q3=40.0, count=9)
    assert [q.quartile_of(v) for v in (5, 20, 25, 30, 35, 40, 41)] == [1, 1, 2, 2, 3, 3, 4]


def test_size_brackets_and_distance():
    assert [size_bracket(h) for h in (None, 0, 1, 49, 50, 249, 250, 999, 1000, 90000)] == [
        ANY,
        ANY,
        "under_50",
        "under_50",
        "50_249",
        "50_249",
        "250_999",
        "250_999",
        "1000_plus",
        "1000_plus",
    ]
    assert size_distance(900, 1200) < size_distance(900, 200)
    assert size_distance(None, 10) == math.inf


def values_for(ids):
    return {member: float(index * 10) for index, member in enumerate(sorted(ids), start=1)}


def test_a_group_of_four_is_withheld_with_its_reason():
    groups = {GroupKey("cohort:1"): {1, 2, 3, 4}}
    answer = release(groups, values_for({1, 2, 3, 4}))[GroupKey("cohort:1")]
    assert not answer.released and answer.withheld == TOO_FEW and answer.count == 4


def test_members_without_the_figure_do_not_count():
    groups = {GroupKey("cohort:1"): set(range(1, 9))}
    answer = release(groups, values_for({1, 2, 3, 4}))[GroupKey("cohort:1")]
    assert answer.withheld == TOO_FEW and answer.count == 4


def test_a_filter_that_isolates_one_organisation_is_withheld():
    """Nine state services and one commune: the commune's figure is never shown alone, and the
    coalition (ten) beside the state services (nine) would give it by difference."""
    kinds = {member: "state_service" for member in range(1, 10)} | {10: "commune"}
    sizes = dict.fromkeys(range(1, 11), "250_999")
    groups = every_group({"coalition:1": set(range(1, 11))}, kinds, sizes)
    answers = release(groups, values_for(set(range(1, 11))))
    assert answers[GroupKey("coalition:1", kind="commune")].withheld == TOO_FEW
    everyone = answers[GroupKey("coalition:1")]
    state = answers[GroupKey("coalition:1", kind="state_service")]
    assert everyone.released
    assert not state.released and state.withheld == DIFFERENCING
    assert state.compared_with == GroupKey("coalition:1")
    # Every size filter gives the same ten organisations as "any size": identical, so shown.
    assert answers[GroupKey("coalition:1", size="250_999")].released


def test_two_scopes_that_differ_by_one_organisation_are_not_both_shown():
    """The instance holds the coalition's six organisations and one more: comparing the two
    would give that one's figure."""
    groups = {GroupKey("instance"): set(range(1, 8)), GroupKey("coalition:1"): set(range(1, 7))}
    answers = release(groups, values_for(set(range(1, 8))))
    assert answers[GroupKey("instance")].released
    assert answers[GroupKey("coalition:1")].withheld == DIFFERENCING


def test_groups_differing_by_five_or_more_are_both_shown():
    groups = {GroupKey("instance"): set(range(1, 12)), GroupKey("coalition:1"): set(range(1, 7))}
    answers = release(groups, values_for(set(range(1, 12))))
    assert answers[GroupKey("instance")].released and answers[GroupKey("coalition:1")].released


def test_same_sized_groups_swapping_one_organisation_are_not_both_shown():
    """{1..5, 6} and {1..5, 7}: the same size, but comparing them tells 6 from 7."""
    a, b = GroupKey("cohort:1"), GroupKey("cohort:2")
    answers = release({a: {1, 2, 3, 4, 5, 6}, b: {1, 2, 3, 4, 5, 7}}, values_for(range(1, 8)))
    assert answers[a].released != answers[b].released


def test_the_plain_scopes_win_over_narrowed_ones():
    """A filtered group never takes the place of the unfiltered one it clashes with."""
    kinds = dict.fromkeys(range(1, 7), "commune") | {7: "epci"}
    groups = every_group({"cohort:1": set(range(1, 8))}, kinds, {})
    answers = release(groups, values_for(range(1, 8)))
    assert answers[GroupKey("cohort:1")].released
    assert answers[GroupKey("cohort:1", kind="commune")].withheld == DIFFERENCING


def test_the_answer_does_not_depend_on_the_order_the_groups_are_given():
    groups = every_group(
        {"instance": set(range(1, 15)), "coalition:1": set(range(1, 10)), "cohort:1": {1, 2, 3}},
        {m: ("commune" if m % 3 else "epci") for m in range(1, 15)},
        {m: ("50_249" if m % 2 else "250_999") for m in range(1, 15)},
    )
    values = values_for(range(1, 15))
    forward = release(groups, values)
    backward = release(dict(reversed(list(groups.items()))), values)
    assert forward == backward


@st.composite
def populations(draw):
    size = draw(st.integers(min_value=0, max_value=30))
    members = list(range(size))
    scopes = {
        f"cohort:{n}": set(draw(st.lists(st.sampled_from(members), max_size=size)))
        if members
        else set()
        for n in range(draw(st.integers(min_value=1, max_value=4)))
    }
    scopes["instance"] = set(members)
    kinds = {m: draw(st.sampled_from(["commune", "epci", "state_service"])) for m in members}
    sizes = {m: draw(st.sampled_from(["under_50", "50_249", ANY])) for m in members}
    having = draw(st.sets(st.sampled_from(members))) if members else set()
    values = {m: float(draw(st.integers(0, 100))) for m in having}
    return every_group(scopes, kinds, sizes), values


@settings(max_examples=150)
@given(populations())
def test_no_two_released_groups_differ_by_one_to_four_and_none_is_under_five(population):
    groups, values = population
    answers = release(groups, values)
    shown = [
        frozenset(m for m in groups[key] if m in values) for key, a in answers.items() if a.released
    ]
    assert all(len(group) >= MINIMUM_GROUP for group in shown)
    for i, first in enumerate(shown):
        for second in shown[i + 1 :]:
            assert not 0 < len(first ^ second) < MINIMUM_GROUP
    for key, answer in answers.items():
        if answer.released:
            members = [values[m] for m in groups[key] if m in values]
            assert answer.quartiles == quartiles(members)


def test_the_benchmarks_module_is_pure_python():
    import ast
    from pathlib import Path

    import capnr.peers.benchmarks as module

    tree = ast.parse(Path(module.__file__).read_text())
    imported = {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    } | {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert not {name for name in imported if name.split(".")[0] in {"django", "capnr"}}
