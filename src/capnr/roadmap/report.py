"""The roadmap for management approval: a tagged PDF (PDF/UA-1) made by WeasyPrint.

It follows the outline the REEN law's decree (n° 2022-1084) sets for a responsible digital
strategy, so a local authority can adopt it as such and any organisation can take it to its
management: 1. current state (the latest self-diagnostic's scores and grade, the footprint's
hotspots), 2. objectives (the yearly effect the roadmap expects, and what is done so far),
3. actions (the plan items by theme, with owner, due date, status and expected effect),
4. indicators (targets and latest measurements; the training programme's, which it
writes to the items its offers serve, summed up apart), 5. governance (working groups, leads and
missions), then a block for the approval. Its title says where the approval stands (approved on
the date of the latest approval recorded, submitted for approval, or a draft while it holds no
action), as its approval block does. The template is ``roadmap/report.html``, its print
stylesheet ``templates/roadmap/report.css`` on top of the shared ``core/print.css``; making the
PDF is ``capnr.core.pdf``'s job. French by default, in the request's language otherwise."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from capnr.core.access import OrganisationAccess
from capnr.core.i18n import long_date
from capnr.core.pdf import ReportUnavailable, render_pdf
from capnr.diagnostics import presentation as diagnostic_presentation
from capnr.diagnostics import selectors as diagnostic_selectors
from capnr.inventory import presentation as footprint_presentation
from capnr.inventory.selectors import latest_footprint

from . import exports, selectors
from .models import ItemStatus, PlanItem, RoadmapApproval

__all__ = [
    "ReportUnavailable",
    "approval_status",
    "render_report_html",
    "render_report_pdf",
    "report_context",
]

STYLESHEET = Path(__file__).resolve().parent / "templates" / "roadmap" / "report.css"
OPEN = (ItemStatus.PLANNED, ItemStatus.IN_PROGRESS)


def _current_state(access: OrganisationAccess) -> dict[str, Any]:
    """The latest self-diagnostic's scores, and the latest footprint's hotspots, if any."""
    state: dict[str, Any] = {"diagnostic": None, "footprint": None}
    diagnostic = diagnostic_selectors.latest_diagnostic(access=access)
    if diagnostic is not None:
        results = diagnostic_presentation.results_context(access, diagnostic)
        state["diagnostic"] = {
            "diagnostic": diagnostic,
            "scored": results["results"].overall.percent is not None,
            "headline": results["headline"],
            "grades_sentence": results["grades_sentence"],
            "rows": results["rows"],
            "weak_themes": results["weak_themes"],
            "gap_count": len(results["gaps"]),
            "progress": results["progress"],
        }
    run = latest_footprint(access=access)
    if run is not None:
        summary = footprint_presentation.summary(run, access.organisation)
        if not summary.get("empty"):
            state["footprint"] = {**summary, "run": run}
    return state


def _item_row(item: PlanItem, today: dt.date) -> dict[str, Any]:
    return {
        "item": item,
        "effect": exports.scenario_effect(item),
        "overdue": item.due_date is not None and item.due_date < today and item.status in OPEN,
    }


def _actions(items: list[PlanItem], today: dt.date) -> list[dict[str, Any]]:
    """The items grouped by theme, in the referential's order."""
    titles = exports.theme_titles()
    sections: list[dict[str, Any]] = []
    for item in exports.sorted_items(items):
        title = titles.get(item.theme, item.theme or _("Other actions"))
        if not sections or sections[-1]["title"] != title:
            sections.append({"title": title, "rows": []})
        sections[-1]["rows"].append(_item_row(item, today))
    return sections


