"""The seven steps of the product's journey (docs/adr/0004-product-journey-and-targets.md),
with where this organisation stands on each. It reads every app, so it belongs to the shell.

A step whose capability is not built yet would say so ("coming") and link nowhere; none is now."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from capnr.core.access import FACILITATOR, OrganisationAccess
from capnr.diagnostics import presentation as diagnostic_presentation
from capnr.diagnostics import selectors as diagnostic_selectors
from capnr.diagnostics.models import Diagnostic, DiagnosticStatus
from capnr.inventory.models import Asset, AssetOrigin
from capnr.roadmap.models import ItemStatus, PlanItem

TODO = "todo"
IN_PROGRESS = "in_progress"
DONE = "done"
COMING = "coming"

STATUS_LABELS = {
    TODO: _("To do"),
    IN_PROGRESS: _("In progress"),
    DONE: _("Done"),
    COMING: _("Coming"),
}


@dataclass(frozen=True)
class JourneyStep:
    number: int
    key: str
    title: Promise
    summary: Promise
    status: str
    url: str | None = None
    is_next: bool = False
    figure: str = ""  # the step's one figure, e.g. the diagnostic's "40/100 · C"
    figure_label: str = ""  # what the figure is

    @property
    def status_label(self) -> Promise:
        return STATUS_LABELS[self.status]


FOOTPRINT_SUMMARY = _(
    "The footprint of your IT in minutes from a few counts, refined by importing your inventory."
)

DIAGNOSTIC_SUMMARY = _(
    "A guided half-day workshop: scores per theme and compliance gaps with their dates."
)

LIVE_STEPS: tuple[tuple[str, Promise, Promise, str], ...] = (
    (
        "stakes",
        _("Stakes"),
        _("Maturity gaps and footprint hotspots side by side, and the actions they call for."),
        "actions:recommendations",
    ),
    (
        "roadmap",
        _("Roadmap"),
        _("A few well-chosen actions with owners, dates and indicators, ready for approval."),
        "roadmap:roadmap",
    ),
    (
        "execution",
        _("Execution"),
        _("Working groups, collection challenges, trainings and the follow-up of each action."),
        "roadmap:groups",
    ),
    (
        "review",
        _("Review"),
        _("Next year's diagnostic pre-filled, progress against the baseline, sharing with peers."),
        "diagnostics:index",
    ),
)

# Every step's capability is built; a step added before its capability would be listed here.
COMING_STEPS: tuple[tuple[str, Promise, Promise], ...] = ()


def _profile_status(access: OrganisationAccess) -> str:
    organisation = access.organisation
    has_sites = organisation.sites.exists()
    has_departments = organisation.departments.exists()
    if organisation.profile_is_complete and has_sites and has_departments:
        return DONE
    if organisation.headcount or has_sites or has_departments:
        return IN_PROGRESS
    return TODO


def _first_steps(access: OrganisationAccess, slug: str, today: dt.date) -> list[JourneyStep]:
    """Profile, footprint and self-diagnostic. A step is the next one once the steps before it
    are under way (the profile done, the footprint at least started)."""
    profile_status = _profile_status(access)
    footprint_status = _footprint_status(access)
    diagnostic_status = _diagnostic_status(access, today)
    figure_label, figure = _diagnostic_figure(access)
    return [
        JourneyStep(
            1,
            "profile",
            _("Profile"),
            _(
                "Describe the organisation: kind, headcount, sites and departments. The "
                "thresholds that decide which obligations apply come from here."
            ),
            profile_status,
            reverse("organisations:profile", args=[slug]),
            is_next=profile_status != DONE,
        ),
        JourneyStep(
            2,
            "footprint",
            _("Footprint"),
            FOOTPRINT_SUMMARY,
            footprint_status,
            reverse("inventory:footprint", args=[slug]),
            is_next=profile_status == DONE and footprint_status != DONE,
        ),
        JourneyStep(
            3,
            "diagnostic",
            _("Self-diagnostic"),
            DIAGNOSTIC_SUMMARY,
            diagnostic_status,
            reverse("diagnostics:index", args=[slug]),
            is_next=profile_status == DONE
            and footprint_status != TODO
            and diagnostic_status != DONE,
            figure=figure,
            figure_label=figure_label,
        ),
    ]


def journey_for(access: OrganisationAccess, today: dt.date | None = None) -> list[JourneyStep]:
    slug = access.organisation.slug
    steps = _first_steps(access, slug, today or timezone.localdate())
    diagnostic_status = steps[-1].status
    statuses = {**_roadmap_statuses(access, diagnostic_status), "review": _review_status(access)}
    previous_done = diagnostic_status != TODO
    for number, (key, title, summary, url_name) in enumerate(LIVE_STEPS, start=4):
        status = statuses[key]
        steps.append(
            JourneyStep(
                number,
                key,
                title,
                summary,
                status,
                reverse(url_name, args=[slug]),
                is_next=previous_done and status != DONE and not any(s.is_next for s in steps),
            )
        )
        previous_done = status != TODO
    for number, (key, title, summary) in enumerate(COMING_STEPS, start=4 + len(LIVE_STEPS)):
        steps.append(JourneyStep(number, key, title, summary, COMING))
    if access.role == FACILITATOR:
        # The facilitator changes neither the profile, the inventory nor the roadmap: the one
        # step offered to them is the diagnostic's workshop.
        steps = [
            replace(step, is_next=step.key == "diagnostic" and step.status != DONE)
            for step in steps
        ]
    return steps


def _footprint_status(access: OrganisationAccess) -> str:
    """Done once a real inventory is imported; in progress with counts entered by hand."""
    origins = set(Asset.objects.for_access(access).values_list("origin", flat=True).distinct())
    if AssetOrigin.IMPORT in origins:
        return DONE
    return IN_PROGRESS if origins else TODO


DIAGNOSTIC_VALID_DAYS = 365


def _diagnostic_status(access: OrganisationAccess, today: dt.date) -> str:
    """The latest year's truth: done once that year's diagnostic is submitted, in progress
    while it is being answered (last year's submitted one does not make this year's done).
    The self-diagnostic is yearly: a year after its submission, the next one is to do."""
    latest = (
        Diagnostic.objects.for_access(access)
        .order_by("-year")
        .values_list("status", "submitted_at")
        .first()
    )
    if latest is None:
        return TODO
    status, submitted_at = latest
    if status != DiagnosticStatus.SUBMITTED:
        return IN_PROGRESS
    if submitted_at is not None and (
        today - timezone.localtime(submitted_at).date()
    ) >= dt.timedelta(days=DIAGNOSTIC_VALID_DAYS):
        return TODO
    return DONE


def _diagnostic_figure(access: OrganisationAccess) -> tuple[str, str]:
    """The latest diagnostic's score as every page gives it ("40/100 · C"), and what it is;
    empty while no answer counts."""
    latest = diagnostic_selectors.latest_diagnostic(access=access)
    if latest is None:
        return "", ""
    figure = diagnostic_presentation.headline(diagnostic_selectors.results(latest))
    if figure is None:
        return "", ""
    if latest.is_submitted:
        label = _("Score %(year)s:") % {"year": latest.year}
    else:
        label = _("Score %(year)s so far (provisional):") % {"year": latest.year}
    return str(label), figure


def _review_status(access: OrganisationAccess) -> str:
    """The yearly review: a diagnostic answered again after a submitted one (pre-filled from it,
    compared with it). In progress while that later one is being answered, done once it is
    submitted."""
    statuses = list(
        Diagnostic.objects.for_access(access).order_by("year").values_list("status", flat=True)
    )
    if DiagnosticStatus.SUBMITTED not in statuses:
        return TODO
    later = statuses[statuses.index(DiagnosticStatus.SUBMITTED) + 1 :]
    if DiagnosticStatus.SUBMITTED in later:
        return DONE
    return IN_PROGRESS if later else TODO


def _roadmap_statuses(access: OrganisationAccess, diagnostic_status: str) -> dict[str, str]:
    """Stakes: read once a roadmap item exists. Roadmap: done when every open item has an
    owner and a due date. Execution: done when half the items kept are done."""
    items = list(
        PlanItem.objects.for_access(access)
        .filter(deleted_at__isnull=True)
        .values("status", "owner_id", "due_date")
    )
    kept = [item for item in items if item["status"] != ItemStatus.ABANDONED]
    done = [item for item in kept if item["status"] == ItemStatus.DONE]
    started = [item for item in kept if item["status"] != ItemStatus.PLANNED]
    planned_well = all(item["owner_id"] and item["due_date"] for item in kept)
    return {
        "stakes": DONE if items else (IN_PROGRESS if diagnostic_status != TODO else TODO),
        "roadmap": (DONE if planned_well else IN_PROGRESS) if kept else TODO,
        "execution": (
            DONE if kept and len(done) * 2 >= len(kept) else IN_PROGRESS if started else TODO
        ),
    }
