"""The figures the anonymous benchmarks compare, gathered for every organisation that takes part,
and the groups a viewer may request. The rules (threshold, differencing) are in the pure
``benchmarks`` module; this module only reads.

Figures (one value per organisation, or none):
- the diagnostic score of each theme and the global score, from the latest *submitted*
  diagnostic (``diagnostics.selectors.results``, the figure of the results page);
- the footprint per employee (kgCO2e per agent), from the latest footprint run
  (``inventory.presentation.summary``, the figure of the footprint page);
- the roadmap's completion: the share of its items (not abandoned, not in the bin) that are
  done, in percent, for an organisation with at least one item.

Reading another organisation's figures for an aggregate goes through
``visibility.aggregate_access``; nothing read here leaves this module but quartiles.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from capnr.coalition import peer_selectors
from capnr.diagnostics import selectors as diagnostic_selectors
from capnr.diagnostics.models import DiagnosticStatus
from capnr.diagnostics.referential import theme_title, themes
from capnr.inventory import presentation as inventory_presentation
from capnr.inventory import selectors as inventory_selectors
from capnr.organisations.models import Organisation
from capnr.roadmap import selectors as roadmap_selectors

from . import benchmarks, visibility
from .models import BenchmarkOptOut

INSTANCE = "instance"
GLOBAL_SCORE = "score"
FOOTPRINT = "footprint_per_employee"
COMPLETION = "roadmap_completion"


@dataclass(frozen=True)
class Metric:
    id: str
    label: str
    unit: str


def metrics() -> list[Metric]:
    return [
        Metric(GLOBAL_SCORE, _("Diagnostic score"), "/100"),
        *(
            Metric(
                f"theme:{theme.id}", _("Score: %(theme)s") % {"theme": theme_title(theme)}, "/100"
            )
            for theme in themes()
        ),
        Metric(FOOTPRINT, _("IT footprint per agent"), _("kgCO2e per agent")),
        Metric(COMPLETION, _("Roadmap done"), "%"),
    ]


def participants() -> list[Organisation]:
    """Organisations that take part: every one that has not opted out."""
    return list(
        Organisation.objects.exclude(
            pk__in=BenchmarkOptOut.objects.values("organisation_id")
        ).order_by("pk")
    )


def figures_of(organisation: Organisation) -> dict[str, float]:
    """The organisation's own figures, metric id -> value (only those it has)."""
    access = visibility.aggregate_access(organisation)
    found: dict[str, float] = {}
    diagnostic = (
        diagnostic_selectors.diagnostic_list(access=access)
        .filter(status=DiagnosticStatus.SUBMITTED)
        .first()
    )
    if diagnostic is not None:
        result = diagnostic_selectors.results(diagnostic)
        if result.overall.percent is not None:
            found[GLOBAL_SCORE] = float(result.overall.percent)
        for theme_id, score in result.themes.items():
            if score.percent is not None:
                found[f"theme:{theme_id}"] = float(score.percent)
    run = inventory_selectors.latest_footprint(access=access)
    if run is not None and organisation.headcount:
        summary = inventory_presentation.summary(run, organisation)
        per_employee = summary.get("per_employee")
        if per_employee is not None:
            found[FOOTPRINT] = float(per_employee.value)
    statuses = list(
        roadmap_selectors.item_list(access=access)
        .exclude(status="abandoned")
        .values_list("status", flat=True)
    )
    if statuses:
        found[COMPLETION] = 100.0 * statuses.count("done") / len(statuses)
    return found


@dataclass
class Population:
    """Everything the benchmarks need: who takes part, their figures, kinds and sizes, and
    every group anyone can request."""

    figures: dict[int, dict[str, float]]
    groups: dict[benchmarks.GroupKey, frozenset[Hashable]]
    scope_names: dict[str, str]
    cohorts_of: dict[int, set[int]]  # coalition id -> its cohorts' ids

    def values(self, metric: str) -> dict[Hashable, float]:
        return {pk: row[metric] for pk, row in self.figures.items() if metric in row}

    def releases(self, metric: str) -> dict[benchmarks.GroupKey, benchmarks.Release]:
        return benchmarks.release(self.groups, self.values(metric))


def population() -> Population:
    organisations = participants()
    ids = {organisation.pk for organisation in organisations}
    scopes: dict[str, frozenset[Hashable]] = {INSTANCE: frozenset(ids)}
    names = {INSTANCE: _("All organisations of Cap NR")}
    cohorts_of: dict[int, set[int]] = {}
    for scope in peer_selectors.all_scopes():
        key = f"{scope.kind}:{scope.id}"
        scopes[key] = frozenset(scope.organisation_ids & ids)
        names[key] = scope.name
        if scope.kind == "cohort":
            cohorts_of.setdefault(scope.coalition_id, set()).add(scope.id)
    kinds: dict[Hashable, str] = {o.pk: o.kind for o in organisations}
    sizes: dict[Hashable, str] = {o.pk: benchmarks.size_bracket(o.headcount) for o in organisations}
    return Population(
        figures={organisation.pk: figures_of(organisation) for organisation in organisations},
        groups=benchmarks.every_group(scopes, kinds, sizes),
        scope_names=names,
        cohorts_of=cohorts_of,
    )


def scopes_for(organisation: Organisation) -> list[str]:
    """The scopes ``organisation`` may request: its cohorts, its coalitions, the instance."""
    return [
        *(f"{scope.kind}:{scope.id}" for scope in peer_selectors.scopes_of(organisation.pk)),
        INSTANCE,
    ]
