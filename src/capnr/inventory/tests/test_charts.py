"""The SVG charts: valid XML, named for screen readers, CSP-clean, escaped, small."""

import re
import xml.etree.ElementTree as ET

import pytest

from capnr.core import charts as core_charts
from capnr.core.charts import format_number
from capnr.core.tests.svg_checks import SVG, contrast_with_white, parse, texts
from capnr.inventory import charts
from capnr.inventory.charts import age_pyramid, bar_chart, stacked_split


def bars_of(root: ET.Element) -> list[ET.Element]:
    """The bars: rects with a height of the bar height, outside patterns and legends."""
    return [
        rect
        for rect in root.iter(f"{SVG}rect")
        if rect.get("height") == str(charts.BAR_HEIGHT) and "x" not in rect.attrib
    ]


def sample_rows(count: int) -> list[tuple[str, float, float, float]]:
    return [(f"Famille {i}", float(i + 1), i * 0.8, i * 1.3 + 2) for i in range(count)]


def all_charts() -> list[str]:
    return [
        bar_chart(
            title="Empreinte",
            description="Par famille",
            rows=sample_rows(5),
            unit="kg CO₂e",
            chart_id="bars",
        ),
        stacked_split(
            title="Répartition",
            description="Fabrication et usage",
            parts=[("Fabrication", 80.0), ("Usage", 20.0)],
            chart_id="split",
        ),
        age_pyramid(
            title="Âge du parc",
            description="Par classe d'âge",
            rows=[("0–1 an", 10, 0), ("5 ans et plus", 4, 7)],
            chart_id="ages",
        ),
        bar_chart(
            title="Empreinte",
            description="Par famille",
            rows=sample_rows(30),
            unit="kg",
            chart_id="highlighted",
            highlight=2,
        ),
    ]


CHART_KINDS = ["bar", "split", "ages", "highlighted"]


@pytest.mark.parametrize("markup", all_charts(), ids=CHART_KINDS)
def test_each_chart_is_an_image_named_by_its_title_and_description(markup):
    root = parse(markup)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    chart_id = root.get("id")
    title = root.find(f"{SVG}title")
    desc = root.find(f"{SVG}desc")
    assert title is not None and title.text and title.get("id") == f"{chart_id}-title"
    assert desc is not None and desc.text and desc.get("id") == f"{chart_id}-desc"
    assert root.get("aria-labelledby").split() == [title.get("id"), desc.get("id")]
    drawing = [child for child in root if child.tag == f"{SVG}g"]
    assert drawing and all(group.get("aria-hidden") == "true" for group in drawing)


@pytest.mark.parametrize("markup", all_charts(), ids=CHART_KINDS)
def test_each_chart_scales_with_its_container_and_obeys_the_csp(markup):
    root = parse(markup)
    assert root.get("width") == "100%" and root.get("height") is None
    assert root.get("viewBox").split()[:3] == ["0", "0", "320"]
    assert all("style" not in node.attrib for node in root.iter())
    assert not list(root.iter(f"{SVG}style"))
    assert "style" not in markup and "<script" not in markup


@pytest.mark.parametrize("markup", all_charts(), ids=CHART_KINDS)
def test_fills_contrast_with_white(markup):
    root = parse(markup)
    for node in root.iter():
        tag = node.tag.removeprefix(SVG)
        fill = node.get("fill", "")
        if not fill.startswith("#") or fill in {"#fff", "#ffffff"}:
            continue
        is_text = tag in {"text", "tspan"} or (tag == "g" and node.get("font-size"))
        needed = 4.5 if is_text else 3.0
        assert contrast_with_white(fill) >= needed, (tag, fill)
    for color in (*charts.SPLIT_COLORS, charts.SOFT_BAR, core_charts.BRAND_DARK, core_charts.WARN):
        assert contrast_with_white(color) >= 3.0
    for color in (core_charts.INK, core_charts.WARN):
        assert contrast_with_white(color) >= 4.5


def test_labels_titles_and_units_are_escaped():
    markup = bar_chart(
        title="<script>alert(1)</script>",
        description='"quoted" & <b>bold</b>',
        rows=[("<script>alert('x')</script>", 3.0, 2.0, 4.0)],
        unit="<i>kg</i>",
        chart_id="escaped",
    )
    assert "<script" not in markup and "<b>" not in markup and "<i>" not in markup
    assert "&lt;script&gt;" in markup
    root = parse(markup)
    assert root.find(f"{SVG}title").text == "<script>alert(1)</script>"
    assert "<script>alert('x')</script>" in texts(root)
    # Characters XML forbids are dropped rather than breaking the document.
    parse(
        bar_chart(
            title="a\x00b", description="c", rows=[("\x07d", 1, 1, 1)], unit="", chart_id="controls"
        )
    )


