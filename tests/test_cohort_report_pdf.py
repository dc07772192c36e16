"""The cohort report on the demo's data, as its facilitator downloads it: a tagged PDF whose text
never runs into other text nor off the page (read back as ``test_pdf_layout`` reads the other
reports), in French and in English, and a workbook with the same figures."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook
from pypdf import PdfReader

from capnr.coalition.models import Cohort
from capnr.core.demo_clock import year
from tests.test_pdf_layout import DEMO_PASSWORD, problems_of, read_layout


def _structure(node: Any, found: list[str]) -> list[str]:
    node = node.get_object()
    if isinstance(node, list):
        for child in node:
            _structure(child, found)
    elif isinstance(node, dict):
        if "/S" in node:
            found.append(str(node["/S"]))
        if "/K" in node:
            _structure(node["/K"], found)
    return found


@pytest.fixture(autouse=True)
def _french_again() -> Iterator[None]:
    """A request in English leaves English active in this thread (the locale middleware never
    deactivates it): the tests that follow, which may seed data, get French back."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def demo(db: None) -> tuple[Client, Cohort]:
    from capnr.web.demo import seed_demo

    seed_demo(password=DEMO_PASSWORD)
    cohort = Cohort.objects.select_related("coalition").get(year=year(2025))
    client = Client()
    client.force_login(cohort.coalition.facilitators.order_by("pk").first())
    return client, cohort


def test_the_demo_cohort_report_is_a_tagged_pdf_laid_out_cleanly(demo):
    client, cohort = demo
    url = reverse("cohorts:report_pdf", args=[cohort.pk])
    texts = {}
    for language in ("fr", "en"):
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        response = client.get(url)
        assert response.status_code == 200, response.status_code
        assert response["Content-Type"] == "application/pdf"
        reader = PdfReader(io.BytesIO(response.content))
        catalog: Any = reader.trailer["/Root"]
        assert catalog["/Lang"] == language
        assert catalog["/MarkInfo"]["/Marked"].value is True
        kinds = _structure(catalog["/StructTreeRoot"], [])
        assert kinds.count("/H1") == 1 and kinds.count("/H2") == 5, kinds
        assert "/Table" in kinds and "/TH" in kinds
        assert cohort.name in (reader.metadata.title or "")
        layout = read_layout(response.content, keep_as=f"cohort-report-{language}")
        assert len(layout.words) > 300, len(layout.words)
        assert problems_of(layout) == [], "\n".join(problems_of(layout))
        texts[language] = " ".join(word.text for word in layout.words)
    french, english = texts["fr"], texts["en"]
    assert "Rapport de la promotion" in french and f"Promotion {year(2024)}" in french
    assert "Cohort report" in english and "previous cohort" in english.lower()


def test_the_demo_cohort_report_workbook_tells_a_sensible_story(demo):
    client, cohort = demo
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(reverse("cohorts:report_xlsx", args=[cohort.pk]))
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    figures = dict(list(workbook["Summary"].iter_rows(values_only=True))[1:])
    assert figures["Organisations"] >= 8
    assert figures["Sessions held"] >= 3 and figures["Sessions to come"] >= 1
    assert 0 < figures["Attendance rate (%)"] <= 100
    assert 0 < figures["Diagnostics submitted"] <= figures["Organisations"]
    assert str(year(2024)) in figures["Previous cohort"]
    assert figures["Roadmap items done"] > 0
    themes = list(workbook["Scores by theme"].iter_rows(values_only=True))[1:]
    assert any(row[1] is not None and row[4] is not None for row in themes)  # compared
    savings = list(workbook["Savings"].iter_rows(values_only=True))[1:]
    low, central, high = savings[0][4], savings[0][3], savings[0][5]
    assert 0 < low <= central <= high
