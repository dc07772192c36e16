"""The PDF reports, as printed: every report the demo can make is fetched through HTTP, then read
back word by word (pdfplumber, on pdfminer.six; see docs/adr/0005) to check that no text is
drawn over or against other text and that every word stays within the page's margins. Each page
is also saved as an image under ``test-artifacts/pdf/`` (pypdfium2, which pdfplumber brings),
beside the PDF, for a person to look at.

Words are taken in the order the PDF draws them (``use_text_flow``) and split where the tagged
PDF's marked content changes (``mcid``), so two pieces of text laid over or against each other
stay two words instead of being merged into one garbled word. The tags' structure tree says
which block (paragraph, heading, table cell, list label…) each word belongs to: words of one
block may touch (a bold word and its colon), words of two blocks may not."""

from __future__ import annotations

import io
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pdfplumber
from django.conf import settings
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from capnr.core.pdf import render_pdf
from capnr.diagnostics.models import Diagnostic
from capnr.organisations.models import User
from capnr.roadmap.models import PlanItem

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts" / "pdf"
DEMO_PASSWORD = "pdf-layout-demo-password"
# Glyph boxes span the font's whole height (ascent to descent), a little more than a tight line
# box, so the lines of a paragraph may graze by this much (PDF points, 1/72 inch).
LINE_TOLERANCE_PT = 1.0
# Two words side by side on a line: at least this far apart (a space is about 2.5 pt at 9 pt).
MIN_GAP_PT = 1.0
# The page's margins (core/print.css, @page: 18mm 16mm 20mm); the running footer sits in the
# bottom margin, so only the left and right ones are checked.
SIDE_MARGIN_PT = 16 / 25.4 * 72


# Structure types of inline content: a word inside one belongs to the block around it.
# (WeasyPrint tags <strong> and <em> as NonStruct.)
INLINE_TYPES = {"Span", "NonStruct", "Link", "Quote", "Code", "Reference", "Strong", "Em"}


@dataclass(frozen=True)
class Word:
    text: str
    page: int
    block: int | None  # the structure element of the block holding the word; None: untagged
    x0: float
    top: float
    x1: float
    bottom: float

    def collides_with(self, other: Word) -> bool:
        """On the same line (sharing more than a grazing of height) and laid over each other;
        or, for words of two blocks, closer than the gap a space leaves."""
        shared_height = min(self.bottom, other.bottom) - max(self.top, other.top)
        gap = max(self.x0, other.x0) - min(self.x1, other.x1)
        same_block = self.block is not None and self.block == other.block
        return shared_height > LINE_TOLERANCE_PT and gap < (
            -LINE_TOLERANCE_PT if same_block else MIN_GAP_PT
        )

    def __str__(self) -> str:
        corners = f"({self.x0:.0f}, {self.top:.0f})–({self.x1:.0f}, {self.bottom:.0f})"
        return f"{self.text!r} at {corners}"


@dataclass(frozen=True)
class PdfLayout:
    words: list[Word]
    page_sizes: list[tuple[float, float]]


def _blocks_by_mcid(page: pdfplumber.page.Page) -> dict[int, int]:
    """Each marked content of the page → a number for the nearest block element holding it."""
    blocks: dict[int, int] = {}
    pending: list[tuple[dict[str, Any], int]] = [(element, 0) for element in page.structure_tree]
    while pending:
        element, block = pending.pop()
        if element["type"] not in INLINE_TYPES:
            block = id(element)
        for mcid in element.get("mcids", ()):
            blocks[mcid] = block
        pending += [(child, block) for child in element.get("children", ())]
    return blocks


def read_layout(pdf: bytes, *, keep_as: str | None = None) -> PdfLayout:
    """Every word with its box, page by page; with ``keep_as``, the PDF and an image of each
    page are saved under test-artifacts/pdf/."""
    if keep_as is not None:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        (ARTIFACTS / f"{keep_as}.pdf").write_bytes(pdf)
    words: list[Word] = []
    sizes: list[tuple[float, float]] = []
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        for number, page in enumerate(document.pages, start=1):
            sizes.append((float(page.width), float(page.height)))
            blocks = _blocks_by_mcid(page)
            for found in page.extract_words(use_text_flow=True, extra_attrs=["mcid"]):
                box = (float(found[key]) for key in ("x0", "top", "x1", "bottom"))
                words.append(Word(found["text"], number, blocks.get(found["mcid"]), *box))
            if keep_as is not None:
                page.to_image(resolution=96).save(ARTIFACTS / f"{keep_as}-{number}.png")
    return PdfLayout(words, sizes)


def collisions(layout: PdfLayout) -> list[str]:
    """Each pair of words drawn over or against each other, with its page."""
    by_page: dict[int, list[Word]] = defaultdict(list)
    for word in layout.words:
        by_page[word.page].append(word)
    found = []
    for page, words in by_page.items():
        words.sort(key=lambda word: word.top)
        for index, word in enumerate(words):
            for other in words[index + 1 :]:
                if other.top >= word.bottom - LINE_TOLERANCE_PT:
                    break
                if word.collides_with(other):
                    found.append(f"page {page}: {word} runs into {other}")
    return found


