"""The cohort report for funders and elected officials, as a PDF and as a workbook: for the
cohort's facilitators only (``tenancy.cohorts``; anyone else gets 404)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_safe

from capnr.core.pdf import ReportUnavailable
from capnr.organisations.tenancy.cohorts import facilitated_cohort_get

from .cohort_report import cohort_report
from .cohort_report_documents import render_report_pdf, report_filename, report_xlsx

PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _download(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    # The name is slugified: ASCII letters, digits and "-" only.
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_safe
def report_pdf(request: HttpRequest, cohort_id: int) -> HttpResponse:
    cohort = facilitated_cohort_get(request.user, cohort_id)
    report = cohort_report(user=request.user, cohort=cohort)
    try:
        content = render_report_pdf(report)
    except ReportUnavailable as error:
        messages.error(request, str(error))
        return redirect("cohorts:dashboard", cohort.pk)
    return _download(content, report_filename(report, "pdf"), PDF)


@login_required
@require_safe
def report_xlsx_download(request: HttpRequest, cohort_id: int) -> HttpResponse:
    cohort = facilitated_cohort_get(request.user, cohort_id)
    report = cohort_report(user=request.user, cohort=cohort)
    return _download(report_xlsx(report), report_filename(report, "xlsx"), XLSX)
