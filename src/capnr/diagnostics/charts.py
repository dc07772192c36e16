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

RADAR_RADIUS = 130  # outer ring (the maximum) when the names around it allow, in viewBox units
RADAR_MIN_RADIUS = 60  # below this, long names wrap on two lines rather than shrink the radar
RADAR_MIN_AXES = 3
RADAR_MAX_AXES = 12
RADAR_COLORS = (BRAND, WARN)  # current series, previous series
RADAR_RINGS = (0.25, 0.5, 0.75, 1.0)  # grid rings, as shares of `maximum`
AXIS_LABEL_SIZE = 12
AXIS_LINE = 14  # line pitch of a name on two lines
AXIS_GAP = 6  # from the outer ring to a name
AXIS_MARGIN = 2  # kept free at the view box's left and right edges
AXIS_SIDE = 0.2  # |sin| beyond which a name sits beside its point rather than centred on it
RING_LABEL_SIZE = 10
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


def _few_marker(shape: int, x: float, y: float) -> str:
    """A value resting on too few answers: a larger hollow grey marker with a dashed outline, in
    the series' shape (circle or square), apart from the polygon."""
    paint = f'fill="{WHITE}" stroke="{MUTED}" stroke-width="1.5" stroke-dasharray="2 1.5"'
    if shape == 0:
        return f'<circle cx="{num(x)}" cy="{num(y)}" r="5" {paint}/>'
    return f'<rect x="{num(x - 5)}" y="{num(y - 5)}" width="10" height="10" {paint}/>'


def _radar_line(shape: int, color: str) -> str:
    """Stroke attributes of a series: solid for the first, dashed for the second."""
    dash = ' stroke-dasharray="6 4"' if shape else ""
    return f'stroke="{color}" stroke-width="2" stroke-linejoin="round"{dash}'


def _checked_few(
    few: Sequence[Sequence[bool]], series: Sequence[tuple[str, Sequence[float | None]]]
) -> list[list[bool]]:
    """One flag per value of each series (all False when `few` is empty)."""
    if not few:
        return [[False] * len(values) for _, values in series]
    if len(few) != len(series) or any(
        len(flags) != len(values) for flags, (_, values) in zip(few, series, strict=False)
    ):
        raise ValueError("few_answers needs one flag per value of each series")
    return [[bool(flag) for flag in flags] for flags in few]


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
    few: Sequence[Sequence[bool]],
    labels: tuple[str, str],
) -> tuple[list[str], float]:
    """The legend above the radar and its height: one entry per named series, one for the
    hollow marker when a value is not scored, one for the dashed grey marker when a value rests
    on too few answers (`labels`: those two entries' texts). On one row when it fits, else one
    entry a row."""
    not_scored_label, few_label = labels
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
    apart = [
        shape
        for shape, (values, flags) in enumerate(zip(scores, few, strict=True))
        if any(flag and value is not None for value, flag in zip(values, flags, strict=True))
    ]
    if apart:
        sample = "".join(_few_marker(shape, 6 + 13 * n, 0) for n, shape in enumerate(apart))
        entries.append((sample, few_label))
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


class _AxisLabel:
    """An axis name at the end of its spoke: its escaped lines, its anchor, its block height."""

    def __init__(self, lines: list[str], anchor: str) -> None:
        self.lines = lines
        self.anchor = anchor
        self.height = len(lines) * AXIS_LINE


def _anchor(sine: float) -> str:
    """Names right of the centre start at their point, those left of it end there."""
    if sine > AXIS_SIDE:
        return "start"
    if sine < -AXIS_SIDE:
        return "end"
    return "middle"