@pytest.mark.parametrize("chart_id", ['x" onload="alert(1)', "1abc", "", "a b"])
def test_an_unsafe_chart_id_is_refused(chart_id):
    with pytest.raises(ValueError):
        bar_chart(title="t", description="d", rows=[], unit="", chart_id=chart_id)


def test_bars_follow_the_given_order_and_print_their_value_with_the_unit():
    rows = [("Écrans", 1234.5, 1000.0, 1500.0), ("Ordinateurs", 20.0, 20.0, 20.0)]
    root = parse(bar_chart(title="t", description="d", rows=rows, unit="kg", chart_id="order"))
    labels = texts(root)
    assert labels.index("Écrans") < labels.index("Ordinateurs")
    assert "1\u00a0234,5\u00a0kg" in labels and "20\u00a0kg" in labels
    widths = [float(bar.get("width")) for bar in bars_of(root)]
    assert widths[0] > widths[1] > 0


def test_whiskers_go_from_low_to_high_only_when_there_is_a_range():
    rows = [("A", 10.0, 5.0, 20.0), ("B", 10.0, 10.0, 10.0)]
    root = parse(bar_chart(title="t", description="d", rows=rows, unit="", chart_id="whisk"))
    path = root.find(f".//{SVG}path[@id='whisk-w']")
    assert path is not None
    commands = path.get("d")
    # One horizontal stroke (bar A) from low to high, plus its two end caps.
    assert len(re.findall(r"H", commands)) == 1
    assert len(re.findall(r"v6", commands)) == 2
    start, end = re.match(r"M([\d.]+) [\d.]+H([\d.]+)", commands).groups()
    bar_a = float(bars_of(root)[0].get("width"))
    assert float(start) == pytest.approx(bar_a / 2, abs=0.2)  # low is half the value
    assert float(end) == pytest.approx(bar_a * 2, abs=0.2)  # high is twice the value
    uses = root.findall(f".//{SVG}use")
    assert {use.get("href") for use in uses} == {"#whisk-w"}


def test_each_value_sits_at_its_bar_end_and_the_range_runs_under_the_bar():
    """Issue 12: values printed after a wide range floated far from their bars."""
    rows = [("Écrans", 10.0, 5.0, 70.0), ("Ordinateurs", 60.0, 50.0, 65.0)]
    root = parse(bar_chart(title="t", description="d", rows=rows, unit="kg", chart_id="near"))
    bars = bars_of(root)
    values = [node for node in root.iter(f"{SVG}text") if node.get("x") is not None]
    assert [value.text for value in values] == ["10\u00a0kg", "60\u00a0kg"]
    for bar, value in zip(bars, values, strict=True):
        bar_top = float(bar.get("y"))
        assert float(value.get("x")) == pytest.approx(float(bar.get("width")) + 4, abs=0.1)
        assert bar_top < float(value.get("y")) < bar_top + charts.BAR_HEIGHT
    commands = root.find(f".//{SVG}path[@id='near-w']").get("d")
    lines = [float(y) for y in re.findall(r"M[\d.]+ ([\d.]+)H", commands)]
    for bar, line in zip(bars, lines, strict=True):
        bar_bottom = float(bar.get("y")) + charts.BAR_HEIGHT
        next_label = float(bar.get("y")) - core_charts.LABEL_SIZE - 5 + charts.RANGE_PITCH
        assert bar_bottom < line < next_label


def test_no_whisker_without_ranges():
    markup = bar_chart(
        title="t", description="d", rows=[("A", 1.0, 1.0, 1.0)], unit="", chart_id="plain"
    )
    assert "<use" not in markup and "<path" not in markup


def test_many_rows_keep_the_largest_and_group_the_rest_as_other():
    rows = sample_rows(40)  # values 1 to 40
    root = parse(
        bar_chart(
            title="t",
            description="d",
            rows=rows,
            unit="",
            chart_id="many",
            other_label="Autres familles",
        )
    )
    bars = bars_of(root)
    assert len(bars) == charts.MAX_BARS == 25
    labels = texts(root)
    shown = [label for label in labels if label.startswith("Famille")]
    assert shown == [f"Famille {i}" for i in range(16, 40)]  # the 24 largest, in order
    assert labels[len(shown)] == "Autres familles"  # the last bar
    assert format_number(sum(range(1, 17))) in labels  # 1 + … + 16 = 136


