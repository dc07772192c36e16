"""Small, accessible SVG charts rendered on the server, without JavaScript and without CSS.

Every function returns a `str` of SVG markup meant to be inlined in a page. All text that goes
into the markup (titles, descriptions, labels, units, formatted numbers) is escaped here with
`html.escape`, and `chart_id` is checked against a strict pattern, so a view or a template tag may
wrap the result in `django.utils.safestring.mark_safe` as it is. Do not concatenate unescaped
text into the result afterwards.

The markup obeys the site's Content-Security-Policy: no `style` attribute and no `<style>` element,
only SVG presentation attributes. Each chart is an `<svg role="img">` whose accessible name is its
`<title>` and `<desc>` (referenced by `aria-labelledby`); everything drawn sits in a
`<g aria-hidden="true">`, because the page shows the same figures in a data table next to it.

Sizing: the `viewBox` is 320 units wide and the element has `width="100%"` and no height, so it
follows its container down to 320 px screens. Give the container (or the `chart` class) a
`max-width` in the stylesheet, otherwise the text grows with wide screens.

Colours (contrast against white): bars >= 3:1, text >= 4.5:1. Beyond-lifetime segments and the
second part of a split are also hatched, and the radar's second series is dashed with square
markers, so no information is carried by colour alone.

The functions take default French labels and a French number format; pass translated strings
(`gettext`) and `number_format` when the page is in another language.
"""

from __future__ import annotations

import html
import math
import re
import textwrap
from collections.abc import Callable, Sequence

__all__ = [
    "age_pyramid",
    "bar_chart",
    "format_number",
    "format_percent",
    "radar_chart",
    "stacked_split",
]

# Palette of capnr.css. Contrast with white: brand 6.5, dark 9.5, ink 16.7, muted 7.6, warn 7.3,
# danger 7.3, soft-bar 3.7: all bars >= 3:1 and all text colours >= 4.5:1.
BRAND = "#1d6b45"
BRAND_DARK = "#14502f"
INK = "#1b1f1d"
MUTED = "#4d5652"
LINE = "#c9d1cc"
WARN = "#7a4d00"
DANGER = "#a4262c"
SOFT_BAR = "#5f8f75"  # the other bars when one bar is highlighted
WHITE = "#fff"
SPLIT_COLORS = (BRAND, WARN, MUTED, BRAND_DARK, DANGER)

WIDTH = 320  # viewBox width: one unit is one CSS pixel on the narrowest supported screen
LABEL_SIZE = 14
VALUE_SIZE = 12
CHAR_WIDTH = 0.58  # average advance of a digit or mixed text in a system sans-serif, in em
LABEL_CHAR_WIDTH = 0.55  # words, mostly lower case, in a wide font (DejaVu); +0.05 in bold
BAR_HEIGHT = 14
ROW_PITCH = 40  # label line + bar + gap
MAX_BARS = 25
NBSP = "\u00a0"
RADAR_RADIUS = 130  # outer ring (the maximum), in viewBox units
RADAR_MIN_AXES = 3
RADAR_MAX_AXES = 12
RADAR_COLORS = (BRAND, WARN)  # current series, previous series

_CHART_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,63}$")
# Characters XML 1.0 forbids (and C1 controls, which only cause trouble).
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_WHITESPACE = re.compile("[ \t\n\r\f\v\u2028\u2029]+")  # not no-break spaces


# --- Formatting ---------------------------------------------------------------------------------


def format_number(value: float) -> str:
    """French style: "1 234,5" (no-break space between thousands, decimal comma).

    Two decimals below 10, one from 10 on, trailing zeros dropped; non-finite values give "–"."""
    if not math.isfinite(value):
        return "–"
    decimals = 2 if abs(value) < 10 else 1
    text = f"{value:,.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if text in {"-0", ""}:
        text = "0"
    return text.replace(",", NBSP).replace(".", ",")


def format_percent(share: float) -> str:
    """French style percentage of a share given in percent: "42 %", with a no-break space."""
    return f"{format_number(round(share))}{NBSP}%"


