"""The impact/effort matrix of the recommendations, drawn on the server as SVG.

It follows the rules of ``capnr.core.charts`` and reuses its frame and helpers: every piece
of text escaped here (the result is returned already marked safe), no ``style`` attribute,
``role="img"`` named by ``<title>`` and ``<desc>``, everything drawn in a ``<g aria-hidden>``
(the page gives the same figures in a table beside it), a ``viewBox`` 320 units wide with
``width="100%"`` and the site palette. Effort runs left to right (easy, medium, hard), the yearly
effect bottom to top, as a share of the largest effect among the recommended actions (tCO2e or
euros, whichever is larger for the action); actions without a figure sit in a band at the bottom.
Each point carries its number in the table. An action already in the roadmap is a hollow
circle, the others solid: the cue is the shape's fill, and the legend says so, not colour alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from capnr.core import charts
from capnr.core.charts import (
    BRAND,
    BRAND_DARK,
    INK,
    LINE,
    MUTED,
    WHITE,
    WIDTH,
    num,
    svg,
)

__all__ = ["MatrixPoint", "impact_effort_matrix"]

EFFORTS = ("easy", "medium", "hard")
LEFT = 46  # room for the percentages of the vertical axis
RIGHT = WIDTH - 6
TOP = 30
PLOT_HEIGHT = 190
RADIUS = 10
PITCH = 2 * RADIUS + 2  # centre to centre of two neighbouring circles
SLOTS = (0.0, -22.0, 22.0, -11.0, 11.0, -33.0, 33.0)  # sideways places in a column
BAND_LABEL = 18  # the band's label line, above its rows of circles
FONT = 12
COLUMN = (RIGHT - LEFT) / len(EFFORTS)
PER_ROW = max(1, int((COLUMN - 2) // PITCH))  # circles per row of the band, in one column


def _label(key: str) -> str:
    """The chart's words, translated here (xgettext does not read calls inside f-strings)."""
    words = {
        "yearly_effect": _("Yearly effect"),
        "no_figure": _("No figure"),
        "effort": _("Effort"),
        "not_in_the_roadmap": _("Not in the roadmap"),
        "already_in_the_roadmap": _("Already in the roadmap"),
    }
    return words[key]


@dataclass(frozen=True)
class MatrixPoint:
    number: int
    effort: str  # easy, medium, hard
    score: float | None  # share of the largest effect, 0–1; None when not quantified
    in_roadmap: bool