def _indicators(items: list[PlanItem]) -> list[dict[str, Any]]:
    rows = []
    for item in exports.sorted_items(items):
        if item.status == ItemStatus.ABANDONED:
            continue
        for kpi in item.kpis.all():
            latest = exports.latest_measurement(kpi)
            rows.append(
                {
                    "item": item,
                    "kpi": kpi,
                    "baseline": exports.format_value(kpi.baseline, kpi.unit),
                    "target": exports.format_value(kpi.target, kpi.unit),
                    "latest": latest,
                    "latest_value": exports.format_value(latest.value, kpi.unit)
                    if latest
                    else None,
                    "reached": (
                        latest is not None
                        and kpi.target is not None
                        and (
                            latest.value >= kpi.target
                            if kpi.direction != "down"
                            else latest.value <= kpi.target
                        )
                    ),
                }
            )
    return rows


def _governance(access: OrganisationAccess) -> list[dict[str, Any]]:
    groups = []
    for group in selectors.group_list(access=access):
        members = list(group.members.all())
        groups.append(
            {
                "group": group,
                "leads": [str(member) for member in members if member.is_lead],
                "member_count": len(members),
                "item_count": len(group.items.all()),
            }
        )
    return groups


def approval_status(
    approval: RoadmapApproval | None, item_count: int, changed: bool = False
) -> str:
    """The report's subtitle: the roadmap approved on the date of the latest approval recorded
    (and changed since, when it no longer is the version approved), else
    submitted for approval, or a draft while it holds no action to approve."""
    if approval is not None and changed:
        return _("Responsible IT roadmap approved on %(date)s, changed since") % {
            "date": long_date(approval.approved_on)
        }
    if approval is not None:
        return _("Responsible IT roadmap, approved on %(date)s") % {
            "date": long_date(approval.approved_on)
        }
    if item_count:
        return _("Responsible IT roadmap, submitted for approval")
    return _("Responsible IT roadmap, draft: no action yet")


def report_context(access: OrganisationAccess) -> dict[str, Any]:
    """Everything ``roadmap/report.html`` shows."""
    organisation = access.organisation
    generated_at = timezone.localtime().replace(microsecond=0)
    today = generated_at.date()
    items = selectors.items_with_follow_up(access=access)
    status_labels = dict(ItemStatus.choices)
    counts = {status: 0 for status in status_labels}
    for item in items:
        counts[item.status] += 1
    open_items = [item for item in items if item.status in OPEN]
    approval = selectors.latest_approval(access=access)
    changed = selectors.changed_since_approval(access=access, approval=approval)
    indicators = _indicators(items)
    return {
        "access": access,
        "organisation": organisation,
        "language": get_language() or "fr",
        "generated_at": generated_at,
        "generated_on": today,
        "document_title": _("Responsible IT roadmap · %(organisation)s")
        % {"organisation": organisation.name},
        "item_count": len(items),
        "status_counts": [
            {"label": status_labels[status], "count": count}
            for status, count in counts.items()
            if count
        ],
        "open_count": len(open_items),
        "overdue_count": sum(
            1 for item in open_items if item.due_date is not None and item.due_date < today
        ),
        "last_due": max((item.due_date for item in open_items if item.due_date), default=None),
        "state": _current_state(access),
        "effect": selectors.roadmap_effect(items),
        "sections": _actions(items, today),
        "approval": approval,
        "changed_since_approval": changed,
        "approval_status": approval_status(approval, len(items), changed),
        "indicators": indicators,
        # Written by the training programme (its kpi_id starts "training."), read here as rows.
        "training_indicators": [
            row for row in indicators if row["kpi"].kpi_id.startswith("training.") and row["latest"]
        ],
        "groups": _governance(access),
    }


def render_report_html(access: OrganisationAccess) -> str:
    return render_to_string("roadmap/report.html", report_context(access))


def render_report_pdf(access: OrganisationAccess) -> bytes:
    """The roadmap as a tagged PDF (PDF/UA-1) with its title and language.

    Raises ReportUnavailable when WeasyPrint or the system libraries it needs are missing."""
    return render_pdf(render_report_html(access), stylesheets=[STYLESHEET])