def _text(value: object, max_chars: int | None = None) -> str:
    """One line of text, XML-safe and escaped, cut with an ellipsis after `max_chars`."""
    text = _WHITESPACE.sub(" ", _INVALID_XML.sub("", str(value))).strip()
    if max_chars is not None and len(text) > max_chars:
        text = text[: max(max_chars - 1, 1)].rstrip() + "…"
    return html.escape(text, quote=True)


def _num(value: float) -> str:
    """A coordinate with at most one decimal, as short as possible."""
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return "0" if text in {"-0", ""} else text


def _clean(value: object) -> float:
    """A finite, non-negative number (these charts show quantities, not signed values)."""
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return 0.0
    return number if math.isfinite(number) and number > 0 else 0.0


def _text_width(text: str, size: int) -> float:
    return len(text) * size * CHAR_WIDTH


def _max_chars(width: float, size: int, *, bold: bool = False) -> int:
    """How many characters of a label fit in `width` (a cautious estimate)."""
    advance = LABEL_CHAR_WIDTH + (0.05 if bold else 0)
    return max(int(width / (size * advance)), 4)


# --- Shared frame -------------------------------------------------------------------------------


def _check_id(chart_id: str) -> str:
    if not _CHART_ID.match(chart_id):
        raise ValueError(
            f"chart_id must be a letter then up to 63 letters, digits, '-' or '_': {chart_id!r}"
        )
    return chart_id


def _svg(
    *, chart_id: str, title: str, description: str, height: float, body: list[str], css_class: str
) -> str:
    """The outer element: sized by its viewBox, named by its title and description."""
    classes = _text(css_class) if css_class else ""
    return "".join(
        [
            f'<svg xmlns="http://www.w3.org/2000/svg" role="img" id="{chart_id}"',
            f' class="{classes}"' if classes else "",
            f' viewBox="0 0 {WIDTH} {_num(height)}" width="100%"',
            ' preserveAspectRatio="xMinYMin meet"',
            f' aria-labelledby="{chart_id}-title {chart_id}-desc">',
            f'<title id="{chart_id}-title">{_text(title)}</title>',
            f'<desc id="{chart_id}-desc">{_text(description)}</desc>',
            '<g aria-hidden="true">',
            *body,
            "</g></svg>",
        ]
    )


def _hatch(pattern_id: str, color: str) -> str:
    """Diagonal white stripes over `color`: a cue that does not depend on colour vision."""
    return (
        f'<pattern id="{pattern_id}" width="6" height="6" patternUnits="userSpaceOnUse"'
        ' patternTransform="rotate(45)">'
        f'<rect width="6" height="6" fill="{_text(color)}"/>'
        f'<path d="M1.5 0V6" stroke="{WHITE}" stroke-width="2.5"/></pattern>'
    )


# --- Bar chart ----------------------------------------------------------------------------------


Row = tuple[str, float, float, float]