def outside_the_margins(layout: PdfLayout) -> list[str]:
    found = []
    for word in layout.words:
        width, height = layout.page_sizes[word.page - 1]
        left, right = SIDE_MARGIN_PT - MIN_GAP_PT, width - SIDE_MARGIN_PT + MIN_GAP_PT
        if word.x0 < left or word.x1 > right or word.top < 0 or word.bottom > height:
            found.append(
                f"page {word.page}: {word} leaves the text area (x from {left:.0f} to {right:.0f})"
            )
    return found


def problems_of(layout: PdfLayout) -> list[str]:
    return collisions(layout) + outside_the_margins(layout)


# The checker itself, on PDFs made for it: it sees text laid over or against text and text
# leaving the page, and nothing else.
def _pdf_of(body: str) -> bytes:
    return render_pdf(f'<!doctype html><html lang="en"><title>Layout</title><body>{body}</body>')


def test_the_checker_names_the_words_drawn_over_each_other_and_their_page():
    layout = read_layout(
        _pdf_of('<p>Deployed</p><p style="margin: -1.6em 0 0 1em">deadline passed</p>')
    )
    found = problems_of(layout)
    assert len(found) == 1, found
    assert found[0].startswith("page 1: 'Deployed' at") and "runs into 'deadline' at" in found[0]


def test_the_checker_sees_cells_whose_texts_touch():
    cells = '<td style="white-space: nowrap">7350 kWh a year</td>' * 2
    table = f'<table style="table-layout: fixed; width: 40mm"><tr>{cells}</tr></table>'
    layout = read_layout(_pdf_of(table))
    assert any("'year' at" in problem and "'7350' at" in problem for problem in collisions(layout))


def test_the_checker_accepts_words_of_a_line_and_close_lines():
    layout = read_layout(
        _pdf_of(
            '<p style="line-height: 1">Deployed, deadline <strong>passed</strong>: 30/06/2026'
            "<br>second line<br><small>third line</small></p>"
            "<table><tr><td>Owner</td><td>Due date</td></tr></table>"
        )
    )
    assert [word.text for word in layout.words[:12]] == [
        "Deployed,",
        "deadline",
        "passed",
        ":",
        "30/06/2026",
        "second",
        "line",
        "third",
        "line",
        "Owner",
        "Due",
        "date",
    ]
    assert problems_of(layout) == []


def test_the_checker_sees_a_word_in_the_margin():
    layout = read_layout(_pdf_of('<p style="margin-left: 172mm; white-space: nowrap">Deployed</p>'))
    assert [problem.split(" leaves")[0] for problem in outside_the_margins(layout)] == [
        f"page 1: {layout.words[0]}"
    ]


# The demo's reports.
def _reports() -> Iterator[tuple[str, str, str]]:
    """(name, url, email of a member) for every PDF report the demo can make."""
    for diagnostic in Diagnostic.objects.select_related("organisation").order_by("pk"):
        slug = diagnostic.organisation.slug
        yield (
            f"diagnostic-{slug}-{diagnostic.year}",
            reverse("diagnostics:report_pdf", args=[slug, diagnostic.year]),
            _member_of(slug),
        )
    slugs = set(PlanItem.objects.values_list("organisation__slug", flat=True))
    # The agency's roadmap first: the fullest one is the one read in English too.
    for slug in sorted(slugs, key=lambda slug: (slug != "routes-haut-vallon", slug)):
        yield f"roadmap-{slug}", reverse("roadmap:report_pdf", args=[slug]), _member_of(slug)


def _member_of(slug: str) -> str:
    member = User.objects.filter(memberships__organisation__slug=slug).order_by("pk").first()
    assert member is not None, slug
    return member.email


def test_no_text_of_the_demo_reports_runs_into_other_text_or_off_the_page(db: None):
    """Every report in French (the default, with the longer words), and each kind of report
    once in English."""
    from capnr.web.demo import seed_demo

    seed_demo(password=DEMO_PASSWORD)
    client = Client()
    checked: list[str] = []
    problems: list[str] = []
    english: set[str] = set()
    for name, url, email in _reports():
        kind = name.split("-")[0]
        languages = ["fr"] if kind in english else ["fr", "en"]
        english.add(kind)
        client.force_login(User.objects.get(email=email))  # demo people without a password too
        for language in languages:
            client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
            response = client.get(url)
            assert response.status_code == 200, (name, response.status_code)
            catalogue = PdfReader(io.BytesIO(response.content)).trailer["/Root"]
            assert catalogue["/Lang"] == language, (name, language)
            layout = read_layout(response.content, keep_as=f"{name}-{language}")
            # A real report, not an empty frame (a small organisation's roadmap fills about 450).
            assert len(layout.words) > 300, (name, language, len(layout.words))
            problems += [f"{name} ({language}), {problem}" for problem in problems_of(layout)]
            checked.append(f"{name}-{language}")
    # Both diagnostics of the agency, the commune's, the agency's roadmap, and the diagnostics
    # (six) and roadmaps (four) of the organisations the demo cohorts add.
    assert len(checked) == 18, checked  # with the two alumni of the peers' demo
    assert "roadmap-routes-haut-vallon-en" in checked, checked
    assert problems == [], "\n".join(problems)