def _band_rows(points: Sequence[MatrixPoint]) -> int:
    counts = [sum(1 for p in points if p.score is None and p.effort == e) for e in EFFORTS]
    return max(1, *(-(-count // PER_ROW) for count in counts))


def _place(points: Sequence[MatrixPoint]) -> list[tuple[MatrixPoint, float, float]]:
    """(point, x, y). Quantified points keep their height (it carries the value) and move
    sideways among a few slots of their column to avoid overlapping; the others fill the rows
    of the bottom band, left to right."""
    bottom = TOP + PLOT_HEIGHT
    placed: list[tuple[MatrixPoint, float, float]] = []
    for index, effort in enumerate(EFFORTS):
        centre = LEFT + COLUMN * (index + 0.5)
        mine = [point for point in points if point.effort == effort]
        quantified = sorted(
            (p for p in mine if p.score is not None), key=lambda p: (-(p.score or 0.0), p.number)
        )
        taken: list[tuple[float, float]] = []
        for point in quantified:
            score = max(0.0, min(1.0, point.score or 0.0))
            y = bottom - RADIUS - score * (PLOT_HEIGHT - 2 * RADIUS)
            best_x, best_gap = centre, -1.0
            for slot in SLOTS:
                x = centre + slot
                gap = min((((x - ox) ** 2 + (y - oy) ** 2) ** 0.5 for ox, oy in taken), default=1e9)
                if gap >= PITCH - 1:
                    best_x = x
                    break
                if gap > best_gap:
                    best_x, best_gap = x, gap
            taken.append((best_x, y))
            placed.append((point, best_x, y))
        others = sorted((p for p in mine if p.score is None), key=lambda p: p.number)
        first = centre - (PER_ROW - 1) * PITCH / 2
        for position, point in enumerate(others):
            row, place = divmod(position, PER_ROW)
            x = first + place * PITCH
            y = bottom + 6 + BAND_LABEL + RADIUS + row * PITCH
            placed.append((point, x, y))
    return placed


def impact_effort_matrix(points: Sequence[MatrixPoint], *, chart_id: str = "matrix") -> SafeString:
    quantified = sum(1 for point in points if point.score is not None)
    title = _("Effect and effort of the recommended actions")
    description = _(
        "%(count)s actions placed by effort (easy, medium, hard, from left to right) and by "
        "yearly effect, as a share of the largest effect (carbon or euros); %(unquantified)s "
        "without a figure sit in the bottom band. Hollow circles are already in the roadmap. "
        "The table beside the chart gives the same actions by number."
    ) % {"count": len(points), "unquantified": len(points) - quantified}
    column = COLUMN
    bottom = TOP + PLOT_HEIGHT
    band_height = 6 + BAND_LABEL + _band_rows(points) * PITCH + 4
    band_bottom = bottom + band_height
    body: list[str] = []
    # Axis title, grid and percentages.
    body.append(
        f'<text x="0" y="{FONT + 2}" font-size="{FONT}" fill="{INK}" font-weight="bold">'
        f"{charts.text(_label('yearly_effect'))}</text>"
    )
    grid = []
    labels = []
    for share in (0.0, 0.5, 1.0):
        y = bottom - RADIUS - share * (PLOT_HEIGHT - 2 * RADIUS)
        grid.append(f"M{LEFT} {num(y)}H{RIGHT}")
        labels.append(
            f'<text x="{LEFT - 6}" y="{num(y + FONT * 0.35)}" text-anchor="end">'
            f"{charts.text(f'{round(share * 100)}' + chr(0xA0) + '%')}</text>"
        )
    for index in range(1, len(EFFORTS)):
        x = LEFT + column * index
        grid.append(f"M{num(x)} {TOP - 6}V{bottom}")  # the band's label line stays clear
        grid.append(f"M{num(x)} {bottom + 6 + BAND_LABEL}V{band_bottom}")
    body.append(f'<path d="{"".join(grid)}" stroke="{LINE}" stroke-width="1" fill="none"/>')
    body.append(
        f'<rect x="{LEFT}" y="{bottom + 4}" width="{num(RIGHT - LEFT)}" '
        f'height="{num(band_height - 4)}" fill="none" stroke="{LINE}" stroke-dasharray="4 3"/>'
    )
    body.append(f'<g font-size="{FONT}" fill="{MUTED}">{"".join(labels)}</g>')
    body.append(
        f'<text x="{LEFT + 4}" y="{num(bottom + 4 + FONT + 2)}" font-size="{FONT - 1}" '
        f'fill="{MUTED}">{charts.text(_label("no_figure"))}</text>'
    )
    # Effort labels.
    names = {"easy": _("Easy"), "medium": _("Medium"), "hard": _("Hard")}
    efforts = []
    for index, effort in enumerate(EFFORTS):
        x = LEFT + column * (index + 0.5)
        efforts.append(
            f'<text x="{num(x)}" y="{band_bottom + FONT + 6}" text-anchor="middle">'
            f"{charts.text(names[effort])}</text>"
        )
    body.append(f'<g font-size="{FONT}" fill="{INK}">{"".join(efforts)}</g>')
    body.append(
        f'<text x="{num((LEFT + RIGHT) / 2)}" y="{band_bottom + 2 * FONT + 12}" '
        f'font-size="{FONT}" fill="{INK}" font-weight="bold" text-anchor="middle">'
        f"{charts.text(_label('effort'))} →</text>"
    )
    # Points.
    circles = []
    for point, x, y in _place(points):
        if point.in_roadmap:
            fill, stroke, ink = WHITE, BRAND_DARK, BRAND_DARK
        else:
            fill, stroke, ink = BRAND, BRAND, WHITE
        circles.append(
            f'<circle cx="{num(x)}" cy="{num(y)}" r="{RADIUS}" fill="{fill}" '
            f'stroke="{stroke}" stroke-width="2"/>'
            f'<text x="{num(x)}" y="{num(y + 4)}" text-anchor="middle" fill="{ink}">'
            f"{charts.text(point.number)}</text>"
        )
    body.append(f'<g font-size="{FONT - 1}" font-weight="bold">{"".join(circles)}</g>')
    # Legend.
    legend_y = band_bottom + 2 * FONT + 34
    body.append(
        f'<g font-size="{FONT}" fill="{INK}">'
        f'<circle cx="{RADIUS}" cy="{legend_y}" r="7" fill="{BRAND}" stroke="{BRAND}" '
        f'stroke-width="2"/>'
        f'<text x="{RADIUS + 14}" y="{num(legend_y + 4)}">'
        f"{charts.text(_label('not_in_the_roadmap'))}</text>"
        f'<circle cx="{RADIUS}" cy="{legend_y + 22}" r="7" fill="{WHITE}" stroke="{BRAND_DARK}" '
        f'stroke-width="2"/>'
        f'<text x="{RADIUS + 14}" y="{num(legend_y + 26)}">'
        f"{charts.text(_label('already_in_the_roadmap'))}</text></g>"
    )
    markup = svg(
        chart_id=chart_id,
        title=title,
        description=description,
        height=legend_y + 34,
        body=body,
        css_class="chart matrix",
    )
    return mark_safe(markup)  # noqa: S308 (every text above went through _text)