def test_a_highlighted_row_is_kept_bold_and_darker():
    rows = sample_rows(30)
    root = parse(
        bar_chart(title="t", description="d", rows=rows, unit="", chart_id="hl", highlight=0)
    )
    bold = [node for node in root.iter(f"{SVG}text") if node.get("font-weight") == "bold"]
    assert [node.text for node in bold] == ["Famille 0"]
    assert len(bars_of(root)) == 25
    groups = {group.get("fill") for group in root.iter(f"{SVG}g")}
    assert core_charts.BRAND_DARK in groups and charts.SOFT_BAR in groups
    with pytest.raises(ValueError):
        bar_chart(title="t", description="d", rows=rows, unit="", chart_id="hl", highlight=30)


def test_long_labels_are_cut_to_fit_a_narrow_screen():
    label = "Ordinateurs portables de la direction des systèmes d'information et du numérique"
    root = parse(
        bar_chart(title="t", description="d", rows=[(label, 1, 1, 1)], unit="", chart_id="long")
    )
    shown = texts(root)[0]
    assert shown.endswith("…") and label.startswith(shown[:-1])
    assert len(shown) * core_charts.LABEL_SIZE * core_charts.LABEL_CHAR_WIDTH <= core_charts.WIDTH


def test_a_25_bar_chart_stays_small():
    rows = [
        (f"Catégorie d'équipement numéro {i} assez longue", 12345.6 * i, 10000.0 * i, 15000.0 * i)
        for i in range(1, 26)
    ]
    markup = bar_chart(
        title="Empreinte carbone par catégorie",
        description="Vingt-cinq catégories.",
        rows=rows,
        unit="kg CO₂e",
        chart_id="big",
    )
    assert len(markup.encode()) < 8_000


def test_empty_and_degenerate_data_still_give_a_valid_chart():
    for rows in ([], [("Zéro", 0.0, 0.0, 0.0)], [("NaN", float("nan"), -1.0, float("inf"))]):
        parse(bar_chart(title="t", description="d", rows=rows, unit="kg", chart_id="empty"))
    parse(stacked_split(title="t", description="d", parts=[("A", 0), ("B", 0)], chart_id="e2"))
    parse(age_pyramid(title="t", description="d", rows=[], chart_id="e3"))


def test_a_split_labels_each_part_with_its_share_and_adds_up_to_100():
    root = parse(
        stacked_split(
            title="t",
            description="d",
            chart_id="split",
            parts=[("Fabrication", 2.0), ("Usage", 1.0), ("Fin de vie", 0.001)],
        )
    )
    labels = texts(root)
    assert labels == [
        "Fabrication (67\u00a0%)",
        "Usage (33\u00a0%)",
        "Fin de vie (<\u00a01\u00a0%)",
    ]
    # The second part is hatched: a cue that does not rely on colour.
    assert root.find(f".//{SVG}pattern[@id='split-p1']") is not None
    fills = [rect.get("fill") for rect in root.iter(f"{SVG}rect")]
    assert fills.count("url(#split-p1)") == 2  # in the bar and in the legend
    segments = [rect for rect in root.iter(f"{SVG}rect") if rect.get("height") == "28"]
    assert sum(float(rect.get("width")) for rect in segments) == pytest.approx(319, abs=0.3)


def test_split_accepts_colours_and_a_percent_format():
    markup = stacked_split(
        title="t",
        description="d",
        parts=[("A", 1), ("B", 3)],
        chart_id="custom",
        colors=["#14502f", "#a4262c"],
        percent_format=lambda share: f"{share:.1f} %",
    )
    root = parse(markup)
    assert texts(root) == ["A (25.0 %)", "B (75.0 %)"]
    assert "#a4262c" in markup


def test_age_pyramid_marks_devices_beyond_their_lifetime_without_relying_on_colour():
    root = parse(
        age_pyramid(
            title="Âge",
            description="d",
            chart_id="ages",
            rows=[("0–1 an", 12, 0), ("5 ans et plus", 4, 7)],
            beyond_marker="au-delà",
        )
    )
    hatch = root.find(f".//{SVG}pattern[@id='ages-h']")
    assert hatch is not None and hatch.find(f"{SVG}path") is not None  # stripes
    beyond_group = root.find(f".//{SVG}g[@fill='url(#ages-h)']")
    assert beyond_group is not None and len(beyond_group.findall(f"{SVG}rect")) == 1
    labels = texts(root)
    assert "Dans la durée de vie prévue" in labels
    assert "Au-delà de la durée de vie prévue" in labels
    assert "12" in labels  # nothing beyond: no marker
    assert "4 + 7 au-delà" in labels
    marker = root.find(f".//{SVG}tspan")
    assert marker.text == "7 au-delà" and marker.get("font-weight") == "bold"
    # The legend swatch of "beyond" uses the same hatching.
    legend_swatches = [r for r in root.iter(f"{SVG}rect") if r.get("fill") == "url(#ages-h)"]
    assert legend_swatches