def _limit_rows(
    rows: Sequence[Row], max_bars: int, highlight: int | None, other_label: str
) -> tuple[list[Row], int | None]:
    """At most `max_bars` bars: the `max_bars - 1` largest (in the given order), then the rest
    summed in one last bar. A highlighted row is always kept."""
    if len(rows) <= max_bars:
        return list(rows), highlight
    by_size = sorted(range(len(rows)), key=lambda i: (-_clean(rows[i][1]), i))
    kept = by_size[: max_bars - 1]
    if highlight is not None and highlight not in kept:
        kept[-1] = highlight
    kept_set = set(kept)
    ordered = sorted(kept_set)
    rest = [row for i, row in enumerate(rows) if i not in kept_set]
    other: Row = (
        other_label,
        sum(_clean(row[1]) for row in rest),
        sum(_clean(row[2]) for row in rest),
        sum(_clean(row[3]) for row in rest),
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
    about 40 characters: show the full text in the data table). A thin whisker goes from `low`
    to `high` when they differ, and `number_format(value)` followed by `unit` is printed after
    the bar's end. Negative and non-finite figures are drawn as zero; `low` above `value` or
    `high` below it are clamped to `value`.

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
    _check_id(chart_id)
    if max_bars < 2:
        raise ValueError("max_bars must be at least 2")
    if highlight is not None and not 0 <= highlight < len(rows):
        raise ValueError(f"highlight {highlight} is not an index of the {len(rows)} rows")
    shown, highlight = _limit_rows(rows, max_bars, highlight, other_label)

    bars = []
    for label, value, low, high in shown:
        value = _clean(value)
        low, high = min(_clean(low), value), max(_clean(high), value)
        bars.append((label, value, low, high))
    suffix = f"{NBSP}{unit}" if unit else ""
    values = [f"{number_format(value)}{suffix}" for _, value, _, _ in bars]

    value_room = max((_text_width(text, VALUE_SIZE) for text in values), default=0) + 8
    bar_room = max(WIDTH - value_room, WIDTH / 2)
    extent = max((high for *_, high in bars), default=0.0)
    scale = bar_room / extent if extent > 0 else 0.0
    label_chars = _max_chars(WIDTH, LABEL_SIZE)
    bold_chars = _max_chars(WIDTH, LABEL_SIZE, bold=True)

    labels, rects, rects_highlight, value_texts, whiskers = [], [], [], [], []
    for index, ((label, value, low, high), value_text) in enumerate(zip(bars, values, strict=True)):
        top = index * ROW_PITCH
        bar_y = top + LABEL_SIZE + 5
        middle = bar_y + BAR_HEIGHT / 2
        if index == highlight:
            attributes, chars = ' font-weight="bold"', bold_chars
        else:
            attributes, chars = "", label_chars
        labels.append(
            f'<text y="{_num(top + LABEL_SIZE)}"{attributes}>{_text(label, chars)}</text>'
        )
        width = value * scale
        rect = f'<rect y="{_num(bar_y)}" width="{_num(width)}" height="{BAR_HEIGHT}"/>'
        (rects_highlight if index == highlight else rects).append(rect)
        if high > low:
            x1, x2 = _num(low * scale), _num(high * scale)
            whiskers.append(
                f"M{x1} {_num(middle)}H{x2}M{x1} {_num(middle - 4)}v8M{x2} {_num(middle - 4)}v8"
            )
        end = max(width, high * scale) + 4
        value_texts.append(
            f'<text x="{_num(end)}" y="{_num(middle + VALUE_SIZE * 0.35)}">'
            f"{_text(value_text)}</text>"
        )

    height = max(len(bars), 1) * ROW_PITCH
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
    body += [f'<g fill="{INK}" font-size="{VALUE_SIZE}">', *value_texts, "</g>"]
    return _svg(
        chart_id=chart_id,
        title=title,
        description=description,
        height=height,
        body=body,
        css_class=css_class,
    )


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
    _check_id(chart_id)
    palette = list(colors) if colors else list(SPLIT_COLORS)
    values = [_clean(value) for _, value in parts]
    total = sum(values)
    if percent_format is None:
        whole = _largest_remainder(values)
        shares = [
            f"<{NBSP}1{NBSP}%" if share == 0 and value > 0 else format_percent(share)
            for share, value in zip(whole, values, strict=True)
        ]
    else:
        shares = [percent_format(value * 100 / total if total else 0.0) for value in values]

    bar_y, bar_height = 2, 28
    defs, segments, legend = [], [], []
    fills = []
    for index, color in enumerate(palette[i % len(palette)] for i in range(len(parts))):
        if index % 2:
            pattern_id = f"{chart_id}-p{index}"
            defs.append(_hatch(pattern_id, color))
            fills.append(f"url(#{pattern_id})")
        else:
            fills.append(_text(color))

    inner = WIDTH - 1  # half a unit each side, so the outlines are not clipped
    x = 0.5
    for index, value in enumerate(values):
        width = value * inner / total if total else 0.0
        if width > 0:
            segments.append(
                f'<rect x="{_num(x)}" y="{bar_y}" width="{_num(width)}" height="{bar_height}"'
                f' fill="{fills[index]}" stroke="{_text(palette[index % len(palette)])}"/>'
            )
        x += width
    if total == 0:
        segments.append(
            f'<rect x="0.5" y="{bar_y + 0.5}" width="{WIDTH - 1}" height="{bar_height - 1}"'
            f' fill="none" stroke="{MUTED}"/>'
        )
    # White separators between parts, drawn over the joins.
    joins, x = [], 0.5
    for value in values[:-1]:
        x += value * inner / total if total else 0.0
        if 0.5 < x < WIDTH - 0.5:
            joins.append(f"M{_num(x)} {bar_y}v{bar_height}")
    if joins:
        segments.append(f'<path d="{"".join(joins)}" stroke="{WHITE}" stroke-width="2"/>')

    legend_top = bar_y + bar_height + 12
    chars = _max_chars(WIDTH - 24, LABEL_SIZE)
    for index, ((label, _), share) in enumerate(zip(parts, shares, strict=True)):
        y = legend_top + index * 24
        legend.append(
            f'<rect x="0.5" y="{y + 0.5}" width="16" height="16" fill="{fills[index]}"'
            f' stroke="{_text(palette[index % len(palette)])}"/>'
            f'<text x="24" y="{y + 14}">{_text(f"{label} ({share})", chars)}</text>'
        )
    height = legend_top + len(parts) * 24
    body = []
    if defs:
        body += ["<defs>", *defs, "</defs>"]
    body += segments
    body += [f'<g fill="{INK}" font-size="{LABEL_SIZE}">', *legend, "</g>"]
    return _svg(
        chart_id=chart_id,
        title=title,
        description=description,
        height=height,
        body=body,
        css_class=css_class,
    )


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
    _check_id(chart_id)
    hatch_id = f"{chart_id}-h"
    counts = [(label, _clean(within), _clean(beyond)) for label, within, beyond in rows]
    texts = []
    for _, within, beyond in counts:
        first = number_format(within)
        second = f"{number_format(beyond)} {beyond_marker}" if beyond else ""
        texts.append((first, second))

    value_room = (
        max(
            (_text_width(f"{a} + {b}" if b else a, VALUE_SIZE) for a, b in texts),
            default=0,
        )
        + 8
    )
    bar_room = max(WIDTH - value_room, WIDTH / 2)
    extent = max((within + beyond for _, within, beyond in counts), default=0.0)
    scale = bar_room / extent if extent > 0 else 0.0

    legend_chars = _max_chars(WIDTH - 24, LABEL_SIZE)
    body = [
        f"<defs>{_hatch(hatch_id, WARN)}</defs>",
        f'<g fill="{INK}" font-size="{LABEL_SIZE}">',
        f'<rect x="0.5" y="0.5" width="16" height="16" fill="{BRAND}"/>',
        f'<text x="24" y="14">{_text(within_label, legend_chars)}</text>',
        f'<rect x="0.5" y="24.5" width="16" height="16" fill="url(#{hatch_id})" stroke="{WARN}"/>',
        f'<text x="24" y="38">{_text(beyond_label, legend_chars)}</text>',
    ]
    legend_height = 56
    label_chars = _max_chars(WIDTH, LABEL_SIZE)
    within_rects, beyond_rects, value_texts = [], [], []
    for index, ((label, within, beyond), (first, second)) in enumerate(
        zip(counts, texts, strict=True)
    ):
        top = legend_height + index * ROW_PITCH
        bar_y = top + LABEL_SIZE + 5
        body.append(f'<text y="{_num(top + LABEL_SIZE)}">{_text(label, label_chars)}</text>')
        within_width = within * scale
        beyond_width = beyond * scale
        if within_width > 0:
            within_rects.append(
                f'<rect y="{_num(bar_y)}" width="{_num(within_width)}" height="{BAR_HEIGHT}"/>'
            )
        if beyond_width > 0:
            beyond_rects.append(
                f'<rect x="{_num(within_width + 0.5)}" y="{_num(bar_y + 0.5)}"'
                f' width="{_num(max(beyond_width - 1, 0.5))}" height="{BAR_HEIGHT - 1}"/>'
            )
        end = within_width + beyond_width + 4
        y = _num(bar_y + BAR_HEIGHT / 2 + VALUE_SIZE * 0.35)
        marker = (
            f' + <tspan font-weight="bold" fill="{WARN}">{_text(second)}</tspan>' if second else ""
        )
        value_texts.append(f'<text x="{_num(end)}" y="{y}">{_text(first)}{marker}</text>')
    body.append("</g>")
    body += [f'<g fill="{BRAND}">', *within_rects, "</g>"]
    body += [f'<g fill="url(#{hatch_id})" stroke="{WARN}">', *beyond_rects, "</g>"]
    body += [f'<g fill="{INK}" font-size="{VALUE_SIZE}">', *value_texts, "</g>"]
    height = legend_height + max(len(counts), 1) * ROW_PITCH
    return _svg(
        chart_id=chart_id,
        title=title,
        description=description,
        height=height,
        body=body,
        css_class=css_class,
    )


