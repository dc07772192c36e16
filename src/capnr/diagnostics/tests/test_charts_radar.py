"""The radar chart: valid XML, named for screen readers, CSP-clean, escaped, geometrically right."""

import math
import re
import xml.etree.ElementTree as ET

import pytest

from capnr.core import charts as core_charts
from capnr.core.tests.svg_checks import SVG, contrast_with_white, parse, texts
from capnr.diagnostics import charts
from capnr.diagnostics.charts import radar_chart

THEMES = [
    "Stratégie",
    "Formation",
    "Mesure",
    "Équipements",
    "Achats",
    "Usages",
    "Données",
    "Hébergement",
    "Écoconception",
    "Accessibilité",
    "Fin d'usage",
    "Communication",
]
LONG_THEMES = [
    "Stratégie et gouvernance",
    "Sensibilisation et formation",
    "Mesure et suivi",
    "Équipements : moins nombreux et plus durables",
    "Achats responsables",
    "Usages et paramétrages",
    "Gestion des données",
    "Salles serveurs et hébergement",
    "Services numériques et écoconception",
    "Accessibilité",
    "Fin d'usage : réemploi, don, recyclage",
    "Communication et rayonnement",
]
CURRENT = [62.0, 45.0, 80.0, 30.0, 100.0, 55.0, None, 70.0, 40.0, 90.0, 20.0, 65.0]
PREVIOUS = [50.0, 40.0, 60.0, 35.0, 70.0, 50.0, 30.0, None, 20.0, 85.0, 10.0, 40.0]


def radar(count: int = 12, *, two: bool = True, **options) -> str:
    series = [("2025", CURRENT[:count])]
    if two:
        series.append(("2024", PREVIOUS[:count]))
    return radar_chart("radar", "Diagnostic", "Score par thème", THEMES[:count], series, **options)


def polygons(root: ET.Element) -> list[list[tuple[float, float]]]:
    """The series, in drawing order (the previous year first, the current year on top)."""
    return [
        [tuple(float(n) for n in pair.split(",")) for pair in polygon.get("points").split()]
        for polygon in root.iter(f"{SVG}polygon")
    ]


def outer_ring(root: ET.Element) -> list[tuple[float, float]]:
    path = next(p for p in root.iter(f"{SVG}path") if p.get("stroke") == core_charts.MUTED)
    numbers = [float(n) for n in re.findall(r"-?[\d.]+", path.get("d"))]
    return list(zip(numbers[::2], numbers[1::2], strict=True))


def radius_of(root: ET.Element) -> float:
    """The outer ring's radius, from its second corner (axis 1, at 2π/N clockwise from up)."""
    ring = outer_ring(root)
    return (ring[1][0] - core_charts.WIDTH / 2) / math.sin(2 * math.pi / len(ring))


def centre_of(root: ET.Element) -> tuple[float, float]:
    return core_charts.WIDTH / 2, outer_ring(root)[0][1] + radius_of(root)


def text_extent(node: ET.Element) -> tuple[float, float]:
    """Left and right of a text, estimated as the chart code does, from its anchor."""
    x = float(node.get("x"))
    size = float(node.get("font-size") or charts.AXIS_LABEL_SIZE)
    width = len("".join(node.itertext())) * size * core_charts.LABEL_CHAR_WIDTH
    anchor = node.get("text-anchor", "start")
    if anchor == "end":
        return x - width, x
    if anchor == "middle":
        return x - width / 2, x + width / 2
    return x, x + width


def axis_names(root: ET.Element) -> list[ET.Element]:
    group = next(
        g for g in root.iter(f"{SVG}g") if g.get("font-size") == str(charts.AXIS_LABEL_SIZE)
    )
    return list(group.iter(f"{SVG}text"))


def test_the_radar_is_an_image_named_by_its_title_and_description():
    root = parse(radar())
    assert root.tag == f"{SVG}svg" and root.get("role") == "img"
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert title.text == "Diagnostic" and title.get("id") == "radar-title"
    assert desc.text == "Score par thème" and desc.get("id") == "radar-desc"
    assert root.get("aria-labelledby").split() == ["radar-title", "radar-desc"]
    drawing = [child for child in root if child.tag == f"{SVG}g"]
    assert len(drawing) == 1 and drawing[0].get("aria-hidden") == "true"


