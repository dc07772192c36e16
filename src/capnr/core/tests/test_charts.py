"""The shared chart parts: number formats, escaped text, the frame, the palette."""

import pytest

from capnr.core import charts
from capnr.core.charts import format_number
from capnr.core.tests.svg_checks import SVG, contrast_with_white, parse


def test_french_number_format():
    assert format_number(1234.5) == "1\u00a0234,5"
    assert format_number(1234567) == "1\u00a0234\u00a0567"
    assert format_number(3.14159) == "3,14"
    assert format_number(-0.001) == "0"
    assert format_number(float("nan")) == "–"


def test_text_is_one_escaped_line_cut_with_an_ellipsis():
    assert charts.text("<b>a</b>\n\t b\x00") == "&lt;b&gt;a&lt;/b&gt; b"
    assert charts.text("abcdefgh", 5) == "abcd…"
    assert charts.wrap("un deux trois quatre cinq", 9) == ["un deux", "trois qu…"]


def test_the_frame_is_an_image_named_by_its_title_and_escapes_them():
    markup = charts.svg(
        chart_id="c1", title="<t>", description="d & d", height=10.25, body=[], css_class="chart"
    )
    root = parse(markup)
    assert root.get("viewBox") == "0 0 320 10.2"
    assert root.find(f"{SVG}title").text == "<t>"
    assert root.get("aria-labelledby") == "c1-title c1-desc"


@pytest.mark.parametrize("chart_id", ["", "1a", 'a" onload="x', "a b"])
def test_an_unsafe_chart_id_is_refused(chart_id):
    with pytest.raises(ValueError, match="chart_id"):
        charts.check_id(chart_id)


def test_the_palette_contrasts_with_white():
    for color in (charts.BRAND, charts.BRAND_DARK, charts.WARN, charts.DANGER, charts.MUTED):
        assert contrast_with_white(color) >= 3.0
    for color in (charts.INK, charts.MUTED, charts.WARN, charts.BRAND):
        assert contrast_with_white(color) >= 4.5
