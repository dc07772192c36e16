"""The inventory's charts (bars per category, the embodied/use split, devices by age): small,
accessible SVG rendered on the server, without JavaScript and without CSS. The frame, palette,
escaping and the rules every chart keeps (CSP, accessible name, sizing, contrast) are in
`capnr.core.charts`. Beyond-lifetime segments and the second part of a split are also hatched,
so no information is carried by colour alone."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from capnr.core import charts
from capnr.core.charts import (
    BRAND,
    BRAND_DARK,
    DANGER,
    INK,
    LABEL_SIZE,
    MUTED,
    NBSP,
    VALUE_SIZE,
    WARN,
    WHITE,
    WIDTH,
    check_id,
    clean,
    format_number,
    format_percent,
    hatch,
    max_chars,
    num,
    svg,
    text_width,
)

__all__ = ["age_pyramid", "bar_chart", "stacked_split"]

SOFT_BAR = "#5f8f75"  # the other bars when one bar is highlighted (3.7:1 against white)
SPLIT_COLORS = (BRAND, WARN, MUTED, BRAND_DARK, DANGER)
BAR_HEIGHT = 14
ROW_PITCH = 40  # label line + bar + gap
RANGE_PITCH = 46  # label line + bar + its low-high range under it + gap
RANGE_GAP = 4  # from the bar's bottom to the range line
MAX_BARS = 25


# --- Bar chart ----------------------------------------------------------------------------------


Row = tuple[str, float, float, float]


def _limit_rows(
    rows: Sequence[Row], max_bars: int, highlight: int | None, other_label: str
) -> tuple[list[Row], int | None]:
    """At most `max_bars` bars: the `max_bars - 1` largest (in the given order), then the rest
    summed in one last bar. A highlighted row is always kept."""
    if len(rows) <= max_bars:
        return list(rows), highlight
    by_size = sorted(range(len(rows)), key=lambda i: (-clean(rows[i][1]), i))
    kept = by_size[: max_bars - 1]
    if highlight is not None and highlight not in kept:
        kept[-1] = highlight
    kept_set = set(kept)
    ordered = sorted(kept_set)
    rest = [row for i, row in enumerate(rows) if i not in kept_set]
    other: Row = (
        other_label,
        sum(clean(row[1]) for row in rest),
        sum(clean(row[2]) for row in rest),
        sum(clean(row[3]) for row in rest),
    )
    new_highlight = ordered.index(highlight) if highlight is not None else None
    return [rows[i] for i in ordered] + [other], new_highlight


def bar_chart(
    *,
    title: str,
    description: str,
    rows: Sequence[Row],
    unit: str,
    chart_id: str,
    highlight: int | None = None,
    number_format: Callable[[float], str] = format_number,
    other_label: str = "Autres",
    max_bars: int = MAX_BARS,
    css_class: str = "chart",
) -> str:
    """Horizontal bars, one per `(label, value, low, high)` row, in the order given.

    Each label sits above its bar (long labels fit a 320 px screen; they are cut with "…" past
    about 40 characters: show the full text in the data table). `number_format(value)` followed
    by `unit` is printed at the bar's end, and a thin line just under the bar goes from `low`
    to `high` when they differ (so a wide range never pushes the figure away from its bar).
    Negative and non-finite figures are drawn as zero; `low` above `value` or `high` below it
    are clamped to `value`.

    With more than `max_bars` rows, the `max_bars - 1` largest are kept (in the given order) and
    the others are summed into a last bar named `other_label`; its low and high are the sums of
    the lows and highs (a cautious range). `highlight` is the index of a row in `rows` (it is
    always kept): that bar is drawn darker, the others lighter, and its label is bold, so the
    cue is not colour alone.

    Returns SVG markup with every piece of text escaped: mark it safe with
    `django.utils.safestring.mark_safe` to insert it in a template, and do not add unescaped text
    to it. `chart_id` must be unique in the page (it prefixes the ids of the title, description
    and shapes).
    """
    check_id(chart_id)
    if max_bars < 2:
        raise ValueError("max_bars must be at least 2")
    if highlight is not None and not 0 <= highlight < len(rows):
        raise ValueError(f"highlight {highlight} is not an index of the {len(rows)} rows")
    shown, highlight = _limit_rows(rows, max_bars, highlight, other_label)
    bars = [_clamped_row(row) for row in shown]
    suffix = f"{NBSP}{unit}" if unit else ""
    values = [f"{number_format(value)}{suffix}" for _, value, _, _ in bars]
    body = _bar_layers(chart_id, bars, values, highlight)
    return svg(
        chart_id=chart_id,
        title=title,
        description=description,
        height=max(len(bars), 1) * _bar_pitch(bars),
        body=body,
        css_class=css_class,
    )


def _bar_pitch(bars: Sequence[Row]) -> float:
    """Rows leave room for the range line under each bar when any row has a range."""
    return RANGE_PITCH if any(high > low for _, _, low, high in bars) else ROW_PITCH


def _clamped_row(row: Row) -> Row:
    """Negative and non-finite figures as zero, `low` no higher and `high` no lower than the
    value."""
    label, value, low, high = row
    value = clean(value)
    return label, value, min(clean(low), value), max(clean(high), value)


def _value_scale(extent: float, value_texts: Sequence[str]) -> float:
    """viewBox units per unit of value: the longest bar (`extent`) leaves room for the widest
    value printed after it, but bars keep at least half the width."""
    value_room = max((text_width(text, VALUE_SIZE) for text in value_texts), default=0) + 8
    bar_room = max(WIDTH - value_room, WIDTH / 2)
    return bar_room / extent if extent > 0 else 0.0


def _bar_row(
    index: int, row: Row, value_text: str, *, highlighted: bool, scale: float, pitch: float
) -> tuple[str, str, str, str]:
    """Row `index` of a bar chart: its label above the bar (bold when highlighted), the bar, its
    low-high range as a line just under the bar ("" when they are equal) and its value at the
    bar's end, so the figure stays by its bar however wide the range is."""
    label, value, low, high = row
    top = index * pitch
    bar_y = top + LABEL_SIZE + 5
    attributes = ' font-weight="bold"' if highlighted else ""
    chars = max_chars(WIDTH, LABEL_SIZE, bold=highlighted)
    label_text = f'<text y="{num(top + LABEL_SIZE)}"{attributes}>{charts.text(label, chars)}</text>'
    width = value * scale
    rect = f'<rect y="{num(bar_y)}" width="{num(width)}" height="{BAR_HEIGHT}"/>'
    whisker = ""
    if high > low:
        x1, x2 = num(low * scale), num(high * scale)
        line = bar_y + BAR_HEIGHT + RANGE_GAP
        whisker = f"M{x1} {num(line)}H{x2}M{x1} {num(line - 3)}v6M{x2} {num(line - 3)}v6"
    value_mark = charts.bar_value(
        bar_end=width, bar_y=bar_y, bar_height=BAR_HEIGHT, markup=charts.text(value_text)
    )
    return label_text, rect, whisker, value_mark


