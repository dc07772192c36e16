"""Roadmap charts, drawn on the server as SVG: a timeline of the plan items and, for each
indicator, its measurements against the target.

They follow the rules of ``capnr.core.charts`` and reuse its frame and helpers: every piece
of text is escaped here (so the result is returned already marked safe for templates), no
``style`` attribute, ``role="img"`` named by a ``<title>`` and ``<desc>`` through
``aria-labelledby``, everything drawn in a ``<g aria-hidden="true">`` (the page shows the same
figures in a table beside the chart), a ``viewBox`` 320 units wide with ``width="100%"``, the site
palette (bars and lines >= 3:1 against white, text >= 4.5:1) and no information carried by
colour alone: the status of an item is told by its fill (hollow, hatched, solid, struck through)
and a legend; the target and the starting value are a dashed and a dotted line, the measurements
a solid line with round markers.

Labels come in French or English (``language_en``), like the numbers (``1 234,5`` / ``1,234.5``).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from typing import Any

from django.utils.safestring import SafeString, mark_safe

# The inventory's chart helpers are the site's one SVG toolkit; these private names are shared
# on purpose so both apps draw frames, text and hatching the same way.
from capnr.core import charts
from capnr.core.charts import (
    BRAND,
    BRAND_DARK,
    DANGER,
    INK,
    LINE,
    MUTED,
    NBSP,
    WARN,
    WHITE,
    WIDTH,
    format_number,
    hatch,
    max_chars,
    num,
    svg,
)

__all__ = ["kpi_chart", "timeline"]

MONTHS_FR = (
    "janv.",
    "févr.",
    "mars",
    "avr.",
    "mai",
    "juin",
    "juil.",
    "août",
    "sept.",
    "oct.",
    "nov.",
    "déc.",
)
MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

STATUS_ORDER = ("planned", "in_progress", "done", "abandoned")
STATUS_LABELS = {
    False: {
        "planned": "Prévu",
        "in_progress": "En cours",
        "done": "Fait",
        "abandoned": "Abandonné",
    },
    True: {
        "planned": "Planned",
        "in_progress": "In progress",
        "done": "Done",
        "abandoned": "Abandoned",
    },
}
WORDS = {
    False: {
        "timeline_title": "Calendrier de la feuille de route",
        "timeline_desc": (
            "{count} actions du {start} au {end}, aujourd’hui le {today}. "
            "Le tableau qui suit donne les mêmes actions."
        ),
        "today": "Aujourd’hui",
        "late": "en retard",
        "target": "Cible",
        "baseline": "Valeur de départ",
        "kpi_desc": "{count} mesures du {first} au {last} ; dernière valeur {last_value}.",
        "kpi_desc_one": "Une mesure le {first} : {last_value}.",
        "target_desc": " Cible {target}.",
        "baseline_desc": " Valeur de départ {baseline}.",
        "up": " Plus c’est haut, mieux c’est.",
        "down": " Plus c’est bas, mieux c’est.",
        "table": " Le tableau qui suit donne les mêmes valeurs.",
    },
    True: {
        "timeline_title": "Roadmap timeline",
        "timeline_desc": (
            "{count} items from {start} to {end}; today is {today}. "
            "The table below lists the same items."
        ),
        "today": "Today",
        "late": "late",
        "target": "Target",
        "baseline": "Starting value",
        "kpi_desc": "{count} measurements from {first} to {last}; latest value {last_value}.",
        "kpi_desc_one": "One measurement on {first}: {last_value}.",
        "target_desc": " Target {target}.",
        "baseline_desc": " Starting value {baseline}.",
        "up": " Higher is better.",
        "down": " Lower is better.",
        "table": " The table below gives the same values.",
    },
}

LABEL_SIZE = 13
AXIS_SIZE = 12
TIMELINE_ROW = 38  # title line + bar + gap
BAR_HEIGHT = 12
LEGEND_ROW = 20
MIN_TICK_SPACING = 44  # viewBox units between two month labels ("sept." plus a gap)
MONTH_STEPS = (1, 2, 3, 6, 12)
KPI_PLOT_HEIGHT = 150
KPI_TICKS = 4


# --- Formatting ---------------------------------------------------------------------------------


def _number(value: float, english: bool) -> str:
    """``format_number`` (French) or its English twin: "1,234.5"."""
    text = format_number(value)
    if not english:
        return text
    return text.replace(",", ".").replace(NBSP, ",")


def _with_unit(value: float, unit: str, english: bool) -> str:
    text = _number(value, english)
    return f"{text}{NBSP}{unit}" if unit else text


def _colon(english: bool) -> str:
    """French puts a no-break space before a colon."""
    return ": " if english else f"{NBSP}: "


def _month(date: dt.date, english: bool) -> str:
    return (MONTHS_EN if english else MONTHS_FR)[date.month - 1]


def _month_year(date: dt.date, english: bool) -> str:
    return f"{_month(date, english)} {date.year}"


def _day(date: dt.date, english: bool) -> str:
    return f"{date.day} {_month(date, english)} {date.year}"


def _finite(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _width(text: str, size: int) -> float:
    """A cautious width of a short text (digits, abbreviations) in a system sans-serif."""
    return len(text) * size * 0.6


def _safe(markup: str) -> SafeString:
    """Markup built from escaped text only (see the module docstring)."""
    return mark_safe(markup)  # noqa: S308


# --- Timeline -----------------------------------------------------------------------------------


# Dates after this one are drawn on it: the axis needs a month after the last date shown.
LAST_DRAWN_DAY = dt.date(dt.MAXYEAR - 1, 12, 31)
# Values beyond this are drawn at it: the axis arithmetic stays within floats.
AXIS_LIMIT = 1e300


def _on_axis(value: float) -> float:
    return min(max(value, -AXIS_LIMIT), AXIS_LIMIT)


def _first_of_month(date: dt.date) -> dt.date:
    return date.replace(day=1)


def _add_months(date: dt.date, months: int) -> dt.date:
    index = date.year * 12 + date.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def _months_between(start: dt.date, end: dt.date) -> int:
    return (end.year - start.year) * 12 + end.month - start.month


def _status_paint(status: str, pattern_id: str) -> str:
    """Fill and stroke of a bar or a diamond: the status is told by the shape's look, not only
    its colour (hollow, hatched, solid, dashed grey and struck through)."""
    if status == "in_progress":
        return f'fill="url(#{pattern_id})" stroke="{BRAND}" stroke-width="1.5"'
    if status == "done":
        return f'fill="{BRAND}" stroke="{BRAND_DARK}" stroke-width="1.5"'
    if status == "abandoned":
        return f'fill="{WHITE}" stroke="{MUTED}" stroke-width="1.5" stroke-dasharray="3 2"'
    return f'fill="{WHITE}" stroke="{BRAND}" stroke-width="1.5"'


def _status_shape(
    status: str, pattern_id: str, *, x: float, y: float, width: float, milestone: bool
) -> str:
    """A bar from ``x`` over ``width``, or a diamond centred on ``x`` for a single date."""
    paint = _status_paint(status, pattern_id)
    middle = y + BAR_HEIGHT / 2
    half = BAR_HEIGHT / 2 + 1
    if milestone:
        shape = (
            f'<path d="M{num(x)} {num(middle - half)}l{num(half)} {num(half)}'
            f'l{num(-half)} {num(half)}l{num(-half)} {num(-half)}Z" {paint}/>'
        )
        left, right = x - half, x + half
    else:
        shape = (
            f'<rect x="{num(x)}" y="{num(y)}" width="{num(width)}" height="{BAR_HEIGHT}" {paint}/>'
        )
        left, right = x, x + width
    if status == "abandoned":
        shape += (
            f'<path d="M{num(left - 2)} {num(middle)}H{num(right + 2)}"'
            f' stroke="{MUTED}" stroke-width="2"/>'
        )
    return shape


def _month_ticks(
    start: dt.date, end: dt.date, x_of: Any, english: bool
) -> tuple[list[str], list[float]]:
    """Month (or year) labels along the top, and the x of each gridline."""
    months = max(_months_between(start, end), 1)
    step = next(
        (s for s in MONTH_STEPS if WIDTH / (months / s) >= MIN_TICK_SPACING), MONTH_STEPS[-1]
    )
    years_only = step == 12
    labels: list[str] = []
    grid: list[float] = []
    first_label = True
    month = start
    while month <= end:
        if (month.month - 1) % step == 0:
            x = x_of(month)
            grid.append(x)
            text = str(month.year) if years_only else _month(month, english)
            if x + _width(text, AXIS_SIZE) <= WIDTH:
                labels.append(f'<text x="{num(x + 3)}" y="{AXIS_SIZE}">{charts.text(text)}</text>')
                if not years_only and (first_label or month.month == 1):
                    year = str(month.year)
                    labels.append(
                        f'<text x="{num(x + 3)}" y="{AXIS_SIZE * 2 + 2}"'
                        f' fill="{MUTED}">{charts.text(year)}</text>'
                    )
                first_label = False
        month = _add_months(month, 1)
    return labels, grid


def _legend(labels: dict[str, str], pattern_id: str) -> list[str]:
    """The four statuses, two per line, each with its sample."""
    parts = []
    chars = max_chars(WIDTH / 2 - 28, LABEL_SIZE)
    for index, status in enumerate(STATUS_ORDER):
        x = (index % 2) * WIDTH / 2
        y = (index // 2) * LEGEND_ROW
        parts.append(_status_shape(status, pattern_id, x=x + 2, y=y + 2, width=20, milestone=False))
        parts.append(
            f'<text x="{num(x + 28)}" y="{num(y + 13)}" fill="{INK}">'
            f"{charts.text(labels[status], chars)}</text>"
        )
    return parts


def timeline(items: Iterable[Any], *, today: dt.date, language_en: bool) -> SafeString:
    """A Gantt-like chart of plan items: for each item with a start or a due date, its title
    above a bar from start to due (a diamond when only one date is known), on a months axis,
    with a dashed vertical line for today. Items past their due date and not done nor abandoned
    get "late" after their title. Items with no date at all are not drawn (the page lists them).

    Each item needs ``title``, ``start_date``, ``due_date`` and ``status`` (a value of
    ``ItemStatus``). Returns "" when no item has a date.
    """
    english = bool(language_en)
    words = WORDS[english]
    labels = STATUS_LABELS[english]
    dated = []
    for item in items:
        start, due = getattr(item, "start_date", None), getattr(item, "due_date", None)
        if start is None and due is None:
            continue
        if start is not None and due is not None and due < start:
            start, due = due, start  # refused by the services, drawn sensibly all the same
        # The axis ends on the first day of the month after the last date: keep it in range.
        start = min(start, LAST_DRAWN_DAY) if start is not None else None
        due = min(due, LAST_DRAWN_DAY) if due is not None else None
        status = str(getattr(item, "status", "planned"))
        dated.append((str(item.title), start, due, status if status in labels else "planned"))
    if not dated:
        return _safe("")

    dates = [d for _, start, due, _ in dated for d in (start, due) if d is not None]
    first = _first_of_month(min([*dates, today]))
    last = _add_months(max([*dates, today]), 1)  # the first day after the last month shown
    span_days = max((last - first).days, 1)

    def x_of(date: dt.date) -> float:
        return (date - first).days / span_days * WIDTH

    chart_id = "roadmap-timeline"
    pattern_id = f"{chart_id}-p"
    legend = _legend(labels, pattern_id)
    legend_height = 2 * LEGEND_ROW + 6
    axis_top = legend_height
    tick_labels, grid = _month_ticks(first, last, x_of, english)
    axis_height = AXIS_SIZE * 2 + 8
    today_label_y = axis_top + axis_height + AXIS_SIZE
    rows_top = today_label_y + 8
    height = rows_top + len(dated) * TIMELINE_ROW + 4

    label_chars = max_chars(WIDTH, LABEL_SIZE)
    titles, shapes = [], []
    for index, (title, start, due, status) in enumerate(dated):
        top = rows_top + index * TIMELINE_ROW
        late = due is not None and due < today and status in ("planned", "in_progress")
        suffix = f"({words['late']})" if late else ""
        text = charts.text(title, max(label_chars - len(suffix) - 1, 4))
        marker = (
            f' <tspan fill="{DANGER}" font-weight="bold">{charts.text(suffix)}</tspan>'
            if late
            else ""
        )
        titles.append(f'<text y="{num(top + LABEL_SIZE)}">{text}{marker}</text>')
        bar_y = top + LABEL_SIZE + 6
        if start is not None and due is not None:
            x = x_of(start)
            width = max(x_of(due + dt.timedelta(days=1)) - x, 3.0)
            shapes.append(
                _status_shape(status, pattern_id, x=x, y=bar_y, width=width, milestone=False)
            )
        else:
            only = start if start is not None else due
            assert only is not None
            x = min(max(x_of(only), BAR_HEIGHT / 2 + 1), WIDTH - BAR_HEIGHT / 2 - 1)
            shapes.append(_status_shape(status, pattern_id, x=x, y=bar_y, width=0, milestone=True))

    today_x = x_of(today)
    anchor = "start" if today_x < WIDTH / 2 else "end"
    label_x = today_x + 3 if anchor == "start" else today_x - 3
    gridlines = "".join(f"M{num(x)} {num(axis_top)}V{num(height)}" for x in grid if 0 < x < WIDTH)
    body = [
        f"<defs>{hatch(pattern_id, BRAND)}</defs>",
        f'<g font-size="{LABEL_SIZE}">',
        *legend,
        "</g>",
        f'<path d="{gridlines}" stroke="{LINE}" fill="none"/>' if gridlines else "",
        f'<g fill="{INK}" font-size="{AXIS_SIZE}" transform="translate(0 {num(axis_top)})">',
        *tick_labels,
        "</g>",
        f'<path d="M{num(today_x)} {num(today_label_y - AXIS_SIZE)}V{num(height)}"'
        f' stroke="{DANGER}" stroke-width="2" stroke-dasharray="5 3"/>',
        # A white halo keeps the titles readable over the gridlines and the today line.
        f'<g fill="{INK}" font-size="{LABEL_SIZE}" stroke="{WHITE}" stroke-width="4"'
        ' stroke-linejoin="round" paint-order="stroke">',
        *titles,
        "</g>",
        *shapes,
        f'<text x="{num(label_x)}" y="{num(today_label_y)}" text-anchor="{anchor}"'
        f' font-size="{AXIS_SIZE}" font-weight="bold" fill="{DANGER}">'
        f"{charts.text(words['today'])}</text>",
    ]
    description = words["timeline_desc"].format(
        count=len(dated),
        start=_month_year(first, english),
        end=_month_year(_add_months(last, -1), english),
        today=_day(today, english),
    )
    return _safe(
        svg(
            chart_id=chart_id,
            title=words["timeline_title"],
            description=description,
            height=height,
            body=body,
            css_class="chart timeline",
        )
    )


# --- Indicator against its target ---------------------------------------------------------------


def _nice_ticks(low: float, high: float, count: int = KPI_TICKS) -> list[float]:
    """Round values covering ``low``..``high`` (1, 2, 2.5 or 5 times a power of ten apart)."""
    if high < low:
        low, high = high, low
    if high == low:
        pad = abs(high) * 0.1 or 1.0
        # Counts and shares never go below zero: a flat line at 0 stays on the axis.
        low, high = (max(0.0, low - pad) if low >= 0 else low - pad), high + pad
    raw = (high - low) / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    start = math.floor(low / step) * step
    ticks = [round(start, 10)]
    while ticks[-1] < high - step * 1e-9 or len(ticks) < 2:
        ticks.append(round(start + len(ticks) * step, 10))
    return ticks


def _measurements(kpi: Any) -> list[tuple[dt.date, float, str]]:
    rows = []
    for measurement in kpi.measurements.all():
        value = _finite(measurement.value)
        if value is not None and measurement.date is not None:
            rows.append((measurement.date, value, str(getattr(measurement, "note", "") or "")))
    rows.sort(key=lambda row: row[0])
    return rows


def _legend_line(x: float, y: float, dash: str, color: str, marker: bool) -> str:
    dash_attribute = f' stroke-dasharray="{dash}"' if dash else ""
    line = (
        f'<path d="M{num(x)} {num(y)}h24" stroke="{color}" stroke-width="2"'
        f' fill="none"{dash_attribute}/>'
    )
    if marker:
        line += (
            f'<circle cx="{num(x + 12)}" cy="{num(y)}" r="3.5" fill="{color}" stroke="{WHITE}"/>'
        )
    return line


def kpi_chart(kpi: Any, *, language_en: bool) -> SafeString:
    """An indicator's measurements over time: a solid line with round markers, against its
    target (a dashed line) and its starting value (a dotted line), on a value axis with round
    ticks and the first and last dates under the plot. The target and starting-value lines are
    labelled with their values at their right end (no separate legend).

    ``kpi`` needs ``pk``, ``label``, ``unit``, ``baseline``, ``target``, ``direction`` ("up" or
    "down") and ``measurements`` (a related manager of rows with ``date``, ``value``). Returns ""
    when there is no measurement yet.
    """
    english = bool(language_en)
    words = WORDS[english]
    points = _measurements(kpi)
    if not points:
        return _safe("")
    unit = str(getattr(kpi, "unit", "") or "")
    target = _finite(getattr(kpi, "target", None))
    baseline = _finite(getattr(kpi, "baseline", None))
    chart_id = f"kpi-{int(kpi.pk)}-chart"

    values = [value for _, value, _ in points]
    references = [v for v in (target, baseline) if v is not None]
    drawn = [_on_axis(value) for value in values + references]
    ticks = _nice_ticks(min(drawn), max(drawn))
    low, high = ticks[0], ticks[-1]
    tick_texts = [_number(tick, english) for tick in ticks]
    left = max(_width(text, AXIS_SIZE) for text in tick_texts) + 8
    right = WIDTH - 6
    plot_width = right - left

    # No legend: the target and starting-value lines carry their own labels (no information
    # rests on colour, and the chart stays a few elements long).
    reference_lines: list[tuple[float, str, str, str]] = []
    if target is not None:
        target_text = f"{words['target']}{_colon(english)}"
        reference_lines.append(
            (target, target_text + _with_unit(target, unit, english), "6 4", WARN)
        )
    if baseline is not None:
        base_text = f"{words['baseline']}{_colon(english)}"
        reference_lines.append(
            (baseline, base_text + _with_unit(baseline, unit, english), "2 3", MUTED)
        )
    chars = max_chars(plot_width - 8, AXIS_SIZE)
    plot_top = LEGEND_ROW
    plot_bottom = plot_top + KPI_PLOT_HEIGHT

    def y_of(value: float) -> float:
        value = _on_axis(value)
        return plot_bottom - (value - low) / (high - low) * KPI_PLOT_HEIGHT

    first_date, last_date = points[0][0], points[-1][0]
    span = (last_date - first_date).days

    def x_of(date: dt.date) -> float:
        if span == 0:
            return left + plot_width / 2
        return left + 6 + (date - first_date).days / span * (plot_width - 12)

    grid = "".join(f"M{num(left)} {num(y_of(t))}H{num(right)}" for t in ticks)
    # Each label carries its own style (no grouping element): the item page is near its DOM
    # budget for an EcoIndex of 85 with three indicators.
    ink = f'fill="{INK}" font-size="{AXIS_SIZE}"'
    axis_labels = [
        f'<text x="{num(left - 6)}" y="{num(y_of(tick) + AXIS_SIZE * 0.35)}" {ink}'
        f' text-anchor="end">{charts.text(label)}</text>'
        for tick, label in zip(ticks, tick_texts, strict=True)
    ]
    date_y = plot_bottom + AXIS_SIZE + 6
    date_labels = []
    if span == 0:
        date_labels.append(
            f'<text x="{num(x_of(first_date))}" y="{num(date_y)}" {ink} text-anchor="middle">'
            f"{charts.text(_day(first_date, english))}</text>"
        )
    else:
        date_labels.append(
            f'<text x="{num(left)}" y="{num(date_y)}" {ink}>'
            f"{charts.text(_day(first_date, english))}</text>"
        )
        date_labels.append(
            f'<text x="{num(right)}" y="{num(date_y)}" {ink} text-anchor="end">'
            f"{charts.text(_day(last_date, english))}</text>"
        )
    references_drawn = []
    label_ys: list[float] = []
    for value, text, dash, color in reference_lines:
        y = y_of(value)
        references_drawn.append(
            f'<path d="M{num(left)} {num(y)}H{num(right)}" stroke="{color}"'
            f' stroke-width="2" stroke-dasharray="{dash}" fill="none"/>'
        )
        # Above its line; below it when another label already sits there, unless that runs
        # into the dates under the plot: then above the other label.
        label_y = y - 5
        clash = [other for other in label_ys if abs(label_y - other) < AXIS_SIZE + 2]
        if clash:
            label_y = y + AXIS_SIZE + 3
            if label_y > plot_bottom - 2:
                label_y = min(clash) - AXIS_SIZE - 2
        label_ys.append(label_y)
        references_drawn.append(
            f'<text x="{num(right)}" y="{num(label_y)}" fill="{color}" font-size="{AXIS_SIZE}"'
            f' text-anchor="end">{charts.text(text, chars)}</text>'
        )
    coordinates = [(x_of(date), y_of(value)) for date, value, _ in points]
    line = ""
    if len(coordinates) > 1:
        line = (
            '<path d="M'
            + "L".join(f"{num(x)} {num(y)}" for x, y in coordinates)
            + f'" stroke="{BRAND}" stroke-width="2.5" stroke-linejoin="round" fill="none"/>'
        )
    markers = "".join(
        f'<circle cx="{num(x)}" cy="{num(y)}" r="4" fill="{BRAND}" stroke="{WHITE}"'
        ' stroke-width="1.5"/>'
        for x, y in coordinates
    )
    body = [
        f'<path d="{grid}" stroke="{LINE}" fill="none"/>',
        f'<path d="M{num(left)} {num(plot_top)}V{num(plot_bottom)}" stroke="{MUTED}"/>',
        *axis_labels,
        *references_drawn,
        line,
        markers,
        *date_labels,
    ]
    last_value = _with_unit(points[-1][1], unit, english)
    if len(points) == 1:
        description = words["kpi_desc_one"].format(
            first=_day(first_date, english), last_value=last_value
        )
    else:
        description = words["kpi_desc"].format(
            count=len(points),
            first=_day(first_date, english),
            last=_day(last_date, english),
            last_value=last_value,
        )
    if target is not None:
        description += words["target_desc"].format(target=_with_unit(target, unit, english))
    if baseline is not None:
        description += words["baseline_desc"].format(baseline=_with_unit(baseline, unit, english))
    direction = str(getattr(kpi, "direction", "") or "")
    if direction in ("up", "down"):
        description += words[direction]
    description += words["table"]
    return _safe(
        svg(
            chart_id=chart_id,
            title=str(kpi.label),
            description=description,
            height=date_y + 6,
            body=body,
            css_class="chart kpi",
        )
    )
