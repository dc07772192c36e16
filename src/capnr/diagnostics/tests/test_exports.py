"""The PDF report for management and the XLSX of every answer, through their URLs."""

from __future__ import annotations

import builtins
import io
import re
from typing import Any

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from openpyxl import load_workbook
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject

from capnr.diagnostics import exports, selectors, services
from capnr.diagnostics.referential import questions_for
from capnr.diagnostics.services import Submission
from capnr.organisations.models import Role

YEAR = 2025
FORMULA = '=HYPERLINK("https://example.org/steal","Click")'
# Answers of a State service (org_a). Gaps: purchasing.05 (REEN art. 15, due 1 January 2023)
# answered "no"; accessibility.01 (date to confirm) answered "don't know", also a follow-up.
ANSWERS = {
    "strategy.01": "yes",
    "strategy.02": "partly",
    "strategy.03": "no",
    "awareness.01": "yes",
    "awareness.02": "no",
    "measurement.01": "no",
    "measurement.02": "partly",
    "equipment.01": "yes",
    "purchasing.05": "no",
    "use.01": "yes",
    "data.01": "yes",
    "accessibility.01": "unknown",
}
REEN_REFERENCE = "Loi n° 2021-1485 (REEN), art. 15"


@pytest.fixture
def diagnostic(org_a, member, access_of):
    """A 2025 diagnostic of org_a, with last year's carried over and this year's answers."""
    org_a.headcount = 420
    org_a.save()
    referent = member(org_a, Role.REFERENT, full_name="Rita Referent")
    access = access_of(referent, org_a)
    last_year = services.diagnostic_start(access=access, year=YEAR - 1, user=referent)
    services.answers_save(
        access=access,
        diagnostic=last_year,
        user=referent,
        submissions=[Submission("strategy.01", "no", "", "", 0)],
    )
    current = services.diagnostic_start(access=access, year=YEAR, user=referent)
    versions = {
        qid: answer.version for qid, answer in selectors.answers_by_question(current).items()
    }
    result = services.answers_save(
        access=access,
        diagnostic=current,
        user=referent,
        submissions=[
            Submission(
                qid,
                value,
                FORMULA if qid == "strategy.01" else "",
                "Minutes of the board, March" if qid == "strategy.02" else "",
                versions.get(qid, 0),
            )
            for qid, value in ANSWERS.items()
        ],
    )
    assert not result.errors and not result.conflicts
    current.referent = referent  # type: ignore[attr-defined]
    return current


def _get(client, user, name: str, diagnostic, language: str | None = None):
    client.force_login(user)
    if language:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client.get(reverse(f"diagnostics:{name}", args=[diagnostic.organisation.slug, YEAR]))


def _pdf(response) -> tuple[PdfReader, str]:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    return reader, text


def _structure(node: Any, found: list[Any]) -> list[Any]:
    """Every element of a PDF's structure tree, depth first."""
    node = node.get_object()
    if isinstance(node, ArrayObject):
        for child in node:
            _structure(child, found)
    elif isinstance(node, DictionaryObject):
        if "/S" in node:
            found.append(node)
        if "/K" in node:
            _structure(node["/K"], found)
    return found


def _translated(language: str, message: str) -> str:
    with translation.override(language):
        return gettext(message)


@pytest.mark.django_db
def test_report_is_a_french_pdf_by_default_with_scores_gaps_and_indicative_levels(
    client, diagnostic
):
    response = _get(client, diagnostic.referent, "report_pdf", diagnostic)
    reader, text = _pdf(response)
    assert response["Content-Disposition"] == f'attachment; filename="diagnostic-alpha-{YEAR}.pdf"'
    results = selectors.results(diagnostic)
    # 18 points out of a weight of 35: 51 %, grade C, 514/1000, the first indicative level.
    assert results.grade == "C" and round(results.out_of_1000) == 514
    assert "Alpha secret agency" in text and str(YEAR) in text
    assert re.search(rf"\bC {re.escape(_translated('fr', 'grade, from A (best) to E'))}", text)
    assert "514" in text and "Niveau 1 (indicatif)" in text  # /1000 and the indicative level
    assert REEN_REFERENCE in text and "1er janvier 2023" in text  # a gap, its due date in French
    assert "Stratégie et gouvernance" in text  # themes and questions in French
    assert "Tenez-vous compte de l'indice de réparabilité" in text
    assert reader.trailer["/Root"]["/Lang"] == "fr"


@pytest.mark.django_db
def test_report_follows_the_language_the_person_chose(client, diagnostic):
    reader, text = _pdf(_get(client, diagnostic.referent, "report_pdf", diagnostic, "en"))
    assert reader.trailer["/Root"]["/Lang"] == "en"
    assert "report for management" in text and "Strategy and governance" in text
    assert REEN_REFERENCE in text and "Jan. 1, 2023" in text
    assert "indicative" in text and "Stratégie et gouvernance" not in text
    assert reader.metadata.title == f"Responsible IT self-diagnostic {YEAR} · Alpha secret agency"