def _bar_layers(
    chart_id: str, bars: Sequence[Row], value_texts: Sequence[str], highlight: int | None
) -> list[str]:
    """The chart's body, one layer per kind of mark: labels, bars (the highlighted one darker,
    the others lighter), whiskers, values."""
    extent = max((high for *_, high in bars), default=0.0)
    scale = _value_scale(extent, value_texts)
    pitch = _bar_pitch(bars)
    labels: list[str] = []
    rects: list[str] = []
    rects_highlight: list[str] = []
    whiskers: list[str] = []
    values: list[str] = []
    for index, (row, value_text) in enumerate(zip(bars, value_texts, strict=True)):
        label, rect, whisker, value = _bar_row(
            index, row, value_text, highlighted=index == highlight, scale=scale, pitch=pitch
        )
        labels.append(label)
        (rects_highlight if index == highlight else rects).append(rect)
        if whisker:
            whiskers.append(whisker)
        values.append(value)
    fill = BRAND if highlight is None else SOFT_BAR
    body = [f'<g fill="{INK}" font-size="{LABEL_SIZE}">', *labels, "</g>"]
    body += [f'<g fill="{fill}">', *rects, "</g>"]
    if rects_highlight:
        body += [f'<g fill="{BRAND_DARK}">', *rects_highlight, "</g>"]
    if whiskers:
        # One path drawn twice: a white halo, then ink, so it reads on the bar and beside it.
        body += [
            f'<defs><path id="{chart_id}-w" d="{"".join(whiskers)}"/></defs>',
            f'<g fill="none"><use href="#{chart_id}-w" stroke="{WHITE}" stroke-width="3.5"/>',
            f'<use href="#{chart_id}-w" stroke="{INK}" stroke-width="1.5"/></g>',
        ]
    body += [f'<g fill="{INK}" font-size="{VALUE_SIZE}">', *values, "</g>"]
    return body


# --- One bar split in parts ---------------------------------------------------------------------


def _largest_remainder(values: Sequence[float]) -> list[int]:
    """Whole percentages that add up to 100 (0 everywhere when the total is 0)."""
    total = sum(values)
    if total <= 0:
        return [0] * len(values)
    exact = [value * 100 / total for value in values]
    whole = [math.floor(share) for share in exact]
    order = sorted(range(len(values)), key=lambda i: (-(exact[i] - whole[i]), i))
    for i in order[: 100 - sum(whole)]:
        whole[i] += 1
    return whole


