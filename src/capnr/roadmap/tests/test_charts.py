"""The roadmap's SVG charts: well-formed, accessible, escaped, and empty when there is nothing
to draw. No database: the charts read plain attributes."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from types import SimpleNamespace

import pytest

from capnr.roadmap import charts

SVG = "{http://www.w3.org/2000/svg}"
TODAY = dt.date(2026, 3, 5)
HOSTILE = '<script>alert("x")</script> & co'


class Rows(list):
    """Stands for a related manager: ``.all()`` gives the rows."""

    def all(self):
        return self


def item(title, start=None, due=None, status="planned"):
    return SimpleNamespace(title=title, start_date=start, due_date=due, status=status)


def kpi(measurements, *, pk=7, label="Workstations off at night", unit="%", **extra):
    fields = {"baseline": None, "target": None, "direction": "up", **extra}
    rows = Rows(SimpleNamespace(date=date, value=value, note="") for date, value in measurements)
    return SimpleNamespace(pk=pk, label=label, unit=unit, measurements=rows, **fields)


def parse(markup: str) -> ET.Element:
    root = ET.fromstring(markup)
    assert root.tag == f"{SVG}svg"
    return root


def assert_accessible(root: ET.Element) -> None:
    chart_id = root.get("id")
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == f"{chart_id}-title {chart_id}-desc"
    assert root.find(f"{SVG}title").get("id") == f"{chart_id}-title"
    assert root.find(f"{SVG}desc").get("id") == f"{chart_id}-desc"
    assert root.get("width") == "100%" and root.get("viewBox").startswith("0 0 320 ")
    drawn = [child for child in root if child.tag == f"{SVG}g"]
    assert len(drawn) == 1 and drawn[0].get("aria-hidden") == "true"
    for element in root.iter():
        assert "style" not in element.attrib, element.tag
        assert element.tag != f"{SVG}style"
        assert element.tag != f"{SVG}script"


def all_text(root: ET.Element) -> str:
    return " ".join("".join(element.itertext()) for element in root.iter(f"{SVG}text"))


# --- Timeline -----------------------------------------------------------------------------------


def test_the_timeline_is_well_formed_accessible_svg_and_escapes_titles():
    items = [
        item(HOSTILE, dt.date(2025, 9, 1), dt.date(2025, 12, 15), "done"),
        item("Server room setpoint", dt.date(2026, 1, 1), dt.date(2026, 6, 30), "in_progress"),
        item("Printers", dt.date(2026, 4, 1), dt.date(2026, 9, 30), "abandoned"),
    ]
    markup = charts.timeline(items, today=TODAY, language_en=True)
    assert "<script>" not in markup and "&lt;script&gt;" in markup
    root = parse(markup)
    assert_accessible(root)
    assert root.find(f"{SVG}title").text == "Roadmap timeline"
    assert "3 items from Sep 2025 to Sep 2026; today is 5 Mar 2026" in root.find(f"{SVG}desc").text
    text = all_text(root)
    assert "Today" in text and "Server room setpoint" in text
    assert "Planned" in text and "In progress" in text and "Abandoned" in text


def test_status_is_told_by_the_shape_not_only_the_colour():
    items = [
        item("Going on", dt.date(2026, 1, 1), dt.date(2026, 6, 30), "in_progress"),
        item("Dropped", dt.date(2026, 1, 1), dt.date(2026, 6, 30), "abandoned"),
    ]
    markup = charts.timeline(items, today=TODAY, language_en=False)
    assert 'fill="url(#roadmap-timeline-p)"' in markup  # hatched
    assert 'stroke-dasharray="3 2"' in markup  # dashed outline of the abandoned item
    assert "<pattern" in markup and "Aujourd’hui" in all_text(parse(markup))


def test_an_overdue_open_item_is_marked_late_and_a_done_one_is_not():
    late = charts.timeline(
        [item("Purchasing clause", None, dt.date(2026, 2, 1), "planned")],
        today=TODAY,
        language_en=True,
    )
    assert "(late)" in all_text(parse(late))
    done = charts.timeline(
        [item("Purchasing clause", None, dt.date(2026, 2, 1), "done")],
        today=TODAY,
        language_en=True,
    )
    assert "(late)" not in all_text(parse(done))


def test_an_item_with_a_single_date_is_a_diamond():
    markup = charts.timeline(
        [item("Milestone", None, dt.date(2026, 5, 1))], today=TODAY, language_en=True
    )
    root = parse(markup)
    bars = [rect for rect in root.iter(f"{SVG}rect") if rect.get("height") == "12"]
    assert len(bars) == 4  # the legend's samples only
    assert any(path.get("d", "").endswith("Z") for path in root.iter(f"{SVG}path"))


def test_items_without_dates_are_not_drawn_and_no_dated_item_gives_nothing():
    assert charts.timeline([], today=TODAY, language_en=True) == ""
    assert charts.timeline([item("Someday")], today=TODAY, language_en=True) == ""
    markup = charts.timeline(
        [item("Someday"), item("Dated", dt.date(2026, 1, 1), dt.date(2026, 2, 1))],
        today=TODAY,
        language_en=True,
    )
    text = all_text(parse(markup))
    assert "Dated" in text and "Someday" not in text


def test_a_due_date_before_the_start_and_a_long_plan_still_draw():
    items = [
        item("Backwards", dt.date(2026, 6, 1), dt.date(2026, 1, 1)),
        item("Ten years", dt.date(2020, 1, 1), dt.date(2030, 12, 31), "in_progress"),
    ]
    root = parse(charts.timeline(items, today=TODAY, language_en=False))
    assert "2025" in all_text(root)  # a long plan is labelled by year


def test_the_timeline_output_is_safe_to_insert_in_a_template():
    markup = charts.timeline([item("A", dt.date(2026, 1, 1))], today=TODAY, language_en=True)
    assert hasattr(markup, "__html__")


# --- Indicator chart ----------------------------------------------------------------------------


def test_no_measurement_gives_no_chart():
    assert charts.kpi_chart(kpi([]), language_en=True) == ""


def test_the_kpi_chart_shows_measurements_target_and_baseline():
    measurements = [
        (dt.date(2025, 9, 1), 33),
        (dt.date(2025, 12, 1), 84),
        (dt.date(2026, 2, 1), 92),
    ]
    markup = charts.kpi_chart(kpi(measurements, baseline=33, target=90), language_en=True)
    root = parse(markup)
    assert_accessible(root)
    assert root.get("id") == "kpi-7-chart"
    assert root.find(f"{SVG}title").text == "Workstations off at night"
    desc = root.find(f"{SVG}desc").text
    assert "3 measurements from 1 Sep 2025 to 1 Feb 2026" in desc
    assert "Target 90\u00a0%" in desc and "Starting value 33\u00a0%" in desc
    assert "Higher is better" in desc
    assert len(list(root.iter(f"{SVG}circle"))) == 3  # the points, no legend sample
    assert 'stroke-dasharray="6 4"' in markup  # the target, dashed
    assert 'stroke-dasharray="2 3"' in markup  # the baseline, dotted
    text = all_text(root)
    assert "Target: 90\u00a0%" in text and "100" in text  # the axis reaches above 92
    assert "Starting value: 33\u00a0%" in text  # the lines are labelled on the chart itself


def test_one_measurement_is_a_point_and_numbers_follow_the_language():
    one = [(dt.date(2025, 9, 1), 12345.5)]
    french = parse(charts.kpi_chart(kpi(one, unit="kWh"), language_en=False))
    assert "Une mesure le 1 sept. 2025 : 12\u00a0345,5\u00a0kWh" in french.find(f"{SVG}desc").text
    english = parse(charts.kpi_chart(kpi(one, unit="kWh"), language_en=True))
    assert "12,345.5\u00a0kWh" in english.find(f"{SVG}desc").text
    assert len(list(english.iter(f"{SVG}circle"))) == 1


def test_the_kpi_chart_escapes_label_and_unit_and_ignores_non_finite_values():
    measurements = [(dt.date(2025, 9, 1), 1.0), (dt.date(2025, 10, 1), float("nan"))]
    markup = charts.kpi_chart(
        kpi(measurements, label=HOSTILE, unit="<b>", target=float("inf")), language_en=True
    )
    assert "<script>" not in markup and "<b>" not in markup
    root = parse(markup)
    assert root.find(f"{SVG}title").text == HOSTILE
    assert "Target" not in root.find(f"{SVG}desc").text


@pytest.mark.parametrize(
    ("low", "high"), [(33, 92), (0, 0), (5, 5), (-3, 2), (0.001, 0.004), (9000, 12500)]
)
def test_value_ticks_cover_the_values(low, high):
    ticks = charts._nice_ticks(low, high)
    assert ticks[0] <= low and ticks[-1] >= high and len(ticks) >= 2
    assert ticks == sorted(ticks) and len(ticks) <= 8


def test_line_labels_do_not_overlap_each_other_or_the_dates():
    measurements = [(dt.date(2025, 6, 30), 0), (dt.date(2025, 11, 14), 0)]
    root = parse(charts.kpi_chart(kpi(measurements, baseline=0, target=0), language_en=True))
    texts = {t.text: float(t.get("y")) for t in root.iter(f"{SVG}text")}
    target = next(y for text, y in texts.items() if text.startswith("Target"))
    start = next(y for text, y in texts.items() if text.startswith("Starting value"))
    dates = min(y for text, y in texts.items() if "2025" in text)
    assert abs(target - start) >= charts.AXIS_SIZE and max(target, start) < dates - 8
