"""Anonymous benchmarks: quartiles of one figure over groups of organisations, released only when
no organisation's own figure can be read from them. Pure Python, no Django: the callers hand in
the groups (sets of organisation ids) and the figures (id -> value).

**Figures.** For a group of n organisations with a figure, the first quartile, the median and the
third quartile by linear interpolation between order statistics (``statistics.quantiles``,
method ``"inclusive"``, Hyndman & Fan type 7, the default of numpy and R): the p-quantile is
``x[h] + (h - floor(h)) * (x[h+1] - x[h])`` with ``h = (n - 1) * p`` over the sorted values.
An organisation's position is its quartile (1 to 4), never its rank.

**Rule 1, the threshold.** A group counts the organisations that *have* the figure (a submitted
diagnostic, a footprint) and did not opt out. Below :data:`MINIMUM_GROUP` (5) nothing is
released: the figure is withheld with the reason ``too_few``.

**Rule 2, differencing.** Two groups a viewer can request (a cohort, a coalition, the whole
instance, each narrowed by organisation kind and size bracket) whose *difference* — the
organisations in one and not the other, both ways (symmetric difference) — counts between 1 and
4 organisations are never both released: comparing them would tell those few organisations'
figures (with one, exactly its quartile band or more). Identical groups (difference 0) may both
be shown: they give the same figures.

The rule is applied **once over every group anyone can request** (every cohort and coalition of
the instance and the instance itself, crossed with every kind and size bracket, "any" included),
not per viewer or per request, so that the set of released groups is the same whoever asks and
whatever filters they choose: two viewers of different cohorts comparing notes, or one viewer
trying one filter after another, see no two groups that differ by fewer than five. Groups are
considered in a fixed order — fewer filters first (the plain cohort, coalition and instance come
before any narrowing), then larger first, then by key — and a group is released when it has at
least five organisations and differs by 0 or by 5 or more from every group released before it;
otherwise it is withheld with the reason ``differencing`` and the group it would be compared to.

**What it does not cover** (said in docs/methodology/peers.*.md): figures that change over
time (a viewer who notes a group's figures before and after one organisation joins it), unions
of three or more groups, and what a viewer knows of their own figure (in a group of five, four
others remain). The threshold and the fixed order keep the first two hard, not impossible.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Collection, Hashable, Mapping
from dataclasses import dataclass

MINIMUM_GROUP = 5
TOO_FEW = "too_few"
DIFFERENCING = "differencing"
OPTED_OUT = "opted_out"

ANY = ""  # a filter left open

# Size brackets by headcount (agents), upper bounds exclusive; None: not known.
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
        return ANY
    for bracket, low, high in SIZE_BRACKETS:
        if low <= headcount < high:
            return bracket
    raise ValueError(f"Headcount {headcount} is in no size bracket.")


def size_distance(a: int | None, b: int | None) -> float:
    """How far apart two organisations' sizes are: the distance of the logarithms of their
    headcounts (a commune of 900 agents is nearer one of 1,200 than one of 200); infinite when
    one is not known."""
    if not a or not b:
        return math.inf
    return abs(math.log(a) - math.log(b))


@dataclass(frozen=True)
class GroupKey:
    """A group a viewer can request: a scope ("instance", "cohort:12", "coalition:3") narrowed
    by an organisation kind and a size bracket (``ANY``: not narrowed)."""

    scope: str
    kind: str = ANY
    size: str = ANY

    @property
    def filters(self) -> int:
        return (self.kind != ANY) + (self.size != ANY)


@dataclass(frozen=True)
class Quartiles:
    q1: float
    median: float
    q3: float
    count: int

    def quartile_of(self, value: float) -> int:
        """1 at or below the first quartile, 2 up to the median, 3 up to the third, 4 above."""
        if value <= self.q1:
            return 1
        if value <= self.median:
            return 2
        if value <= self.q3:
            return 3
        return 4


@dataclass(frozen=True)
class Release:
    """What may be shown of one group: its quartiles, or why they are withheld."""

    key: GroupKey
    count: int
    quartiles: Quartiles | None = None
    withheld: str = ""  # TOO_FEW or DIFFERENCING when quartiles is None
    compared_with: GroupKey | None = None  # the released group it differs too little from

    @property
    def released(self) -> bool:
        return self.quartiles is not None


def quartiles(values: Collection[float], minimum: int = MINIMUM_GROUP) -> Quartiles:
    """First quartile, median and third quartile (type 7, see the module's docstring). Refuses
    fewer than ``minimum`` values and any value that is not a finite number."""
    if len(values) < minimum:
        raise ValueError(f"{len(values)} values: quartiles need at least {minimum}.")
    bad = [value for value in values if not math.isfinite(value)]
    if bad:
        raise ValueError(f"Not a finite number among the values: {bad[0]!r}.")
    q1, median, q3 = statistics.quantiles(sorted(values), n=4, method="inclusive")
    return Quartiles(q1=q1, median=median, q3=q3, count=len(values))


def release(
    groups: Mapping[GroupKey, Collection[Hashable]],
    values: Mapping[Hashable, float],
    minimum: int = MINIMUM_GROUP,
) -> dict[GroupKey, Release]:
    """Which groups may be shown, with their quartiles (rules 1 and 2 of the module's
    docstring). ``groups`` must hold every group anyone can request, not only the viewer's:
    the answer for one group depends on the others. A member without a value does not count."""
    members = {
        key: frozenset(member for member in group if member in values)
        for key, group in groups.items()
    }
    order = sorted(members, key=lambda key: (key.filters, -len(members[key]), _sort_key(key)))
    released: list[GroupKey] = []
    answer: dict[GroupKey, Release] = {}
    for key in order:
        group = members[key]
        if len(group) < minimum:
            answer[key] = Release(key, len(group), withheld=TOO_FEW)
            continue
        clash = _first_clash(group, released, members, minimum)
        if clash is not None:
            answer[key] = Release(key, len(group), withheld=DIFFERENCING, compared_with=clash)
            continue
        released.append(key)
        answer[key] = Release(
            key, len(group), quartiles([values[member] for member in group], minimum)
        )
    return answer


def _sort_key(key: GroupKey) -> tuple[str, str, str]:
    return (key.scope, key.kind, key.size)


def _first_clash(
    group: frozenset[Hashable],
    released: list[GroupKey],
    members: Mapping[GroupKey, frozenset[Hashable]],
    minimum: int,
) -> GroupKey | None:
    """The first released group whose symmetric difference with ``group`` counts between 1 and
    ``minimum - 1`` organisations. Groups whose sizes differ by ``minimum`` or more cannot
    clash, so they are skipped without comparing the sets."""
    for other in released:
        if abs(len(members[other]) - len(group)) >= minimum:
            continue
        difference = len(group ^ members[other])
        if 0 < difference < minimum:
            return other
    return None


def every_group(
    scopes: Mapping[str, Collection[Hashable]],
    kinds: Mapping[Hashable, str],
    sizes: Mapping[Hashable, str],
) -> dict[GroupKey, frozenset[Hashable]]:
    """Every group anyone can request: each scope (id -> members), crossed with every kind and
    size bracket found among its members, and "any" of each."""
    groups: dict[GroupKey, frozenset[Hashable]] = {}
    for scope, scope_members in scopes.items():
        found_kinds = {ANY, *(kinds.get(member, ANY) for member in scope_members)}
        found_sizes = {ANY, *(sizes.get(member, ANY) for member in scope_members)}
        for kind in found_kinds:
            for size in found_sizes:
                groups[GroupKey(scope, kind, size)] = frozenset(
                    member
                    for member in scope_members
                    if (kind == ANY or kinds.get(member) == kind)
                    and (size == ANY or sizes.get(member) == size)
                )
    return groups
