"""The self-assessment's results never show a group of fewer than 5 people, whatever the filters
(pure function, no database)."""

from __future__ import annotations

import pytest

from capnr.training.anonymity import MINIMUM_GROUP, Answer, Withheld, breakdown

QUESTIONS = ("email", "phishing")
LEVELS = (2, 1, 0)


def answers(site: str | None, department: str | None, count: int, email: int = 2) -> list[Answer]:
    return [
        Answer(site=site, department=department, levels={"email": email, "phishing": 1})
        for _ in range(count)
    ]


def run(rows, **options):
    return breakdown(rows, questions=QUESTIONS, levels=LEVELS, **options)


def test_a_group_of_five_is_shown_with_its_shares():
    result = run(answers("Depot", "Roads", 3, email=0) + answers("Depot", "Roads", 2), by="site")
    assert result.total.shown and result.total.size == 5
    assert result.total.shares["email"] == {2: 0.4, 1: 0.0, 0: 0.6}
    assert [group.key for group in result.groups] == ["Depot"]
    assert result.groups[0].size == 5


def test_a_group_of_four_is_withheld_with_the_reason_and_no_figure():
    result = run(answers("Depot", "Roads", 4), by="site")
    assert not result.total.shown
    assert result.total.withheld == Withheld.TOO_FEW
    assert result.total.shares == {} and result.total.size == 0
    assert result.groups[0].withheld == Withheld.TOO_FEW and result.groups[0].shares == {}


def test_a_filter_that_isolates_a_small_group_gets_it_withheld():
    """Depot has 12 answers: 8 from Roads, 4 from Parks. Filtering on Parks would isolate 4."""
    rows = answers("Depot", "Roads", 8) + answers("Depot", "Parks", 4, email=0)
    narrowed = run(rows, by="site", department="Parks")
    assert narrowed.total.withheld == Withheld.TOO_FEW
    assert all(not group.shown for group in narrowed.groups)
    both = run(rows, by="department", site="Depot")
    shown = {group.key: group for group in both.groups}
    assert not shown["Parks"].shown


def test_small_cells_are_left_out_of_every_figure_so_subtraction_reveals_nothing():
    """Without the rule, Depot (12) minus Depot-Roads (8) would give the 4 Parks answers."""
    rows = answers("Depot", "Roads", 8) + answers("Depot", "Parks", 4, email=0)
    whole_site = run(rows, by="site")
    roads_only = run(rows, by="site", department="Roads")
    assert whole_site.total.size == roads_only.total.size == 8
    assert whole_site.total.shares == roads_only.total.shares
    assert whole_site.left_out == 4
    assert whole_site.total.left_out == 4


def _every_view(rows):
    views = {}
    for by in ("site", "department"):
        for site in (None, "Depot", "Office"):
            for department in (None, "Roads", "Parks"):
                result = run(rows, by=by, site=site, department=department)
                for group in [result.total, *result.groups]:
                    views[(by, site, department, group.key)] = group
    return views


def test_answers_of_small_cells_change_no_figure_whatever_the_filters():
    """The answers of cells under 5 (Depot-Parks: 2, Parks without a site: 3, Office without a
    department: 1) are changed; no figure of any view moves, and every shown figure counts 5
    people or more: subtracting figures can reveal nothing about them."""
    big = (
        answers("Depot", "Roads", 6) + answers("Office", "Roads", 5) + answers("Office", "Parks", 7)
    )
    small = answers("Depot", "Parks", 2) + answers(None, "Parks", 3) + answers("Office", None, 1)
    changed = [
        Answer(answer.site, answer.department, {"email": 0, "phishing": 0}) for answer in small
    ]
    before, after = _every_view(big + small), _every_view(big + changed)
    assert before.keys() == after.keys()
    for key, group in before.items():
        assert group.shares == after[key].shares and group.size == after[key].size, key
        assert not group.shown or group.size >= MINIMUM_GROUP, key
    assert any(group.shown for group in before.values())
    assert any(group.withheld == Withheld.TOO_FEW for group in before.values())


def test_groups_are_listed_by_the_chosen_key_unknown_last():
    rows = answers("B", "x", 5) + answers(None, "x", 5) + answers("A", "x", 5)
    assert [group.key for group in run(rows, by="site").groups] == ["A", "B", None]
    assert [group.key for group in run(rows, by="department").groups] == ["x"]


def test_a_filter_with_no_answer_says_so():
    result = run(answers("A", "x", 5), by="site", site="Elsewhere")
    assert result.total.withheld == Withheld.NO_ANSWER and result.groups == []


def test_skipped_questions_count_only_among_those_who_answered():
    rows = [Answer("A", "x", {"email": 0}) for _ in range(5)]
    result = run(rows, by="site")
    assert result.total.shares["email"][0] == 1.0
    assert result.total.shares["phishing"] == {2: 0.0, 1: 0.0, 0: 0.0}


@pytest.mark.parametrize("by", ["person", ""])
def test_grouping_by_anything_but_site_or_department_is_refused(by):
    with pytest.raises(ValueError, match="site or by department"):
        run(answers("A", "x", 5), by=by)