def stacked_split(
    *,
    title: str,
    description: str,
    parts: Sequence[tuple[str, float]],
    chart_id: str,
    colors: Sequence[str] | None = None,
    percent_format: Callable[[float], str] | None = None,
    css_class: str = "chart",
) -> str:
    """One horizontal bar, 100 % wide, split into `parts` (`(label, value)`, e.g. embodied and
    use), with a legend under it that names each part with its share: "Fabrication (78 %)".

    Shares are whole percentages that add up to 100 ("< 1 %" for a positive part that rounds to
    zero), unless `percent_format` is given: it then receives each share in percent (a float).
    `colors` (bar colours, >= 3:1 against white) default to the site palette and are reused in
    turn; every second part is also hatched, in the bar and in the legend, so neighbouring parts
    differ without colour. Negative values count as zero.

    Returns SVG markup with every piece of text escaped: mark it safe with
    `django.utils.safestring.mark_safe` to insert it in a template. `chart_id` must be unique in
    the page.
    """
    check_id(chart_id)
    palette = list(colors) if colors else list(SPLIT_COLORS)
    values = [clean(value) for _, value in parts]
    shares = _split_shares(values, percent_format)
    strokes = [charts.text(palette[index % len(palette)]) for index in range(len(parts))]
    defs, fills = _split_fills(chart_id, palette, len(parts))
    bar_y, bar_height = 2, 28
    legend_top = bar_y + bar_height + 12
    chars = max_chars(WIDTH - 24, LABEL_SIZE)
    legend = []
    for index, ((label, _), share) in enumerate(zip(parts, shares, strict=True)):
        y = legend_top + index * 24
        legend.append(
            f'<rect x="0.5" y="{y + 0.5}" width="16" height="16" fill="{fills[index]}"'
            f' stroke="{strokes[index]}"/>'
            f'<text x="24" y="{y + 14}">{charts.text(f"{label} ({share})", chars)}</text>'
        )
    body = ["<defs>", *defs, "</defs>"] if defs else []
    body += _split_bar(values, fills, strokes, bar_y, bar_height)
    body += [f'<g fill="{INK}" font-size="{LABEL_SIZE}">', *legend, "</g>"]
    return svg(
        chart_id=chart_id,
        title=title,
        description=description,
        height=legend_top + len(parts) * 24,
        body=body,
        css_class=css_class,
    )


def _split_shares(
    values: Sequence[float], percent_format: Callable[[float], str] | None
) -> list[str]:
    """Each part's share as the legend prints it: whole percentages adding up to 100 ("< 1 %"
    for a positive part that rounds to zero), or `percent_format` of the exact share."""
    if percent_format is None:
        whole = _largest_remainder(values)
        return [
            f"<{NBSP}1{NBSP}%" if share == 0 and value > 0 else format_percent(share)
            for share, value in zip(whole, values, strict=True)
        ]
    total = sum(values)
    return [percent_format(value * 100 / total if total else 0.0) for value in values]


def _split_fills(chart_id: str, palette: Sequence[str], count: int) -> tuple[list[str], list[str]]:
    """The hatch patterns to define and the fill of each part: the palette in turn, every second
    part hatched so that neighbours differ without colour."""
    defs, fills = [], []
    for index in range(count):
        color = palette[index % len(palette)]
        if index % 2:
            pattern_id = f"{chart_id}-p{index}"
            defs.append(hatch(pattern_id, color))
            fills.append(f"url(#{pattern_id})")
        else:
            fills.append(charts.text(color))
    return defs, fills


def _split_bar(
    values: Sequence[float],
    fills: Sequence[str],
    strokes: Sequence[str],
    bar_y: float,
    bar_height: float,
) -> list[str]:
    """The bar's segments (an empty outline when every value is zero) and the white separators
    drawn over the joins between parts."""
    total = sum(values)
    inner = WIDTH - 1  # half a unit each side, so the outlines are not clipped
    segments, x = [], 0.5
    for index, value in enumerate(values):
        width = value * inner / total if total else 0.0
        if width > 0:
            segments.append(
                f'<rect x="{num(x)}" y="{bar_y}" width="{num(width)}" height="{bar_height}"'
                f' fill="{fills[index]}" stroke="{strokes[index]}"/>'
            )
        x += width
    if total == 0:
        segments.append(
            f'<rect x="0.5" y="{bar_y + 0.5}" width="{WIDTH - 1}" height="{bar_height - 1}"'
            f' fill="none" stroke="{MUTED}"/>'
        )
    joins, x = [], 0.5
    for value in values[:-1]:
        x += value * inner / total if total else 0.0
        if 0.5 < x < WIDTH - 0.5:
            joins.append(f"M{num(x)} {bar_y}v{bar_height}")
    if joins:
        segments.append(f'<path d="{"".join(joins)}" stroke="{WHITE}" stroke-width="2"/>')
    return segments