@pytest.mark.parametrize("two", [False, True])
def test_the_radar_scales_with_its_container_obeys_the_csp_and_stays_small(two):
    markup = radar(two=two)
    root = parse(markup)
    assert root.get("width") == "100%" and root.get("height") is None
    assert root.get("viewBox").split()[:3] == ["0", "0", "320"]
    assert all("style" not in node.attrib for node in root.iter())
    assert "style" not in markup and "<script" not in markup
    assert len(markup.encode()) < 8_000


def test_fills_contrast_with_white():
    root = parse(radar())
    for node in root.iter():
        tag = node.tag.removeprefix(SVG)
        fill = node.get("fill", "")
        if not fill.startswith("#") or fill in {"#fff", "#ffffff"}:
            continue
        is_text = tag in {"text", "tspan"} or (tag == "g" and node.get("font-size"))
        assert contrast_with_white(fill) >= (4.5 if is_text else 3.0), (tag, fill)
    for color in charts.RADAR_COLORS:
        assert contrast_with_white(color) >= 3.0


@pytest.mark.parametrize("count", range(3, 13))
@pytest.mark.parametrize("two", [False, True])
def test_each_series_has_one_point_per_axis(count, two):
    root = parse(radar(count, two=two))
    shapes = polygons(root)
    assert len(shapes) == (2 if two else 1)
    assert all(len(points) == count for points in shapes)
    assert len(outer_ring(root)) == count
    # Each axis is named, in full and on one line, at the end of its spoke; no numbers.
    names = axis_names(root)
    assert ["".join(node.itertext()) for node in names] == THEMES[:count]
    assert not {str(k) for k in range(1, count + 1)} & set(texts(root))
    assert radius_of(root) >= charts.RADAR_MIN_RADIUS
    # Everything drawn stays inside the 320-wide view box.
    width, height = (float(n) for n in root.get("viewBox").split()[2:])
    for points in [*shapes, outer_ring(root)]:
        assert all(0 <= x <= width and 0 <= y <= height for x, y in points)
    for node in root.iter(f"{SVG}text"):
        if node.get("x") is not None:
            assert 0 <= float(node.get("x")) <= width and 0 < float(node.get("y")) <= height
    for node in names:
        left, right = text_extent(node)
        assert left >= 0 and right <= width, "".join(node.itertext())


def test_a_full_score_on_the_first_axis_lies_on_the_outer_ring_straight_up():
    root = parse(radar_chart("geo", "t", "d", ["A", "B", "C", "D"], [("2025", [100, 50, None, 0])]))
    (points,) = polygons(root)
    cx, cy = centre_of(root)
    top_x, top_y = points[0]
    assert top_x == pytest.approx(cx, abs=0.1)
    assert cy - top_y == pytest.approx(charts.RADAR_RADIUS, abs=0.1)
    assert (top_x, top_y) == pytest.approx(outer_ring(root)[0], abs=0.1)  # its first corner
    # 50 on the second axis (clockwise, a quarter turn): half the radius, to the right.
    assert points[1] == pytest.approx((cx + charts.RADAR_RADIUS / 2, cy), abs=0.1)
    # Not scored and zero both sit at the centre.
    assert points[2] == pytest.approx((cx, cy), abs=0.1)
    assert points[3] == pytest.approx((cx, cy), abs=0.1)


def test_values_are_clamped_and_non_finite_values_count_as_not_scored():
    root = parse(
        radar_chart(
            "clamp",
            "t",
            "d",
            ["A", "B", "C", "D", "E"],
            [("2025", [250.0, -10.0, math.nan, math.inf, -math.inf])],
        )
    )
    (points,) = polygons(root)
    cx, cy = centre_of(root)
    assert cy - points[0][1] == pytest.approx(charts.RADAR_RADIUS, abs=0.1)
    assert all(point == pytest.approx((cx, cy), abs=0.1) for point in points[1:])
    circles = list(root.iter(f"{SVG}circle"))
    series_markers = [c for c in circles if c.get("stroke") is not None][-5:]
    hollow = [c.get("fill") == core_charts.WHITE for c in series_markers]
    assert hollow == [False, False, True, True, True]  # -10 is a score of 0, not a gap
    assert "Non évalué" in texts(root)


