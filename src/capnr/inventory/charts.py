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
second part of a split are also hatched, so no information is carried by colour alone.

The functions take default French labels and a French number format; pass translated strings
(`gettext`) and `number_format` when the page is in another language.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Callable, Sequence

__all__ = [
    "age_pyramid",
    "bar_chart",
    "format_number",
    "format_percent",
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
