"""The figures the anonymous benchmarks compare, gathered for every organisation that takes part,
and the groups a viewer may request. The rules (threshold, differencing) are in the pure
``benchmarks`` module; this module only reads.

Figures (one value per organisation, or none):
- the diagnostic score of each theme and the global score, from the latest *submitted*
  diagnostic (``diagnostics.selectors.latest_submitted_results``, the figure of the results
  page);
- the footprint per employee (kgCO2e per agent), from the latest footprint run
  (``inventory.selectors.latest_footprint_per_employee``, the figure of the footprint page);
- the share of equipment past its lifetime: of the devices in service with a purchase date,
  the share (in percent, devices counted by quantity) older than their planned lifetime (their
  own, or the default of their category in the engine's versioned data), from
  ``inventory.selectors.dated_fleets`` (the rule of the inventory page's age pyramid), for an
  organisation with at least one dated device;
- the roadmap's completion: the share of its items (not abandoned, not in the bin) that are
  done, in percent, for an organisation with at least one item.

Reading another organisation's figures for an aggregate goes through
``visibility.aggregate_access``; nothing read here leaves this module but quartiles. Every
figure of every organisation is read in bulk, a few queries in all (each app's selector takes
the accesses of all the participants), so the benchmarks cost the same with 10 organisations or
1,000.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from capnr.coalition import peer_selectors
from capnr.diagnostics import selectors as diagnostic_selectors
from capnr.diagnostics.referential import theme_title, themes
from capnr.inventory import selectors as inventory_selectors
from capnr.organisations.models import Organisation
from capnr.organisations.tenancy import peers as visibility
from capnr.roadmap import selectors as roadmap_selectors

from . import benchmarks
from .models import BenchmarkOptOut

INSTANCE = "instance"
GLOBAL_SCORE = "score"
FOOTPRINT = "footprint_per_employee"
COMPLETION = "roadmap_completion"
PAST_LIFETIME = "share_past_lifetime"


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
        Metric(PAST_LIFETIME, _("Equipment past its lifetime"), "%"),
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
    return figures_for([organisation]).get(organisation.pk, {})


def figures_for(organisations: list[Organisation]) -> dict[int, dict[str, float]]:
    """Every organisation's own figures, by id, read in bulk: the number of queries does not
    grow with the number of organisations (``tests``: ``django_assert_max_num_queries``)."""
    accesses = [visibility.aggregate_access(organisation) for organisation in organisations]
    found: dict[int, dict[str, float]] = {organisation.pk: {} for organisation in organisations}
    for pk, result in diagnostic_selectors.latest_submitted_results(accesses=accesses).items():
        if result.overall.percent is not None:
            found[pk][GLOBAL_SCORE] = float(result.overall.percent)
        for theme_id, score in result.themes.items():
            if score.percent is not None:
                found[pk][f"theme:{theme_id}"] = float(score.percent)
    per_employee = inventory_selectors.latest_footprint_per_employee(accesses=accesses)
    for pk, value in per_employee.items():
        found[pk][FOOTPRINT] = float(value)
    for pk, fleet in inventory_selectors.dated_fleets(accesses=accesses).items():
        found[pk][PAST_LIFETIME] = 100.0 * fleet.past_lifetime / fleet.dated
    for pk, statuses in roadmap_selectors.status_counts(accesses=accesses).items():
        counted = sum(count for status, count in statuses.items() if status != "abandoned")
        if counted:
            found[pk][COMPLETION] = 100.0 * statuses.get("done", 0) / counted
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
        figures=figures_for(organisations),
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
