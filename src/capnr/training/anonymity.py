"""The self-assessment's results by group, never for fewer than ``MINIMUM_GROUP`` people.

Pure Python (no Django), so every rule is unit-tested without a database.

The finest groups are the cells "one site × one department" (either may be unknown: the agent
did not say). A cell with fewer than ``MINIMUM_GROUP`` answers is **left out of every figure**,
not only hidden in its own row: a site's figure and a department's figure are sums of cells, and
if small cells were counted in them, subtracting one shown figure from another (a site with and
without a department filter, say) would give the answers of those few people. Made only of cells
of 5 or more, any shown figure differs from any other by 0 or by 5 people or more, whatever the
filters. The answers left out are counted, and the page says so.

Results are also meant to be read once the campaign is closed (the pages do so): figures that
change while a campaign is open would tell a watcher what the last person answered."""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

MINIMUM_GROUP = 5


class Withheld(StrEnum):
    """Why a group's figures are not shown."""

    NO_ANSWER = "no_answer"  # nobody of this group answered
    TOO_FEW = "too_few"  # fewer than MINIMUM_GROUP answers, or only in cells that small


@dataclass(frozen=True)
class Answer:
    """One agent's answers: where they said they work, and a level per question."""

    site: Hashable | None
    department: Hashable | None
    levels: Mapping[str, int]


@dataclass(frozen=True)
class GroupResult:
    """One group's figures: ``shares[question][level]`` is the share (0..1) of the group's
    answers to that question at that level. ``withheld`` says why there are none."""

    key: Hashable | None
    size: int = 0  # answers counted (0 when withheld)
    left_out: int = 0  # answers of this group left out because their cell is too small
    withheld: Withheld | None = None
    shares: dict[str, dict[int, float]] = field(default_factory=dict)

    @property
    def shown(self) -> bool:
        return self.withheld is None


@dataclass(frozen=True)
class Breakdown:
    total: GroupResult  # everyone the filters keep
    groups: list[GroupResult]  # by site or by department, within the filters
    left_out: int  # answers within the filters left out (their cell is too small)


def _cell(answer: Answer) -> tuple[Hashable | None, Hashable | None]:
    return (answer.site, answer.department)


def _shares(
    answers: Sequence[Answer], questions: Sequence[str], levels: Sequence[int]
) -> dict[str, dict[int, float]]:
    shares: dict[str, dict[int, float]] = {}
    for question in questions:
        counts = Counter(answer.levels[question] for answer in answers if question in answer.levels)
        answered = sum(counts.values())
        shares[question] = {
            level: (counts[level] / answered if answered else 0.0) for level in levels
        }
    return shares


def _group(
    key: Hashable | None,
    within: Sequence[Answer],
    kept: Sequence[Answer],
    questions: Sequence[str],
    levels: Sequence[int],
    minimum: int,
) -> GroupResult:
    left_out = len(within) - len(kept)
    if not within:
        return GroupResult(key, withheld=Withheld.NO_ANSWER)
    if len(kept) < minimum:  # only small cells (kept is then empty), or a minimum raised
        return GroupResult(key, left_out=len(within), withheld=Withheld.TOO_FEW)
    return GroupResult(
        key, size=len(kept), left_out=left_out, shares=_shares(kept, questions, levels)
    )


def breakdown(
    answers: Iterable[Answer],
    *,
    questions: Sequence[str],
    levels: Sequence[int],
    by: str,
    site: Hashable | None = None,
    department: Hashable | None = None,
    minimum: int = MINIMUM_GROUP,
) -> Breakdown:
    """The figures of everyone the filters keep (``site``, ``department``: None keeps all),
    and of each group of them by ``by`` ("site" or "department"), answers of cells under
    ``minimum`` left out of every figure (see the module's docstring)."""
    if by not in ("site", "department"):
        raise ValueError(f"Results are grouped by site or by department, not by {by!r}.")
    if minimum < 1:
        raise ValueError(f"The smallest group shown must be at least 1 person, not {minimum}.")
    everyone = list(answers)
    cell_sizes = Counter(_cell(answer) for answer in everyone)
    within = [
        answer
        for answer in everyone
        if (site is None or answer.site == site)
        and (department is None or answer.department == department)
    ]
    kept = [answer for answer in within if cell_sizes[_cell(answer)] >= minimum]
    total = _group(None, within, kept, questions, levels, minimum)
    keys = sorted(
        {getattr(answer, by) for answer in within}, key=lambda key: (key is None, str(key))
    )
    groups = [
        _group(
            key,
            [answer for answer in within if getattr(answer, by) == key],
            [answer for answer in kept if getattr(answer, by) == key],
            questions,
            levels,
            minimum,
        )
        for key in keys
    ]
    return Breakdown(total=total, groups=groups, left_out=len(within) - len(kept))
