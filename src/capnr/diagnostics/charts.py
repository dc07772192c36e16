"""The self-diagnostic's radar: scores per theme, this year and last, as accessible SVG rendered
on the server (the shared frame, palette and escaping are in `capnr.core.charts`, which says how
the markup may be inserted). The second series is dashed with square markers, so no information
is carried by colour alone."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from capnr.core import charts
from capnr.core.charts import (
    BRAND,
    CHAR_WIDTH,
    INK,
    LABEL_CHAR_WIDTH,
    LABEL_SIZE,
    LINE,
    MUTED,
    WARN,
    WHITE,
    WIDTH,
    check_id,
    format_number,
    max_chars,
    num,
    svg,
)

__all__ = ["radar_chart"]

RADAR_RADIUS = 130  # outer ring (the maximum), in viewBox units
RADAR_MIN_AXES = 3
RADAR_MAX_AXES = 12
RADAR_COLORS = (BRAND, WARN)  # current series, previous series
RADAR_RINGS = (0.25, 0.5, 0.75, 1.0)  # grid rings, as shares of `maximum`
AXIS_NUMBER_SIZE = 13
RING_LABEL_SIZE = 10
KEY_LINE = 18  # line pitch of the numbered key under the radar
KEY_GAP = 4  # extra space between two entries of the key
LEGEND_ROW = 22


def _score(value: object, maximum: float) -> float | None:
    """A value clamped to 0..`maximum`, or None when it is missing or not a finite number."""
    if value is None:
        return None
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    if not math.isfinite(number):
        return None
    return min(max(number, 0.0), maximum)


def _radar_marker(shape: int, x: float, y: float, color: str, *, hollow: bool) -> str:
    """A circle for the first series, a square for the second; hollow for "not scored"."""
    paint = (
        f'fill="{WHITE}" stroke="{color}" stroke-width="1.5"'
        if hollow
        else f'fill="{color}" stroke="{WHITE}"'
    )
    if shape == 0:
        return f'<circle cx="{num(x)}" cy="{num(y)}" r="3.5" {paint}/>'
    return f'<rect x="{num(x - 3.5)}" y="{num(y - 3.5)}" width="7" height="7" {paint}/>'


def _radar_line(shape: int, color: str) -> str:
    """Stroke attributes of a series: solid for the first, dashed for the second."""
    dash = ' stroke-dasharray="6 4"' if shape else ""
    return f'stroke="{color}" stroke-width="2" stroke-linejoin="round"{dash}'


def _checked_scores(
    axes: Sequence[str],
    series: Sequence[tuple[str, Sequence[float | None]]],
    maximum: float,
) -> tuple[float, list[list[float | None]]]:
    """The radar's top (`maximum` as a float) and each series' values clamped to 0..top (None
    where not scored); raises ValueError on the shapes `radar_chart` refuses."""
    count = len(axes)
    if count < RADAR_MIN_AXES:
        raise ValueError(
            f"a radar chart needs at least {RADAR_MIN_AXES} axes, got {count}:"
            " show fewer values with bar_chart"
        )
    if count > RADAR_MAX_AXES:
        raise ValueError(f"a radar chart takes at most {RADAR_MAX_AXES} axes, got {count}")
    if not 1 <= len(series) <= len(RADAR_COLORS):
        raise ValueError(f"a radar chart shows 1 or {len(RADAR_COLORS)} series, got {len(series)}")
    try:
        top = float(maximum)
    except (TypeError, ValueError):
        top = math.nan
    if not (math.isfinite(top) and top > 0):
        raise ValueError(f"maximum must be a positive number, got {maximum!r}")
    scores: list[list[float | None]] = []
    for index, (label, values) in enumerate(series):
        if len(values) != count:
            raise ValueError(
                f"series {index} ({label!r}) has {len(values)} values for {count} axes"
            )
        scores.append([_score(value, top) for value in values])
    return top, scores


def _radar_legend(
    series: Sequence[tuple[str, Sequence[float | None]]],
    scores: Sequence[Sequence[float | None]],
    not_scored_label: str,
) -> tuple[list[str], float]:
    """The legend above the radar and its height: one entry per named series, and one for the
    hollow marker when a value is not scored. On one row when it fits, else one entry a row."""
    entries: list[tuple[str, str]] = []
    for shape, (label, _) in enumerate(series):
        color = RADAR_COLORS[shape]
        sample = (
            f'<path d="M0 0h24" fill="none" {_radar_line(shape, color)}/>'
            f"{_radar_marker(shape, 12, 0, color, hollow=False)}"
        )
        if charts.text(label):
            entries.append((sample, str(label)))
    missing = [shape for shape, values in enumerate(scores) if None in values]
    if missing:
        sample = "".join(
            _radar_marker(shape, 6 + 12 * n, 0, RADAR_COLORS[shape], hollow=True)
            for n, shape in enumerate(missing)
        )
        entries.append((sample, not_scored_label))
    sample_room, entry_gap = 30, 16
    widths = [
        sample_room + len(charts.one_line(text)) * LABEL_SIZE * LABEL_CHAR_WIDTH
        for _, text in entries
    ]
    one_row = sum(widths) + entry_gap * (len(widths) - 1) <= WIDTH
    legend, x, y = [], 0.0, 0.0
    for (sample, text), width in zip(entries, widths, strict=True):
        chars = max_chars(WIDTH - sample_room, LABEL_SIZE)
        legend.append(
            f'<g transform="translate({num(x)} {num(y + 9)})">{sample}</g>'
            f'<text x="{num(x + sample_room)}" y="{num(y + 14)}">{charts.text(text, chars)}</text>'
        )
        if one_row:
            x += width + entry_gap
        else:
            y += LEGEND_ROW
    legend_height = (LEGEND_ROW if one_row else y) if entries else 0.0
    return legend, legend_height


class _RadarFrame:
    """Where the radar sits: axis k at angle 2πk/N, clockwise from straight up, around a centre
    placed under the legend. Each axis number sits outside the outer ring, pushed out along its
    spoke by half its extent in that direction, so the frame also knows the radar's bottom."""

    def __init__(self, count: int, legend_height: float) -> None:
        self.count = count
        self.radius = RADAR_RADIUS
        self.number_height = AXIS_NUMBER_SIZE * 0.72  # digits are about cap height
        self.angles = [2 * math.pi * k / count for k in range(count)]
        self.number_distances = [
            self.radius
            + 6
            + abs(math.sin(angle)) * len(str(k + 1)) * AXIS_NUMBER_SIZE * CHAR_WIDTH / 2
            + abs(math.cos(angle)) * self.number_height / 2
            for k, angle in enumerate(self.angles)
        ]
        # Vertical extent above and below the centre (odd counts are not symmetric).
        pairs = list(zip(self.number_distances, self.angles, strict=True))
        above = max(distance * math.cos(angle) for distance, angle in pairs)
        self.below = max(-distance * math.cos(angle) for distance, angle in pairs)
        self.cx = WIDTH / 2
        self.cy = legend_height + 4 + above + self.number_height / 2

    @property
    def bottom(self) -> float:
        return self.cy + self.below + self.number_height / 2 + 4

    def point(self, k: int, r: float) -> tuple[float, float]:
        return self.cx + r * math.sin(self.angles[k]), self.cy - r * math.cos(self.angles[k])

    def ring(self, r: float) -> str:
        corners = [self.point(k, r) for k in range(self.count)]
        return "M" + "L".join(f"{num(x)} {num(y)}" for x, y in corners) + "Z"


