"""An organisation's size bracket, by headcount (agents): how reports and comparisons group
organisations by size. Upper bounds are exclusive; an unknown headcount has no bracket.

``capnr.peers.benchmarks`` keeps the same brackets in its own pure-Python copy (its purity test
forbids any ``capnr`` import); ``organisations/tests/test_sizes.py`` keeps the two equal."""

from __future__ import annotations

import math

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

UNKNOWN = ""

SIZE_BRACKETS: tuple[tuple[str, int, float], ...] = (
    ("under_50", 0, 50),
    ("50_249", 50, 250),
    ("250_999", 250, 1000),
    ("1000_plus", 1000, math.inf),
)
SIZE_BRACKET_IDS = tuple(bracket for bracket, _low, _high in SIZE_BRACKETS)


def size_bracket(headcount: int | None) -> str:
    """The bracket of a headcount: "under_50", "50_249", "250_999", "1000_plus"; "" unknown."""
    if not headcount:
        return UNKNOWN
    for bracket, low, high in SIZE_BRACKETS:
        if low <= headcount < high:
            return bracket
    raise ValueError(f"Headcount {headcount} is in no size bracket.")


def size_labels() -> dict[str, Promise]:
    """Each bracket's words, and the unknown one's."""
    return {
        "under_50": _("fewer than 50 agents"),
        "50_249": _("50 to 249 agents"),
        "250_999": _("250 to 999 agents"),
        "1000_plus": _("1,000 agents or more"),
        UNKNOWN: _("headcount not known"),
    }
