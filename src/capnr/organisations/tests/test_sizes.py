import pytest

from capnr.organisations import sizes


@pytest.mark.parametrize(
    ("headcount", "bracket"),
    [
        (None, ""),
        (0, ""),
        (1, "under_50"),
        (49, "under_50"),
        (50, "50_249"),
        (249, "50_249"),
        (250, "250_999"),
        (999, "250_999"),
        (1000, "1000_plus"),
        (50_000, "1000_plus"),
    ],
)
def test_a_headcount_falls_in_one_bracket_upper_bounds_exclusive(headcount, bracket):
    assert sizes.size_bracket(headcount) == bracket


def test_every_bracket_and_the_unknown_one_have_words():
    assert set(sizes.size_labels()) == {*sizes.SIZE_BRACKET_IDS, sizes.UNKNOWN}


def test_the_peers_benchmarks_group_by_the_same_brackets():
    """peers.benchmarks is pure Python and keeps its own copy: the two never drift apart."""
    from capnr.peers import benchmarks

    assert benchmarks.SIZE_BRACKETS == sizes.SIZE_BRACKETS