def test_not_scored_values_get_a_hollow_marker_at_the_centre_and_a_legend_entry():
    root = parse(radar())
    cx, cy = centre_of(root)
    hollow = [
        node
        for node in root.iter()
        if node.tag in {f"{SVG}circle", f"{SVG}rect"} and node.get("fill") == core_charts.WHITE
    ]
    # One hollow circle (2025) and one hollow square (2024) at the centre, and the same two
    # shapes in the legend.
    at_centre = [node for node in hollow if float(node.get("y", node.get("cy"))) > 40]
    assert sorted(node.tag.removeprefix(SVG) for node in at_centre) == ["circle", "rect"]
    for node in at_centre:
        if node.tag == f"{SVG}circle":
            assert (float(node.get("cx")), float(node.get("cy"))) == pytest.approx(
                (cx, cy), abs=0.1
            )
        else:
            x, y = float(node.get("x")) + 3.5, float(node.get("y")) + 3.5
            assert (x, y) == pytest.approx((cx, cy), abs=0.1)
    assert "Non évalué" in texts(root)
    # Without gaps, no such entry.
    full = radar_chart("full", "t", "d", THEMES[:3], [("2025", [1, 2, 3])], not_scored_label="NE")
    assert "NE" not in texts(parse(full))


def test_two_series_differ_without_colour_and_are_named_in_a_legend():
    root = parse(radar())
    previous, current = root.findall(f".//{SVG}polygon")
    assert previous.get("stroke-dasharray") and previous.get("fill") == "none"
    assert current.get("stroke-dasharray") is None and current.get("fill") == core_charts.BRAND
    # Markers: round for this year, square for last year, one per axis (filled or hollow).
    circles = [c for c in root.iter(f"{SVG}circle")]
    squares = [r for r in root.iter(f"{SVG}rect") if r.get("width") == "7"]
    assert len(circles) == 12 + 2  # + the legend sample and the "not scored" sample
    assert len(squares) == 12 + 2
    shown = texts(root)
    assert shown[:3] == ["2025", "2024", "Non évalué"]  # the legend comes first
    # The legend samples repeat the line styles.
    samples = [p for p in root.iter(f"{SVG}path") if p.get("d") == "M0 0h24"]
    assert [bool(p.get("stroke-dasharray")) for p in samples] == [False, True]


def test_long_series_labels_put_the_legend_on_several_rows():
    series = [("Année en cours (2025), diagnostic complet", [1, 2, 3])]
    series.append(("Année précédente (2024), diagnostic partiel", [3, 2, 1]))
    root = parse(radar_chart("rows", "t", "d", THEMES[:3], series))
    legend = [node for node in root.iter(f"{SVG}text") if (node.text or "").startswith("Année")]
    assert len(legend) == 2 and legend[0].get("x") == legend[1].get("x")
    assert float(legend[1].get("y")) > float(legend[0].get("y"))


def test_grid_rings_are_labelled_at_a_quarter_of_the_maximum():
    shown = texts(parse(radar()))
    assert {"25", "50", "75", "100"} <= set(shown)
    shown = texts(parse(radar(3, two=False, maximum=5)))
    assert {"1,25", "2,5", "3,75", "5"} <= set(shown)


def test_long_axis_names_wrap_on_two_lines_then_are_cut_rather_than_shrink_the_radar():
    root = parse(radar_chart("long", "t", "d", LONG_THEMES, [("2025", CURRENT)]))
    assert radius_of(root) == pytest.approx(charts.RADAR_MIN_RADIUS, abs=0.1)
    names = axis_names(root)
    shown = ["".join(node.itertext()) for node in names]
    assert "Accessibilité" in shown and any(text.endswith("…") for text in shown)
    assert len(names) <= 2 * len(LONG_THEMES)
    for node in names:
        left, right = text_extent(node)
        assert left >= 0 and right <= core_charts.WIDTH, "".join(node.itertext())
    # Short names leave the radar its full size.
    root = parse(radar_chart("short", "t", "d", ["A", "B", "C", "D"], [("2025", [1, 2, 3, 4])]))
    assert radius_of(root) == pytest.approx(charts.RADAR_RADIUS, abs=0.1)


