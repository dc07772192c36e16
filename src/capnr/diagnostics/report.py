"""The self-diagnostic's report for management: a tagged PDF (PDF/UA-1) made by WeasyPrint.

The report shows what the results page shows (``presentation.results_context``), laid out for
print in the request's language: the title block, the context, the global score and grade, the
scores per theme (radar and table), the compliance gaps, the stakes, the "don't know" follow-ups
and the next steps. The template is ``diagnostics/report.html``; its print stylesheet is
``templates/diagnostics/report.css``, on top of the shared ``core/print.css``. Making the PDF
(WeasyPrint, imported only then) is ``capnr.core.pdf``'s job."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from capnr.core.access import OrganisationAccess
from capnr.core.owned import require_same_organisation
from capnr.core.pdf import ReportUnavailable, render_pdf, without_halo
from capnr.engine import diagnostic as engine

from . import presentation
from .models import Diagnostic

__all__ = ["ReportUnavailable", "render_report_html", "render_report_pdf", "report_context"]

STYLESHEET = Path(__file__).resolve().parent / "templates" / "diagnostics" / "report.css"


def _due_date(gap: dict[str, Any]) -> dt.date | None:
    """The obligation's deadline, or None when the referential gives none (or an unreadable one,
    which the referential's own tests should catch)."""
    if isinstance(gap.get("due"), dt.date):
        return gap["due"]
    obligation: engine.Obligation | None = gap["obligation"]
    if obligation is None or not obligation.due:
        return None
    try:
        return dt.date.fromisoformat(obligation.due)
    except ValueError:
        return None


def _finish_steps(context: dict[str, Any]) -> list[str]:
    """Finishing and submitting the diagnostic, while questions remain unconfirmed."""
    progress = context["progress"]
    remaining = progress.total - progress.answered
    if context["diagnostic"].is_submitted or not remaining:
        return []
    return [
        ngettext(
            "Finish the diagnostic: %(count)s question still has no confirmed answer. "
            "Then submit it, so that this report becomes the year's reference.",
            "Finish the diagnostic: %(count)s questions still have no confirmed answer. "
            "Then submit it, so that this report becomes the year's reference.",
            remaining,
        )
        % {"count": remaining}
    ]


def _obligation_steps(gaps: list[dict[str, Any]]) -> list[str]:
    """The open legal obligations: those past their deadline first, then the others."""
    steps = []
    overdue = sum(1 for gap in gaps if gap["overdue"])
    upcoming = len(gaps) - overdue
    if overdue:
        steps.append(
            ngettext(
                "Bring the %(count)s obligation whose deadline has passed into compliance first: "
                "name someone in charge and a date.",
                "Bring the %(count)s obligations whose deadline has passed into compliance "
                "first: name someone in charge and a date for each.",
                overdue,
            )
            % {"count": overdue}
        )
    if upcoming:
        steps.append(
            ngettext(
                "Plan the %(count)s other open obligation before its due date.",
                "Plan the %(count)s other open obligations before their due dates.",
                upcoming,
            )
            % {"count": upcoming}
        )
    return steps


def _next_steps(context: dict[str, Any], today: dt.date) -> list[str]:
    """What management should do next, from the results: deadlines first, then unknowns."""
    steps = _finish_steps(context) + _obligation_steps(context["gaps"])
    follow_ups = len(context["follow_ups"])
    if follow_ups:
        steps.append(
            ngettext(
                "Ask the people named for the %(count)s “don't know” answer, then update the "
                "diagnostic.",
                "Ask the people named for the %(count)s “don't know” answers, then update the "
                "diagnostic.",
                follow_ups,
            )
            % {"count": follow_ups}
        )
    if context["weak_themes"]:
        steps.append(
            _("Choose two or three actions in the weakest themes: %(themes)s.")
            % {"themes": ", ".join(row.title for row in context["weak_themes"])}
        )
    if context["footprint"] is None:
        steps.append(
            _(
                "Measure the footprint of your equipment in Cap NR (an inventory, or simply the "
                "number of devices of each kind) to see where the impacts are."
            )
        )
    steps.append(
        _(
            "Run the diagnostic again in %(year)s to measure the progress: Cap NR carries this "
            "year's answers over, to confirm or update."
        )
        % {"year": max(context["diagnostic"].year + 1, today.year)}
    )
    return steps


def report_context(access: OrganisationAccess, diagnostic: Diagnostic) -> dict[str, Any]:
    """Everything ``diagnostics/report.html`` shows, on top of the results page's context."""
    require_same_organisation(access, diagnostic)
    context = presentation.results_context(access, diagnostic)
    generated_at = timezone.localtime().replace(microsecond=0)
    today = generated_at.date()
    gaps = []
    for gap in context["gaps"]:
        due = _due_date(gap)
        gaps.append({**gap, "due": due, "overdue": due is not None and due < today})
    context["gaps"] = gaps
    context["radar"] = without_halo(context["radar"])
    organisation = diagnostic.organisation
    context.update(
        {
            "access": access,
            "organisation": organisation,
            "language": get_language() or "fr",
            "generated_at": generated_at,
            "generated_on": today,
            "theme_count": len(context["rows"]),
            "document_title": _("Responsible IT self-diagnostic %(year)s · %(organisation)s")
            % {"year": diagnostic.year, "organisation": organisation.name},
            "overdue_count": sum(1 for gap in gaps if gap["overdue"]),
        }
    )
    context["next_steps"] = _next_steps(context, today)
    return context


def render_report_html(access: OrganisationAccess, diagnostic: Diagnostic) -> str:
    return render_to_string("diagnostics/report.html", report_context(access, diagnostic))


def render_report_pdf(access: OrganisationAccess, diagnostic: Diagnostic) -> bytes:
    """The report as a tagged PDF (PDF/UA-1) with its title and language.

    Raises ReportUnavailable when WeasyPrint or the system libraries it needs are missing."""
    return render_pdf(render_report_html(access, diagnostic), stylesheets=[STYLESHEET])
