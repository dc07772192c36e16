"""The EcoIndex of a page, from its DOM element count, its requests and the kilobytes it
transfers: our own few lines of the published method, so the suite depends on no package.

Method (GreenIT / Collectif Conception Numérique Responsable, "EcoIndex: comment ça marche",
https://ecoindex.fr/comment-ca-marche, version 3 of the method, 2022): each of the three
measures is placed in its quantile of the HTTP Archive population (500,000 URLs), interpolated
linearly between the bounds of its interval, giving q between 0 and 20; then

    score = 100 - 5 * (3 * q_dom + 2 * q_requests + q_size) / 6

(the DOM counts three times, the requests twice, the size once), rounded to a whole number.
The grade is the first letter whose threshold the score exceeds: A > 80, B > 70, C > 55,
D > 40, E > 25, F > 10, else G.

The quantile bounds and grade thresholds below are the published figures, as listed in the
reference file https://github.com/cnumr/ecoindex_reference (ecoindex_reference.json, 2023) and
in GreenIT-Analysis (https://github.com/cnumr/GreenIT-Analysis, script/ecoIndex.js). The DOM
count is document.getElementsByTagName('*').length, as EcoIndex's own measure takes it; the size
is in KB (1,024 bytes) transferred. The `ecoindex` / `ecoindex-compute` packages implement the
same method under CC BY-NC-ND, a licence unfit for this project: nothing here comes from them.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

QUANTILES_DOM: tuple[float, ...] = (
    0, 47, 75, 159, 233, 298, 358, 417, 476, 537, 603,
    674, 753, 843, 949, 1076, 1237, 1459, 1801, 2479, 594601,
)  # fmt: skip
QUANTILES_REQUESTS: tuple[float, ...] = (
    0, 2, 15, 25, 34, 42, 49, 56, 63, 70, 78,
    86, 95, 105, 117, 130, 147, 170, 205, 281, 3920,
)  # fmt: skip
QUANTILES_SIZE_KB: tuple[float, ...] = (
    0, 1.37, 144.7, 319.53, 479.46, 631.97, 783.38, 937.91, 1098.62, 1265.47, 1448.32,
    1648.27, 1876.08, 2142.06, 2465.37, 2866.31, 3401.59, 4155.73, 5400.08, 8037.54, 223212.26,
)  # fmt: skip
GRADES: tuple[tuple[str, float], ...] = (
    ("A", 80), ("B", 70), ("C", 55), ("D", 40), ("E", 25), ("F", 10),
)  # fmt: skip


def quantile(bounds: Sequence[float], value: float) -> float:
    """Where value falls among the bounds, interpolated within its interval: 0 at the first
    bound, i at bound i, and len(bounds) - 1 (the worst) at or past the last."""
    if value < bounds[0]:
        raise ValueError(f"a page measure cannot be negative: {value}")
    i = bisect_right(bounds, value)
    if i >= len(bounds):
        return float(len(bounds) - 1)
    low, high = bounds[i - 1], bounds[i]
    return i - 1 + (value - low) / (high - low)


@dataclass(frozen=True)
class EcoIndex:
    score: int
    grade: str


def grade(score: float) -> str:
    for letter, threshold in GRADES:
        if score > threshold:
            return letter
    return "G"


def ecoindex(*, dom: int, requests: int, size_kb: float) -> EcoIndex:
    """The EcoIndex (0-100, and its grade) of a page with `dom` elements that made `requests`
    requests and transferred `size_kb` KB."""
    weighted = (
        3 * quantile(QUANTILES_DOM, dom)
        + 2 * quantile(QUANTILES_REQUESTS, requests)
        + quantile(QUANTILES_SIZE_KB, size_kb)
    )
    score = round(100 - 5 * weighted / 6)
    return EcoIndex(score, grade(score))