def test_labels_titles_and_legends_are_escaped():
    evil = '<script>&"'
    markup = radar_chart(
        "escaped",
        evil,
        evil,
        [evil, "B\x00", "C"],
        [(evil, [1, None, 3]), ("'<b>'", [3, 2, 1])],
        not_scored_label=evil,
    )
    assert "<script" not in markup and "<b>" not in markup
    assert "&lt;script&gt;&amp;&quot;" in markup
    root = parse(markup)
    assert root.find(f"{SVG}title").text == evil
    assert root.find(f"{SVG}desc").text == evil
    shown = texts(root)
    assert shown.count(evil) == 3  # series legend, "not scored" legend, axis name
    assert "'<b>'" in shown and "B" in shown


def test_a_value_on_too_few_answers_is_drawn_apart_not_as_a_spike():
    # The first axis's 100 rests on one answer: no corner of the polygon goes out to it.
    few = [[True, False, False, False], [False, False, False, False]]
    series = [("2025", [100, 50, 50, 50]), ("2024", [20, 20, 20, 20])]
    root = parse(radar_chart("few", "t", "d", ["A", "B", "C", "D"], series, few_answers=few))
    previous, current = polygons(root)
    cx, cy = centre_of(root)
    radius = radius_of(root)
    assert len(current) == 3 and len(previous) == 4
    assert all(cy - y < radius / 2 + 0.1 for _, y in current)
    # It is shown apart, at its place, with a dashed grey marker, and the legend says why.
    dashed = [c for c in root.iter(f"{SVG}circle") if c.get("stroke-dasharray")]
    at_top = [c for c in dashed if float(c.get("cy")) == pytest.approx(cy - radius, abs=0.1)]
    assert len(at_top) == 1 and at_top[0].get("stroke") == core_charts.MUTED
    assert float(at_top[0].get("cx")) == pytest.approx(cx, abs=0.1)
    assert "Trop peu de réponses" in texts(root)
    # Without such values, no legend entry; a flag on a value not scored changes nothing.
    plain = radar_chart(
        "plain",
        "t",
        "d",
        ["A", "B", "C"],
        [("2025", [1, None, 3])],
        few_answers=[[False, True, False]],
    )
    assert "Trop peu de réponses" not in texts(parse(plain))
    assert len(polygons(parse(plain))[0]) == 3


def test_few_answers_must_match_the_series():
    with pytest.raises(ValueError, match="one flag per value"):
        radar_chart("bad", "t", "d", THEMES[:3], [("2025", [1, 2, 3])], few_answers=[[True]])
    with pytest.raises(ValueError, match="one flag per value"):
        radar_chart(
            "bad", "t", "d", THEMES[:3], [("2025", [1, 2, 3])], few_answers=[[True] * 3] * 2
        )


@pytest.mark.parametrize("count", [0, 1, 2])
def test_fewer_than_three_axes_are_refused(count):
    with pytest.raises(ValueError, match="at least 3 axes"):
        radar_chart("few", "t", "d", THEMES[:count], [("2025", CURRENT[:count])])


@pytest.mark.parametrize(
    ("axes", "series", "options", "message"),
    [
        ([*THEMES, "Treizième"], [("2025", [*CURRENT, 1.0])], {}, "at most 12 axes"),
        (THEMES[:3], [], {}, "1 or 2 series"),
        (THEMES[:3], [("a", [1, 2, 3])] * 3, {}, "1 or 2 series"),
        (THEMES[:3], [("2025", [1, 2])], {}, "2 values for 3 axes"),
        (THEMES[:3], [("2025", [1, 2, 3])], {"maximum": 0}, "maximum"),
        (THEMES[:3], [("2025", [1, 2, 3])], {"maximum": math.nan}, "maximum"),
    ],
)
def test_other_bad_input_is_refused_with_a_clear_message(axes, series, options, message):
    with pytest.raises(ValueError, match=message):
        radar_chart("bad", "t", "d", axes, series, **options)


@pytest.mark.parametrize("chart_id", ['x" onload="alert(1)', "1abc", "", "a b"])
def test_an_unsafe_chart_id_is_refused(chart_id):
    with pytest.raises(ValueError):
        radar_chart(chart_id, "t", "d", THEMES[:3], [("2025", [1, 2, 3])])


def test_all_missing_or_zero_still_gives_a_valid_chart():
    for values in ([None, None, None], [0, 0, 0], [math.nan, 0, None]):
        root = parse(radar_chart("empty", "t", "d", THEMES[:3], [("2025", values)]))
        (points,) = polygons(root)
        assert len(set(points)) == 1
