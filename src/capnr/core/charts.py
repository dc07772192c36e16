"""The parts every server-rendered SVG chart shares: palette, sizes, number formats, escaped
text, the outer `<svg>` frame and a hatch pattern. The charts themselves live with the app that
shows them (`inventory.charts`, `diagnostics.charts`, `roadmap.charts`, `actions.matrix`);
what two apps' charts share belongs here, under a public name.

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

Colours (contrast against white): bars >= 3:1, text >= 4.5:1. No information is carried by
colour alone: charts add hatching (`hatch`), dashes, marker shapes or text.

The functions take default French labels and a French number format; pass translated strings
(`gettext`) and `number_format` when the page is in another language.
"""

from __future__ import annotations

import html
import math
import re
import textwrap

# Palette of capnr.css. Contrast with white: brand 6.5, dark 9.5, ink 16.7, muted 7.6, warn 7.3,
# danger 7.3: all usable for bars (>= 3:1) and for text (>= 4.5:1).
BRAND = "#1d6b45"
BRAND_DARK = "#14502f"
INK = "#1b1f1d"
MUTED = "#4d5652"
LINE = "#c9d1cc"
WARN = "#7a4d00"
DANGER = "#a4262c"
WHITE = "#fff"

WIDTH = 320  # viewBox width: one unit is one CSS pixel on the narrowest supported screen
LABEL_SIZE = 14
VALUE_SIZE = 12
CHAR_WIDTH = 0.58  # average advance of a digit or mixed text in a system sans-serif, in em
LABEL_CHAR_WIDTH = 0.55  # words, mostly lower case, in a wide font (DejaVu); +0.05 in bold
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


def one_line(value: object) -> str:
    """`value` as one line of XML-safe text, not escaped yet (runs of white space become one
    space; no-break spaces are kept)."""
    return _WHITESPACE.sub(" ", _INVALID_XML.sub("", str(value))).strip()


def text(value: object, max_chars: int | None = None) -> str:
    """One line of text, XML-safe and escaped, cut with an ellipsis after `max_chars`."""
    line = one_line(value)
    if max_chars is not None and len(line) > max_chars:
        line = line[: max(max_chars - 1, 1)].rstrip() + "…"
    return html.escape(line, quote=True)


def num(value: float) -> str:
    """A coordinate with at most one decimal, as short as possible."""
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return "0" if text in {"-0", ""} else text


def clean(value: object) -> float:
    """A finite, non-negative number (these charts show quantities, not signed values)."""
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return 0.0
    return number if math.isfinite(number) and number > 0 else 0.0


def text_width(text: str, size: int) -> float:
    return len(text) * size * CHAR_WIDTH


def max_chars(width: float, size: int, *, bold: bool = False) -> int:
    """How many characters of a label fit in `width` (a cautious estimate)."""
    advance = LABEL_CHAR_WIDTH + (0.05 if bold else 0)
    return max(int(width / (size * advance)), 4)


# --- Shared frame -------------------------------------------------------------------------------


def check_id(chart_id: str) -> str:
    if not _CHART_ID.match(chart_id):
        raise ValueError(
            f"chart_id must be a letter then up to 63 letters, digits, '-' or '_': {chart_id!r}"
        )
    return chart_id


def svg(
    *, chart_id: str, title: str, description: str, height: float, body: list[str], css_class: str
) -> str:
    """The outer element: sized by its viewBox, named by its title and description."""
    classes = text(css_class) if css_class else ""
    return "".join(
        [
            f'<svg xmlns="http://www.w3.org/2000/svg" role="img" id="{chart_id}"',
            f' class="{classes}"' if classes else "",
            f' viewBox="0 0 {WIDTH} {num(height)}" width="100%"',
            ' preserveAspectRatio="xMinYMin meet"',
            f' aria-labelledby="{chart_id}-title {chart_id}-desc">',
            f'<title id="{chart_id}-title">{text(title)}</title>',
            f'<desc id="{chart_id}-desc">{text(description)}</desc>',
            '<g aria-hidden="true">',
            *body,
            "</g></svg>",
        ]
    )


def bar_value(*, bar_end: float, bar_y: float, bar_height: float, markup: str) -> str:
    """A bar's figure, set at the bar: 4 units after its end, centred on its height. `markup` is
    already escaped text (it may hold `<tspan>`s). Figures placed anywhere else (after a range
    whisker, at the chart's edge) float away from the bar they belong to: keep ranges out of the
    way instead (under the bar, as `bar_chart` does)."""
    y = bar_y + bar_height / 2 + VALUE_SIZE * 0.35
    return f'<text x="{num(bar_end + 4)}" y="{num(y)}">{markup}</text>'


def hatch(pattern_id: str, color: str) -> str:
    """Diagonal white stripes over `color`: a cue that does not depend on colour vision."""
    return (
        f'<pattern id="{pattern_id}" width="6" height="6" patternUnits="userSpaceOnUse"'
        ' patternTransform="rotate(45)">'
        f'<rect width="6" height="6" fill="{text(color)}"/>'
        f'<path d="M1.5 0V6" stroke="{WHITE}" stroke-width="2.5"/></pattern>'
    )


def wrap(value: object, max_chars: int, max_lines: int = 2) -> list[str]:
    """Escaped lines of at most `max_chars` characters, broken at spaces (not at no-break spaces);
    the last line ends with "…" when the text does not fit in `max_lines`."""
    lines = textwrap.wrap(one_line(value), max_chars, break_on_hyphens=False) or [""]
    if len(lines) > max_lines:
        lines = [*lines[: max_lines - 1], " ".join(lines[max_lines - 1 :])]
    return [text(line, max_chars) for line in lines]