# --- Radar (spider) chart -----------------------------------------------------------------------


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


def _wrap(value: object, max_chars: int, max_lines: int = 2) -> list[str]:
    """Escaped lines of at most `max_chars` characters, broken at spaces (not at no-break spaces);
    the last line ends with "…" when the text does not fit in `max_lines`."""
    text = _WHITESPACE.sub(" ", _INVALID_XML.sub("", str(value))).strip()
    lines = textwrap.wrap(text, max_chars, break_on_hyphens=False) or [""]
    if len(lines) > max_lines:
        lines = [*lines[: max_lines - 1], " ".join(lines[max_lines - 1 :])]
    return [_text(line, max_chars) for line in lines]


def _radar_marker(shape: int, x: float, y: float, color: str, *, hollow: bool) -> str:
    """A circle for the first series, a square for the second; hollow for "not scored"."""
    paint = (
        f'fill="{WHITE}" stroke="{color}" stroke-width="1.5"'
        if hollow
        else f'fill="{color}" stroke="{WHITE}"'
    )
    if shape == 0:
        return f'<circle cx="{_num(x)}" cy="{_num(y)}" r="3.5" {paint}/>'
    return f'<rect x="{_num(x - 3.5)}" y="{_num(y - 3.5)}" width="7" height="7" {paint}/>'