def _radar_grid(frame: _RadarFrame, top: float, number_format: Callable[[float], str]) -> list[str]:
    """Spokes, rings and ring labels. The labels sit just right of the first spoke, under each
    ring (so that "100" does not run into the axis number "1"), with a white halo over the grid
    lines."""
    radius, cx, cy = frame.radius, frame.cx, frame.cy
    inner_rings = "".join(frame.ring(radius * share) for share in RADAR_RINGS[:-1])
    spokes = "".join(
        f"M{num(cx)} {num(cy)}L{num(x)} {num(y)}"
        for x, y in (frame.point(k, radius) for k in range(frame.count))
    )
    grid = [
        f'<path d="{spokes}{inner_rings}" fill="none" stroke="{LINE}"/>',
        f'<path d="{frame.ring(radius)}" fill="none" stroke="{MUTED}" stroke-width="1"/>',
        f'<g fill="{MUTED}" font-size="{RING_LABEL_SIZE}" stroke="{WHITE}" stroke-width="3"'
        ' stroke-linejoin="round" paint-order="stroke">',
    ]
    for share in RADAR_RINGS:
        grid.append(
            f'<text x="{num(cx + 3)}" y="{num(cy - radius * share + RING_LABEL_SIZE + 1)}">'
            f"{charts.text(number_format(top * share))}</text>"
        )
    grid.append("</g>")
    return grid