class _RadarFrame:
    """Where the radar sits: axis k at angle 2πk/N, clockwise from straight up, its name just
    outside the outer ring. The radius is the largest (up to RADAR_RADIUS) at which every name
    fits on one line in the 320-wide view box; below RADAR_MIN_RADIUS the names wrap on two
    lines instead (then are cut with "…"). The centre is placed under the legend so that the
    highest name clears it, and the frame knows the radar's bottom."""

    def __init__(self, axes: Sequence[str], legend_height: float) -> None:
        self.count = len(axes)
        self.angles = [2 * math.pi * k / self.count for k in range(self.count)]
        names = [charts.one_line(axis) for axis in axes]
        self.radius = self._fitting_radius(names)
        self.cx = WIDTH / 2
        self.labels = [
            _AxisLabel(
                charts.wrap(name, max_chars(self._room(k, self.radius), AXIS_LABEL_SIZE)),
                _anchor(math.sin(self.angles[k])),
            )
            for k, name in enumerate(names)
        ]
        # Vertical extent of each name's block around the centre (odd counts are not symmetric).
        tops, bottoms = [], []
        for k, label in enumerate(self.labels):
            top = self.label_top(k, label)
            tops.append(top)
            bottoms.append(top + label.height)
        above = max(-min(tops), self.radius)
        below = max(max(bottoms), self.radius)
        self.cy = legend_height + 4 + above
        self.bottom = self.cy + below + 4

    def _room(self, k: int, radius: float) -> float:
        """The width a name may take at the end of spoke k, on a radar of `radius`."""
        sine = math.sin(self.angles[k])
        x = (radius + AXIS_GAP) * sine  # from the centre
        half = WIDTH / 2 - AXIS_MARGIN
        anchor = _anchor(sine)
        if anchor == "start":
            return half - x
        if anchor == "end":
            return half + x
        return 2 * (half - abs(x))

    def _fitting_radius(self, names: Sequence[str]) -> float:
        widths = [len(name) * AXIS_LABEL_SIZE * LABEL_CHAR_WIDTH for name in names]
        radius = float(RADAR_RADIUS)
        while radius > RADAR_MIN_RADIUS and any(
            width > self._room(k, radius) for k, width in enumerate(widths)
        ):
            radius -= 2
        return max(radius, RADAR_MIN_RADIUS)

    def label_top(self, k: int, label: _AxisLabel) -> float:
        """The top of name k's block, from the centre: above its point at the top of the radar,
        below it at the bottom, centred on it at the sides."""
        cosine = math.cos(self.angles[k])
        point_y = -(self.radius + AXIS_GAP) * cosine
        return point_y - label.height * (1 + cosine) / 2

    def point(self, k: int, r: float) -> tuple[float, float]:
        return self.cx + r * math.sin(self.angles[k]), self.cy - r * math.cos(self.angles[k])

    def ring(self, r: float) -> str:
        corners = [self.point(k, r) for k in range(self.count)]
        return "M" + "L".join(f"{num(x)} {num(y)}" for x, y in corners) + "Z"


def _radar_grid(frame: _RadarFrame, top: float, number_format: Callable[[float], str]) -> list[str]:
    """Spokes, rings and ring labels. The labels sit just right of the first spoke, under each
    ring (clear of the first axis's name above the radar), with a white halo over the grid
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
    frame: _RadarFrame,
    scores: Sequence[Sequence[float | None]],
    few: Sequence[Sequence[bool]],
    top: float,
) -> list[str]:
    """The series' polygons then their markers, the previous series first so that the current
    one is drawn on top. A value not scored sits at the centre with a hollow marker; a value
    resting on too few answers is left out of the polygon (no spike) and drawn apart, at its
    place, with a dashed grey marker."""
    polygons, markers = [], []
    for shape in reversed(range(len(scores))):
        values = scores[shape]
        color = RADAR_COLORS[shape]
        corners = [
            frame.point(k, frame.radius * (value or 0.0) / top) for k, value in enumerate(values)
        ]
        apart = [flag and value is not None for value, flag in zip(values, few[shape], strict=True)]
        drawn = [corner for corner, alone in zip(corners, apart, strict=True) if not alone]
        fill = f'fill="{color}" fill-opacity="0.15"' if shape == 0 else 'fill="none"'
        if drawn:
            polygons.append(
                f'<polygon points="{" ".join(f"{num(x)},{num(y)}" for x, y in drawn)}"'
                f" {fill} {_radar_line(shape, color)}/>"
            )
        for (x, y), value, alone in zip(corners, values, apart, strict=True):
            if alone:
                markers.append(_few_marker(shape, x, y))
            else:
                markers.append(_radar_marker(shape, x, y, color, hollow=value is None))
    return polygons + markers


def _axis_labels(frame: _RadarFrame) -> list[str]:
    """The axes' names at the end of their spokes, one or two lines each."""
    names = []
    for k, label in enumerate(frame.labels):
        x, _ = frame.point(k, frame.radius + AXIS_GAP)
        top = frame.cy + frame.label_top(k, label)
        anchor = "" if label.anchor == "start" else f' text-anchor="{label.anchor}"'
        for index, line in enumerate(label.lines):
            baseline = top + index * AXIS_LINE + AXIS_LABEL_SIZE * 0.85
            names.append(f'<text x="{num(x)}" y="{num(baseline)}"{anchor}>{line}</text>')
    return [f'<g fill="{INK}" font-size="{AXIS_LABEL_SIZE}">', *names, "</g>"]


