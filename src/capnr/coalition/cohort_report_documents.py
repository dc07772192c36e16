"""The cohort report as documents: a tagged PDF (PDF/UA-1, ``capnr.core.pdf``) laid out by
``coalition/cohort_report.html`` on the shared report frame and its own print stylesheet, and an
XLSX workbook holding the same figures, one sheet per section. The figures are
``cohort_report``'s; nothing is computed here but presentation."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.template.loader import render_to_string
from django.utils.text import slugify
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _

from capnr.core.pdf import render_pdf
from capnr.core.spreadsheets import xlsx_bytes

from .cohort_report import CohortReport, Savings, ThemeAverage

STYLESHEET = Path(__file__).resolve().parent / "templates" / "coalition" / "cohort_report.css"

Sheet = tuple[str, list[str], list[list[object]]]


def _rounded_percent(value: float | None) -> int | None:
    return None if value is None else round(value)


def report_context(report: CohortReport) -> dict[str, Any]:
    cohort = report.cohort
    return {
        "report": report,
        "cohort": cohort,
        # The shared frame names the author in its running footer and properties.
        "organisation": cohort.coalition,
        "language": get_language() or "fr",
        "generated_at": report.generated_at,
        "generated_on": report.generated_on,
        "document_title": _("Cohort report · %(cohort)s · %(coalition)s")
        % {"cohort": cohort.name, "coalition": cohort.coalition.name},
        "attendance_rate": _rounded_percent(report.attendance.rate),
        "savings_rows": _savings_rows(report),
    }


def _savings_rows(report: CohortReport) -> list[dict[str, Any]]:
    """Expected and achieved, for each unit, with bounds (the PDF's table)."""
    rows = []
    for label, savings in (
        (_("Expected savings"), report.actions.expected),
        (_("Achieved savings"), report.actions.achieved),
    ):
        for unit, name in (("kg CO₂e", "kgco2e"), ("kWh", "kwh"), ("€", "eur")):
            rows.append(
                {
                    "label": label,
                    "unit": unit,
                    "items": savings.items,
                    "value": getattr(savings, name),
                    "low": getattr(savings, f"low_{name}"),
                    "high": getattr(savings, f"high_{name}"),
                }
            )
    return rows


def render_report_html(report: CohortReport) -> str:
    return render_to_string("coalition/cohort_report.html", report_context(report))


def render_report_pdf(report: CohortReport) -> bytes:
    """Raises ``capnr.core.pdf.ReportUnavailable`` when this server cannot make PDF files."""
    return render_pdf(render_report_html(report), stylesheets=[STYLESHEET])


# --- The workbook -------------------------------------------------------------------------------


def _yes_no(value: bool) -> str:
    return _("yes") if value else _("no")


def _summary_sheet(report: CohortReport) -> Sheet:
    cohort, attendance = report.cohort, report.attendance
    diagnostics, actions = report.diagnostics, report.actions
    previous = diagnostics.previous_cohort
    rows: list[list[object]] = [
        [_("Coalition"), cohort.coalition.name],
        [_("Cohort"), cohort.name],
        [_("Year"), cohort.year],
        [_("Start date"), cohort.start_date],
        [_("End date"), cohort.end_date],
        [_("Report date"), report.generated_on],
        [_("Organisations"), len(report.participants)],
        [_("Sessions held"), attendance.held],
        [_("Sessions held with attendance recorded"), attendance.recorded],
        [_("Sessions to come"), attendance.upcoming],
        [_("Organisations expected"), attendance.expected],
        [_("Expected organisations present"), attendance.expected_present],
        [_("Attendance rate (%)"), _rounded_percent(attendance.rate)],
        [_("People present"), attendance.people],
        [_("Diagnostics submitted"), diagnostics.current.submitted],
        [_("Previous cohort"), str(previous) if previous else _("no previous cohort")],
        [_("Roadmap items done"), actions.done],
        [_("Roadmap items in progress"), actions.in_progress],
        [_("Roadmap items planned"), actions.planned],
        [_("Actions done with savings measured"), actions.measured.items],
        [_("Testimonies shared"), len(report.testimonies)],
        [
            _("Questions version (diagnostics of the cohort)"),
            ", ".join(diagnostics.current.versions),
        ],
        [
            _("Questions version (diagnostics of the previous cohort)"),
            ", ".join(diagnostics.previous.versions) if diagnostics.previous else "",
        ],
        [_("Impact models and method versions"), ", ".join(actions.method_versions)],
        [_("Reference data versions of the simulations"), ", ".join(actions.data_versions)],
        [_("Cap NR engine version"), report.engine_version],
        [_("Cap NR reference data version"), report.data_version],
    ]
    return (_("Summary"), [_("Figure"), _("Value")], rows)


def _organisations_sheet(report: CohortReport) -> Sheet:
    header = [
        _("Organisation"),
        _("Kind"),
        _("Headcount"),
        _("Size"),
        _("Diagnostic submitted"),
        _("Roadmap items done"),
    ]
    rows: list[list[object]] = [
        [p.name, p.kind, p.headcount, p.size, _yes_no(p.diagnostic_submitted), p.items_done]
        for p in report.participants
    ]
    return (_("Organisations"), header, rows)


def _groups_sheet(report: CohortReport) -> Sheet:
    rows: list[list[object]] = [[_("Kind"), c.label, c.count] for c in report.by_kind]
    rows += [[_("Size"), c.label, c.count] for c in report.by_size]
    return (_("By kind and size"), [_("Grouped by"), _("Group"), _("Organisations")], rows)


def _sessions_sheet(report: CohortReport) -> Sheet:
    header = [
        _("Date"),
        _("Kind"),
        _("Title"),
        _("Held"),
        _("Attendance recorded"),
        _("Organisations expected"),
        _("Organisations present"),
        _("Expected organisations present"),
        _("People present"),
    ]
    rows: list[list[object]] = [
        [
            line.day,
            line.kind,
            line.title,
            _yes_no(line.held),
            _yes_no(line.recorded),
            line.expected,
            line.present if line.recorded else None,
            line.expected_present if line.recorded else None,
            line.people if line.recorded else None,
        ]
        for line in report.sessions
    ]
    return (_("Sessions"), header, rows)


def _theme_row(title: str, row: ThemeAverage) -> list[object]:
    return [
        title,
        row.rounded,
        None if row.average is None else round(row.average, 2),
        row.count,
        row.previous_rounded,
        None if row.previous is None else round(row.previous, 2),
        row.previous_count,
        row.change,
    ]


def _themes_sheet(report: CohortReport) -> Sheet:
    header = [
        _("Theme"),
        _("Average score /100"),
        _("Average score, unrounded"),
        _("Diagnostics counted"),
        _("Previous cohort's average /100"),
        _("Previous cohort's average, unrounded"),
        _("Previous cohort's diagnostics counted"),
        pgettext("difference from one year to the next", "Change"),
    ]
    diagnostics = report.diagnostics
    rows = [_theme_row(row.title, row) for row in diagnostics.themes]
    rows.append(_theme_row(_("Global score"), diagnostics.overall))
    return (_("Scores by theme"), header, rows)


def _savings_cells(label: str, savings: Savings) -> list[list[object]]:
    return [
        [label, unit, savings.items, round(value, 1), round(low, 1), round(high, 1)]
        for unit, value, low, high in (
            ("kg CO2e", savings.kgco2e, savings.low_kgco2e, savings.high_kgco2e),
            ("kWh", savings.kwh, savings.low_kwh, savings.high_kwh),
            ("€", savings.eur, savings.low_eur, savings.high_eur),
        )
    ]


def _savings_sheet(report: CohortReport) -> Sheet:
    header = [
        _("Yearly savings"),
        _("Unit"),
        _("Items counted"),
        _("Central estimate"),
        _("Low bound"),
        _("High bound"),
    ]
    rows = _savings_cells(_("Expected savings"), report.actions.expected)
    rows += _savings_cells(_("Achieved savings"), report.actions.achieved)
    measured = report.actions.measured
    rows += [
        [_("Measured savings"), unit, measured.items, round(value, 1), None, None]
        for unit, value in (("kWh", measured.kwh), ("€", measured.eur))
    ]
    return (_("Savings"), header, rows)


def _testimonies_sheet(report: CohortReport) -> Sheet:
    header = [
        _("Organisation"),
        _("Title"),
        _("Year"),
        _("Outcome"),
        _("Theme"),
        _("Shared with"),
        _("What was done"),
        _("Result"),
    ]
    rows: list[list[object]] = [
        [
            t.organisation,
            t.title,
            t.year,
            t.outcome,
            t.theme,
            t.shared_with,
            t.what_was_done,
            t.result,
        ]
        for t in report.testimonies
    ]
    return (_("Testimonies"), header, rows)


def report_xlsx(report: CohortReport) -> bytes:
    return xlsx_bytes(
        [
            _summary_sheet(report),
            _organisations_sheet(report),
            _groups_sheet(report),
            _sessions_sheet(report),
            _themes_sheet(report),
            _savings_sheet(report),
            _testimonies_sheet(report),
        ]
    )


def report_filename(report: CohortReport, extension: str) -> str:
    """ "rapport-de-la-promotion-<coalition>-<cohort>-<day>.pdf" in French."""
    name = slugify(f"{_('Cohort report')} {report.cohort.coalition.name} {report.cohort.name}")
    return f"{name}-{report.generated_on:%Y-%m-%d}.{extension}"