def _radar_series(
    frame: _RadarFrame, scores: Sequence[Sequence[float | None]], top: float
) -> list[str]:
    """The series' polygons then their markers, the previous series first so that the current
    one is drawn on top; a value not scored sits at the centre with a hollow marker."""
    polygons, markers = [], []
    for shape in reversed(range(len(scores))):
        values = scores[shape]
        color = RADAR_COLORS[shape]
        corners = [
            frame.point(k, frame.radius * (value or 0.0) / top) for k, value in enumerate(values)
        ]
        fill = f'fill="{color}" fill-opacity="0.15"' if shape == 0 else 'fill="none"'
        polygons.append(
            f'<polygon points="{" ".join(f"{num(x)},{num(y)}" for x, y in corners)}"'
            f" {fill} {_radar_line(shape, color)}/>"
        )
        for (x, y), value in zip(corners, values, strict=True):
            markers.append(_radar_marker(shape, x, y, color, hollow=value is None))
    return polygons + markers


def _axis_numbers(frame: _RadarFrame) -> list[str]:
    """The numbers 1 to N at the end of the spokes (theme names do not fit around the radar)."""
    numbers = []
    for k, distance in enumerate(frame.number_distances):
        x, y = frame.point(k, distance)
        numbers.append(f'<text x="{num(x)}" y="{num(y + frame.number_height / 2)}">{k + 1}</text>')
    return [
        f'<g fill="{INK}" font-size="{AXIS_NUMBER_SIZE}" font-weight="bold" text-anchor="middle">',
        *numbers,
        "</g>",
    ]


def _axis_key(axes: Sequence[str], top_y: float) -> tuple[list[str], float]:
    """The numbered key under the radar, from `top_y`: each axis name wrapped on two lines
    (then cut with "…") beside its number; returns the markup and the y where it ends."""
    number_x, name_x = 18, 26
    chars = max_chars(WIDTH - name_x, LABEL_SIZE)
    key_numbers, key_names = [], []
    y = top_y
    for k, axis in enumerate(axes):
        lines = charts.wrap(axis, chars)
        key_numbers.append(f'<text x="{number_x}" y="{num(y + LABEL_SIZE)}">{k + 1}</text>')
        for line in lines:
            key_names.append(f'<text x="{name_x}" y="{num(y + LABEL_SIZE)}">{line}</text>')
            y += KEY_LINE
        y += KEY_GAP
    key = [
        f'<g fill="{INK}" font-size="{LABEL_SIZE}">',
        '<g font-weight="bold" text-anchor="end">',
        *key_numbers,
        "</g>",
        *key_names,
        "</g>",
    ]
    return key, y


def radar_chart(
    chart_id: str,
    title: str,
    description: str,
    axes: Sequence[str],
    series: Sequence[tuple[str, Sequence[float | None]]],
    *,
    maximum: float = 100.0,
    key: bool = True,
    not_scored_label: str = "Non évalué",
    number_format: Callable[[float], str] = format_number,
    css_class: str = "chart",
) -> str:
    """Scores on 3 to 12 `axes` (e.g. the themes of the self-diagnostic), for one or two
    `series` of `(label, values)`: this year, and optionally last year to compare.

    The axes start straight up and go clockwise. They are numbered 1 to N at the end of their
    spokes, because theme names do not fit around a 320 px radar; with `key` (the default) a
    numbered key under the radar gives the names (wrapped on two lines, then cut with "…").
    Pass `key=False` when the page's data table next to the chart already numbers the themes.

    Grid rings mark 25, 50, 75 and 100 % of `maximum`, with faint labels (`number_format`).
    The first series is a solid green line over a light fill, with round markers; the second a
    dashed brown line with square markers, so they differ without colour. A legend above the
    radar names each series by its label (series with an empty label get no entry).

    Values are clamped to 0..`maximum`. A value of None (not scored), NaN or infinity is drawn
    at the centre with a hollow marker, and the legend then explains it with `not_scored_label`.

    Raises ValueError for fewer than 3 or more than 12 axes, for no series or more than two,
    for a series whose number of values differs from the number of axes, and for a `maximum`
    that is not a positive number.

    Returns SVG markup with every piece of text escaped: mark it safe with
    `django.utils.safestring.mark_safe` to insert it in a template. `chart_id` must be unique in
    the page.
    """
    check_id(chart_id)
    top, scores = _checked_scores(axes, series, maximum)
    legend, legend_height = _radar_legend(series, scores, not_scored_label)
    frame = _RadarFrame(len(axes), legend_height)
    body = [
        f'<g fill="{INK}" font-size="{LABEL_SIZE}">',
        *legend,
        "</g>",
        *_radar_grid(frame, top, number_format),
        *_radar_series(frame, scores, top),
        *_axis_numbers(frame),
    ]
    key_markup, height = _axis_key(axes, frame.bottom + 12) if key else ([], frame.bottom)
    body += key_markup
    return svg(
        chart_id=chart_id,
        title=title,
        description=description,
        height=height,
        body=body,
        css_class=css_class,
    )