@pytest.mark.django_db
def test_report_is_a_tagged_pdf_with_its_title_and_language(client, diagnostic):
    reader, _ = _pdf(_get(client, diagnostic.referent, "report_pdf", diagnostic))
    catalog: Any = reader.trailer["/Root"]
    assert catalog["/MarkInfo"]["/Marked"].value is True  # a BooleanObject
    elements = _structure(catalog["/StructTreeRoot"], [])
    kinds = [str(element["/S"]) for element in elements]
    assert kinds.count("/H1") == 1 and "/H2" in kinds and "/Table" in kinds and "/TH" in kinds
    radar = [element for element in elements if element["/S"] == "/Figure"]
    title = _translated("fr", "Score per theme, %(year)s") % {"year": YEAR}
    assert [str(figure["/Alt"]) for figure in radar] == [title]  # the radar's SVG title
    assert catalog["/Lang"] == "fr"
    assert catalog["/ViewerPreferences"]["/DisplayDocTitle"].value is True
    assert "Alpha secret agency" in reader.metadata.title


@pytest.mark.django_db
def test_report_lists_follow_ups_and_last_years_scores(client, diagnostic):
    _, text = _pdf(_get(client, diagnostic.referent, "report_pdf", diagnostic, "en"))
    assert "Have your websites and applications had an RGAA accessibility audit" in text
    assert "accessibility officer" in text  # who can answer the "don't know"
    assert "Sept. 23, 2020 to confirm" in text  # the accessibility deadline is uncertain
    assert f"Last year ({YEAR - 1})" in text


@pytest.mark.django_db
def test_report_without_pango_is_a_503_that_says_what_to_install(client, diagnostic, monkeypatch):
    real_import = builtins.__import__

    def import_without_pango(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "weasyprint":
            raise OSError("cannot load library 'libpango-1.0-0': no such file")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", import_without_pango)
    response = _get(client, diagnostic.referent, "report_pdf", diagnostic)
    assert response.status_code == 503
    assert "libpango-1.0-0 libpangoft2-1.0-0" in response.content.decode()


@pytest.mark.django_db
def test_answers_workbook_has_a_row_per_applicable_question_in_the_persons_language(
    client, diagnostic
):
    response = _get(client, diagnostic.referent, "answers_xlsx", diagnostic, "en")
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="diagnostic-alpha-{YEAR}.xlsx"'
    workbook = load_workbook(io.BytesIO(response.content))
    sheet = workbook.worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    header, body = rows[0], rows[1:]
    assert list(header[:6]) == ["No.", "Question id", "Theme", "Question", "Priority", "Answer"]
    assert "Legal obligation" in header and "Due date" in header and "DINUM guide" in header
    assert len(body) == len(questions_for(diagnostic.organisation))
    by_id = {row[1]: dict(zip(header, row, strict=True)) for row in body}
    reen = by_id["purchasing.05"]
    assert reen["Answer"] == "No" and reen["Legal obligation"] == REEN_REFERENCE
    assert reen["Due date"].date().isoformat() == "2023-01-01"
    assert reen["Answered by"] == "Rita Referent"
    assert by_id["strategy.02"]["Evidence"] == "Minutes of the board, March"
    assert by_id["strategy.01"]["DINUM guide"] == "a.1"
    assert by_id["hosting.01"]["Answer"] is None  # applicable, not answered: still a row


@pytest.mark.django_db
def test_answers_workbook_headers_are_french_by_default(client, diagnostic):
    response = _get(client, diagnostic.referent, "answers_xlsx", diagnostic)
    header = next(load_workbook(io.BytesIO(response.content)).worksheets[0].iter_rows())
    with translation.override("fr"):
        expected = exports.answers_header()
    assert [cell.value for cell in header] == expected


@pytest.mark.django_db
def test_a_comment_that_looks_like_a_formula_stays_text(client, diagnostic):
    response = _get(client, diagnostic.referent, "answers_xlsx", diagnostic, "en")
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    header = [cell.value for cell in sheet[1]]
    comment = sheet.cell(row=2, column=header.index("Comment") + 1)
    assert sheet.cell(row=2, column=2).value == "strategy.01"
    assert comment.data_type == "s" and comment.value == "'" + FORMULA
    assert not any(cell.data_type == "f" for row in sheet.iter_rows() for cell in row)


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.READER, Role.CONTRIBUTOR])
def test_members_who_do_not_run_the_diagnostic_get_the_report_but_not_the_answers(
    client, diagnostic, member, org_a, role
):
    colleague = member(org_a, role)
    _pdf(_get(client, colleague, "report_pdf", diagnostic))
    assert _get(client, colleague, "answers_xlsx", diagnostic).status_code == 403


@pytest.mark.django_db
def test_outsiders_and_missing_years_get_404(client, diagnostic, member, org_b):
    outsider = member(org_b)
    assert _get(client, outsider, "report_pdf", diagnostic).status_code == 404
    assert _get(client, outsider, "answers_xlsx", diagnostic).status_code == 404
    client.force_login(diagnostic.referent)
    for name in ("report_pdf", "answers_xlsx"):
        url = reverse(f"diagnostics:{name}", args=[diagnostic.organisation.slug, YEAR + 1])
        assert client.get(url).status_code == 404
