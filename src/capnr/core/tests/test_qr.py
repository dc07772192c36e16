"""The QR code and poster layout every poster shares (capnr.core.qr)."""

from __future__ import annotations

import re

import segno

from capnr.core import qr

URL = "https://capnr.example/skills/abc/"


def test_the_qr_code_is_segnos_code_for_the_url_with_its_title():
    svg = str(qr.qr_svg(URL, title="A code <for> people"))
    assert svg.startswith("<svg") and "<title>A code &lt;for&gt; people</title>" in svg
    expected = segno.make(URL, error="m", micro=False).svg_inline(
        scale=4, border=4, dark="#000", light="#fff", omitsize=True
    )
    drawn = re.findall(r' d="([^"]+)"', svg)
    assert drawn and drawn == re.findall(r' d="([^"]+)"', expected)
    assert URL not in svg  # drawn as modules, never written as text


def test_the_poster_stylesheet_sets_one_a4_page_and_a_large_code():
    css = qr.POSTER_STYLESHEET.read_text()
    assert "size: A4" in css and ".qr svg { width: 90mm; height: 90mm; }" in css
