"""Downloads of a self-diagnostic: the PDF report for management and the XLSX of every answer."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from capnr.core.access import OrganisationAccess, organisation_view

from . import exports, report, selectors

PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _download(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _filename(access: OrganisationAccess, year: int, extension: str) -> str:
    # Slugs are ASCII letters, digits, "-" and "_": safe in a header without quoting tricks.
    return f"diagnostic-{access.organisation.slug}-{year}.{extension}"


@organisation_view()
@require_safe
def report_pdf(request: HttpRequest, access: OrganisationAccess, year: int) -> HttpResponse:
    """The report for management: anyone who may see the results may download it."""
    diagnostic = selectors.diagnostic_get(access=access, year=year)
    try:
        content = report.render_report_pdf(access, diagnostic)
    except report.ReportUnavailable as error:
        return render(
            request,
            "diagnostics/report_unavailable.html",
            {"access": access, "diagnostic": diagnostic, "reason": str(error)},
            status=503,
        )
    return _download(content, _filename(access, year, "pdf"), PDF)


@organisation_view()
@require_safe
def answers_xlsx(request: HttpRequest, access: OrganisationAccess, year: int) -> HttpResponse:
    """Every answer with its comment, for every member (readers included) and the facilitator;
    another organisation's diagnostic is not found (404)."""
    diagnostic = selectors.diagnostic_get(access=access, year=year)
    content = exports.answers_xlsx(access, diagnostic)
    return _download(content, _filename(access, year, "xlsx"), XLSX)