# --- Devices by age -----------------------------------------------------------------------------


def age_pyramid(
    *,
    title: str,
    description: str,
    rows: Sequence[tuple[str, int, int]],
    chart_id: str,
    within_label: str = "Dans la durée de vie prévue",
    beyond_label: str = "Au-delà de la durée de vie prévue",
    beyond_marker: str = "au-delà",
    number_format: Callable[[float], str] = format_number,
    css_class: str = "chart",
) -> str:
    """Devices by age class: for each `(age label, within, beyond)` row, one bar in two parts,
    the devices still within their planned lifetime (solid green) then those beyond it (hatched
    brown, outlined).

    "Beyond lifetime" is told three ways: colour, hatching, and text after the bar
    ("12 + 3 au-delà", the second figure in bold, `beyond_marker` being the word). A legend with
    `within_label` and `beyond_label` comes first. Negative counts are drawn as zero.

    Returns SVG markup with every piece of text escaped: mark it safe with
    `django.utils.safestring.mark_safe` to insert it in a template. `chart_id` must be unique in
    the page.
    """
    check_id(chart_id)
    hatch_id = f"{chart_id}-h"
    counts = [(label, clean(within), clean(beyond)) for label, within, beyond in rows]
    texts = []
    for _, within, beyond in counts:
        first = number_format(within)
        second = f"{number_format(beyond)} {beyond_marker}" if beyond else ""
        texts.append((first, second))
    extent = max((within + beyond for _, within, beyond in counts), default=0.0)
    scale = _value_scale(extent, [f"{a} + {b}" if b else a for a, b in texts])
    legend_chars = max_chars(WIDTH - 24, LABEL_SIZE)
    body = [
        f"<defs>{hatch(hatch_id, WARN)}</defs>",
        f'<g fill="{INK}" font-size="{LABEL_SIZE}">',
        f'<rect x="0.5" y="0.5" width="16" height="16" fill="{BRAND}"/>',
        f'<text x="24" y="14">{charts.text(within_label, legend_chars)}</text>',
        f'<rect x="0.5" y="24.5" width="16" height="16" fill="url(#{hatch_id})" stroke="{WARN}"/>',
        f'<text x="24" y="38">{charts.text(beyond_label, legend_chars)}</text>',
    ]
    legend_height = 56
    body += _age_rows(counts, texts, hatch_id, top=legend_height, scale=scale)
    return svg(
        chart_id=chart_id,
        title=title,
        description=description,
        height=legend_height + max(len(counts), 1) * ROW_PITCH,
        body=body,
        css_class=css_class,
    )


def _age_rows(
    counts: Sequence[tuple[str, float, float]],
    texts: Sequence[tuple[str, str]],
    hatch_id: str,
    *,
    top: float,
    scale: float,
) -> list[str]:
    """One row per age class under the legend (whose text group the labels close): the label,
    the bar within then beyond lifetime, and the figures after it ("12 + 3 au-delà", the
    second in bold)."""
    label_chars = max_chars(WIDTH, LABEL_SIZE)
    labels, within_rects, beyond_rects, value_texts = [], [], [], []
    for index, ((label, within, beyond), (first, second)) in enumerate(
        zip(counts, texts, strict=True)
    ):
        row_top = top + index * ROW_PITCH
        bar_y = row_top + LABEL_SIZE + 5
        labels.append(
            f'<text y="{num(row_top + LABEL_SIZE)}">{charts.text(label, label_chars)}</text>'
        )
        within_width = within * scale
        beyond_width = beyond * scale
        if within_width > 0:
            within_rects.append(
                f'<rect y="{num(bar_y)}" width="{num(within_width)}" height="{BAR_HEIGHT}"/>'
            )
        if beyond_width > 0:
            beyond_rects.append(
                f'<rect x="{num(within_width + 0.5)}" y="{num(bar_y + 0.5)}"'
                f' width="{num(max(beyond_width - 1, 0.5))}" height="{BAR_HEIGHT - 1}"/>'
            )
        marker = (
            f' + <tspan font-weight="bold" fill="{WARN}">{charts.text(second)}</tspan>'
            if second
            else ""
        )
        value_texts.append(
            charts.bar_value(
                bar_end=within_width + beyond_width,
                bar_y=bar_y,
                bar_height=BAR_HEIGHT,
                markup=f"{charts.text(first)}{marker}",
            )
        )
    return [
        *labels,
        "</g>",
        f'<g fill="{BRAND}">',
        *within_rects,
        "</g>",
        f'<g fill="url(#{hatch_id})" stroke="{WARN}">',
        *beyond_rects,
        "</g>",
        f'<g fill="{INK}" font-size="{VALUE_SIZE}">',
        *value_texts,
        "</g>",
    ]