def radar_chart(
    chart_id: str,
    title: str,
    description: str,
    axes: Sequence[str],
    series: Sequence[tuple[str, Sequence[float | None]]],
    *,
    maximum: float = 100.0,
    few_answers: Sequence[Sequence[bool]] = (),
    not_scored_label: str = "Non évalué",
    few_answers_label: str = "Trop peu de réponses",
    number_format: Callable[[float], str] = format_number,
    css_class: str = "chart",
) -> str:
    """Scores on 3 to 12 `axes` (e.g. the themes of the self-diagnostic), for one or two
    `series` of `(label, values)`: this year, and optionally last year to compare.

    The axes start straight up and go clockwise, each named at the end of its spoke: pass short
    names (a word or two). The radar shrinks, down to RADAR_MIN_RADIUS, until every name fits on
    one line in the 320-wide view box; below that the names wrap on two lines, then are cut
    with "…". Give the full names and the figures in a table beside the chart.

    Grid rings mark 25, 50, 75 and 100 % of `maximum`, with faint labels (`number_format`).
    The first series is a solid green line over a light fill, with round markers; the second a
    dashed brown line with square markers, so they differ without colour. A legend above the
    radar names each series by its label (series with an empty label get no entry).

    Values are clamped to 0..`maximum`. A value of None (not scored), NaN or infinity is drawn
    at the centre with a hollow marker, and the legend then explains it with `not_scored_label`.
    `few_answers` (one flag per value of each series) marks values that rest on too few
    answers: they are left out of the series' polygon, so that one lucky answer draws no spike,
    and shown apart at their place with a dashed grey marker, which the legend explains with
    `few_answers_label`.

    Raises ValueError for fewer than 3 or more than 12 axes, for no series or more than two,
    for a series whose number of values differs from the number of axes, for `few_answers`
    that does not match the series, and for a `maximum` that is not a positive number.

    Returns SVG markup with every piece of text escaped: mark it safe with
    `django.utils.safestring.mark_safe` to insert it in a template. `chart_id` must be unique in
    the page.
    """
    check_id(chart_id)
    top, scores = _checked_scores(axes, series, maximum)
    few = _checked_few(few_answers, series)
    legend, legend_height = _radar_legend(
        series, scores, few, (not_scored_label, few_answers_label)
    )
    frame = _RadarFrame(axes, legend_height)
    body = [
        f'<g fill="{INK}" font-size="{LABEL_SIZE}">',
        *legend,
        "</g>",
        *_radar_grid(frame, top, number_format),
        *_radar_series(frame, scores, few, top),
        *_axis_labels(frame),
    ]
    return svg(
        chart_id=chart_id,
        title=title,
        description=description,
        height=frame.bottom,
        body=body,
        css_class=css_class,
    )