def _radar_line(shape: int, color: str) -> str:
    """Stroke attributes of a series: solid for the first, dashed for the second."""
    dash = ' stroke-dasharray="6 4"' if shape else ""
    return f'stroke="{color}" stroke-width="2" stroke-linejoin="round"{dash}'


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
    _check_id(chart_id)
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

    # Legend: one entry per named series, and one for the hollow marker when needed.
    entries: list[tuple[str, str]] = []
    for shape, (label, _) in enumerate(series):
        color = RADAR_COLORS[shape]
        sample = (
            f'<path d="M0 0h24" fill="none" {_radar_line(shape, color)}/>'
            f"{_radar_marker(shape, 12, 0, color, hollow=False)}"
        )
        if _text(label):
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
        sample_room + len(_WHITESPACE.sub(" ", text).strip()) * LABEL_SIZE * LABEL_CHAR_WIDTH
        for _, text in entries
    ]
    one_row = sum(widths) + entry_gap * (len(widths) - 1) <= WIDTH
    legend, x, y = [], 0.0, 0.0
    for (sample, text), width in zip(entries, widths, strict=True):
        chars = _max_chars(WIDTH - sample_room, LABEL_SIZE)
        legend.append(
            f'<g transform="translate({_num(x)} {_num(y + 9)})">{sample}</g>'
            f'<text x="{_num(x + sample_room)}" y="{_num(y + 14)}">{_text(text, chars)}</text>'
        )
        if one_row:
            x += width + entry_gap
        else:
            y += LEGEND_ROW
    legend_height = (LEGEND_ROW if one_row else y) if entries else 0.0

    # The radar: axis k at angle 2πk/N, clockwise from straight up. Each axis number sits
    # outside the outer ring, pushed out along its spoke by half its extent in that direction.
    radius = RADAR_RADIUS
    number_height = AXIS_NUMBER_SIZE * 0.72  # digits are about cap height
    angles = [2 * math.pi * k / count for k in range(count)]
    distances = [
        radius
        + 6
        + abs(math.sin(angle)) * len(str(k + 1)) * AXIS_NUMBER_SIZE * CHAR_WIDTH / 2
        + abs(math.cos(angle)) * number_height / 2
        for k, angle in enumerate(angles)
    ]
    # Vertical extent above and below the centre (odd counts are not symmetric).
    above = max(
        distance * math.cos(angle) for distance, angle in zip(distances, angles, strict=True)
    )
    below = max(
        -distance * math.cos(angle) for distance, angle in zip(distances, angles, strict=True)
    )
    cx = WIDTH / 2
    cy = legend_height + 4 + above + number_height / 2

    def point(k: int, r: float) -> tuple[float, float]:
        return cx + r * math.sin(angles[k]), cy - r * math.cos(angles[k])

    def ring(r: float) -> str:
        corners = [point(k, r) for k in range(count)]
        return "M" + "L".join(f"{_num(x)} {_num(y)}" for x, y in corners) + "Z"

    inner_rings = "".join(ring(radius * share) for share in RADAR_RINGS[:-1])
    spokes = "".join(
        f"M{_num(cx)} {_num(cy)}L{_num(x)} {_num(y)}"
        for x, y in (point(k, radius) for k in range(count))
    )
    body = [
        f'<g fill="{INK}" font-size="{LABEL_SIZE}">',
        *legend,
        "</g>",
        f'<path d="{spokes}{inner_rings}" fill="none" stroke="{LINE}"/>',
        f'<path d="{ring(radius)}" fill="none" stroke="{MUTED}" stroke-width="1"/>',
    ]
    # Ring labels just right of the first spoke, under each ring (so that "100" does not run
    # into the axis number "1"), with a white halo over the grid lines.
    body.append(
        f'<g fill="{MUTED}" font-size="{RING_LABEL_SIZE}" stroke="{WHITE}" stroke-width="3"'
        ' stroke-linejoin="round" paint-order="stroke">'
    )
    for share in RADAR_RINGS:
        body.append(
            f'<text x="{_num(cx + 3)}" y="{_num(cy - radius * share + RING_LABEL_SIZE + 1)}">'
            f"{_text(number_format(top * share))}</text>"
        )
    body.append("</g>")

    # Series, the previous one first so that the current one is drawn on top.
    polygons, markers = [], []
    for shape in reversed(range(len(scores))):
        values = scores[shape]
        color = RADAR_COLORS[shape]
        corners = [point(k, radius * (value or 0.0) / top) for k, value in enumerate(values)]
        fill = f'fill="{color}" fill-opacity="0.15"' if shape == 0 else 'fill="none"'
        polygons.append(
            f'<polygon points="{" ".join(f"{_num(x)},{_num(y)}" for x, y in corners)}"'
            f" {fill} {_radar_line(shape, color)}/>"
        )
        for (x, y), value in zip(corners, values, strict=True):
            markers.append(_radar_marker(shape, x, y, color, hollow=value is None))
    body += polygons + markers

    numbers = []
    for k, distance in enumerate(distances):
        x, y = point(k, distance)
        numbers.append(f'<text x="{_num(x)}" y="{_num(y + number_height / 2)}">{k + 1}</text>')
    body += [
        f'<g fill="{INK}" font-size="{AXIS_NUMBER_SIZE}" font-weight="bold" text-anchor="middle">',
        *numbers,
        "</g>",
    ]
    height = cy + below + number_height / 2 + 4

    if key:
        number_x, name_x = 18, 26
        chars = _max_chars(WIDTH - name_x, LABEL_SIZE)
        key_numbers, key_names = [], []
        y = height + 12
        for k, axis in enumerate(axes):
            lines = _wrap(axis, chars)
            key_numbers.append(f'<text x="{number_x}" y="{_num(y + LABEL_SIZE)}">{k + 1}</text>')
            for line in lines:
                key_names.append(f'<text x="{name_x}" y="{_num(y + LABEL_SIZE)}">{line}</text>')
                y += KEY_LINE
            y += KEY_GAP
        body += [
            f'<g fill="{INK}" font-size="{LABEL_SIZE}">',
            '<g font-weight="bold" text-anchor="end">',
            *key_numbers,
            "</g>",
            *key_names,
            "</g>",
        ]
        height = y
    return _svg(
        chart_id=chart_id,
        title=title,
        description=description,
        height=height,
        body=body,
        css_class=css_class,
    )
